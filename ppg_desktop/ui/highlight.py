"""Showing where a search matched: in table cells (a delegate) and in the detail text."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ppg_desktop.ui.style import HIGHLIGHT_BG

_WORD = re.compile(r"\w+", re.UNICODE)


def match_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of a search start words in the text (the search matches word starts)."""
    words = [w for w in _WORD.findall(query) if w]
    if not words or not text:
        return []
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE | re.UNICODE
    )
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def highlighted_html(text: str, query: str) -> str:
    """The text as HTML with matches marked bold, underlined and on yellow (not colour alone)."""
    out, last = [], 0
    for start, end in match_spans(text, query):
        out.append(html.escape(text[last:start]))
        out.append(
            f"<span style='background:{HIGHLIGHT_BG};color:#000'><b><u>"
            f"{html.escape(text[start:end])}</u></b></span>"
        )
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)


class SearchHighlightDelegate(QStyledItemDelegate):
    """Paints a cell's text with the current search words highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.query = ""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not self.query or not match_spans(text, self.query):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        document = QTextDocument()
        document.setDefaultFont(opt.font)
        document.setDocumentMargin(2)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        colour = opt.palette.highlightedText() if selected else opt.palette.text()
        document.setHtml(
            f"<span style='color:{colour.color().name()}'>"
            f"{highlighted_html(text, self.query)}</span>"
        )
        rect = opt.rect
        painter.save()
        painter.translate(
            rect.left(), rect.top() + max(0, (rect.height() - document.size().height()) / 2)
        )
        clip = QRectF(0, 0, rect.width(), rect.height())
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(context.palette.ColorRole.Text, QColor(colour.color()))
        document.documentLayout().draw(painter, context)
        painter.restore()
