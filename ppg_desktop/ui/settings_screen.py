"""Settings: the PPG's name, its practices, the volunteers, text size and contrast, and where
the database is kept. Everything is stored in the database (SettingsStore), so it travels with
backups."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.backup import BACKUPS_KEEP_KEY, backup_dir, backups_to_keep, list_backups
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.poster import DEFAULT_JOIN_TEXT, JOIN_TEXT_KEY
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.settings_store import PPG_NAME
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.forms import boxes_page
from ppg_desktop.ui.style import (
    FONT_SCALE_KEY,
    FONT_SCALES,
    HIGH_CONTRAST_KEY,
    apply_style,
    font_scale,
    high_contrast,
)
from ppg_desktop.ui.widgets import error_label, show_error

ROLE_LABELS = {"volunteer": "Volunteer", "chair": "Chair"}


class SettingsScreen(QWidget):
    """The chair's settings, grouped in boxes; each box saves on its own button."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        boxes_page(
            self,
            "Settings",
            [
                [self._ppg_box(), self._appearance_box()],
                [self._practices_box(), self._users_box()],
                [self._database_box()],
            ],
        )
        self.refresh_practices()
        self.refresh_users()

    # --- PPG name --------------------------------------------------------------------------------
    def _ppg_box(self) -> QGroupBox:
        box = QGroupBox("Your PPG")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.ppg_name = QLineEdit(self.ctx.settings.ppg_name())
        self.ppg_name.setAccessibleName("PPG name")
        self.ppg_name.setPlaceholderText("e.g. Riverside Patient Participation Group")
        self.join_text = QPlainTextEdit(str(self.ctx.settings.get(JOIN_TEXT_KEY) or ""))
        self.join_text.setAccessibleName("How to join the PPG, as printed on the poster")
        self.join_text.setPlaceholderText(DEFAULT_JOIN_TEXT)
        self.join_text.setTabChangesFocus(True)
        self.join_text.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        save = QPushButton("Save")
        save.setAccessibleName("Save the PPG name and how to join")
        save.clicked.connect(self.save_ppg_name)
        self.ppg_saved = QLabel()
        row = QHBoxLayout()
        row.addWidget(save)
        row.addWidget(self.ppg_saved, 1)
        form.addRow("Name", self.ppg_name)
        form.addRow("How to join (on the poster)", self.join_text)
        form.addRow(row)
        return box

    def save_ppg_name(self) -> None:
        """Save the PPG's name and the 'how to join' text together (one button for the box)."""
        self.ctx.settings.set(PPG_NAME, " ".join(self.ppg_name.text().split()))
        self.ctx.settings.set(JOIN_TEXT_KEY, self.join_text.toPlainText().strip())
        self.ppg_saved.setText("Saved.")
        self.ctx.notify("settings")

    # --- appearance ------------------------------------------------------------------------------
    def _appearance_box(self) -> QGroupBox:
        box = QGroupBox("Text size and contrast")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.font_size = QComboBox()
        self.font_size.setAccessibleName("Text size")
        for scale in FONT_SCALES:
            self.font_size.addItem(f"{scale}%" + (" (normal)" if scale == 100 else ""), scale)
        self.font_size.setCurrentIndex(self.font_size.findData(font_scale(self.ctx.settings)))
        self.font_size.currentIndexChanged.connect(self.apply_appearance)
        self.contrast = QCheckBox("High contrast (white text on black)")
        self.contrast.setAccessibleName("High contrast")
        self.contrast.setChecked(high_contrast(self.ctx.settings))
        self.contrast.toggled.connect(self.apply_appearance)
        form.addRow("Text size", self.font_size)
        form.addRow(self.contrast)
        note = QLabel("Changes apply at once to every screen.")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        form.addRow(note)
        return box

    def apply_appearance(self, *_: object) -> None:
        """Store the text size and contrast and re-style the whole app now."""
        self.ctx.settings.set(FONT_SCALE_KEY, int(self.font_size.currentData()))
        self.ctx.settings.set(HIGH_CONTRAST_KEY, self.contrast.isChecked())
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app, self.ctx.settings)
        self.ctx.notify("settings")

    # --- practices -------------------------------------------------------------------------------
    def _practices_box(self) -> QGroupBox:
        box = QGroupBox("Practices")
        layout = QVBoxLayout(box)
        self.practices = QListWidget()
        self.practices.setAccessibleName("Practices")
        self.practices.setMinimumHeight(120)
        self.practices.currentItemChanged.connect(self._practice_chosen)
        self.practice_name = QLineEdit()
        self.practice_name.setAccessibleName("Practice name")
        self.practice_name.setPlaceholderText("Practice name")
        self.add_practice_button = QPushButton("Add as new")
        self.rename_practice_button = QPushButton("Rename")
        self.toggle_practice_button = QPushButton("Mark as closed")
        self.add_practice_button.clicked.connect(self.add_practice)
        self.rename_practice_button.clicked.connect(self.rename_practice)
        self.toggle_practice_button.clicked.connect(self.toggle_practice)
        self.practice_error = error_label("Practice")
        buttons = QHBoxLayout()
        for button in (
            self.add_practice_button,
            self.rename_practice_button,
            self.toggle_practice_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addWidget(self.practices, 1)
        layout.addWidget(self.practice_name)
        layout.addLayout(buttons)
        layout.addWidget(self.practice_error)
        return box

    def refresh_practices(self) -> None:
        chosen = self._chosen_id(self.practices)
        self.practices.clear()
        for practice in PracticeStore(self.ctx.db).list():
            words = practice.name if practice.active else f"{practice.name} (closed)"
            entry = QListWidgetItem(words)
            entry.setData(Qt.ItemDataRole.UserRole, practice.id)
            self.practices.addItem(entry)
            if practice.id == chosen:
                self.practices.setCurrentItem(entry)
        self._practice_chosen()

    def _practice_chosen(self, *_: object) -> None:
        practice_id = self._chosen_id(self.practices)
        has = practice_id is not None
        self.rename_practice_button.setEnabled(has)
        self.toggle_practice_button.setEnabled(has)
        if practice_id is not None:
            practice = PracticeStore(self.ctx.db).get(practice_id)
            self.practice_name.setText(practice.name)
            self.toggle_practice_button.setText("Mark as closed" if practice.active else "Reopen")

    def _practice_change(self, action: str) -> None:
        store = PracticeStore(self.ctx.db, self.ctx.actor)
        practice_id = self._chosen_id(self.practices)
        show_error(self.practice_error, "")
        try:
            if action == "add":
                store.create(self.practice_name.text())
                self.practice_name.clear()
            elif practice_id is not None and action == "rename":
                store.update(practice_id, name=self.practice_name.text())
            elif practice_id is not None:
                store.update(practice_id, active=not store.get(practice_id).active)
        except ValidationError as exc:
            show_error(self.practice_error, exc.message)
            return
        self.refresh_practices()
        self.ctx.notify("practices")

    def add_practice(self) -> None:
        self._practice_change("add")

    def rename_practice(self) -> None:
        self._practice_change("rename")

    def toggle_practice(self) -> None:
        self._practice_change("toggle")

    # --- volunteers ------------------------------------------------------------------------------
    def _users_box(self) -> QGroupBox:
        box = QGroupBox("Volunteers")
        layout = QVBoxLayout(box)
        self.users = QListWidget()
        self.users.setAccessibleName("Volunteers")
        self.users.setMinimumHeight(120)
        self.users.currentItemChanged.connect(self._user_chosen)
        self.user_name = QLineEdit()
        self.user_name.setAccessibleName("Volunteer name")
        self.user_name.setPlaceholderText("Name")
        self.user_role = QComboBox()
        self.user_role.setAccessibleName("Role")
        for key, label in ROLE_LABELS.items():
            self.user_role.addItem(label, key)
        self.add_user_button = QPushButton("Add person")
        self.toggle_user_button = QPushButton("Mark as left")
        self.add_user_button.clicked.connect(self.add_user)
        self.toggle_user_button.clicked.connect(self.toggle_user)
        self.user_error = error_label("Volunteer")
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.user_name, 2)
        entry_row.addWidget(self.user_role, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_user_button)
        buttons.addWidget(self.toggle_user_button)
        buttons.addStretch(1)
        layout.addWidget(self.users, 1)
        layout.addLayout(entry_row)
        layout.addLayout(buttons)
        layout.addWidget(self.user_error)
        return box

    def refresh_users(self) -> None:
        self.users.clear()
        for user in UserStore(self.ctx.db).list():
            words = f"{user.name} — {ROLE_LABELS.get(user.role, user.role)}"
            entry = QListWidgetItem(words if user.active else f"{words} (left)")
            entry.setData(Qt.ItemDataRole.UserRole, user.id)
            self.users.addItem(entry)
        self._user_chosen()

    def _user_chosen(self, *_: object) -> None:
        user_id = self._chosen_id(self.users)
        self.toggle_user_button.setEnabled(user_id is not None)
        if user_id is not None:
            active = UserStore(self.ctx.db).get(user_id).active
            self.toggle_user_button.setText("Mark as left" if active else "Welcome back")

    def add_user(self) -> None:
        show_error(self.user_error, "")
        try:
            UserStore(self.ctx.db, self.ctx.actor).create(
                self.user_name.text(), self.user_role.currentData()
            )
        except ValidationError as exc:
            show_error(self.user_error, exc.message)
            return
        self.user_name.clear()
        self.refresh_users()
        self.ctx.notify("users")

    def toggle_user(self) -> None:
        user_id = self._chosen_id(self.users)
        if user_id is None:
            return
        store = UserStore(self.ctx.db, self.ctx.actor)
        store.update(user_id, active=not store.get(user_id).active)
        self.refresh_users()
        self.ctx.notify("users")

    # --- database --------------------------------------------------------------------------------
    def _database_box(self) -> QGroupBox:
        box = QGroupBox("Database")
        layout = QVBoxLayout(box)
        where = QLabel(f"Your data is kept in this file:\n{self.ctx.db_path}")
        where.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        where.setWordWrap(True)
        where.setAccessibleName("Database location")
        self.database_label = where
        layout.addWidget(where)
        self.backup_label = QLabel()
        self.backup_label.setWordWrap(True)
        self.backup_label.setAccessibleName("Where backups go")
        layout.addWidget(self.backup_label)
        keep_row = QHBoxLayout()
        keep_label = QLabel("Keep the last")
        self.backups_keep = QSpinBox()
        self.backups_keep.setRange(1, 100)
        self.backups_keep.setValue(backups_to_keep(self.ctx.db))
        self.backups_keep.setSuffix(" backups")
        self.backups_keep.setAccessibleName("How many backups to keep")
        keep_label.setBuddy(self.backups_keep)
        self.backups_keep.valueChanged.connect(self.save_backups_keep)
        keep_row.addWidget(keep_label)
        keep_row.addWidget(self.backups_keep)
        keep_row.addStretch(1)
        layout.addLayout(keep_row)
        buttons = QHBoxLayout()
        for label, name, slot in (
            (
                "Change backup folder…",
                "Choose the folder (or USB stick) for backups",
                self.change_backup_folder,
            ),
            ("Back up now", "Back up the database now", self.back_up_now),
            ("Restore from a backup…", "Restore the database from a backup", self.restore),
        ):
            button = QPushButton(label)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.refresh_backups()
        return box

    def refresh_backups(self) -> None:
        """Say where backups go, how many there are and when the last one was taken."""
        folder = backup_dir(self.ctx.db)
        found = list_backups(folder)
        last = f" The last was taken {found[0].label}." if found else " None has been taken yet."
        self.backup_label.setText(
            f"A backup is taken when PPG Desk closes (at most once a day), into:\n{folder}\n"
            f"{len(found)} backup{'s' if len(found) != 1 else ''} there.{last}"
        )

    def save_backups_keep(self, value: int) -> None:
        self.ctx.settings.set(BACKUPS_KEEP_KEY, int(value))

    def change_backup_folder(self) -> None:
        from ppg_desktop.ui.backup_dialogs import choose_backup_folder

        if choose_backup_folder(self.ctx, self) is not None:
            self.refresh_backups()

    def back_up_now(self) -> None:
        from ppg_desktop.ui.backup_dialogs import back_up_now

        back_up_now(self.ctx, self, on_done=lambda *_: self.refresh_backups())

    def restore(self) -> None:
        from ppg_desktop.ui.backup_dialogs import open_restore_dialog

        open_restore_dialog(self.ctx, self)
        self.refresh_backups()

    @staticmethod
    def _chosen_id(widget: QListWidget) -> int | None:
        entry = widget.currentItem()
        return None if entry is None else int(entry.data(Qt.ItemDataRole.UserRole))
