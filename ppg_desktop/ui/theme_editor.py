"""The form for one theme: name, description, CQC key question, keywords, and "Try it".

Each keyword is checked as it is typed (`keyword_problem`) and the problem is written beside it,
so a mistake is never a keyword that silently matches nothing. "Try it" suggests themes for a
sample comment with the keywords as they stand in the form, saved or not: the other themes come
from the database, this one from the form. Edits are only stored by Save; the screen asks before
anything typed would be lost.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.models import CQC_LABELS, Evidence, Theme
from ppg_desktop.core.tagging import Taxonomy, ThemeMatch, keyword_problem
from ppg_desktop.core.tagging_rules import CompiledTheme, compile_theme
from ppg_desktop.core.theme_store import ThemeStore, slugify
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.forms import (
    add_field_row,
    clear_errors,
    scrolling,
    show_not_saved,
    wrap_rows_when_narrow,
)
from ppg_desktop.ui.style import HIGHLIGHT_BG
from ppg_desktop.ui.widgets import error_label, heading, show_error

EDITING_SLUG = "__theme_being_edited__"  # marks the form's theme among "Try it" matches
TRY_DELAY_MS = 250
KEYWORD_COLUMN, CHECK_COLUMN = 0, 1
FINE = "✓ Fine"

KEYWORD_HELP = (
    "<b>How keywords work</b> (one keyword or phrase per row):<br>"
    "• Plain words also find their other forms: <i>cancel</i> finds cancelled, cancels, "
    "cancelling. Capitals and American spellings do not matter.<br>"
    "• Several words must appear together, in that order: <i>on hold</i>.<br>"
    '• Put "quotes" round a word or phrase to find exactly that and nothing else: '
    '<i>"nurse"</i>.<br>'
    "• A * at the end finds any word that starts that way: <i>referr*</i> finds referral "
    "and referred.<br>"
    "• A ~ between two parts means near each other (within 4 words): <i>held ~ line</i>.<br>"
    "• A # stands for any number: <i>number # in the queue</i>.<br>"
    "• A - at the start excludes: <i>-phone number</i> stops “phone number” counting."
)


def highlighted_html(text: str, spans: Sequence[Evidence]) -> str:
    """The sample comment with the matched words bold, underlined and highlighted."""
    parts: list[str] = []
    position = 0
    for span in sorted(spans, key=lambda e: e.start):
        if span.start < position:
            continue
        parts.append(html.escape(text[position : span.start]))
        parts.append(
            f'<span style="background-color:{HIGHLIGHT_BG}; color:#000000"><b><u>'
            f"{html.escape(text[span.start : span.end])}</u></b></span>"
        )
        position = span.end
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


def _quoted(evidence: Sequence[Evidence]) -> str:
    return ", ".join(f"“{e.text}”" for e in evidence) or "its rules"


class KeywordList(QWidget):
    """An editable list of keywords, each with a plain-English check written beside it."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.table = QTableWidget(0, 2)
        self.table.setAccessibleName("Keywords")
        self.table.setHorizontalHeaderLabels(["Keyword", "Check"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move inside it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(KEYWORD_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CHECK_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(self.fontMetrics().lineSpacing() * 10)
        self.table.itemChanged.connect(self._item_changed)

        self.new_keyword = QLineEdit()
        self.new_keyword.setAccessibleName("New keyword")
        self.new_keyword.setPlaceholderText("New keyword")
        self.new_keyword.setToolTip("Type a keyword, then press Enter or Add keyword")
        self.new_keyword.textChanged.connect(self._check_new)
        self.new_keyword.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton("Add &keyword")
        self.add_button.setAccessibleName("Add the keyword typed")
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button = QPushButton("Remove se&lected")
        self.remove_button.setAccessibleName("Remove the selected keywords")
        self.remove_button.clicked.connect(self.remove_selected)
        self.new_problem = error_label("New keyword")
        delete_key = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table)
        delete_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.activated.connect(self.remove_selected)

        add_row = QHBoxLayout()
        add_row.addWidget(self.new_keyword, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.new_problem)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        layout.addLayout(remove_row)

    def keywords(self) -> list[str]:
        """The keywords as typed (blank rows left out)."""
        rows = (self.table.item(row, KEYWORD_COLUMN) for row in range(self.table.rowCount()))
        return [item.text().strip() for item in rows if item and item.text().strip()]

    def set_keywords(self, keywords: Sequence[str]) -> None:
        """Show a theme's keywords (does not count as an edit)."""
        self._loading = True
        self.table.setRowCount(0)
        for keyword in keywords:
            self._append(keyword)
        self._loading = False
        self.table.resizeRowsToContents()

    def problems(self) -> list[tuple[str, str]]:
        """(keyword, what is wrong) for every keyword that cannot work."""
        found = []
        for keyword in self.keywords():
            problem = keyword_problem(keyword)
            if problem:
                found.append((keyword, problem))
        return found

    def problem_at(self, row: int) -> str:
        """The check written beside a row ('✓ Fine' or '⚠ …')."""
        item = self.table.item(row, CHECK_COLUMN)
        return item.text() if item else ""

    def add_typed(self) -> bool:
        """Add the keyword typed below the list. True when added."""
        text = " ".join(self.new_keyword.text().split())
        if not text:
            show_error(self.new_problem, "Type a keyword first.")
            return False
        if text.casefold() in (k.casefold() for k in self.keywords()):
            show_error(self.new_problem, f"“{text}” is already in the list.")
            return False
        self._append(text)
        self.table.resizeRowsToContents()
        self.table.scrollToBottom()
        self.new_keyword.clear()
        show_error(self.new_problem, "")
        self.changed.emit()
        return True

    def remove_selected(self) -> int:
        """Remove the selected keywords; returns how many."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.changed.emit()
        return len(rows)

    def _append(self, keyword: str) -> None:
        was_loading, self._loading = self._loading, True
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, KEYWORD_COLUMN, QTableWidgetItem(keyword))
        check = QTableWidgetItem()
        check.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.table.setItem(row, CHECK_COLUMN, check)
        self._check_row(row)
        self._loading = was_loading

    def _check_row(self, row: int) -> None:
        keyword_item = self.table.item(row, KEYWORD_COLUMN)
        check = self.table.item(row, CHECK_COLUMN)
        if keyword_item is None or check is None:
            return
        problem = keyword_problem(keyword_item.text())
        words = f"⚠ {problem}" if problem else FINE
        check.setText(words)
        check.setToolTip(words)
        keyword_item.setToolTip(words)
        keyword_item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, words)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() != KEYWORD_COLUMN:
            return
        self._loading = True
        self._check_row(item.row())
        self._loading = False
        self.table.resizeRowToContents(item.row())
        self.changed.emit()

    def _check_new(self, text: str) -> None:
        problem = keyword_problem(text) if text.strip() else None
        show_error(self.new_problem, problem or "")


class ThemeEditor(QWidget):
    """Edit one theme (or a new one). `saved(id)` follows a successful save."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.theme: Theme | None = None
        self.is_new = False
        self._loading = False
        self._dirty = False
        self._others: list[CompiledTheme] = []
        self.last_matches: list[ThemeMatch] = []

        self.heading = heading("Choose a theme in the list, or press New theme.")
        self.name = QLineEdit()
        self.name.setAccessibleName("Theme name")
        self.name.setPlaceholderText("e.g. Phone access")
        self.description = QPlainTextEdit()
        self.description.setAccessibleName("Description")
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("What comments about this theme are about")
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self.cqc = QComboBox()
        self.cqc.setAccessibleName("CQC key question")
        self.cqc.addItem("(choose one)", "")
        for key, label in CQC_LABELS.items():
            self.cqc.addItem(label, key)
        self.keywords = KeywordList()
        self.rules_note = QLabel()
        self.rules_note.setWordWrap(True)
        self.rules_note.setProperty("role", "muted")
        self.help = QLabel(KEYWORD_HELP)
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setAccessibleName("How keywords work")
        self.errors = {
            field: error_label(field)
            for field in ("Theme name", "Description", "CQC key question", "Keywords")
        }

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for label, widget in (
            ("Na&me", self.name),
            ("Descr&iption", self.description),
            ("C&QC key question", self.cqc),
            ("Key&words", self.keywords),
        ):
            field_name = {"Na&me": "Theme name", "Key&words": "Keywords"}.get(
                label, label.replace("&", "")
            )
            buddy = widget.table if widget is self.keywords else widget
            add_field_row(form, label, buddy, self.errors[field_name], widget)
        form.addRow("", self.rules_note)
        self.form = form

        self.save_button = QPushButton("&Save changes")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setAccessibleName("Save changes to this theme")
        self.save_button.clicked.connect(self.save)
        self.merge_button = QPushButton("Merge in&to…")
        self.merge_button.setAccessibleName("Merge this theme into another theme")
        self.archive_button = QPushButton("Archi&ve")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setAccessibleName("Save state")

        self.sample = QPlainTextEdit()
        self.sample.setAccessibleName("Sample comment to try")
        self.sample.setTabChangesFocus(True)
        self.sample.setPlaceholderText(
            "Type or paste a comment, e.g. “I was on hold for 50 minutes”"
        )
        self.sample.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 16)
        self.try_result = QTextBrowser()
        self.try_result.setAccessibleName("Try it result")
        self.try_result.setOpenLinks(False)
        self.try_result.setTabChangesFocus(True)
        self.try_result.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        self.try_html = ""
        # The screen places this box (beside the list, where it stays in view while editing).
        self.try_box = try_box = QGroupBox("Try it")
        try_layout = QVBoxLayout(try_box)
        try_caption = QLabel("Sample c&omment (keywords count as typed, before you save):")
        try_caption.setWordWrap(True)
        try_caption.setBuddy(self.sample)
        try_layout.addWidget(try_caption)
        try_layout.addWidget(self.sample)
        try_layout.addWidget(self.try_result, 1)
        self._try_timer = QTimer(self)
        self._try_timer.setSingleShot(True)
        self._try_timer.setInterval(TRY_DELAY_MS)
        self._try_timer.timeout.connect(self.try_sample)

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.heading)
        inner_layout.addLayout(form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        inner_layout.addWidget(self.help)
        inner_layout.addStretch(1)
        outer = scrolling(self, inner)
        # Save, Merge and Archive stay in view below the scrolling form, whatever the text size.
        outer.addWidget(self.state_label)
        outer.addLayout(buttons)

        self.name.textChanged.connect(self._changed)
        self.description.textChanged.connect(self._changed)
        self.cqc.currentIndexChanged.connect(self._changed)
        self.keywords.changed.connect(self._changed)
        self.sample.textChanged.connect(self._try_timer.start)
        self.show_theme(None)

    # --- showing ---------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        """Narrow panel (large text): labels go above their boxes, so the boxes are full width.

        Beside 'CQC key question' at 150% text the keyword box read 'New key…'.
        """
        super().resizeEvent(event)
        wrap_rows_when_narrow(self, [self.form])

    def show_theme(self, theme_id: int | None) -> None:
        """Load one theme into the form (None empties it)."""
        self._loading = True
        self.is_new = False
        self.theme = None
        if theme_id is not None:
            try:
                self.theme = ThemeStore(self.ctx.db).get(theme_id)
            except NotFoundError:
                self.theme = None
        theme = self.theme
        clear_errors(self.errors)
        self.name.setText(theme.name if theme else "")
        self.name.setCursorPosition(0)
        self.description.setPlainText(theme.description if theme else "")
        self.cqc.setCurrentIndex(max(self.cqc.findData(theme.cqc_key_question if theme else ""), 0))
        self.keywords.set_keywords(theme.keywords if theme else [])
        self.keywords.new_keyword.clear()
        self.rules_note.setText(self._rules_words(theme))
        self.rules_note.setVisible(bool(self.rules_note.text()))
        self.state_label.clear()
        if theme is None:
            self.heading.setText("Choose a theme in the list, or press New theme.")
        else:
            self.heading.setText(f"{theme.name}{self._archived_words(theme)}")
        self.archive_button.setText("Unarchi&ve" if theme and theme.archived else "Archi&ve")
        self.archive_button.setAccessibleName(
            "Bring this theme back into use" if theme and theme.archived else "Archive this theme"
        )
        self._set_enabled(theme is not None)
        self.refresh_taxonomy()
        self._loading = False
        self._dirty = False

    def start_new(self) -> None:
        """An empty form for a new theme (stored with Save)."""
        self.show_theme(None)
        self.is_new = True
        self.heading.setText("New theme")
        self._set_enabled(True)
        self.merge_button.setEnabled(False)
        self.archive_button.setEnabled(False)
        self.name.setFocus()

    def _archived_words(self, theme: Theme) -> str:
        """' (archived)' or ' (archived: merged into Phone access)' for the heading."""
        if theme.merged_into_id is not None:
            try:
                target = ThemeStore(self.ctx.db).get(theme.merged_into_id).name
            except NotFoundError:
                target = "another theme"
            return f" (archived: merged into {target})"
        return " (archived)" if theme.archived else ""

    @staticmethod
    def _rules_words(theme: Theme | None) -> str:
        """A note on the built-in rules a shipped theme has besides its keywords."""
        if theme is None or not theme.rules:
            return ""
        count = sum(len(v) for v in theme.rules.values() if isinstance(v, list))
        if not count:
            return ""
        return (
            f"This theme also has {count} built-in rules that came with the app (extra-strong "
            "and weak words, exclusions). They count in “Try it”. A newer version of the app "
            "may improve them; if you have changed this theme's keywords, it asks you first."
        )

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.name, self.description, self.cqc, self.keywords, self.save_button):
            widget.setEnabled(enabled)
        # An archived theme is brought back first; a merged one has nothing left to merge.
        self.merge_button.setEnabled(enabled and self.theme is not None and not self.theme.archived)
        self.archive_button.setEnabled(enabled and self.theme is not None)

    def _changed(self, *_: object) -> None:
        if self._loading or (self.theme is None and not self.is_new):
            return
        self._dirty = True
        self.state_label.setText("Not saved yet.")
        self._try_timer.start()

    # --- try it ----------------------------------------------------------------------------------
    def refresh_taxonomy(self) -> None:
        """Compile the other live themes from the database (after any theme is saved)."""
        self._others = [
            compile_theme(
                t.slug,
                t.name,
                t.keywords,
                t.rules,
                theme_id=t.id,
                cqc_key_question=t.cqc_key_question,
            )
            for t in ThemeStore(self.ctx.db).list()
            if self.theme is None or t.id != self.theme.id
        ]
        self.try_sample()

    def edited_theme(self) -> CompiledTheme | None:
        """The theme as it stands in the form (keywords that cannot work are left out)."""
        if self.theme is None and not self.is_new:
            return None
        usable = [k for k in self.keywords.keywords() if keyword_problem(k) is None]
        return compile_theme(
            EDITING_SLUG,
            " ".join(self.name.text().split()) or "This theme",
            usable,
            self.theme.rules if self.theme else {},
            theme_id=self.theme.id if self.theme else None,
            cqc_key_question=str(self.cqc.currentData() or ""),
        )

    def try_sample(self) -> list[ThemeMatch]:
        """Suggest themes for the sample comment; show whether this theme is among them."""
        self._try_timer.stop()
        text = self.sample.toPlainText()
        edited = self.edited_theme()
        if not text.strip():
            self.last_matches = []
            self._show_try("Type a comment above to see which themes it would be given.")
            return []
        themes = self._others + ([edited] if edited is not None else [])
        matches = Taxonomy(themes).suggest(text)
        self.last_matches = matches
        this = next((m for m in matches if m.slug == EDITING_SLUG), None)
        others = [m for m in matches if m.slug != EDITING_SLUG]
        name = html.escape(edited.name if edited else "")
        lines: list[str] = []
        if edited is None:
            lines.append("Choose a theme to see whether it would be suggested.")
        elif this is not None:
            lines.append(
                f"<b>✓ Yes: “{name}” would be suggested.</b> "
                f"Words found: {html.escape(_quoted(this.evidence))}, highlighted here:"
            )
            lines.append(highlighted_html(text, this.evidence))
        else:
            lines.append(f"<b>✗ No: “{name}” would not be suggested</b> for this comment.")
        if others:
            found = "; ".join(
                f"{html.escape(m.name)} ({html.escape(_quoted(m.evidence))})" for m in others
            )
            lines.append(f"Other themes suggested: {found}.")
        else:
            lines.append("No other themes would be suggested.")
        self._show_try("<br><br>".join(lines))
        return matches

    def _show_try(self, html_text: str) -> None:
        self.try_html = html_text
        self.try_result.setHtml(html_text)

    # --- saving ----------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self._dirty and (self.theme is not None or self.is_new)

    def discard_edits(self) -> None:
        """The person chose to throw their edits away: reload the saved theme."""
        self.show_theme(self.theme.id if self.theme else None)

    def show_validation(self, exc: ValidationError) -> None:
        """Show a store's problem next to the field it names."""
        field = "Theme name" if exc.field == "Theme key" else exc.field
        show_not_saved(self.errors, self.state_label, exc, field)

    def _free_slug(self, store: ThemeStore, name: str) -> str:
        """A key for a new theme that no theme (archived ones included) has yet."""
        base = slugify(name)[:46]
        slug, number = base, 2
        while True:
            try:
                store.get_by_slug(slug)
            except NotFoundError:
                return slug
            slug, number = f"{base}_{number}", number + 1

    def save(self) -> bool:
        """Store the form (create or update). True when stored."""
        if self.theme is None and not self.is_new:
            return False
        clear_errors(self.errors)
        problems = self.keywords.problems()
        if problems:
            keyword, problem = problems[0]
            more = f" ({len(problems)} keywords need fixing.)" if len(problems) > 1 else ""
            self.show_validation(
                ValidationError("Keywords", f"Fix the keyword “{keyword}”: {problem}{more}")
            )
            return False
        store = ThemeStore(self.ctx.db, self.ctx.actor)
        name = " ".join(self.name.text().split())
        description = self.description.toPlainText().strip()
        keywords = self.keywords.keywords()
        cqc = str(self.cqc.currentData() or "")
        renamed = self.theme is not None and name != self.theme.name
        try:
            if self.is_new:
                slug = self._free_slug(store, name) if name else None
                theme = store.create(
                    name, cqc, slug=slug, description=description, keywords=keywords
                )
            else:
                assert self.theme is not None
                theme = store.update(
                    self.theme.id,
                    name=name,
                    description=description,
                    cqc_key_question=cqc,
                    keywords=keywords,
                )
        except ValidationError as exc:
            self.show_validation(exc)
            return False
        self._dirty = False
        self.show_theme(theme.id)
        self.state_label.setText(
            "Saved. Renamed: every feedback item it was on keeps it." if renamed else "Saved."
        )
        self.ctx.notify("themes")
        self.saved.emit(theme.id)
        return True
