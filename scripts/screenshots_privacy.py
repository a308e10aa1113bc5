"""Render the privacy and security parts of the app to PNG files: the lock page, sign-in, the
Privacy and security screen, the Audit log, the purge preview, a chair PIN, encryption, subject
access and the feedback form's personal-details warning; at normal and 150% text.

    .venv/bin/python scripts/screenshots_privacy.py --db demo.db --out /tmp/shots-privacy

The database is copied first (the copy gets a chair PIN and an old deleted item); the original
is not touched. Runs offscreen. Look at every picture: clipped or overlapping text is a bug.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QWidget

from ppg_desktop.core import auth
from ppg_desktop.core.contact_store import ContactStore
from ppg_desktop.core.db import open_database
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.app import application
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.self_test import settle
from ppg_desktop.ui.style import FONT_SCALE_KEY, apply_style

WIDTH, HEIGHT = 1366, 768
CHAIR_PIN = "4826"
DETAILS_COMMENT = (
    "Mrs Jones (07700 900123) waited 40 minutes at 8am; please ring her back about the "
    "prescription."
)


def prepare(source: Path, folder: Path) -> Path:
    """A copy of the database with a chair PIN and three items deleted long ago (due to go)."""
    import datetime as dt

    from ppg_desktop.core import feedback_store

    path = folder / "privacy-shots.db"
    shutil.copy(source, path)
    db = open_database(path)
    chairs = [u for u in UserStore(db).list() if u.role == "chair"]
    if chairs and not chairs[0].has_pin:
        auth.set_pin(db, chairs[0].id, CHAIR_PIN, "screenshots")
    old_stamp = (dt.datetime.now(dt.UTC) - dt.timedelta(days=90)).isoformat()
    real_now = feedback_store.now_iso
    feedback_store.now_iso = lambda: old_stamp
    try:
        # three items received before that day, so their dates make sense in the preview
        cutoff = old_stamp[:10]
        received_earlier = [
            row[0]
            for row in db.execute(
                "SELECT id FROM feedback WHERE received_on < ? AND deleted_at IS NULL"
                " ORDER BY received_on DESC LIMIT 3",
                [cutoff],
            )
        ]
        FeedbackStore(db, "screenshots").soft_delete(received_earlier)
    finally:
        feedback_store.now_iso = real_now
    db.close()
    return path


def save(widget: QWidget, out: Path, name: str, written: list[Path]) -> None:
    settle(300)
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    written.append(path)


def shoot(ctx: AppContext, out: Path, suffix: str) -> list[Path]:
    """Every privacy picture at the current text size."""
    from ppg_desktop.ui.capture_dialog import CaptureDialog
    from ppg_desktop.ui.encryption_dialog import EncryptDialog
    from ppg_desktop.ui.main_window import MainWindow
    from ppg_desktop.ui.purge_dialog import PurgeDialog
    from ppg_desktop.ui.sign_in import SetPinDialog, SignInDialog
    from ppg_desktop.ui.subject_access_dialog import SubjectAccessDialog

    written: list[Path] = []
    dialogs: list[tuple[str, Callable[[], QWidget]]] = [
        ("sign-in", lambda: SignInDialog(ctx)),
        ("set-chair-pin", lambda: SetPinDialog(ctx, None, first_chair=True)),
        ("purge-preview", lambda: PurgeDialog(ctx, at_start_up=True)),
        ("encrypt", lambda: EncryptDialog(ctx)),
    ]
    for name, build in dialogs:
        dialog = build()
        dialog.show()
        save(dialog, out, name + suffix, written)
        dialog.close()
    access = SubjectAccessDialog(ctx)
    access.show()
    first = ContactStore(ctx.db).list_all()[:1]
    access.name.setText(first[0].name if first else "Jones")
    access.search()
    save(access, out, "subject-access" + suffix, written)
    access.close()

    form = CaptureDialog(ctx)
    form.show()
    form.text.setPlainText(DETAILS_COMMENT)
    form.details_warning.check()
    save(form, out, "capture-warning" + suffix, written)
    form._closing_confirmed = True
    form.close()

    window = MainWindow(ctx)
    window.resize(WIDTH, HEIGHT)
    window.show()
    for key in ("privacy", "audit", "today"):
        window.show_screen(key)
        save(window, out, f"screen-{key}{suffix}", written)
    window.lock_guard.lock(reason="screenshots")
    save(window, out, "lock" + suffix, written)
    window.lock_guard.try_unlock(ctx.user.name if ctx.user else "", CHAIR_PIN)
    window.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path, help="a demo database to copy")
    parser.add_argument("--out", default=Path("/tmp/shots-privacy"), type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = application()
    with tempfile.TemporaryDirectory() as folder:
        path = prepare(args.db, Path(folder))
        db = open_database(path)
        chair = next(u for u in UserStore(db).list() if u.role == "chair" and u.has_pin)
        ctx = AppContext(db, path, user=auth.sign_in(db, chair.name, CHAIR_PIN))
        written: list[Path] = []
        for scale, suffix in ((100, ""), (150, "-150")):
            ctx.settings.set(FONT_SCALE_KEY, scale)
            apply_style(app, ctx.settings)
            written += shoot(ctx, args.out, suffix)
        db.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
