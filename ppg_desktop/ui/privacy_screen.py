"""Privacy and security (chair only): how long records are kept and removing old ones, a
person's details (subject access and erasure), encryption, the idle lock, and users' PINs."""

from __future__ import annotations

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core import encryption
from ppg_desktop.core.auth import (
    MAX_LOCK_MINUTES,
    MIN_LOCK_MINUTES,
    ROLE_LABELS,
    lock_after_minutes,
    needs_first_user,
    set_lock_after_minutes,
)
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.models import User
from ppg_desktop.core.retention import RetentionPeriods, retention_periods, set_retention_periods
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.forms import boxes_page
from ppg_desktop.ui.widgets import error_label, show_error

RETENTION_FIELDS = (
    ("contact_months_after_closed", "Contact &details, after the matter closes", " months"),
    ("deleted_feedback_days", "D&eleted feedback, after it was deleted", " days"),
    ("closed_feedback_years", "Feedback on &closed matters, after closing", " years"),
    ("survey_text_years", "&Written survey answers, after the survey", " years"),
)


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", "muted")
    return label


class PrivacyScreen(QWidget):
    """Group boxes that each save on their own button (like Settings)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        boxes_page(
            self,
            "Privacy and security",
            [
                [self._retention_box(), self._person_box()],
                [self._encryption_box(), self._lock_box()],
                [self._users_box()],
            ],
        )
        ctx.data_changed.connect(self._on_data_changed)
        self.refresh()

    # --- retention -------------------------------------------------------------------------------
    def _retention_box(self) -> QGroupBox:
        box = QGroupBox("Keeping records")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        # the periods sit in one column, each as wide as the widest ("9999 months"), so no
        # caption is pushed above its box while the others stay beside theirs
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(
            _muted(
                "Personal data is kept no longer than needed. Records older than these are "
                "listed for removal at start-up and when you press Remove old records."
            )
        )
        self.retention: dict[str, QSpinBox] = {}
        for key, label, suffix in RETENTION_FIELDS:
            spin = QSpinBox()
            spin.setRange(0, 9999)  # the core checks the sensible range and says so
            spin.setSuffix(suffix)
            spin.setAccessibleName(label.replace("&", ""))
            if key == "survey_text_years":
                spin.setToolTip(
                    "A written answer that became a feedback item goes with that item instead."
                )
            self.retention[key] = spin
            form.addRow(label, spin)
        widest = max(spin.sizeHint().width() for spin in self.retention.values())
        for spin in self.retention.values():
            spin.setFixedWidth(widest)
        self.retention_error = error_label("Retention periods")
        self.retention_status = QLabel()
        form.addRow(self.retention_error)
        save = QPushButton("Save &periods")
        save.clicked.connect(self.save_retention)
        self.purge_button = QPushButton("Remove &old records now…")
        self.purge_button.setAccessibleName("Remove old records now: shows the list first")
        self.purge_button.clicked.connect(self.open_purge)
        row = QHBoxLayout()
        row.addWidget(self.retention_status, 1)
        row.addWidget(save)
        row.addWidget(self.purge_button)
        form.addRow(row)
        return box

    def save_retention(self) -> bool:
        """Store the periods (checked by the core); True when saved."""
        periods = RetentionPeriods(**{k: spin.value() for k, spin in self.retention.items()})
        try:
            set_retention_periods(self.ctx.db, periods, self.ctx.actor)
        except ValidationError as exc:
            show_error(self.retention_error, str(exc))
            return False
        show_error(self.retention_error, "")
        self.retention_status.setText("Saved.")
        self.ctx.notify("settings")
        return True

    def open_purge(self) -> None:
        from ppg_desktop.ui.purge_dialog import PurgeDialog

        PurgeDialog(self.ctx, None, self).exec()

    # --- a person's details ----------------------------------------------------------------------
    def _person_box(self) -> QGroupBox:
        box = QGroupBox("A person's details")
        layout = QVBoxLayout(box)
        layout.addWidget(
            _muted(
                "When someone asks what the PPG holds about them, or asks for it to be erased: "
                "find everything linked to their name, phone or email, then export it for them "
                "or erase it. Both are recorded in the audit log."
            )
        )
        self.subject_button = QPushButton("&Find a person's details…")
        self.subject_button.clicked.connect(self.open_subject_access)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.subject_button)
        layout.addLayout(row)
        layout.addStretch(1)
        return box

    def open_subject_access(self) -> None:
        from ppg_desktop.ui.subject_access_dialog import SubjectAccessDialog

        SubjectAccessDialog(self.ctx, self).exec()

    # --- encryption ------------------------------------------------------------------------------
    def _encryption_box(self) -> QGroupBox:
        box = QGroupBox("Encryption")
        layout = QVBoxLayout(box)
        self.encryption_status = QLabel()
        self.encryption_status.setWordWrap(True)
        self.encryption_status.setAccessibleName("Encryption status")
        self.encrypt_button = QPushButton("&Encrypt this database…")
        self.encrypt_button.clicked.connect(self.open_encrypt)
        self.passphrase_button = QPushButton("C&hange passphrase…")
        self.passphrase_button.clicked.connect(self.open_change_passphrase)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.encrypt_button)
        row.addWidget(self.passphrase_button)
        layout.addWidget(self.encryption_status)
        layout.addLayout(row)
        return box

    def refresh_encryption(self) -> None:
        info = encryption.describe(self.ctx.db_path)
        if info["encrypted"]:
            text = (
                "✔ This database is encrypted: without the passphrase nobody can read it. "
                "Backups are encrypted too."
            )
        else:
            text = (
                "⚠ This database is not encrypted: anyone who gets hold of this computer's "
                "files can read patients' comments. We recommend encrypting it."
            )
        self.encryption_status.setText(f"{text}\nFile: {info['path']}")
        self.encrypt_button.setVisible(not info["encrypted"])
        self.passphrase_button.setVisible(bool(info["encrypted"]))

    def open_encrypt(self) -> None:
        from ppg_desktop.ui.encryption_dialog import EncryptDialog

        EncryptDialog(self.ctx, self).exec()
        self.refresh_encryption()

    def open_change_passphrase(self) -> None:
        from ppg_desktop.ui.encryption_dialog import ChangePassphraseDialog

        if ChangePassphraseDialog(self.ctx, self).exec():
            self.encryption_status.setText(
                self.encryption_status.text() + "\nThe passphrase has been changed."
            )

    # --- idle lock -------------------------------------------------------------------------------
    def _lock_box(self) -> QGroupBox:
        box = QGroupBox("Locking")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(
            _muted(
                "PPG Desk hides everything when nobody has used it for a while; a PIN unlocks "
                "it. Press Ctrl+L to lock it at once, e.g. before leaving the desk."
            )
        )
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(MIN_LOCK_MINUTES, MAX_LOCK_MINUTES)
        self.lock_minutes.setSuffix(" minutes")
        self.lock_minutes.setAccessibleName("Lock after this many minutes without use")
        form.addRow("&Lock after", self.lock_minutes)
        self.lock_error = error_label("Lock after")
        form.addRow(self.lock_error)
        self.lock_status = QLabel()
        save = QPushButton("Sa&ve")
        save.setAccessibleName("Save the lock time")
        save.clicked.connect(self.save_lock_minutes)
        row = QHBoxLayout()
        row.addWidget(self.lock_status, 1)
        row.addWidget(save)
        form.addRow(row)
        return box

    def save_lock_minutes(self) -> bool:
        """Store the idle time and apply it to the running window at once."""
        try:
            set_lock_after_minutes(self.ctx.db, self.lock_minutes.value(), self.ctx.actor)
        except ValidationError as exc:
            show_error(self.lock_error, exc.message)
            return False
        show_error(self.lock_error, "")
        self.lock_status.setText("Saved.")
        guard = getattr(self.window(), "lock_guard", None)
        if guard is not None:
            guard.reload_setting()
        self.ctx.notify("settings")
        return True

    # --- users and PINs --------------------------------------------------------------------------
    def _users_box(self) -> QGroupBox:
        box = QGroupBox("Users and PINs")
        layout = QVBoxLayout(box)
        self.first_chair_note = QLabel(
            "⚠ No chair has a PIN yet, so anyone at this computer can use PPG Desk as the "
            "chair. Set a chair PIN to turn on sign-in."
        )
        self.first_chair_note.setWordWrap(True)
        layout.addWidget(self.first_chair_note)
        self.users_model = QStandardItemModel(0, 3)
        self.users_model.setHorizontalHeaderLabels(["Name", "Role", "PIN"])
        self.users_view = QTableView()
        self.users_view.setAccessibleName("Users")
        self.users_view.setModel(self.users_model)
        self.users_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.users_view.verticalHeader().setVisible(False)
        self.users_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.users_view.setMinimumHeight(150)
        self.set_pin_button = QPushButton("&Set or reset PIN…")
        self.set_pin_button.clicked.connect(self.set_pin_for_selected)
        self.add_user_button = QPushButton("&Add a user with a PIN…")
        self.add_user_button.clicked.connect(self.add_user)
        self.users_error = error_label("Users")
        row = QHBoxLayout()
        row.addWidget(self.users_error, 1)
        row.addStretch(1)
        row.addWidget(self.add_user_button)
        row.addWidget(self.set_pin_button)
        layout.addWidget(self.users_view)
        layout.addLayout(row)
        return box

    def refresh_users(self) -> None:
        self.users = UserStore(self.ctx.db).list()
        self.users_model.removeRows(0, self.users_model.rowCount())
        for user in self.users:
            role = ROLE_LABELS.get(user.role, user.role)
            if not user.active:
                role += " (no longer active)"
            self.users_model.appendRow(
                [
                    QStandardItem(user.name),
                    QStandardItem(role),
                    QStandardItem("Set" if user.has_pin else "Not set"),
                ]
            )
        self.first_chair_note.setVisible(needs_first_user(self.ctx.db))

    def selected_user(self) -> User | None:
        rows = self.users_view.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows else None

    def set_pin_for_selected(self) -> None:
        """Set or reset the chosen user's PIN (chairs only: this screen is theirs)."""
        from ppg_desktop.ui.sign_in import SetPinDialog

        user = self.selected_user()
        if user is None:
            show_error(self.users_error, "Choose a user in the list first.")
            return
        show_error(self.users_error, "")
        SetPinDialog(self.ctx, user, self).exec()
        self.refresh_users()

    def add_user(self) -> None:
        from ppg_desktop.ui.sign_in import SetPinDialog

        SetPinDialog(self.ctx, None, self).exec()
        self.refresh_users()

    # --- refreshing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the stored settings (after start, or a change elsewhere)."""
        periods = retention_periods(self.ctx.db)
        for key, spin in self.retention.items():
            spin.setValue(getattr(periods, key))
        self.lock_minutes.setValue(lock_after_minutes(self.ctx.db))
        self.refresh_encryption()
        self.refresh_users()

    def _on_data_changed(self, topic: str) -> None:
        if topic == "users":
            self.refresh_users()

    def on_shown(self) -> None:
        self.refresh()
