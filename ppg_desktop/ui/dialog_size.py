"""Sizing dialogs whose text wraps, so nothing is clipped at large text sizes."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def fit_to_width(dialog: QWidget, width: int) -> None:
    """Give `dialog` this width and as much height as its wrapped text needs at that width.

    A fixed `resize(w, h)` clips wrapped labels when the text size is 150% or more, because a
    layout's minimum height ignores word wrap unless asked for the height at a given width.
    """
    dialog.ensurePolished()  # the style sheet sets the font sizes the heights depend on
    layout = dialog.layout()
    height = dialog.sizeHint().height()
    if layout is not None and layout.hasHeightForWidth():
        height = max(height, layout.totalHeightForWidth(width))
    dialog.resize(width, height)
