"""First run: ask the PPG's name and its practices, or fill the app with demo data to try it."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import PPG_NAME
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.operations import Job, JobControl, run_job, with_worker_db
from ppg_desktop.ui.widgets import error_label, heading, show_error

DEMO_SIZE = 3000
DEMO_SEED = 1


def practice_names(text: str) -> list[str]:
    """One practice per line; blank lines and repeats are dropped."""
    names: list[str] = []
    for line in text.splitlines():
        name = " ".join(line.split())
        if name and name.casefold() not in (n.casefold() for n in names):
            names.append(name)
    return names


class WelcomeDialog(QDialog):
    """Accepted once the PPG is set up (by hand or with demo data)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.demo_job: Job | None = None
        self.setWindowTitle("Welcome to PPG Desk")
        self.setAccessibleName("Welcome")
        intro = QLabel(
            "PPG Desk keeps your group's patient feedback, surveys and meeting packs "
            "on this computer. Tell it who you are to begin; you can change all of "
            "this later in Settings."
        )
        intro.setWordWrap(True)
        self.ppg_name = QLineEdit()
        self.ppg_name.setAccessibleName("PPG name")
        self.ppg_name.setPlaceholderText("For example: Riverside Patient Participation Group")
        self.practices = QPlainTextEdit()
        self.practices.setAccessibleName("Practices, one per line")
        # "For example" so the grey sample is not mistaken for practices already filled in.
        self.practices.setPlaceholderText(
            "For example:\nRiverside Surgery\nHigh Street Medical Centre"
        )
        self.practices.setTabChangesFocus(True)
        self.practices.setMinimumHeight(90)
        self.practice_error = error_label("Practices")
        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.start_button.setAccessibleName("Start with these details")
        self.demo_button = QPushButton("Try it with &demo data")
        self.demo_button.setAccessibleName("Fill the app with made-up demo data")
        self.demo_note = QLabel(
            f"Demo data is made up: {DEMO_SIZE:,} comments from imaginary "
            "patients, so you can explore. Use a new database for real "
            "data."
        )
        self.demo_note.setWordWrap(True)
        self.demo_note.setProperty("role", "muted")
        self.start_button.clicked.connect(self.start)
        self.demo_button.clicked.connect(self.start_demo)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        form.addRow("Your PPG's &name", self.ppg_name)
        form.addRow("Your &practices (one per line)", self.practices)
        form.addRow(self.practice_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Welcome to PPG Desk", role="title"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.demo_note)
        char = self.fontMetrics().averageCharWidth()  # room for the words at any text size
        self.resize(max(620, 64 * char), max(460, self.sizeHint().height()))

    def start(self) -> bool:
        """Store the PPG's name and practices; True (and close) when done."""
        names = practice_names(self.practices.toPlainText())
        if not names:
            show_error(
                self.practice_error,
                "Enter at least one practice (the surgery your PPG belongs to).",
            )
            self.practices.setFocus()
            return False
        store = PracticeStore(self.ctx.db, self.ctx.actor)
        try:
            with self.ctx.db.atomic():
                for name in names:
                    store.create(name)
                self.ctx.settings.set(PPG_NAME, " ".join(self.ppg_name.text().split()))
        except ValidationError as exc:
            show_error(self.practice_error, exc.message)
            return False
        self.ctx.notify("practices")
        self.accept()
        return True

    def start_demo(self) -> None:
        """Generate demo data in the background, with progress and Cancel."""
        from ppg_desktop.core.demo import generate_demo

        def work(db: sqlite_utils.Database, control: JobControl) -> Any:
            return generate_demo(
                db,
                size=DEMO_SIZE,
                seed=DEMO_SEED,
                progress=lambda done, total: control.report(
                    done, total, "Making up demo feedback…"
                ),
                should_cancel=lambda: control.cancelled,
            )

        def done(_summary: Any) -> None:
            self.ctx.notify("feedback")
            self.accept()

        def failed(message: str) -> None:
            self._set_busy(False)
            show_error(self.practice_error, message)

        self._set_busy(True)
        self.demo_job = run_job(
            with_worker_db(self.ctx, work),
            done,
            on_error=failed,
            on_cancel=lambda: self._set_busy(False),
            progress_parent=self,
            title="Making demo data",
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.start_button, self.demo_button, self.ppg_name, self.practices):
            widget.setEnabled(not busy)
