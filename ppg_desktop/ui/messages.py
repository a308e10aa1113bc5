"""Telling people about problems: one place, so the self-test can catch every error dialog."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

# When set (by the self-test), problems are handed to this function instead of a modal box,
# so an offscreen run never blocks on a dialog nobody can see.
problem_sink: Callable[[str, str], None] | None = None


def show_problem(parent: QWidget | None, title: str, message: str) -> None:
    """Show a plain-English problem in a message box (or hand it to the self-test)."""
    if problem_sink is not None:
        problem_sink(title, message)
        return
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()


def ask_yes_no(
    parent: QWidget | None, title: str, question: str, *, yes: str = "Yes", no: str = "No"
) -> bool:
    """Ask a yes/no question with buttons that say what they do."""
    if problem_sink is not None:
        return False
    box = QMessageBox(
        QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, parent
    )
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button
