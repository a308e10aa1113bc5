"""The feedback form: quick with the keyboard alone, suggestions as chips, nothing ever lost."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.models import CHANNEL_LABELS, KIND_LABELS, Feedback
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.redaction import keep_words
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.ui import capture_logic, drafts
from ppg_desktop.ui.capture_logic import CaptureData, ContactDetails, ThemeChoice
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import ask_yes_no
from ppg_desktop.ui.personal_details_warning import PersonalDetailsWarning
from ppg_desktop.ui.style import HIGHLIGHT_BG
from ppg_desktop.ui.theme_chips import ThemeChips
from ppg_desktop.ui.widgets import DateField, error_label, heading, show_error

SUGGEST_DELAY_MS = 250
DRAFT_EVERY_MS = 3000

# Which error label shows a ValidationError, by the field name the stores use.
FIELD_KEYS = {
    "practice": "practice",
    "date received": "date",
    "how it was given": "channel",
    "kind": "kind",
    "comment": "text",
    "contact": "contact",
    "consent": "contact",
    "email": "contact",
    "phone": "contact",
    "name": "contact",
    "consent given on": "contact",
    "consent for": "contact",
}

_last_practice_id: int | None = None  # remembered between forms in one session


class CaptureDialog(QDialog):
    """Record one item of feedback (or several, with "Save and add another")."""

    saved = Signal(object)  # the stored Feedback

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, draft: dict[str, Any] | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("New feedback")
        self.setAccessibleName("New feedback form")
        self._dirty = False
        self._closing_confirmed = False
        self._taxonomy: Any = None
        self._taxonomy_loaded = False
        self.last_saved: Feedback | None = None

        self.practice = QComboBox()
        self.practice.setAccessibleName("Practice")
        for practice in PracticeStore(ctx.db).list(active_only=True):
            self.practice.addItem(practice.name, practice.id)
        self.practice.setPlaceholderText("Choose the practice…")
        # sized like the other fields, so a long practice name does not push the caption
        # above the box at large text sizes (the list shows names in full)
        self.practice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.practice.setMinimumContentsLength(14)
        self.practice.setCurrentIndex(self._default_practice_index())
        self.date = DateField(QDate.currentDate())
        self.date.setMaximumDate(QDate.currentDate())
        self.date.setAccessibleName("Date received")
        self.channel = QComboBox()
        self.channel.setAccessibleName("How it was given")
        for key, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, key)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.setPlaceholderText("Choose the kind…")
        self.kind.setCurrentIndex(-1)
        self.text = QTextEdit()
        self.text.setAcceptRichText(False)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Comment")
        # Short: Qt does not wrap a placeholder, so a long one is cut off at large text.
        self.text.setPlaceholderText("The patient's own words…")
        self.text.setMinimumHeight(120)
        self.details_warning = PersonalDetailsWarning(self.text, keep_words(ctx.db))
        self.errors = {
            key: error_label(key)
            for key in ("practice", "date", "channel", "kind", "text", "contact", "general")
        }

        self.chips = ThemeChips(ThemeStore(ctx.db).list())
        self.chips.changed.connect(self._on_chips_changed)

        self.contact_name = QLineEdit()
        self.contact_name.setAccessibleName("Patient's name")
        self.contact_phone = QLineEdit()
        self.contact_phone.setAccessibleName("Patient's phone")
        self.contact_email = QLineEdit()
        self.contact_email.setAccessibleName("Patient's email")
        self.consent = QCheckBox()  # its words are a wrapping label beside it (see _layout)
        self.consent.setAccessibleName("Patient consent to keep contact details")

        self.status = QLabel()
        self.status.setAccessibleName("Form status")
        self.status.setWordWrap(True)
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save and close (Ctrl+S)")
        self.save_another_button = QPushButton("Save and &add another")
        self.save_another_button.setAccessibleName("Save and add another")
        self.save_another_button.setToolTip("Save and start a new form (Ctrl+Enter)")
        self.cancel_button = QPushButton("Cancel")
        self.save_button.clicked.connect(lambda: self.save(add_another=False))
        self.save_another_button.clicked.connect(lambda: self.save(add_another=True))
        self.cancel_button.clicked.connect(self.close)

        self._layout()
        self._tab_order()
        self._timers()
        for key, add_another in (("Ctrl+S", False), ("Ctrl+Return", True), ("Ctrl+Enter", True)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda more=add_another: self.save(add_another=more))
        for widget in (self.practice, self.channel, self.kind):
            widget.currentIndexChanged.connect(self._mark_dirty)
        self.date.dateChanged.connect(self._mark_dirty)
        for line in (self.contact_name, self.contact_phone, self.contact_email):
            line.textChanged.connect(self._mark_dirty)
        self.consent.toggled.connect(self._mark_dirty)
        self.text.textChanged.connect(self._on_text_changed)
        if draft:
            self.restore_state(draft)
        first = self.text if self.practice.currentIndex() >= 0 else self.practice
        QTimer.singleShot(0, first.setFocus)

    # --- building --------------------------------------------------------------------------------
    def _default_practice_index(self) -> int:
        if self.practice.count() == 1:
            return 0
        index = self.practice.findData(_last_practice_id)
        return index

    def _layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)

        def add(label: str, widget: QWidget, error_key: str) -> None:
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(self.errors[error_key])
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, cell)

        add("&Practice", self.practice, "practice")
        add("&Date received", self.date, "date")
        add("&How it was given", self.channel, "channel")
        add("&Kind", self.kind, "kind")
        add("C&omment", self.text, "text")
        form.addRow("", self.details_warning)

        left = QVBoxLayout()
        left.addLayout(form, 1)
        right = QVBoxLayout()
        right.addWidget(heading("Themes"))
        right.addWidget(self.chips)
        contact_box = QGroupBox("Patient contact (only if they want a reply)")
        contact_form = QFormLayout(contact_box)
        contact_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        contact_form.addRow("Na&me", self.contact_name)
        contact_form.addRow("P&hone", self.contact_phone)
        contact_form.addRow("&Email", self.contact_email)
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent)
        contact_form.addRow(consent_row)
        contact_note = QLabel(
            "Contact details are kept apart from the comment and are never printed in reports."
        )
        contact_note.setWordWrap(True)
        contact_note.setProperty("role", "muted")
        contact_form.addRow(contact_note)
        contact_form.addRow(self.errors["contact"])
        consent_label = QLabel(
            "The patient &agreed that the PPG may keep these details to "
            "contact them about this feedback"
        )
        consent_label.setWordWrap(True)
        consent_label.setBuddy(self.consent)
        consent_row.addWidget(consent_label, 1)
        right.addWidget(contact_box)
        right.addStretch(1)

        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(right, 2)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(columns, 1)
        content_layout.addWidget(self.errors["general"])
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.form_scroll = scroll
        # When the personal-details warning appears, scroll so it and its button are in view
        # (with large text it can land below the fold, where nobody would see it).
        self.details_warning.installEventFilter(self)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_another_button)
        buttons.addWidget(self.save_button)
        self.save_button.setDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_another_button.setAutoDefault(False)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)
        self.resize(1000, 620)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.details_warning and event.type() == QEvent.Type.Show:
            QTimer.singleShot(0, self._show_details_warning)
        return super().eventFilter(watched, event)

    def _show_details_warning(self) -> None:
        """Bring the warning into view (the layout has settled by now)."""
        if self.details_warning.isVisible():
            self.form_scroll.ensureWidgetVisible(self.details_warning, 0, 8)

    def _tab_order(self) -> None:
        """Tab walks the form top to bottom, then the themes and contact, then the buttons."""
        chain = [
            self.practice,
            self.date,
            self.channel,
            self.kind,
            self.text,
            self.chips.add_box,
            self.chips.add_button,
            self.contact_name,
            self.contact_phone,
            self.contact_email,
            self.consent,
            self.save_another_button,
            self.save_button,
            self.cancel_button,
        ]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)

    def _timers(self) -> None:
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self.refresh_suggestions)
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_EVERY_MS)
        self._draft_timer.timeout.connect(self.write_draft)
        self._draft_timer.start()

    # --- typing and suggestions ------------------------------------------------------------------
    def _mark_dirty(self, *_: object) -> None:
        self._dirty = True

    def _on_text_changed(self) -> None:
        self._dirty = True
        self._suggest_timer.start()

    def _on_chips_changed(self) -> None:
        self._dirty = True
        self._highlight_evidence()

    def refresh_suggestions(self) -> None:
        """Ask the tagger for themes in the current text and show them as chips."""
        if not self._taxonomy_loaded:
            self._taxonomy_loaded = True
            try:
                self._taxonomy = capture_logic.load_taxonomy(self.ctx.db)
            except ImportError:
                self._taxonomy = None
        try:
            matches = capture_logic.suggest(self.text.toPlainText(), self._taxonomy)
        except ImportError:
            matches = []
        self.chips.merge_suggestions(matches)

    def _highlight_evidence(self) -> None:
        """Mark the words behind each suggestion (yellow and underlined: not colour alone)."""
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(HIGHLIGHT_BG))
        fmt.setForeground(QColor("#000000"))
        fmt.setFontUnderline(True)
        length = len(self.text.toPlainText())
        selections = []
        for start, end in self.chips.highlighted_evidence():
            if start >= length:
                continue
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(start)
            cursor.setPosition(min(end, length), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.text.setExtraSelections(selections)

    # --- reading and saving ----------------------------------------------------------------------
    def data(self) -> CaptureData:
        """What the form holds now."""
        qdate = self.date.date()
        return CaptureData(
            practice_id=self.practice.currentData(),
            received_on=dt.date(qdate.year(), qdate.month(), qdate.day()),
            channel=self.channel.currentData(),
            kind=self.kind.currentData() or "",
            text=self.text.toPlainText(),
            themes=list(self.chips.choices),
            contact=ContactDetails(
                self.contact_name.text(),
                self.contact_phone.text(),
                self.contact_email.text(),
                self.consent.isChecked(),
            ),
            entered_by=self.ctx.user.id if self.ctx.user else None,
        )

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            show_error(label, "")

    def save(self, *, add_another: bool) -> bool:
        """Store the feedback; show any problem next to its field. True when stored."""
        global _last_practice_id
        self._suggest_timer.stop()
        self.refresh_suggestions()
        self._clear_errors()
        data = self.data()
        problems = capture_logic.missing_answers(data)
        if problems:
            self._show_problems(problems)
            return False
        try:
            item = capture_logic.save_capture(self.ctx.db, self.ctx.actor, data)
        except ValidationError as exc:
            self._show_problems([exc])
            return False
        _last_practice_id = item.practice_id
        self.last_saved = item
        drafts.discard_draft()
        self._dirty = False
        self.ctx.notify("feedback")
        self.saved.emit(item)
        if add_another:
            self._reset_for_next()
            self.status.setText(f"Saved feedback number {item.id}. Ready for the next one.")
        else:
            self._closing_confirmed = True
            self.close()
        return True

    def _show_problems(self, problems: list[ValidationError]) -> None:
        """Mark every problem beside its field, go to the first and scroll it into view."""
        focus = {
            "practice": self.practice,
            "date": self.date,
            "channel": self.channel,
            "kind": self.kind,
            "text": self.text,
            "contact": self.contact_phone,
        }
        keys = []
        for problem in problems:
            key = FIELD_KEYS.get(problem.field.casefold(), "general")
            show_error(self.errors[key], problem.message if key != "general" else str(problem))
            keys.append(key)
        first = keys[0]
        if first in focus:
            focus[first].setFocus()
        self.form_scroll.ensureWidgetVisible(self.errors[first], 0, 8)
        if len(problems) == 1:
            self.status.setText(f"⚠ Not saved yet: {problems[0].message}")
        else:
            self.status.setText(
                f"⚠ Not saved yet: {len(problems)} things to put right, each marked ⚠ "
                "beside its box."
            )

    def _reset_for_next(self) -> None:
        """Keep practice, date and channel (often the same for a pile of forms)."""
        self.text.clear()
        self.kind.setCurrentIndex(-1)
        self.chips.clear()
        for line in (self.contact_name, self.contact_phone, self.contact_email):
            line.clear()
        self.consent.setChecked(False)
        self._dirty = False
        self.text.setFocus()

    # --- drafts and closing ----------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        return self._dirty and bool(
            self.text.toPlainText().strip() or self.contact_name.text().strip()
        )

    def state(self) -> dict[str, Any]:
        """The form as JSON-ready values (for the crash-proof draft)."""
        data = self.data()
        return {
            "practice_id": data.practice_id,
            "received_on": data.received_on.isoformat(),
            "channel": data.channel,
            "kind": data.kind,
            "text": data.text,
            "themes": [
                {"slug": c.slug, "name": c.name, "state": c.state, "manual": c.manual}
                for c in data.themes
            ],
            "contact": {
                "name": data.contact.name,
                "phone": data.contact.phone,
                "email": data.contact.email,
                "consent": data.contact.consent,
            },
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Fill the form from a draft."""
        index = self.practice.findData(state.get("practice_id"))
        if index >= 0:
            self.practice.setCurrentIndex(index)
        try:
            day = dt.date.fromisoformat(str(state.get("received_on")))
            self.date.setDate(QDate(day.year, day.month, day.day))
        except ValueError:
            pass  # a damaged date in a draft: keep today's
        for combo, key in ((self.channel, "channel"), (self.kind, "kind")):
            found = combo.findData(state.get(key))
            if found >= 0:
                combo.setCurrentIndex(found)
        self.text.setPlainText(str(state.get("text", "")))
        self.chips.set_choices(
            [
                ThemeChoice(str(t["slug"]), str(t["name"]), str(t["state"]), bool(t.get("manual")))
                for t in state.get("themes", [])
                if isinstance(t, dict) and "slug" in t
            ]
        )
        contact = state.get("contact") or {}
        self.contact_name.setText(str(contact.get("name", "")))
        self.contact_phone.setText(str(contact.get("phone", "")))
        self.contact_email.setText(str(contact.get("email", "")))
        self.consent.setChecked(bool(contact.get("consent")))
        self._dirty = True
        self.refresh_suggestions()

    def write_draft(self) -> None:
        """Save a draft to disk if anything was typed since the last one."""
        if self.has_unsaved_changes():
            try:
                drafts.save_draft(self.state())
            except OSError as exc:
                self.status.setText(f"⚠ Could not keep a draft copy: {exc}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask before throwing typed feedback away."""
        if (
            not self._closing_confirmed
            and self.has_unsaved_changes()
            and not ask_yes_no(
                self,
                "Discard this feedback?",
                "This feedback has not been saved. Discard it?",
                yes="Discard it",
                no="Keep editing",
            )
        ):
            event.ignore()
            return
        self._draft_timer.stop()
        self._suggest_timer.stop()
        if not self._closing_confirmed:
            drafts.discard_draft()
        event.accept()

    def reject(self) -> None:
        """Escape closes through closeEvent, so it asks first too."""
        self.close()
