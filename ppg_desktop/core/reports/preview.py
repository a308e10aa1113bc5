"""Pages of a finished PDF as pixels, for the in-app preview and for printing.

The PySide6 wheels we ship have no QtPdf, so pages are rendered with pypdfium2 (PDFium, the
renderer in Chrome). No Qt here: rendering can run in a background job.
"""

from __future__ import annotations

from pathlib import Path


def render_pages(pdf: Path, width_px: int) -> list[tuple[int, int, int, bytes]]:
    """Every page as RGB pixels about `width_px` wide (no Qt, so it can run in a worker)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            scale = width_px / page.get_width()
            bitmap = page.render(scale=scale, rev_byteorder=True)
            pages.append((bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer)))
        return pages
    finally:
        document.close()
