"""Render every screen of the app to PNG files at 1366x768: normal text, 150% text, high contrast.

    .venv/bin/python scripts/screenshots.py --out shots/ [--db demo.db]

Without --db a demo database is made in a temporary folder. Runs offscreen (no display needed).
Look at every picture: clipped or overlapping text is a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QScrollArea

from ppg_desktop.core.db import open_database
from ppg_desktop.ui.app import application
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.self_test import settle
from ppg_desktop.ui.style import FONT_SCALE_KEY, HIGH_CONTRAST_KEY, apply_style

WIDTH, HEIGHT = 1366, 768
SAMPLE_COMMENT = (
    "I was on hold for 40 minutes at 8am trying to book an appointment, and when I "
    "got through there were none left. The receptionist was kind though."
)


def make_demo(folder: Path) -> Path:
    """A fresh demo database (the same one the welcome screen offers)."""
    from ppg_desktop.core.demo import generate_demo

    path = folder / "demo.db"
    db = open_database(path)
    generate_demo(db, size=3000, seed=1)
    db.close()
    return path


def shoot_main_window(ctx: AppContext, out: Path, suffix: str) -> list[Path]:
    """Every registered screen, the feedback form and the shortcuts list."""
    from ppg_desktop.ui.main_window import MainWindow

    written: list[Path] = []
    window = MainWindow(ctx)
    window.resize(WIDTH, HEIGHT)
    window.show()
    settle()
    for spec in window.specs:
        window.show_screen(spec.key)
        settle(600)
        path = out / f"{spec.key}{suffix}.png"
        window.grab().save(str(path))
        written.append(path)
        screen = window.screen_widget(spec.key)
        scroll = screen.findChild(QScrollArea)
        content = scroll.widget() if scroll is not None else None
        if (
            scroll is not None
            and content is not None
            and content.height() > scroll.viewport().height()
        ):
            path = out / f"{spec.key}-whole-page{suffix}.png"  # what scrolling reveals
            content.grab().save(str(path))
            written.append(path)
    form = window.open_capture()
    form.resize(min(1000, WIDTH - 100), min(640, HEIGHT - 60))
    form.text.setPlainText(SAMPLE_COMMENT)  # type: ignore[attr-defined]
    form.refresh_suggestions()  # type: ignore[attr-defined]
    if form.chips.choices:  # type: ignore[attr-defined]
        form.chips.cycle(0)  # type: ignore[attr-defined]
    settle()
    path = out / f"capture{suffix}.png"
    form.grab().save(str(path))
    written.append(path)
    form._closing_confirmed = True  # type: ignore[attr-defined]
    form.close()
    window.close()
    settle(50)
    return written


def shoot_welcome(folder: Path, out: Path, suffix: str, scale: int) -> Path:
    from ppg_desktop.ui.welcome import WelcomeDialog

    empty = open_database(folder / f"empty{suffix}.db")
    ctx = AppContext(empty, folder / f"empty{suffix}.db")
    ctx.settings.set(FONT_SCALE_KEY, scale)
    apply_style(application(), ctx.settings)
    dialog = WelcomeDialog(ctx)
    dialog.show()
    settle()
    path = out / f"welcome{suffix}.png"
    dialog.grab().save(str(path))
    dialog.close()
    empty.close()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--db", help="database to photograph (default: a new demo database)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        db_path = Path(args.db) if args.db else make_demo(folder)
        db = open_database(db_path)
        ctx = AppContext(db, db_path)
        original = ctx.settings.get(FONT_SCALE_KEY)
        original_contrast = bool(ctx.settings.get(HIGH_CONTRAST_KEY, False))
        written: list[Path] = []
        try:
            for scale, high in ((100, False), (150, False), (100, True)):
                suffix = ("" if scale == 100 else f"-{scale}") + ("-contrast" if high else "")
                ctx.settings.set(FONT_SCALE_KEY, scale)
                ctx.settings.set(HIGH_CONTRAST_KEY, high)
                apply_style(app, ctx.settings)
                written += shoot_main_window(ctx, out, suffix)
                if not high:
                    written.append(shoot_welcome(folder, out, suffix, scale))
        finally:
            ctx.settings.set(HIGH_CONTRAST_KEY, original_contrast)
            if original is None:
                ctx.settings.set(FONT_SCALE_KEY, 100)
            else:
                ctx.settings.set(FONT_SCALE_KEY, original)
            db.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
