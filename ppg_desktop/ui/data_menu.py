"""The Data menu: import, spreadsheet export, laptop bundles and backups, for those allowed.

Each item calls a dialog or job that lives with its feature (import wizard, bundle and backup
dialogs); this module only decides what is shown to whom and runs the plain feedback export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QWidget

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.clock import today
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.messages import ask_yes_no, show_problem
from ppg_desktop.ui.operations import JobControl, run_job, with_worker_db

SPREADSHEET_FILTER = "Excel workbook (*.xlsx);;CSV file (*.csv)"


def build_data_menu(window: QMainWindow, ctx: AppContext) -> QMenu | None:
    """Add the Data menu to the window's menu bar (nothing for people with no data rights)."""
    entries: list[tuple[str, str, Any]] = []
    if ctx.can("import_data"):
        entries.append(("&Import from a spreadsheet…", "", lambda: _import(ctx, window)))
    if ctx.can("export"):
        entries.append(
            ("Export feedback to a &spreadsheet…", "", lambda: export_feedback(ctx, window))
        )
    if ctx.can("send_to_chair"):
        # A volunteer's hand-over to the chair stays inside the PPG (and is encrypted when the
        # database is), so volunteers have it even though they cannot export.
        entries += [
            ("-", "", None),
            ("Save new entries for the &chair…", "", lambda: _bundle(ctx, window, False)),
        ]
    if ctx.can("export"):
        entries.append(
            (
                "Save a copy for the &practice (personal details removed)…",
                "",
                lambda: _bundle(ctx, window, True),
            )
        )
    if ctx.can("import_data"):
        entries.append(("&Merge a volunteer's file…", "", lambda: _merge(ctx, window)))
    if ctx.can("backup"):
        entries += [
            ("-", "", None),
            ("&Back up now", "", lambda: _back_up(ctx, window)),
            ("&Restore from a backup…", "", lambda: _restore(ctx, window)),
        ]
    if not entries:
        return None
    menu = window.menuBar().addMenu("&Data")
    for label, shortcut, slot in entries:
        if label == "-":
            menu.addSeparator()
            continue
        action = QAction(label, window)
        if shortcut:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
    return menu


def _import(ctx: AppContext, parent: QWidget) -> None:
    from ppg_desktop.ui.import_wizard import open_import_wizard

    open_import_wizard(ctx, parent)


def _bundle(ctx: AppContext, parent: QWidget, redacted: bool) -> None:
    from ppg_desktop.ui.bundle_dialogs import export_for_chair

    export_for_chair(ctx, parent, redacted=redacted)


def _merge(ctx: AppContext, parent: QWidget) -> None:
    from ppg_desktop.ui.bundle_dialogs import merge_volunteer_export

    merge_volunteer_export(ctx, parent)


def _back_up(ctx: AppContext, parent: QWidget) -> None:
    from ppg_desktop.ui.backup_dialogs import back_up_now

    back_up_now(ctx, parent)


def _restore(ctx: AppContext, parent: QWidget) -> None:
    from ppg_desktop.ui.backup_dialogs import open_restore_dialog

    open_restore_dialog(ctx, parent)


def export_feedback(
    ctx: AppContext,
    parent: QWidget | None,
    path: Path | None = None,
    *,
    full_text: bool | None = None,
) -> None:
    """Save all feedback with its themes as XLSX or CSV, redacted unless the chair says
    otherwise (asked here, never remembered)."""
    if path is None:
        chosen, _ = QFileDialog.getSaveFileName(
            parent,
            "Export feedback",
            str(Path.home() / f"feedback-{today():%Y-%m-%d}.xlsx"),  # not the program's folder
            SPREADSHEET_FILTER,
        )
        if not chosen:
            return
        path = Path(chosen)
    if path.suffix.lower() not in (".xlsx", ".csv"):
        path = path.with_suffix(".xlsx")
    if full_text is None:
        full_text = ask_yes_no(
            parent,
            "Personal details",
            "Names, phone numbers and other personal details are removed from the comments "
            "unless you need them. Keep the comments exactly as written? Only do this if the "
            "file will stay with the PPG.",
            yes="Keep full text",
            no="Remove personal details",
        )

    def work(db: Any, control: JobControl) -> int:
        from ppg_desktop.core.exporting import feedback_frame, write_frame

        def progress(done: int, total: int) -> None:
            control.check()
            control.report(done, total)

        frame = feedback_frame(db, full_text=bool(full_text), progress=progress)
        write_frame(frame, path, path.suffix.lower().lstrip("."))
        AuditStore(db, ctx.actor).record(
            "export", "feedback", str(path), {"rows": len(frame), "full_text": full_text}
        )
        return len(frame)

    def done(rows: int) -> None:
        from ppg_desktop.ui.backup_dialogs import tell

        tell(parent, "Export finished", f"{rows:,} feedback items were saved to {path}.")

    run_job(
        with_worker_db(ctx, work),
        done,
        on_error=lambda message: show_problem(parent, "The export did not finish", message),
        progress_parent=parent,
        title="Exporting feedback…",
    )
