"""Signing in at start-up, and setting PINs.

When any user has a PIN, PPG Desk starts with a sign-in: the person signed in decides what the
app shows (volunteers see only the feedback form, surveys and what they entered today). Before
any chair has a PIN the app is single-user; start-up then offers to set a chair PIN, and the
Privacy and security screen offers it again.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ppg_desktop.core.auth import (
    MIN_PIN_LENGTH,
    SignInFailed,
    check_pin,
    create_user,
    needs_first_user,
    set_pin,
    sign_in,
)
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.models import User
from ppg_desktop.core.user_store import UserStore
from ppg_desktop.ui.context import AppContext
from ppg_desktop.ui.dialog_size import fit_to_width
from ppg_desktop.ui.widgets import error_label, heading, show_error


def _pin_field(name: str) -> QLineEdit:
    line = QLineEdit()
    line.setEchoMode(QLineEdit.EchoMode.Password)
    line.setAccessibleName(name)
    line.setMaxLength(64)
    return line


def users_with_pins(ctx: AppContext) -> list[User]:
    """Active users who can sign in."""
    return [u for u in UserStore(ctx.db).list(active_only=True) if u.has_pin]


class SignInDialog(QDialog):
    """Choose your name, type your PIN. Accepted with `self.user` set."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: User | None = None
        self.setWindowTitle("Sign in to PPG Desk")
        self.setAccessibleName("Sign in")
        self.who = QComboBox()
        self.who.setAccessibleName("Your name")
        for user in users_with_pins(ctx):
            self.who.addItem(user.name, user.id)
        self.pin = _pin_field("PIN")
        self.pin.returnPressed.connect(self.try_sign_in)
        self.error = error_label("PIN")
        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        quit_button = QPushButton("&Quit")
        quit_button.clicked.connect(self.reject)
        self.first_chair_button = QPushButton("Set a &chair PIN…")
        self.first_chair_button.setAccessibleName("Set a PIN for the chair")
        self.first_chair_button.clicked.connect(self._set_first_chair)
        self.first_chair_button.setVisible(needs_first_user(ctx.db))
        intro = QLabel("Patients' comments are private: sign in with your PIN.")
        intro.setWordWrap(True)
        not_listed = QLabel("Not in the list? Ask the chair to give you a PIN.")
        not_listed.setWordWrap(True)
        not_listed.setProperty("role", "muted")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Name", self.who)
        form.addRow("&PIN", self.pin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.first_chair_button)
        buttons.addStretch(1)
        buttons.addWidget(quit_button)
        buttons.addWidget(self.sign_in_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Sign in", role="title"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(not_listed)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.pin.setFocus()
        fit_to_width(self, 480)

    def try_sign_in(self) -> bool:
        """Check the PIN (audited); accept when right, say why not otherwise."""
        try:
            self.user = sign_in(self.ctx.db, self.who.currentText(), self.pin.text())
        except SignInFailed as exc:
            show_error(self.error, str(exc))
            self.pin.clear()
            self.pin.setFocus()
            return False
        self.accept()
        return True

    def _set_first_chair(self) -> None:
        dialog = SetPinDialog(self.ctx, None, self, first_chair=True)
        if dialog.exec() and dialog.user is not None:
            self.user = dialog.user
            self.accept()


class SetPinDialog(QDialog):
    """Set or reset a PIN for `user`; with no user, add one (name, role, PIN).

    `first_chair=True` is the start-up step before any chair has a PIN: the chair's name is
    chosen from the chairs already listed (or typed), and they are signed in afterwards.
    """

    def __init__(
        self,
        ctx: AppContext,
        user: User | None,
        parent: QWidget | None = None,
        *,
        first_chair: bool = False,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.target = user
        self.first_chair = first_chair
        self.user: User | None = None
        if first_chair:
            self.setWindowTitle("Set a chair PIN")
        elif user is None:
            self.setWindowTitle("Add a user")
        else:
            self.setWindowTitle(f"Set a PIN for {user.name}")
        self.setAccessibleName(self.windowTitle())
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.setAccessibleName("Name")
        if first_chair:
            for chair in UserStore(ctx.db).list(active_only=True):
                if chair.role == "chair":
                    self.name.addItem(chair.name)
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        self.role.addItem("Volunteer", "volunteer")
        self.role.addItem("Chair / admin", "chair")
        self.pin = _pin_field("PIN")
        self.again = _pin_field("PIN again")
        self.again.returnPressed.connect(self.save)
        self.error = error_label("PIN")
        self.save_button = QPushButton("&Set PIN" if user or first_chair else "&Add user")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("Not no&w" if first_chair else "Cancel")
        cancel.clicked.connect(self.reject)
        if first_chair:
            explanation = (
                "Give the chair a PIN so that only people with a PIN can open PPG Desk, and "
                "volunteers see only what they enter. Until then anyone at this computer can "
                "read every comment."
            )
        elif user is None:
            explanation = "Volunteers record feedback; the chair can do everything."
        else:
            explanation = f"{user.name} will sign in with this PIN from now on."
        intro = QLabel(explanation)
        intro.setWordWrap(True)
        hint = QLabel(
            f"At least {MIN_PIN_LENGTH} digits or characters; not 1234 or 1111. "
            "PINs are stored scrambled (hashed), never as typed."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "muted")
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        if user is None:
            form.addRow("&Name", self.name)
        if user is None and not first_chair:
            form.addRow("&Role", self.role)
        form.addRow("&PIN", self.pin)
        form.addRow("PIN &again", self.again)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        (self.pin if user else self.name).setFocus()
        fit_to_width(self, 520)

    def save(self) -> bool:
        """Check the PIN twice and store it (hashed, audited); True when done."""
        pin = self.pin.text()
        try:
            check_pin(pin)
        except ValidationError as exc:
            return self._problem(exc.message, self.pin)
        if self.again.text() != pin:
            self.again.clear()
            return self._problem("The two PINs are not the same. Type it again.", self.again)
        actor = self.ctx.actor
        try:
            if self.target is not None:
                self.user = set_pin(self.ctx.db, self.target.id, pin, actor)
            else:
                self.user = self._create_or_update(pin, actor)
        except ValidationError as exc:
            return self._problem(exc.message, self.name)
        if self.first_chair:
            self.user = sign_in(self.ctx.db, self.user.name, pin)
        self.ctx.notify("users")
        self.accept()
        return True

    def _create_or_update(self, pin: str, actor: str) -> User:
        name = " ".join(self.name.currentText().split())
        role = "chair" if self.first_chair else str(self.role.currentData())
        existing = UserStore(self.ctx.db).find_by_name(name) if name else None
        if existing is None:
            return create_user(self.ctx.db, name, role, pin, actor)
        if not self.first_chair:
            raise ValidationError("Name", f"There is already a user called {existing.name}.")
        if existing.role != "chair" or not existing.active:
            raise ValidationError(
                "Name", f"{existing.name} is not an active chair: type the chair's name."
            )
        return set_pin(self.ctx.db, existing.id, pin, actor)

    def _problem(self, message: str, field: QWidget) -> bool:
        show_error(self.error, message)
        field.setFocus()
        return False


def start_session(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """At start-up: sign in when anyone has a PIN, or offer to set the first chair PIN.

    Sets `ctx.user`; returns False when the person chose to quit instead of signing in.
    """
    if users_with_pins(ctx):
        dialog = SignInDialog(ctx, parent)
        if not dialog.exec() or dialog.user is None:
            return False
        ctx.user = dialog.user
        return True
    if needs_first_user(ctx.db):
        setup = SetPinDialog(ctx, None, parent, first_chair=True)
        if setup.exec() and setup.user is not None:
            ctx.user = setup.user
    return True
