"""Who may do what: PINs hashed with argon2, signing in (audited), roles and permissions, and
the idle-lock setting.

Volunteers enter feedback and survey answers and see only what they entered today; the chair
(or admin) may do everything. The UI asks `can(user, permission)` before showing a screen or an
action, and core code that must never run for a volunteer calls `require`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ppg_desktop.core.audit_store import AuditStore
from ppg_desktop.core.errors import PPGError, ValidationError
from ppg_desktop.core.models import FeedbackFilter, User
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.user_store import UserStore

PERMISSIONS: dict[str, str] = {
    "enter_feedback": "Record feedback",
    "enter_survey": "Record survey answers",
    "view_own_feedback": "See the feedback they entered today",
    "view_all_feedback": "See and search all feedback",
    "edit_feedback": "Change, tag and delete feedback",
    "reports": "Print reports and meeting packs",
    "export": "Export data and make bundles",
    "settings": "Change settings",
    "audit": "Read the audit log",
    "manage_users": "Add users and reset PINs",
    "purge": "Remove old records (retention)",
    "subject_access": "Find, export and erase a person's details",
    "encryption": "Encrypt the database and change its passphrase",
    "import_data": "Import spreadsheets and merge volunteers' files",
    "send_to_chair": "Save what they entered in a file for the chair",
    "backup": "Back up and restore the database",
}
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "volunteer": frozenset(
        {"enter_feedback", "enter_survey", "view_own_feedback", "send_to_chair"}
    ),
    "chair": frozenset(PERMISSIONS),
}
ROLE_LABELS = {"volunteer": "Volunteer", "chair": "Chair / admin"}

LOCK_SETTING = "lock_after_minutes"
DEFAULT_LOCK_MINUTES = 10
MIN_LOCK_MINUTES, MAX_LOCK_MINUTES = 1, 120
MIN_PIN_LENGTH = 4
MAX_FAILED_ATTEMPTS = 5
FAILED_ATTEMPT_WINDOW = dt.timedelta(minutes=15)

_hasher = PasswordHasher()


class AccessDenied(PPGError):
    """The signed-in user's role does not allow this."""


class SignInFailed(PPGError):
    """Wrong name or PIN, an inactive user, or too many attempts."""


def can(user: User | None, permission: str) -> bool:
    """Whether this user may do this; nobody signed in may do nothing."""
    if permission not in PERMISSIONS:
        raise ValueError(f"Unknown permission {permission!r}")
    if user is None or not user.active:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user: User | None, permission: str) -> None:
    """Raise AccessDenied, in words for people, unless the user may do this."""
    if not can(user, permission):
        who = "Nobody is signed in" if user is None else f"{user.name} is a {user.role}"
        raise AccessDenied(
            f"{who}: only the chair can {PERMISSIONS[permission].lower()}. Ask the chair to "
            "sign in."
        )


def check_pin(pin: str) -> None:
    """Refuse PINs that are too short or too easy to guess (raises ValidationError)."""
    if not isinstance(pin, str) or len(pin.strip()) < MIN_PIN_LENGTH:
        raise ValidationError("PIN", f"Use at least {MIN_PIN_LENGTH} digits or characters.")
    if pin != pin.strip():
        raise ValidationError("PIN", "Leave out spaces at the start and end.")
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise ValidationError("PIN", "That PIN is too easy to guess; choose another.")


def hash_pin(pin: str) -> str:
    """An argon2id hash of the PIN (salted; the PIN itself is never stored)."""
    return _hasher.hash(pin)


def pin_matches(pin_hash: str | None, pin: str) -> bool:
    """Whether the PIN matches the stored hash (False for no hash or a damaged one)."""
    if not pin_hash:
        return False
    try:
        return _hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def set_pin(db: sqlite_utils.Database, user_id: int, pin: str, actor: str) -> User:
    """Set or reset a user's PIN (audited as a user change, without the PIN)."""
    check_pin(pin)
    return UserStore(db, actor).update(user_id, pin_hash=hash_pin(pin))


def create_user(db: sqlite_utils.Database, name: str, role: str, pin: str, actor: str) -> User:
    """Add a user with a PIN in one step (first run, or the chair adding a volunteer)."""
    check_pin(pin)
    return UserStore(db, actor).create(name, role, hash_pin(pin))


