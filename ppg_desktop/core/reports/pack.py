"""The meeting pack: an A4 PDF for the PPG meeting, built with reportlab's platypus.

Every page carries the PPG's name, the period and "Page N of M". The contents page is filled in
by a second layout pass (`multiBuild`). The pack is written to a temporary file beside the target
and moved into place only when complete, so a cancelled or failed build never leaves half a file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from ppg_desktop.core.errors import PPGError
from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports import sections
from ppg_desktop.core.reports.figures import PackFigures, gather
from ppg_desktop.core.reports.styles import MUTED, PAGE_HEIGHT, PAGE_WIDTH, PackStyle, pack_style

ProgressCallback = Callable[[int, int, str], None]
GATHER_STAGES = 6
TOTAL_STEPS = GATHER_STAGES + 3  # + writing the story, laying out, saving


class PackCancelled(PPGError):
    """The person pressed Cancel while the pack was being built."""

    def __init__(self) -> None:
        super().__init__("The meeting pack was not made: building it was cancelled.")


class EmptyPeriod(PPGError):
    """No feedback in the period and the caller asked not to build an empty pack."""


@dataclass(frozen=True)
class PackOptions:
    """What the chair chose: the period, the practices (none means all) and how it looks."""

    period: Period
    practice_ids: Sequence[int] = ()
    large_print: bool = False
    ppg_name: str | None = None  # overrides the PPG name from Settings
    max_quotes_per_theme: int = 3
    include_empty_ok: bool = True


@dataclass(frozen=True)
class PackResult:
    """The finished pack: where it is, how many pages, and the section headings in order."""

    path: Path
    pages: int
    sections: list[str] = field(default_factory=list)
    figures: PackFigures | None = None


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text, cut with an ellipsis if it would run wider than `width` points."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _canvas_maker(
    header: str, period_text: str, style: PackStyle, page_counts: list[int]
) -> type[Canvas]:
    """A canvas that holds every page until the end, so each footer can say 'Page N of M'."""
    size = 9.0 if not style.large_print else 12.0

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            """Keep the page's drawing state; pages are written out in `save`."""
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            """Draw the running header and 'Page N of M' on every page, then write the file."""
            total = len(self._pages)
            page_counts.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _furniture(self, number: int, total: int) -> None:
            self.saveState()
            self.setFillColor(MUTED)
            self.setStrokeColor(MUTED)
            top = PAGE_HEIGHT - style.margin + size * 1.4
            self.setFont("Helvetica-Bold", size)
            room = (
                PAGE_WIDTH - 2 * style.margin - size - stringWidth(period_text, "Helvetica", size)
            )
            self.drawString(style.margin, top, _fit(header, "Helvetica-Bold", size, room))
            self.setFont("Helvetica", size)
            self.drawRightString(PAGE_WIDTH - style.margin, top, period_text)
            self.setLineWidth(0.5)
            self.line(style.margin, top - size * 0.5, PAGE_WIDTH - style.margin, top - size * 0.5)
            bottom = style.margin - size * 2.2
            self.line(
                style.margin, bottom + size * 1.3, PAGE_WIDTH - style.margin, bottom + size * 1.3
            )
            self.drawString(style.margin, bottom, "Patient feedback summary – no personal details")
            self.drawRightString(PAGE_WIDTH - style.margin, bottom, f"Page {number} of {total}")
            self.restoreState()

    return NumberedCanvas


class _PackDocument(BaseDocTemplate):
    """A4, one frame per page; section headings feed the contents page and PDF bookmarks."""

    def __init__(
        self, path: str, style: PackStyle, title: str, should_cancel: Callable[[], bool] | None
    ) -> None:
        super().__init__(
            path,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            leftMargin=style.margin,
            rightMargin=style.margin,
            topMargin=style.margin + 4 * mm,
            bottomMargin=style.margin + 2 * mm,
            title=title,
            author="PPG Desk",
            subject="PPG meeting pack",
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self._should_cancel = should_cancel
        self.headings: list[str] = []

    def afterFlowable(self, flowable: Any) -> None:
        """Record section headings for the contents; stop early if Cancel was pressed."""
        if self._should_cancel is not None and self._should_cancel():
            raise PackCancelled()
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            text = flowable.getPlainText()
            if text == sections.CONTENTS:
                return
            key = f"section-{len(self.headings)}"
            self.headings.append(text)
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=0)
            self.notify("TOCEntry", (0, text, self.page, key))

    def handle_documentBegin(self) -> None:
        """Each layout pass starts its list of headings afresh."""
        self.headings = []
        super().handle_documentBegin()


def build_pack(
    db: sqlite_utils.Database,
    options: PackOptions,
    out_path: Path | str,
    progress: ProgressCallback | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> PackResult:
    """Build the meeting pack for `options` into `out_path` and say what was made."""
    out = Path(out_path)
    done = 0

    def step(label: str) -> None:
        nonlocal done
        if should_cancel is not None and should_cancel():
            raise PackCancelled()
        if progress is not None:
            progress(done, TOTAL_STEPS, label)
        done += 1

    figures = gather(
        db,
        options.period,
        options.practice_ids,
        ppg_name=options.ppg_name or "",
        max_quotes_per_theme=options.max_quotes_per_theme,
        step=step,
    )
    if figures.received == 0 and not options.include_empty_ok:
        raise EmptyPeriod(
            f"No feedback was recorded between {options.period.describe()}. "
            "Choose a longer period, or build the pack anyway."
        )
    style = pack_style(options.large_print)
    step("Writing the pack")
    story = sections.story(figures, style)
    step("Laying out the pages")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.part")
    page_counts: list[int] = []
    doc = _PackDocument(str(partial), style, f"{figures.ppg_name}: meeting pack", should_cancel)
    try:
        doc.multiBuild(
            story,
            canvasmaker=_canvas_maker(
                figures.ppg_name + (f" – {figures.scope}" if figures.practice_names else ""),
                figures.period.describe(),
                style,
                page_counts,
            ),
        )
        step("Saving")
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    if progress is not None:
        progress(TOTAL_STEPS, TOTAL_STEPS, "Done")
    return PackResult(out, page_counts[-1] if page_counts else 0, list(doc.headings), figures)
