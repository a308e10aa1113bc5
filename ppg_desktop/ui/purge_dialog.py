"""Removing records past their retention period: the list of what will go is shown first, and
nothing is removed until the chair confirms. Offered at start-up too when anything is due."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtCore import QStringListModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.retention import PurgePlan, PurgeResult, purge, purge_preview
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.widgets import error_label, heading, show_error


class PurgeDialog(QDialog):
    """Shows a PurgePlan; "Remove them" runs the purge in the background, Keep cancels."""

    def __init__(
        self,
        ctx: AppContext,
        plan: PurgePlan | None = None,
        parent: QWidget | None = None,
        *,
        at_start_up: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan if plan is not None else purge_preview(ctx.db)
        self.result_counts: PurgeResult | None = None
        self.job: Job | None = None
        self.setWindowTitle("Remove old records")
        self.setAccessibleName("Remove old records")
        intro = QLabel(
            (
                "PPG Desk checks at start-up for records kept longer than your PPG's retention "
                "periods. "
                if at_start_up
                else ""
            )
            + "These records are past their retention period. Removing them deletes them for "
            "good (the audit log notes that they were removed, without their contents)"
            + (
                ". Only the written answers of a survey go: the ratings and choices given with "
                "them stay, so the survey's percentages do not change:"
                if self.plan.survey_answers
                else ":"
            )
        )
        intro.setWordWrap(True)
        self.summary = heading(self.plan.summary())
        self.lines = QStringListModel(self.plan.lines or ["Nothing is due to be removed."])
        self.list_view = QListView()
        self.list_view.setAccessibleName("Records that will be removed")
        self.list_view.setModel(self.lines)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setWordWrap(True)
        self.list_view.setUniformItemSizes(False)
        periods = QLabel("Retention periods: " + "; ".join(self.plan.periods.describe()) + ".")
        periods.setWordWrap(True)
        periods.setProperty("role", "muted")
        self.error = error_label("Removal")
        self.remove_button = QPushButton(
            "&Remove this record"
            if self.plan.count == 1
            else f"&Remove these {self.plan.count:,} records"
        )
        self.remove_button.setAccessibleName("Remove the records listed")
        self.remove_button.setEnabled(not self.plan.empty)
        self.remove_button.clicked.connect(self.remove)
        self.keep_button = QPushButton("&Keep them for now" if not self.plan.empty else "&Close")
        self.keep_button.setDefault(True)
        self.keep_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(intro)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(periods)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(760, 480)

    def remove(self) -> None:
        """Remove what the plan lists (in the background); the dialog closes when done."""
        if self.plan.empty:
            return
        plan, actor = self.plan, self.ctx.actor
        self._set_busy(True)

        def work(db: sqlite_utils.Database, control: JobControl) -> PurgeResult:
            control.report(0, 0, "Removing old records…")
            return purge(db, plan, actor)

        def done(result: Any) -> None:
            self.result_counts = result
            self.ctx.notify("feedback")
            self.accept()

        def failed(message: str) -> None:
            self._set_busy(False)
            show_error(self.error, message)

        self.job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=failed,
            on_cancel=lambda: self._set_busy(False),
            progress_parent=self,
            title="Removing old records",
        )

    def _set_busy(self, busy: bool) -> None:
        self.remove_button.setEnabled(not busy and not self.plan.empty)
        self.keep_button.setEnabled(not busy)


def offer_start_up_purge(ctx: AppContext, parent: QWidget | None = None) -> PurgeDialog | None:
    """At start-up: when records are due and the person may remove them, show the list and ask.

    Returns the dialog (already closed) when one was shown, None when nothing was due.
    """
    if not ctx.can("purge"):
        return None
    plan = purge_preview(ctx.db)
    if plan.empty:
        return None
    dialog = PurgeDialog(ctx, plan, parent, at_start_up=True)
    dialog.exec()
    return dialog
