"""'Export for the chair', 'Export for the practice (redacted)' and 'Merge a volunteer's
export': file choosers around `ppg_desktop.core.bundles`, run in the background."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from ppg_desktop.core.bundles import ExportResult, MergeReport, export_bundle, merge_bundle
from ppg_desktop.ui.backup_dialogs import tell
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.wording import counted

BUNDLE_FILTER = "PPG Desk bundles (*.ppgbundle);;All files (*)"

MERGED_TOPICS = ("feedback", "themes", "practices", "users", "surveys")


def suggested_name(ctx: AppContext, kind: str = "for-chair") -> str:
    """'riverside-ppg-for-chair-2026-03-03.ppgbundle'."""
    ppg = re.sub(r"[^a-z0-9]+", "-", ctx.settings.ppg_name().lower()).strip("-") or "ppg-desk"
    return f"{ppg}-{kind}-{dt.date.today().isoformat()}.ppgbundle"


def export_for_chair(
    ctx: AppContext,
    parent: QWidget | None = None,
    path: Path | None = None,
    *,
    redacted: bool = False,
) -> Job | None:
    """Write everything new or changed since this laptop's last export (or, `redacted`, a copy
    for the practice with personal details removed)."""
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            parent,
            "Export for the practice" if redacted else "Export for the chair",
            # In the person's home folder: a bare name opened the program's own folder.
            str(Path.home() / suggested_name(ctx, "for-practice" if redacted else "for-chair")),
            BUNDLE_FILTER,
        )
        if not chosen:
            return None
        path = Path(chosen)

    def work(db: Any, control: JobControl) -> ExportResult:
        return export_bundle(
            db,
            path,
            passphrase=ctx.passphrase,
            redact_text=redacted,
            everything=redacted,
            actor=ctx.actor,
        )

    def done(result: ExportResult) -> None:
        items = result.counts.get("feedback", 0)
        tell(
            parent,
            "Exported",
            f"Wrote {counted(items, 'feedback item')} to {result.path}."
            + (" The file is encrypted with your passphrase." if result.encrypted else "")
            + (
                " Names, phone numbers and other personal details were removed."
                if result.redacted
                else ""
            )
            + result.removals_note(),
        )

    return run_job(with_worker_db(ctx, work), done, progress_parent=parent, title="Exporting")


def merge_volunteer_export(
    ctx: AppContext, parent: QWidget | None = None, path: Path | None = None
) -> Job | None:
    """Merge a volunteer's export; report what was added, updated and skipped, and what was
    not brought back or was removed because it was removed for good on one of the two."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            parent, "Merge a volunteer's export", str(Path.home()), BUNDLE_FILTER
        )
        if not chosen:
            return None
        path = Path(chosen)

    def work(db: Any, control: JobControl) -> MergeReport:
        return merge_bundle(
            db,
            path,
            passphrase=ctx.passphrase,
            actor=ctx.actor,
            progress=lambda stage, done, total: control.report(done, total, stage),
        )

    def done(report: MergeReport) -> None:
        for topic in MERGED_TOPICS:  # every screen showing what a merge can change
            ctx.notify(topic)
        tell(parent, "Merged", f"Merged {path.name}:\n\n{report.summary()}")

    return run_job(with_worker_db(ctx, work), done, progress_parent=parent, title="Merging")
