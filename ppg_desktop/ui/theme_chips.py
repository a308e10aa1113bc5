"""Theme chips: suggested themes a person accepts or rejects, and themes added by name.

A chip's state is written in its text (✓ accepted, ✗ not this, "suggested"), never shown by colour
alone. A click, or Alt+number, moves it on: suggested → accepted → rejected → suggested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.models import Theme
from ppg_desktop.ui.capture_logic import ThemeChoice
from ppg_desktop.ui.widgets import FlowLayout

NEXT_STATE = {"suggested": "accepted", "accepted": "rejected", "rejected": "suggested"}
MAX_KEYED = 9
# The hint stays in view once chips appear: that is when a person needs to know what to do.
EMPTY_HINT = (
    "Themes appear here as you type. Click one (or press Alt+its number) "
    "to accept it; click again to reject it."
)
CHIPS_HINT = "Click a theme, or press Alt+its number: once to accept ✓, again to reject ✗."


def chip_text(number: int, choice: ThemeChoice) -> str:
    """The words on a chip: its number (for Alt+number), name and state."""
    prefix = f"{number}. " if number <= MAX_KEYED else ""
    if choice.state == "accepted":
        return f"{prefix}✓ {choice.name}"
    if choice.state == "rejected":
        return f"{prefix}✗ {choice.name} (not this)"
    return f"{prefix}{choice.name}? (suggested)"


class ThemeChips(QWidget):
    """The chip row plus an 'Add a theme' box with a completer over the theme names."""

    changed = Signal()

    def __init__(self, themes: Sequence[Theme], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices: list[ThemeChoice] = []
        self._themes = {theme.name.casefold(): theme for theme in themes}
        self._buttons: list[QPushButton] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(EMPTY_HINT)
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "muted")
        layout.addWidget(self.hint)
        self._chip_area = QWidget()
        self._flow = FlowLayout(self._chip_area)
        layout.addWidget(self._chip_area)

        add_row = QHBoxLayout()
        self.add_box = QLineEdit()
        self.add_box.setPlaceholderText("Add a theme by name…")
        self.add_box.setAccessibleName("Add a theme by name")
        completer = QCompleter(sorted(theme.name for theme in themes), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.add_box.setCompleter(completer)
        self.add_box.returnPressed.connect(self._add_typed)
        self.add_button = QPushButton("Add theme")
        self.add_button.setAccessibleName("Add the theme typed")
        self.add_button.clicked.connect(self._add_typed)
        self.add_error = QLabel()
        self.add_error.setProperty("role", "error")
        self.add_error.hide()
        add_row.addWidget(self.add_box, 1)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        layout.addWidget(self.add_error)

        for number in range(1, MAX_KEYED + 1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda n=number: self.cycle(n - 1))

    # --- state -----------------------------------------------------------------------------------
    def merge_suggestions(self, matches: Sequence[Any]) -> None:
        """Show the latest suggestions, keeping every decision the person already made."""
        found = {match.slug: match for match in matches}
        kept: list[ThemeChoice] = []
        for choice in self.choices:
            match = found.pop(choice.slug, None)
            if match is not None:
                choice.evidence, choice.score = list(match.evidence), float(match.score)
            elif choice.state == "suggested" and not choice.manual:
                continue  # the words behind it are gone
            else:
                choice.evidence = []
            kept.append(choice)
        for match in matches:
            if match.slug in found:
                kept.append(
                    ThemeChoice(
                        match.slug,
                        match.name,
                        "suggested",
                        score=float(match.score),
                        evidence=list(match.evidence),
                    )
                )
        self.choices = kept
        self._rebuild()

    def add_theme(self, name: str) -> bool:
        """Accept a theme chosen by name; False (with a message) if there is no such theme."""
        theme = self._themes.get(name.strip().casefold())
        if theme is None:
            self.add_error.setText(
                f"⚠ There is no theme called “{name.strip()}”. Pick one from "
                "the list that appears as you type."
            )
            self.add_error.show()
            return False
        self.add_error.hide()
        for choice in self.choices:
            if choice.slug == theme.slug:
                choice.state = "accepted"
                break
        else:
            self.choices.append(ThemeChoice(theme.slug, theme.name, "accepted", manual=True))
        self._rebuild()
        return True

    def cycle(self, index: int) -> None:
        """Move chip `index` to its next state (accept, reject, back to suggested)."""
        if not 0 <= index < len(self.choices):
            return
        choice = self.choices[index]
        choice.state = NEXT_STATE[choice.state]
        if choice.manual and choice.state == "suggested":
            choice.state = "accepted"
        self._rebuild()
        if 0 <= index < len(self._buttons):
            self._buttons[index].setFocus()

    def set_choices(self, choices: Sequence[ThemeChoice]) -> None:
        self.choices = list(choices)
        self._rebuild()

    def clear(self) -> None:
        self.choices = []
        self.add_box.clear()
        self.add_error.hide()
        self._rebuild()

    def highlighted_evidence(self) -> list[tuple[int, int]]:
        """The character spans to highlight: evidence of every theme not rejected."""
        return [(e.start, e.end) for c in self.choices if c.state != "rejected" for e in c.evidence]

    # --- widgets ---------------------------------------------------------------------------------
    def _add_typed(self) -> None:
        if self.add_box.text().strip() and self.add_theme(self.add_box.text()):
            self.add_box.clear()

    def _rebuild(self) -> None:
        for button in self._buttons:
            self._flow.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for index, choice in enumerate(self.choices):
            button = QPushButton(chip_text(index + 1, choice))
            button.setProperty("role", "chip")
            button.setProperty("state", choice.state)
            button.setAccessibleName(f"Theme {choice.name}: {choice.state}")
            button.setToolTip(
                "Click to accept, click again to reject, once more to undecide."
                + (f" Shortcut: Alt+{index + 1}." if index < MAX_KEYED else "")
            )
            button.clicked.connect(lambda _=False, i=index: self.cycle(i))
            self._flow.addWidget(button)
            self._buttons.append(button)
        self.hint.setText(CHIPS_HINT if self.choices else EMPTY_HINT)
        self._chip_area.updateGeometry()
        self.changed.emit()
