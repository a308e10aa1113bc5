"""The waiting-room poster: one A4 page of "You said, we did" for the noticeboard.

It is read from across a waiting room, so the type is large and the words plain. Everything on it
passes through redaction (it is on public display), and it always fits on exactly one page: the
most recent done actions are placed at the largest type size that shows a fair number of them;
whatever does not fit is left off (never clipped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import sqlite_utils
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import today
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.models import Action
from ppg_desktop.core.redaction import keep_words, redact
from ppg_desktop.core.settings_store import SettingsStore

JOIN_TEXT_KEY = "join_text"
DEFAULT_JOIN_TEXT = (
    "Join our Patient Participation Group. We are patients who meet a few times a year to help "
    "the practice hear what patients think. Everyone is welcome: ask at reception."
)
DEFAULT_PPG_NAME = "Our Patient Participation Group"
BODY_SIZES = (24, 22, 20, 18, 16)  # largest first; 16 pt is the smallest we call legible at 2 m
WANTED_ITEMS = 3  # below this many, smaller type is worth it
COMFORTABLE_SIZE = 20
MAX_ITEMS = 6
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 36.0
GAP = 12.0
BOX_PADDING = 10.0
ACCENT_WIDTH = 8.0

INK = HexColor("#212B32")
BLUE = HexColor("#005EB8")
PALE = HexColor("#E8EDEE")
WHITE = HexColor("#FFFFFF")


@dataclass(frozen=True)
class PosterItem:
    """One action as it reads on the poster (already redacted)."""

    action_id: int
    you_said: str
    we_did: str


@dataclass
class PosterResult:
    """What was built: the file, the actions shown and those left off for want of space."""

    path: Path
    shown: list[int] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)
    body_size: int = 0


def _we_did(action: Action) -> str:
    return (action.outcome or action.practice_response).strip()


def _items(db: sqlite_utils.Database, action_ids: Sequence[int] | None) -> list[PosterItem]:
    """The actions to consider, in order, with their text redacted for public display."""
    store = ActionStore(db)
    if action_ids:
        actions = [store.get(action_id) for action_id in action_ids]
        not_done = [a.id for a in actions if a.status != "done"]
        if not_done:
            raise ValidationError(
                "Actions",
                "Only done actions go on the poster; action "
                f"{', '.join(map(str, not_done))} is not done yet.",
            )
        missing = [a.id for a in actions if not _we_did(a)]
        if missing:
            raise ValidationError(
                "What we did",
                "Write what was done (the outcome) for action "
                f"{', '.join(map(str, missing))} before putting it on the "
                "poster.",
            )
    else:
        actions = [a for a in store.recent_done() if _we_did(a)][:MAX_ITEMS]
        if not actions:
            raise ValidationError(
                "Actions",
                "There are no done actions with an outcome yet. Mark "
                "an action done and write what was done, then make the poster.",
            )
    keep = keep_words(db)
    return [
        PosterItem(a.id, redact(a.title, keep=keep).text, redact(_we_did(a), keep=keep).text)
        for a in actions
    ]


def _style(
    name: str, size: float, *, bold: bool = False, colour: object = INK, centred: bool = False
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName="Helvetica-Bold" if bold else "Helvetica",
        fontSize=size,
        leading=size * 1.22,
        textColor=colour,
        alignment=TA_CENTER if centred else 0,
    )


def _paragraphs(item: PosterItem, size: int) -> list[Paragraph]:
    style = _style(f"body{size}", size)
    return [
        Paragraph(f"<b>You said:</b> {escape(item.you_said)}", style),
        Paragraph(f"<b><font color='#005EB8'>We did:</font></b> {escape(item.we_did)}", style),
    ]


TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN - ACCENT_WIDTH - 2 * BOX_PADDING


def _block_height(item: PosterItem, size: int) -> float:
    """The height of one item's box at this type size (measured, not guessed)."""
    heights = [p.wrap(TEXT_WIDTH, PAGE_HEIGHT)[1] for p in _paragraphs(item, size)]
    return sum(heights) + size * 0.4 + 2 * BOX_PADDING


