"""Showing where a search matched: in table cells (a delegate) and in the detail text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QTextDocument,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ppg_desktop.ui.style import HIGHLIGHT_BG

_WORD = re.compile(r"\w+", re.UNICODE)
_WORD_START = re.compile(r"\b\w", re.UNICODE)  # finds whole words even from mid-word
# The role a model gives the whole text of a cell under, so a match far along is still found.
FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1


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


def fit_snippet(text: str, query: str, width: float, advance: Callable[[str], float]) -> str:
    """As much of `text` as fits `width`, always including the first match.

    When the match lies beyond the width, the snippet starts a few words before it with "…", so
    a person sees why the row matched; a cut end gets "…" too. `advance` measures a string.
    """
    if advance(text) <= width:
        return text
    spans = match_spans(text, query)
    start, prefix = 0, ""
    if spans and advance(text[: spans[0][1]] + "…") > width:
        before = [m.start() for m in _WORD_START.finditer(text, 0, spans[0][0])]
        start = before[-3] if len(before) >= 3 else spans[0][0]
        prefix = "…"
        while start < spans[0][0] and advance(prefix + text[start : spans[0][1]] + "…") > width:
            later = [m.start() for m in _WORD_START.finditer(text, start + 1, spans[0][0])]
            start = later[0] if later else spans[0][0]
    if advance(prefix + text[start:]) <= width:
        return prefix + text[start:]
    low, high = start, len(text)  # the longest end that still fits, by halving
    while low < high:
        middle = (low + high + 1) // 2
        if advance(prefix + text[start:middle] + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return prefix + text[start:low].rstrip() + "…"


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
        full = index.data(FULL_TEXT_ROLE)
        text = " ".join(str(full).split()) if full else str(index.data() or "")
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
        bold = QFont(opt.font)
        bold.setBold(True)  # measured bold: the marked words are drawn bold
        metrics = QFontMetricsF(bold)
        shown = fit_snippet(text, self.query, opt.rect.width() - 8, metrics.horizontalAdvance)
        document.setHtml(
            f"<span style='color:{colour.color().name()}'>"
            f"{highlighted_html(shown, self.query)}</span>"
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
