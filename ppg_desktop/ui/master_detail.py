"""What the list-beside-a-form screens (Actions, Meetings, Themes) share.

Each keeps its list and its form; these helpers hold the two things they did word for word:
asking before typed edits would be lost, and making a row the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QTableView, QWidget

AskYesNo = Callable[..., bool]


class EditingForm(Protocol):
    """A form that knows whether it holds typed edits and can store them."""

    def has_unsaved_changes(self) -> bool: ...

    def save(self) -> bool: ...


def keep_or_drop_edits(
    parent: QWidget,
    form: EditingForm,
    what: str,
    ask: AskYesNo,
    on_drop: Callable[[], None] | None = None,
) -> bool:
    """Before the form shows something else: offer to save edits. False if saving failed.

    `what` names the record ('action', 'meeting', 'theme'). `ask` is the screen's own
    `ask_yes_no`, passed in so that the question is asked (and answered in tests) there.
    `on_drop` runs when the person throws the edits away.
    """
    if not form.has_unsaved_changes():
        return True
    if ask(
        parent,
        "Save your changes?",
        f"You changed the {what} you were editing. Save the changes?",
        yes="Save them",
        no="Throw them away",
    ):
        return form.save()
    if on_drop is not None:
        on_drop()
    return True


def select_row(table: QTableView, row: int) -> None:
    """Make `row` the current, only selected row of the table."""
    model = table.model()
    table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
