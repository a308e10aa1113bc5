"""The capture form's live warning: when a comment seems to hold a patient's name, phone number,
NHS number, email, postcode, date of birth or address, say so under the comment and offer to take
them out in place (one step that Ctrl+Z undoes).

Comments end up in meeting packs and shared bundles, so the easiest moment to keep personal
details out is while the volunteer is still typing.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
)

from ppg_desktop.core.redaction import RedactedText, contains_personal_details, redact
from ppg_desktop.ui.style import set_role

CHECK_DELAY_MS = 400  # after the last key press, so typing is never slowed down


class PersonalDetailsWarning(QFrame):
    """A warning line under a comment box, with a "Remove personal details" button.

    Hidden while the text looks clean. `keep` lists words never to redact (the practices' and
    the PPG's names: redaction.keep_words(db)).
    """

    def __init__(
        self,
        editor: QTextEdit | QPlainTextEdit,
        keep: Iterable[str] = (),
        *,
        delay_ms: int = CHECK_DELAY_MS,
    ) -> None:
        super().__init__()
        self.editor = editor
        self.keep = [word for word in keep if word]
        set_role(self, "undo-bar")  # the calm yellow bar the app uses for notices
        self.setAccessibleName("Personal details warning")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Personal details warning")
        self.remove_button = QPushButton("&Remove personal details")
        self.remove_button.setAccessibleName(
            "Remove the personal details from the comment (Ctrl+Z undoes it)"
        )
        self.remove_button.setToolTip("Replace them with labels such as [NAME]; Ctrl+Z undoes it")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_details)
        # The sentence gets the full width (it is long at large text sizes); the button sits under it.
        column = QVBoxLayout(self)
        column.setContentsMargins(8, 4, 8, 6)
        column.addWidget(self.message)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addStretch(1)
        column.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.check)
        editor.textChanged.connect(self.timer.start)
        self.hide()

    def sizeHint(self) -> QSize:
        """As tall as the wrapped message needs at the box's own width.

        The capture form's QFormLayout sizes a row by its plain size hint, which wraps the
        message as if the box were narrow: the box came out too tall and the message sat in the
        middle of the spare room, with a gap above it.
        """
        hint = super().sizeHint()
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized):  # a layout has given it a width
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # a new width wraps the message afresh: ask for its height

    def check(self) -> bool:
        """Look at the text now; show or hide the warning. True when details were found."""
        self.timer.stop()
        text = self.editor.toPlainText()
        if not contains_personal_details(text, keep=self.keep):
            self.hide()
            return False
        found = redact(text, keep=self.keep)
        if not found.found:
            self.hide()
            return False
        self.message.setText("⚠ " + found.warning())
        self.show()
        return True

    def remove_details(self) -> RedactedText:
        """Replace each detail with its placeholder as ONE undoable edit, keeping the rest of
        the text (and the cursor) where it was."""
        self.timer.stop()
        original = self.editor.toPlainText()
        result = redact(original, keep=self.keep)
        if not result.found:
            self.hide()
            return result
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        for finding in sorted(result.findings, key=lambda f: f.start, reverse=True):
            cursor.setPosition(finding.start)
            cursor.setPosition(finding.end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(finding.placeholder)
        if self.editor.toPlainText() != result.text:  # positions disagreed: replace it all
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(result.text)
        cursor.endEditBlock()
        self.timer.stop()  # the edit itself is not typing: no need to look again
        self.check()
        self.editor.setFocus()
        return result