def _count_fitting(items: list[PosterItem], size: int, space: float) -> int:
    used, count = 0.0, 0
    for item in items:
        need = _block_height(item, size) + (GAP if count else 0)
        if used + need > space:
            break
        used += need
        count += 1
    return count


def _shorten(item: PosterItem, size: int, space: float) -> PosterItem:
    """Cut one over-long item at word boundaries (with an ellipsis) until it fits.

    Each text keeps at most `limit` words; the largest limit that fits is found by bisection.
    """
    said, did = item.you_said.split(), item.we_did.split()

    def cut(limit: int) -> PosterItem:
        return PosterItem(
            item.action_id,
            " ".join(said[:limit]) + (" …" if limit < len(said) else ""),
            " ".join(did[:limit]) + (" …" if limit < len(did) else ""),
        )

    low, high = 1, max(len(said), len(did))
    while low < high:
        middle = (low + high + 1) // 2
        if _block_height(cut(middle), size) <= space:
            low = middle
        else:
            high = middle - 1
    return cut(low)


class _Layout:
    """Fixed parts of the page (header and footer) and the space left for the items."""

    def __init__(self, ppg_name: str, join_text: str) -> None:
        width = PAGE_WIDTH - 2 * MARGIN
        self.title = Paragraph(
            "You said, we did", _style("title", 48, bold=True, colour=WHITE, centred=True)
        )
        self.name = Paragraph(escape(ppg_name), _style("name", 24, colour=WHITE, centred=True))
        self.title_h = self.title.wrap(width - 2 * BOX_PADDING, PAGE_HEIGHT)[1]
        self.name_h = self.name.wrap(width - 2 * BOX_PADDING, PAGE_HEIGHT)[1]
        self.header_h = self.title_h + self.name_h + 3 * BOX_PADDING
        self.join_head = Paragraph("How to join us", _style("joinhead", 22, bold=True))
        self.join = Paragraph(escape(join_text), _style("join", 18))
        self.updated = Paragraph(f"Updated {today().strftime('%B %Y')}", _style("upd", 14))
        self.join_head_h = self.join_head.wrap(width - 2 * BOX_PADDING, PAGE_HEIGHT)[1]
        self.join_h = self.join.wrap(width - 2 * BOX_PADDING, PAGE_HEIGHT)[1]
        self.updated_h = self.updated.wrap(width, PAGE_HEIGHT)[1]
        self.footer_h = self.join_head_h + self.join_h + 3 * BOX_PADDING
        self.items_top = PAGE_HEIGHT - MARGIN - self.header_h - 2 * GAP
        self.items_bottom = MARGIN + self.updated_h + GAP + self.footer_h + 2 * GAP
        self.space = self.items_top - self.items_bottom


def _choose(items: list[PosterItem], space: float) -> tuple[int, list[PosterItem]]:
    """The type size and items to show.

    Among the comfortable sizes (COMFORTABLE_SIZE and up) take the one showing the most actions,
    the larger when equal; drop to smaller sizes only when fewer than WANTED_ITEMS fit there.
    """
    wanted = min(len(items), WANTED_ITEMS)
    counts = {size: _count_fitting(items, size, space) for size in BODY_SIZES}
    comfortable = [size for size in BODY_SIZES if size >= COMFORTABLE_SIZE]
    best = max(comfortable, key=lambda size: (counts[size], size))
    if counts[best] < wanted:
        best = max(BODY_SIZES, key=lambda size: (min(counts[size], wanted), size))
    if counts[best] == 0:
        return BODY_SIZES[-1], [_shorten(items[0], BODY_SIZES[-1], space)]
    return best, items[: counts[best]]


