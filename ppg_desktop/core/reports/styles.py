"""Type sizes and paragraph styles for the pack, in normal and large print.

Large print follows common guidance for readers with poor sight: at least 16 pt body text, a plain
sans-serif face, left-aligned, one column, and generous spacing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
SHADE = colors.HexColor("#eeeeee")
PAGE_WIDTH, PAGE_HEIGHT = A4


@dataclass(frozen=True)
class PackStyle:
    """Everything that changes between normal and large print, in one place."""

    large_print: bool
    body_size: float
    margin: float = 18 * mm
    quote_columns: int = 2
    styles: dict[str, ParagraphStyle] = field(default_factory=dict)

    @property
    def frame_width(self) -> float:
        return PAGE_WIDTH - 2 * self.margin

    @property
    def table_size(self) -> float:
        """Table text is a little smaller than body text in normal print, never in large print."""
        return self.body_size if self.large_print else self.body_size - 1

    @property
    def chart_font_size(self) -> float:
        return self.body_size - (0 if self.large_print else 1.5)

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.styles[name]


def pack_style(large_print: bool = False) -> PackStyle:
    """The styles for one pack: 10.5 pt body normally, 16 pt and one column in large print."""
    body = 16.0 if large_print else 10.5
    base = ParagraphStyle(
        "body",
        fontName="Helvetica",
        fontSize=body,
        leading=body * 1.35,
        textColor=INK,
        alignment=TA_LEFT,
        spaceAfter=body * 0.6,
    )
    bold = "Helvetica-Bold"
    styles = {
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=body - 1.5, leading=(body - 1.5) * 1.3, textColor=MUTED
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            parent=base,
            fontName=bold,
            fontSize=body * 2.6,
            leading=body * 3.1,
            spaceAfter=body * 1.2,
        ),
        "cover_sub": ParagraphStyle(
            "cover_sub", parent=base, fontSize=body * 1.5, leading=body * 1.9, spaceAfter=body * 0.8
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=body * 1.7,
            leading=body * 2.1,
            spaceBefore=body * 0.4,
            spaceAfter=body * 0.8,
            keepWithNext=True,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=bold,
            fontSize=body * 1.25,
            leading=body * 1.6,
            spaceBefore=body * 0.8,
            spaceAfter=body * 0.4,
            keepWithNext=True,
        ),
        "bullet": ParagraphStyle(
            "bullet",
            parent=base,
            leftIndent=body * 1.2,
            bulletIndent=body * 0.2,
            spaceAfter=body * 0.45,
        ),
        "quote": ParagraphStyle(
            "quote",
            parent=base,
            fontName="Helvetica-Oblique",
            leftIndent=body * 0.6,
            spaceAfter=body * 0.2,
        ),
        "cell": ParagraphStyle(
            "cell",
            parent=base,
            fontSize=body if large_print else body - 1,
            leading=(body if large_print else body - 1) * 1.25,
            spaceAfter=0,
        ),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=base,
            fontName=bold,
            fontSize=body if large_print else body - 1,
            leading=(body if large_print else body - 1) * 1.25,
            spaceAfter=0,
        ),
        "toc1": ParagraphStyle(
            "toc1",
            parent=base,
            fontSize=body * 1.1,
            leading=body * 1.7,
            leftIndent=body,
            firstLineIndent=-body,
        ),
    }
    return PackStyle(
        large_print=large_print,
        body_size=body,
        margin=(15 if large_print else 18) * mm,
        quote_columns=1 if large_print else 2,
        styles=styles,
    )
