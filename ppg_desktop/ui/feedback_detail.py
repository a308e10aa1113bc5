"""The detail panel of the Feedback screen: read one item, change its kind, status, text and
themes, then Save. Changes are held until Save so one click never edits by accident."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.errors import NotFoundError, ValidationError
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import (
    CHANNEL_LABELS,
    KIND_LABELS,
    SENTIMENT_LABELS,
    STATUS_LABELS,
    Feedback,
)
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.highlight import match_spans
from ppg_desktop.ui.style import HIGHLIGHT_BG
from ppg_desktop.ui.widgets import FlowLayout, error_label, heading, show_error

# How each theme on an item reads in the panel: plain words, with a sign so it is never colour.
STATE_WORDS = {
    "confirmed": "✓ {name} (confirmed)",
    "suggested": "{name} (suggested — not yet checked)",
    "rejected": "✗ {name} (rejected — not about this)",
}
# What the panel says under the themes for the chosen one, so the next step is plain.
STATE_HINTS = {
    "confirmed": "“{name}” is confirmed. Reject it if the comment is not about this.",
    "suggested": "The app suggested “{name}”. Is the comment about this? Confirm or reject it.",
    "rejected": "“{name}” is rejected. Confirm it if the comment is about this after all.",
}


class _CommentBox(QTextEdit):
    """A comment box that asks only for its minimum height (Qt's own wish, ~190px, would make
    the panel taller than a laptop screen and push the theme buttons out of sight); the layout
    still gives it any spare room."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class _ThemeList(QListWidget):
    """The themes list, asking only for its minimum height like _CommentBox."""

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class FeedbackDetail(QWidget):
    """Shows one item; `saved` is emitted with its id after a successful Save."""

    saved = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.item: Feedback | None = None
        self.query = ""
        self._theme_states: dict[int, str] = {}  # theme id -> state as edited (not yet saved)
        self._theme_names: dict[int, str] = {}
        self._loading = False
        self._dirty = False

        self.title = heading("Choose an item in the list to read it here.")
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setProperty("role", "muted")
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.status = QComboBox()
        self.status.setAccessibleName("Status")
        for key, label in STATUS_LABELS.items():
            self.status.addItem(label, key)
        self.text = _CommentBox()
        self.text.setAcceptRichText(False)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Comment")
        self.text_error = error_label("Comment")
        self.themes = _ThemeList()
        self.themes.setAccessibleName("Themes on this item")
        self.themes.setWordWrap(True)  # "(suggested — not yet checked)" is read, not cut off
        self.themes.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.themes.currentRowChanged.connect(self._explain_theme)
        self.theme_hint = QLabel()
        self.theme_hint.setWordWrap(True)
        self.theme_hint.setAccessibleName("About the chosen theme")
        self.confirm_button = QPushButton("✓ Confirm theme")
        self.reject_button = QPushButton("✗ Reject theme")
        self.confirm_button.setAccessibleName("Confirm the selected theme")
        self.reject_button.setAccessibleName("Reject the selected theme")
        self.confirm_button.clicked.connect(lambda: self._set_selected_theme("confirmed"))
        self.reject_button.clicked.connect(lambda: self._set_selected_theme("rejected"))
        self.add_theme = QLineEdit()
        self.add_theme.setPlaceholderText("Add a theme by name…")
        self.add_theme.setAccessibleName("Add a theme to this item")
        self.refresh_themes()
        self.add_theme.returnPressed.connect(self._add_typed_theme)
        self.theme_error = error_label("Themes")
        self.save_button = QPushButton("&Save changes")
        self.save_button.setAccessibleName("Save changes to this item")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("Kind", self.kind)
        form.addRow("Status", self.status)
        theme_buttons = QWidget()  # the buttons wrap under each other when the text is large
        theme_flow = FlowLayout(theme_buttons)
        theme_flow.addWidget(self.confirm_button)
        theme_flow.addWidget(self.reject_button)
        # The panel scrolls rather than squashing the comment when the text is large.
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 8, 8, 8)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addLayout(form)
        layout.addWidget(QLabel("Comment"))
        layout.addWidget(self.text, 2)
        layout.addWidget(self.text_error)
        layout.addWidget(QLabel("Themes"))
        layout.addWidget(self.themes, 1)
        layout.addWidget(self.theme_hint)
        layout.addWidget(theme_buttons)
        layout.addWidget(self.add_theme)
        layout.addWidget(self.theme_error)
        bottom = QHBoxLayout()  # outside the scrolling part: Save is always in view
        bottom.setContentsMargins(8, 4, 8, 4)
        bottom.addWidget(self.state_label, 1)
        bottom.addWidget(self.save_button)
        outer.addLayout(bottom)

        self.kind.currentIndexChanged.connect(self._changed)
        self.status.currentIndexChanged.connect(self._changed)
        self.text.textChanged.connect(self._changed)
        self._size_to_text()
        self.show_item(None)

    def refresh_themes(self) -> None:
        """The themes offered by name (again, after the chair edits the list)."""
        theme_list = ThemeStore(self.ctx.db).list()
        self._themes_by_name = {t.name.casefold(): t for t in theme_list}
        completer = QCompleter(sorted(t.name for t in theme_list), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_theme.setCompleter(completer)

    def _size_to_text(self) -> None:
        """Room for about five lines of comment and three themes, whatever the text size.

        They ask for no more than that (see _AskForMinimum); any spare height goes to them.
        """
        line = self.fontMetrics().lineSpacing()
        self.text.setMinimumHeight(5 * line + 12)
        self.themes.setMinimumHeight(3 * line + 12)
        self.themes.setMaximumHeight(10 * line)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_to_text()

    # --- showing ---------------------------------------------------------------------------------
    def show_item(self, feedback_id: int | None) -> None:
        """Load one item (None clears the panel)."""
        self._loading = True
        self.item = None
        if feedback_id is not None:
            try:
                self.item = FeedbackStore(self.ctx.db).get(feedback_id)
            except NotFoundError:
                self.item = None
        enabled = self.item is not None
        for widget in (
            self.kind,
            self.status,
            self.text,
            self.themes,
            self.confirm_button,
            self.reject_button,
            self.add_theme,
            self.save_button,
        ):
            widget.setEnabled(enabled)
        self._theme_states, self._theme_names = {}, {}
        show_error(self.text_error, "")
        show_error(self.theme_error, "")
        if self.item is None:
            self.title.setText("Choose an item in the list to read it here.")
            self.meta.setText("")
            self.text.clear()
            self.themes.clear()
            self._explain_theme()
        else:
            item = self.item
            self.title.setText(f"Feedback number {item.id}")
            contacts = ContactStore(self.ctx.db).list_for_feedback(item.id)
            reply = (
                " · The patient asked for a reply (contact details kept apart)" if contacts else ""
            )
            self.meta.setText(
                f"{uk_date(item.received_on)} · {item.practice_name} · "
                f"{CHANNEL_LABELS.get(item.channel, item.channel)} · "
                f"Sentiment: {SENTIMENT_LABELS.get(item.sentiment or '', 'not known')}{reply}"
            )  # the list may hide its sentiment column on a small screen; it is always here
            self.kind.setCurrentIndex(self.kind.findData(item.kind))
            self.status.setCurrentIndex(self.status.findData(item.status))
            self.text.setPlainText(item.text)
            for link in ThemeStore(self.ctx.db).links_for(item.id):
                self._theme_states[link.theme_id] = link.state
                self._theme_names[link.theme_id] = link.name
            self._fill_themes()
        self._loading = False
        self._dirty = False
        self.state_label.setText("")
        self.highlight(self.query)

    def highlight(self, query: str) -> None:
        """Mark the search words in the comment (yellow, bold and underlined)."""
        self.query = query
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(HIGHLIGHT_BG))
        fmt.setForeground(QColor("#000000"))
        fmt.setFontUnderline(True)
        selections = []
        for start, end in match_spans(self.text.toPlainText(), query):
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def _fill_themes(self) -> None:
        current = self.themes.currentRow()
        self.themes.clear()
        for theme_id, state in sorted(
            self._theme_states.items(), key=lambda pair: self._theme_names[pair[0]]
        ):
            entry = QListWidgetItem(STATE_WORDS[state].format(name=self._theme_names[theme_id]))
            entry.setData(Qt.ItemDataRole.UserRole, theme_id)
            self.themes.addItem(entry)
        if self.themes.count():
            self.themes.setCurrentRow(min(max(current, 0), self.themes.count() - 1))
        self._explain_theme()

    def _explain_theme(self, *_: object) -> None:
        """Say what the chosen theme's state means; offer only the button that changes it."""
        entry = self.themes.currentItem()
        if entry is None or self.item is None:
            self.theme_hint.setText("No themes yet: add one by name below." if self.item else "")
            self.confirm_button.setEnabled(False)
            self.reject_button.setEnabled(False)
            return
        theme_id = int(entry.data(Qt.ItemDataRole.UserRole))
        state = self._theme_states[theme_id]
        self.theme_hint.setText(STATE_HINTS[state].format(name=self._theme_names[theme_id]))
        self.confirm_button.setEnabled(state != "confirmed")
        self.reject_button.setEnabled(state != "rejected")

    # --- editing ---------------------------------------------------------------------------------
    def _changed(self, *_: object) -> None:
        if not self._loading and self.item is not None:
            self._dirty = True
            self.state_label.setText("Changed: not saved yet.")
            if self.sender() is self.text:
                self.highlight(self.query)

    def _set_selected_theme(self, state: str) -> None:
        entry = self.themes.currentItem()
        if entry is None:
            return
        self._theme_states[int(entry.data(Qt.ItemDataRole.UserRole))] = state
        self._fill_themes()
        self._changed()

    def _add_typed_theme(self) -> None:
        theme = self._themes_by_name.get(self.add_theme.text().strip().casefold())
        if theme is None:
            show_error(
                self.theme_error,
                "There is no theme with that name. Pick one from the "
                "list that appears as you type.",
            )
            return
        show_error(self.theme_error, "")
        self._theme_states[theme.id] = "confirmed"
        self._theme_names[theme.id] = theme.name
        self.add_theme.clear()
        self._fill_themes()
        self._changed()

    def has_unsaved_changes(self) -> bool:
        return self._dirty and self.item is not None

    def save(self) -> bool:
        """Store the edits (fields and theme decisions) in one go. True when stored."""
        if self.item is None:
            return False
        item = self.item
        show_error(self.text_error, "")
        feedback = FeedbackStore(self.ctx.db, self.ctx.actor)
        themes = ThemeStore(self.ctx.db, self.ctx.actor)
        before = {link.theme_id: link.state for link in themes.links_for(item.id)}
        try:
            with self.ctx.db.atomic():
                feedback.update(
                    item.id,
                    kind=self.kind.currentData(),
                    status=self.status.currentData(),
                    text=self.text.toPlainText(),
                )
                for theme_id, state in self._theme_states.items():
                    if before.get(theme_id) != state:
                        themes.set_link(item.id, theme_id, state=state, source="manual")
        except ValidationError as exc:
            show_error(self.text_error, exc.message)
            self.state_label.setText(f"⚠ Not saved: {exc.message}")
            return False
        self.show_item(item.id)
        self.state_label.setText("Saved.")
        self.ctx.notify("feedback")
        self.saved.emit(item.id)
        return True