def _draw(canvas: Canvas, layout: _Layout, size: int, items: list[PosterItem]) -> None:
    width = PAGE_WIDTH - 2 * MARGIN
    top = PAGE_HEIGHT - MARGIN
    canvas.setFillColor(BLUE)
    canvas.roundRect(MARGIN, top - layout.header_h, width, layout.header_h, 12, stroke=0, fill=1)
    y = top - BOX_PADDING - layout.title_h
    layout.title.drawOn(canvas, MARGIN + BOX_PADDING, y)
    y -= BOX_PADDING + layout.name_h
    layout.name.drawOn(canvas, MARGIN + BOX_PADDING, y)

    used = sum(_block_height(item, size) for item in items) + GAP * (len(items) - 1)
    gap = GAP + min(max(layout.space - used, 0) / max(len(items), 1), 18.0)  # spread out a little
    y = layout.items_top
    for item in items:
        paragraphs = _paragraphs(item, size)
        height = _block_height(item, size)
        canvas.setFillColor(PALE)
        canvas.rect(MARGIN, y - height, width, height, stroke=0, fill=1)
        canvas.setFillColor(BLUE)
        canvas.rect(MARGIN, y - height, ACCENT_WIDTH, height, stroke=0, fill=1)
        x = MARGIN + ACCENT_WIDTH + BOX_PADDING
        cursor = y - BOX_PADDING
        for index, paragraph in enumerate(paragraphs):
            para_h = paragraph.wrap(TEXT_WIDTH, PAGE_HEIGHT)[1]
            cursor -= para_h
            paragraph.drawOn(canvas, x, cursor)
            if index == 0:
                cursor -= size * 0.4
        y -= height + gap

    bottom = MARGIN + layout.updated_h + GAP
    canvas.setStrokeColor(BLUE)
    canvas.setLineWidth(3)
    canvas.roundRect(MARGIN, bottom, width, layout.footer_h, 12, stroke=1, fill=0)
    cursor = bottom + layout.footer_h - BOX_PADDING - layout.join_head_h
    layout.join_head.drawOn(canvas, MARGIN + BOX_PADDING, cursor)
    cursor -= BOX_PADDING + layout.join_h
    layout.join.drawOn(canvas, MARGIN + BOX_PADDING, cursor)
    layout.updated.drawOn(canvas, MARGIN, MARGIN)


def make_poster(
    db: sqlite_utils.Database, out_path: Path | str, action_ids: Sequence[int] | None = None
) -> PosterResult:
    """Build the poster and say which actions were shown and which were left off."""
    settings = SettingsStore(db)
    ppg_name = settings.ppg_name() or DEFAULT_PPG_NAME
    join_text = str(settings.get(JOIN_TEXT_KEY) or "").strip() or DEFAULT_JOIN_TEXT
    items = _items(db, action_ids)
    # The name and joining text are the chair's own public words (often with the group's contact
    # details), so only the actions' text is redacted.
    layout = _Layout(ppg_name, join_text)
    if layout.space < 100:
        raise ValidationError(
            "How to join",
            "The joining text is too long to leave room for the actions; shorten it in Settings.",
        )
    size, shown = _choose(items, layout.space)
    path = Path(out_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setTitle(f"You said, we did - {ppg_name}")
    canvas.setAuthor(ppg_name)
    _draw(canvas, layout, size, shown)
    canvas.showPage()
    canvas.save()
    shown_ids = [i.action_id for i in shown]
    return PosterResult(
        path, shown_ids, [i.action_id for i in items if i.action_id not in shown_ids], size
    )


def build_poster(
    db: sqlite_utils.Database, out_path: Path | str, action_ids: Sequence[int] | None = None
) -> Path:
    """Write the one-page A4 "You said, we did" PDF; without ids, the most recent done actions
    that fit. Returns the path written."""
    return make_poster(db, out_path, action_ids).path


def poster_date(day: dt.date | None = None) -> str:
    """The default file name part for a poster made on this day, e.g. '2026-03'."""
    return (day or today()).strftime("%Y-%m")