def needs_first_user(db: sqlite_utils.Database) -> bool:
    """True until an active chair with a PIN exists: the first-run screen asks for one."""
    return not any(u.role == "chair" and u.active and u.has_pin for u in UserStore(db).list())


def _recent_failures(db: sqlite_utils.Database, name: str, now: dt.datetime) -> int:
    since = (now - FAILED_ATTEMPT_WINDOW).astimezone(dt.UTC).isoformat(timespec="microseconds")
    last_success = db.execute(
        "SELECT max(at) FROM audit_log WHERE action = 'sign_in' AND actor = ? COLLATE NOCASE",
        [name],
    ).fetchone()[0]
    row = db.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'sign_in_failed' AND actor = ?"
        " COLLATE NOCASE AND at >= ? AND at > ?",
        [name, since, last_success or ""],
    ).fetchone()
    return int(row[0])


def sign_in(
    db: sqlite_utils.Database, name: str, pin: str, *, now: dt.datetime | None = None
) -> User:
    """Check a name and PIN; returns the user and audits 'sign_in', or audits the failure and
    raises SignInFailed. After five wrong PINs in 15 minutes the name is refused for a while."""
    clean_name = " ".join((name or "").split())
    moment = now or dt.datetime.now(dt.UTC)
    audit = AuditStore(db, clean_name)
    if _recent_failures(db, clean_name, moment) >= MAX_FAILED_ATTEMPTS:
        audit.record("sign_in_refused", "users", "", {"reason": "too many attempts"})
        raise SignInFailed(
            "Too many wrong PINs for this name. Wait 15 minutes, or ask the chair to reset the PIN."
        )
    users = UserStore(db, clean_name)
    user = users.find_by_name(clean_name) if clean_name else None
    stored = users.pin_hash(user.id) if user else None
    if user is None or not user.active or not pin_matches(stored, pin or ""):
        audit.record(
            "sign_in_failed",
            "users",
            user.id if user else "",
            {"reason": "inactive" if user and not user.active else "wrong name or PIN"},
        )
        raise SignInFailed("That name and PIN do not match. Check them and try again.")
    with db.atomic():
        if stored and _hasher.check_needs_rehash(stored):  # argon2 settings have been raised
            db.execute("UPDATE users SET pin_hash = ? WHERE id = ?", [hash_pin(pin), user.id])
        AuditStore(db, user.name).record("sign_in", "users", user.id, {"role": user.role})
    return user


def sign_out(db: sqlite_utils.Database, user: User, reason: str = "signed out") -> None:
    """Audit the end of a session (signed out, or locked after being idle)."""
    AuditStore(db, user.name).record("sign_out", "users", user.id, {"reason": reason})


def lock_after_minutes(db: sqlite_utils.Database) -> int:
    """Minutes of no use after which the app locks (Settings; default 10)."""
    value = SettingsStore(db).get(LOCK_SETTING, DEFAULT_LOCK_MINUTES)
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return DEFAULT_LOCK_MINUTES
    return min(max(minutes, MIN_LOCK_MINUTES), MAX_LOCK_MINUTES)


def set_lock_after_minutes(db: sqlite_utils.Database, minutes: int, actor: str) -> None:
    """Change the idle-lock time, between 1 and 120 minutes."""
    if not isinstance(minutes, int) or not MIN_LOCK_MINUTES <= minutes <= MAX_LOCK_MINUTES:
        raise ValidationError(
            "Lock after",
            f"Enter a number of minutes from {MIN_LOCK_MINUTES} to {MAX_LOCK_MINUTES}.",
        )
    SettingsStore(db, actor).set(LOCK_SETTING, minutes)


def start_of_today_utc(now: dt.datetime | None = None) -> str:
    """Local midnight today as a UTC ISO timestamp, comparable with `created_at` columns."""
    local_now = (now or dt.datetime.now(dt.UTC)).astimezone()
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight.astimezone(dt.UTC).isoformat(timespec="microseconds")


def visible_feedback(
    user: User, flt: FeedbackFilter | None = None, *, now: dt.datetime | None = None
) -> FeedbackFilter:
    """The filter a user's lists must use: a volunteer sees only what they entered today."""
    base = flt or FeedbackFilter()
    if can(user, "view_all_feedback"):
        return base
    require(user, "view_own_feedback")
    return replace(
        base, entered_by=user.id, created_since=start_of_today_utc(now), include_deleted=False
    )
