"""Building blocks of the edit forms (action, meeting, theme): labelled fields with their problem
shown beneath, a form that scrolls, and labels that move above their boxes when space is short;
and the page of group boxes that Settings and Privacy and security are made of.

The forms built these the same way line for line; here they are built once, so a change (say, to
the spacing under a field) reaches every form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.ui.widgets import heading, show_error

NARROW_CHARS = 62  # below this many average characters wide, labels go above their boxes


def add_field_row(
    form: QFormLayout,
    caption: str,
    buddy: QWidget,
    error: QLabel,
    *parts: QWidget | QLayout,
) -> None:
    """Add a row: the caption (its Alt+letter jumps to `buddy`), then the field, then `error`.

    `parts` are stacked in place of `buddy` when the field is more than one widget (a box with
    a button row under it, say).
    """
    column = QVBoxLayout()
    column.setSpacing(2)
    for part in parts or (buddy,):
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    column.addWidget(error)
    label = QLabel(caption)
    label.setBuddy(buddy)
    form.addRow(label, column)


def clear_errors(errors: Mapping[str, QLabel]) -> None:
    """Hide every problem shown under the form's fields."""
    for label in errors.values():
        show_error(label, "")


def show_not_saved(
    errors: Mapping[str, QLabel], state: QLabel, exc: ValidationError, field: str | None = None
) -> None:
    """Show a store's problem under the field it names (`field` when the form calls it
    otherwise) and say beside Save that nothing was stored."""
    label = errors.get(field or exc.field)
    if label is not None:
        show_error(label, exc.message)
    state.setText(f"⚠ Not saved: {exc.field}: {exc.message}")


def scrolling(owner: QWidget, inner: QWidget) -> QVBoxLayout:
    """Put `inner` in a scroll area filling `owner`; returns owner's layout for more below."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll, 1)
    return outer


def wrap_rows_when_narrow(owner: QWidget, forms: Iterable[QFormLayout]) -> None:
    """Narrow panel (large text): labels go above their boxes, so the boxes are full width.

    Side by side at 150% text, long labels ('Practice's response', 'CQC key question') took
    half the width and the boxes beside them showed only a few letters. Call from resizeEvent.
    """
    narrow = owner.width() < owner.fontMetrics().averageCharWidth() * NARROW_CHARS
    policy = (
        QFormLayout.RowWrapPolicy.WrapAllRows if narrow else QFormLayout.RowWrapPolicy.WrapLongRows
    )
    for form in forms:
        if form.rowWrapPolicy() != policy:
            form.setRowWrapPolicy(policy)


def boxes_page(owner: QWidget, title: str, rows: Sequence[Sequence[QWidget]]) -> None:
    """Fill `owner` with a scrolling page: the title, then group boxes two to a row.

    A row of one box spans both columns. Settings and Privacy and security are laid out so.
    """
    content = QWidget()
    grid = QGridLayout(content)
    grid.setContentsMargins(12, 10, 12, 10)
    grid.setHorizontalSpacing(16)
    grid.addWidget(heading(title, role="title"), 0, 0, 1, 2)
    for row, boxes in enumerate(rows, start=1):
        if len(boxes) == 1:
            grid.addWidget(boxes[0], row, 0, 1, 2)
        else:
            for column, box in enumerate(boxes):
                grid.addWidget(box, row, column)
    grid.setRowStretch(len(rows) + 1, 1)
    grid.setColumnStretch(0, 1)
    grid.setColumnStretch(1, 1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(content)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(scroll)
