"""The Themes screen (chair only): the taxonomy the app tags feedback with.

A list of themes (with how many feedback items each is on) beside the form for the chosen one.
The chair adds, renames, edits keywords, merges and archives themes, tries keywords on a sample
comment, and re-tags all feedback in the background afterwards. Re-tagging only replaces
automatic suggestions: a theme a person accepted or rejected stays exactly as they left it.

When this version of the app ships newer keywords for a built-in theme the chair changed, a
notice above the list says so, and for the chosen theme offers to use them or keep the chair's.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.builtin_theme_store import BuiltinThemeStore
from ppg_desktop.core.builtin_themes import NewerKeywords
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.models import Theme
from ppg_desktop.core.retag import RetagResult, retag_all
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.master_detail import keep_or_drop_edits, select_row
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.models.themes_table import (
    COUNT_COLUMN,
    CQC_COLUMN,
    NAME_COLUMN,
    STATUS_COLUMN,
    ThemesTableModel,
)
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.style import set_role
from ppg_desktop.ui.theme_editor import ThemeEditor
from ppg_desktop.ui.widgets import heading
from ppg_desktop.ui.wording import counted


def _items(count: int) -> str:
    return f"{count:,} feedback item{'s' if count != 1 else ''}"


def count_changes(before: dict[int, int], after: dict[int, int], names: dict[int, str]) -> str:
    """In words, how the number of items on each theme moved during a re-tag."""
    moved = []
    for theme_id in sorted(set(before) | set(after), key=lambda i: names.get(i, "")):
        old, new = before.get(theme_id, 0), after.get(theme_id, 0)
        if old != new:
            moved.append(f"{names.get(theme_id, 'a removed theme')} {old:,} → {new:,}")
    if not moved:
        return "No theme gained or lost any items."
    shown = "; ".join(moved[:8])
    more = f"; and {len(moved) - 8} more" if len(moved) > 8 else ""
    return f"Items per theme changed for {counted(len(moved), 'theme')}: {shown}{more}."


def _some(words: list[str], shown: int = 4) -> str:
    """'“a”, “b” and 3 more': the first few keywords, quoted."""
    quoted = ", ".join(f"“{w}”" for w in words[:shown])
    return quoted + (f" and {len(words) - shown:,} more" if len(words) > shown else "")


def newer_words(offer: NewerKeywords) -> str:
    """In words, for the chair: why the app left this theme alone, and what taking its keywords
    would change."""
    if offer.surely_edited:
        why = f"You changed the keywords of “{offer.name}”"
    else:
        why = f"The keywords of “{offer.name}” differ from the ones the app came with"
    why += ", so the app did not replace them with the newer ones it now suggests."
    changes = []
    if offer.added:
        changes.append(f"add {counted(len(offer.added), 'keyword')} ({_some(offer.added)})")
    if offer.removed:
        changes.append(f"remove {len(offer.removed):,} it has now ({_some(offer.removed)})")
    if changes:
        why += " Using them would " + " and ".join(changes) + "."
    if offer.rules_changed:
        why += " Its built-in rules are newer too."
    return why


class MergeDialog(QDialog):
    """Choose the theme to merge into (the themes still in use, other than this one)."""

    def __init__(self, source: Theme, targets: list[Theme], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Merge “{source.name}” into…")
        self.target = QComboBox()
        self.target.setAccessibleName("Theme to merge into")
        for theme in targets:
            self.target.addItem(theme.name, theme.id)
        caption = QLabel(f"Move everything tagged “{source.name}” &into:")
        caption.setWordWrap(True)
        caption.setBuddy(self.target)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Continue…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(caption)
        layout.addWidget(self.target)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 50)

    def chosen(self) -> int | None:
        data = self.target.currentData()
        return int(data) if data is not None else None


class ThemesScreen(QWidget):
    """List + form of themes, with New, Merge, Archive and Re-tag all feedback."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = ThemesTableModel()
        self.retag_job: Job | None = None
        self.last_retag: RetagResult | None = None
        self._showing_id: int | None = None
        self._reloading = False  # a list refresh is not the chair choosing another theme
        self._newer: dict[int, NewerKeywords] = {}

        self.show_archived = QCheckBox("Show &archived")
        self.show_archived.setAccessibleName("Show archived themes")
        self.show_archived.toggled.connect(lambda _on: self.reload())
        self.new_button = QPushButton("&New theme")
        self.new_button.clicked.connect(self.new_theme)
        self.retag_button = QPushButton("&Re-tag all feedback…")
        self.retag_button.setToolTip(
            "Suggest themes afresh for every feedback item with the themes as saved now. "
            "Themes people accepted or rejected are never changed."
        )
        self.retag_button.clicked.connect(self.confirm_retag)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Themes screen messages")
        self.newer_bar = QFrame()
        set_role(self.newer_bar, "undo-bar")  # the calm yellow bar the app uses for notices
        self.newer_bar.setAccessibleName("Newer suggested keywords")
        self.newer_label = QLabel()
        self.newer_label.setWordWrap(True)
        self.newer_label.setAccessibleName("Newer suggested keywords")
        self.use_newer_button = QPushButton("&Use the new suggested keywords…")
        self.use_newer_button.setToolTip(
            "Replace this theme's keywords and rules with the ones this version of the app "
            "suggests. The audit log keeps the old ones."
        )
        self.use_newer_button.clicked.connect(self.use_newer_keywords)
        self.keep_own_button = QPushButton("Kee&p my keywords")
        self.keep_own_button.setToolTip(
            "Stop suggesting the app's keywords for this theme until a later version brings "
            "newer ones."
        )
        self.keep_own_button.clicked.connect(self.keep_own_keywords)
        newer_column = QVBoxLayout(self.newer_bar)
        newer_column.setContentsMargins(8, 4, 8, 6)
        newer_column.addWidget(self.newer_label)
        newer_buttons = QHBoxLayout()
        newer_buttons.addWidget(self.use_newer_button)
        newer_buttons.addWidget(self.keep_own_button)
        newer_buttons.addStretch(1)
        newer_column.addLayout(newer_buttons)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Themes")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in (CQC_COLUMN, COUNT_COLUMN, STATUS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        header.setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.editor = ThemeEditor(ctx)
        self.editor.saved.connect(self._after_save)
        self.editor.merge_button.clicked.connect(self.choose_merge_target)
        self.editor.archive_button.clicked.connect(self.toggle_archive)

        top = QHBoxLayout()
        top.addWidget(heading("Themes", "title"), 1)
        top.addWidget(self.show_archived)
        top.addWidget(self.new_button)
        top.addWidget(self.retag_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.summary)
        list_and_try = QSplitter(Qt.Orientation.Vertical)
        list_and_try.setChildrenCollapsible(False)
        list_and_try.addWidget(self.table)
        list_and_try.addWidget(self.editor.try_box)
        list_and_try.setStretchFactor(0, 3)
        list_and_try.setStretchFactor(1, 2)
        line = self.fontMetrics().lineSpacing()
        list_and_try.setSizes([line * 20, line * 14])  # the whole list at normal text size
        left_layout.addWidget(list_and_try, 1)
        left_layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        # Half each: with 2:3 the theme names were cut to 'Communicati…' at 150% text.
        splitter.setSizes([580, 580])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.newer_bar)
        layout.addWidget(splitter, 1)

        ctx.data_changed.connect(self._on_data_changed)
        self.reload()

    # --- list ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fetch the themes and their counts, keeping the chosen theme if still shown."""
        store = ThemeStore(self.ctx.db)
        everything = store.list(include_archived=True)
        shown = (
            everything
            if self.show_archived.isChecked()
            else [t for t in everything if not t.archived]
        )
        keep = self._showing_id
        self._reloading = True
        try:
            self.model.set_themes(shown, store.usage_counts(), {t.id: t.name for t in everything})
        finally:
            self._reloading = False
        self.table.resizeRowsToContents()
        archived = sum(1 for t in everything if t.archived)
        self.summary.setText(
            f"{len(everything) - archived} themes in use, {archived} archived. "
            "Item counts include suggestions not yet accepted."
        )
        if (
            keep is not None
            and not self.select_theme(keep)
            and not self.editor.has_unsaved_changes()
        ):
            self._showing_id = None
            self.editor.show_theme(None)
        self._newer = {o.theme_id: o for o in BuiltinThemeStore(self.ctx.db).newer_keywords()}
        self._word_newer()

    def select_theme(self, theme_id: int) -> bool:
        """Make this theme the current row (if it is in the list). True when found."""
        row = self.model.row_of(theme_id)
        if row < 0:
            return False
        select_row(self.table, row)
        return True

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._reloading:
            return
        theme = self.model.record(current.row())
        new_id = theme.id if theme else None
        if new_id == self._showing_id and not self.editor.is_new:
            return
        if not self._keep_or_drop_edits():
            # Saving failed: stay on the theme being edited so its problem stays in view.
            self.table.selectionModel().blockSignals(True)
            row = self.model.row_of(self._showing_id) if self._showing_id is not None else -1
            if row >= 0:
                select_row(self.table, row)
            else:
                self.table.clearSelection()
            self.table.selectionModel().blockSignals(False)
            return
        self._showing_id = new_id
        self.editor.show_theme(new_id)
        self._word_newer()

    def _keep_or_drop_edits(self) -> bool:
        """Before the form shows something else: offer to save edits. False if saving failed."""
        return keep_or_drop_edits(
            self, self.editor, "theme", ask_yes_no, on_drop=self.editor.discard_edits
        )

    def _on_data_changed(self, topic: str) -> None:
        if topic in ("themes", "feedback") and not self.editor.has_unsaved_changes():
            self.reload()
            if topic == "themes":
                self.editor.refresh_taxonomy()

    def _after_save(self, theme_id: int) -> None:
        self._showing_id = theme_id
        self.reload()

    # --- commands --------------------------------------------------------------------------------
    def new_theme(self) -> None:
        """Start a new theme in the form."""
        if not self._keep_or_drop_edits():
            return
        self.table.clearSelection()
        self._showing_id = None
        self.editor.start_new()
        self._word_newer()

    def save(self) -> None:
        """Ctrl+S from the main window."""
        self.editor.save()

    def on_shown(self) -> None:
        if not self.editor.has_unsaved_changes():
            self.reload()

    def confirm_leave(self) -> bool:
        """Before the app closes: offer to save an edited theme."""
        return self._keep_or_drop_edits()

    def choose_merge_target(self) -> None:
        """Ask which theme to merge the chosen one into, then confirm and merge."""
        source = self.editor.theme
        if source is None or not self._keep_or_drop_edits():
            return
        targets = [t for t in ThemeStore(self.ctx.db).list() if t.id != source.id]
        if not targets:
            show_problem(self, "Nothing to merge into", "There is no other theme in use.")
            return
        dialog = MergeDialog(source, targets, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen() is not None:
            self.merge_current_into(int(dialog.chosen() or 0))

    def merge_current_into(self, target_id: int) -> int | None:
        """Merge the chosen theme into another after saying how many items move."""
        source = self.editor.theme
        if source is None:
            return None
        store = ThemeStore(self.ctx.db, self.ctx.actor)
        target = store.get(target_id)
        count = store.usage_counts().get(source.id, 0)
        if not ask_yes_no(
            self,
            "Merge these themes?",
            f"{_items(count)} tagged “{source.name}” will be tagged “{target.name}” instead. "
            f"The keywords of “{source.name}” are added to “{target.name}”, and "
            f"“{source.name}” is archived. Merge them?",
            yes="Merge them",
            no="Cancel",
        ):
            return None
        try:
            moved = store.merge(source.id, target.id)
        except ValidationError as exc:
            self.editor.show_validation(exc)
            return None
        self._showing_id = target.id
        self.editor.show_theme(target.id)
        self.ctx.notify("themes")
        self.reload()
        self.message.setText(f"Merged “{source.name}” into “{target.name}”: {moved:,} links moved.")
        return moved

    def toggle_archive(self) -> bool:
        """Archive the chosen theme (or bring an archived one back). True when changed."""
        theme = self.editor.theme
        if theme is None or not self._keep_or_drop_edits():
            return False
        store = ThemeStore(self.ctx.db, self.ctx.actor)
        if not theme.archived:
            count = store.usage_counts().get(theme.id, 0)
            if not ask_yes_no(
                self,
                "Archive this theme?",
                f"Archive “{theme.name}”? It will no longer be suggested or offered. The "
                f"{_items(count)} already tagged with it keep it, and you can bring it back "
                "with Show archived.",
                yes="Archive it",
                no="Keep it",
            ):
                return False
        try:
            store.archive(theme.id, not theme.archived)
        except ValidationError as exc:
            self.editor.show_validation(exc)
            return False
        self.message.setText(
            f"“{theme.name}” archived."
            if not theme.archived
            else f"“{theme.name}” is in use again."
        )
        self.editor.show_theme(theme.id)
        self.ctx.notify("themes")
        self.reload()
        return True

    # --- newer suggested keywords for built-in themes --------------------------------------------
    def _shown_offer(self) -> NewerKeywords | None:
        """The newer suggested keywords for the theme in the form, if it has any."""
        return self._newer.get(self._showing_id) if self._showing_id is not None else None

    def _word_newer(self) -> None:
        """Show the notice while any theme has newer suggested keywords; offer them for this one."""
        offer = self._shown_offer()
        self.newer_bar.setVisible(bool(self._newer))
        self.use_newer_button.setVisible(offer is not None)
        self.keep_own_button.setVisible(offer is not None)
        if offer is not None:
            self.newer_label.setText(newer_words(offer))
        elif self._newer:
            names = ", ".join(f"“{o.name}”" for o in self._newer.values())
            self.newer_label.setText(
                f"This version of the app suggests newer keywords for "
                f"{counted(len(self._newer), 'built-in theme')} whose keywords were changed "
                f"here: {names}. Choose one in the list to see what would change."
            )

    def use_newer_keywords(self) -> bool:
        """After asking, give the chosen theme the app's newer keywords and rules."""
        offer = self._shown_offer()
        if offer is None or not self._keep_or_drop_edits():
            return False
        lose = (
            f" Its own keywords not in the app's list ({_some(offer.removed)}) are removed; "
            "the audit log keeps them."
            if offer.removed
            else ""
        )
        if not ask_yes_no(
            self,
            "Use the new suggested keywords?",
            f"Give “{offer.name}” the keywords and rules this version of the app suggests?{lose} "
            "From then on it follows the app's suggestions until you change it again.",
            yes="Use the new keywords",
            no="Cancel",
        ):
            return False
        try:
            BuiltinThemeStore(self.ctx.db, self.ctx.actor).use_shipped_keywords(offer.theme_id)
        except ValidationError as exc:
            show_problem(self, "The keywords were not changed", exc.message)
            return False
        self.editor.show_theme(offer.theme_id)
        self.ctx.notify("themes")
        self.reload()
        self.message.setText(
            f"“{offer.name}” now has the app's suggested keywords. Re-tag all feedback to "
            "suggest it afresh on items already in the database."
        )
        return True

    def keep_own_keywords(self) -> bool:
        """After asking, keep the chosen theme's keywords and stop offering the app's."""
        offer = self._shown_offer()
        if offer is None or not self._keep_or_drop_edits():
            return False
        if not ask_yes_no(
            self,
            "Keep your keywords?",
            f"Keep the keywords of “{offer.name}” as they are? The app will not suggest its "
            "own for this theme again until a later version brings newer ones.",
            yes="Keep my keywords",
            no="Cancel",
        ):
            return False
        try:
            BuiltinThemeStore(self.ctx.db, self.ctx.actor).keep_own_keywords(offer.theme_id)
        except ValidationError as exc:
            show_problem(self, "Nothing was changed", exc.message)
            return False
        self.ctx.notify("themes")
        self.reload()
        self.message.setText(f"“{offer.name}” keeps your keywords.")
        return True

    # --- re-tag ----------------------------------------------------------------------------------
    def confirm_retag(self) -> Job | None:
        """Explain what re-tagging does, then run it."""
        if not self._keep_or_drop_edits():
            return None
        if not ask_yes_no(
            self,
            "Re-tag all feedback?",
            "Suggest themes afresh for every feedback item, using the themes and keywords as "
            "saved now. Themes that people accepted or rejected are left exactly as they are. "
            "This can take a minute on a large database, and you can stop it part-way.",
            yes="Re-tag all feedback",
            no="Cancel",
        ):
            return None
        return self.start_retag()

    def start_retag(self) -> Job:
        """Run `retag_all` in the background with progress and Cancel; report what changed."""
        actor = self.ctx.actor
        self.retag_button.setEnabled(False)
        self.message.setText("Re-tagging all feedback…")

        def work(db: sqlite_utils.Database, control: JobControl) -> tuple[Any, ...]:
            store = ThemeStore(db)
            before = store.usage_counts()

            def progress(done: int, total: int) -> None:
                control.report(done, total, f"Re-tagged {done:,} of {total:,} feedback items…")

            result = retag_all(db, progress, lambda: control.cancelled, actor=actor)
            return result, before, store.usage_counts()

        def done(outcome: Any) -> None:
            result, before, after = outcome
            self.retag_button.setEnabled(True)
            self.last_retag = result
            names = {t.id: t.name for t in ThemeStore(self.ctx.db).list(include_archived=True)}
            self.message.setText(
                f"Re-tagged {result.items:,} feedback items: {result.suggestions:,} automatic "
                f"suggestions now stored. {count_changes(before, after, names)} Themes people "
                "accepted or rejected were not changed."
            )
            self.ctx.notify("feedback")
            self.reload()

        def cancelled() -> None:
            self.retag_button.setEnabled(True)
            self.message.setText(
                "Re-tagging stopped. Items already done have their new suggestions; the rest "
                "are unchanged. Run it again to finish."
            )
            self.ctx.notify("feedback")
            self.reload()

        def failed(message: str) -> None:
            self.retag_button.setEnabled(True)
            self.message.setText(f"⚠ Re-tagging did not finish: {message}")
            show_problem(self, "Re-tagging did not finish", message)

        self.retag_job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=failed,
            on_cancel=cancelled,
            progress_parent=self,
            title="Re-tagging all feedback",
        )
        return self.retag_job
