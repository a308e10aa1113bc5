"""Backups that always work: SQLite's online backup API (never a copy of a live file), on close
and at most daily, into a folder the user chooses (a USB stick, say), keeping the last N.

Restoring checks the backup's integrity first and backs up the current database before
replacing it. A restore never leaves patients' data less protected than it was: over a database
protected with a passphrase it needs that passphrase (else it refuses, changing nothing), and the
restored database keeps it even when the backup was made before the database was encrypted.
At start-up `startup_check` runs `PRAGMA quick_check` and returns a result the UI
can act on (a damaged database leads to "restore from a backup", not to a traceback).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from ppg_desktop.core.db import is_encrypted_file, open_database, quick_check
from ppg_desktop.core.errors import DatabaseProblem, PPGError
from ppg_desktop.core.restore_removals import apply_removals, read_removals
from ppg_desktop.core.settings_store import SettingsStore
from ppg_desktop.core.wording import counted
from ppg_desktop.paths import user_data_dir

BACKUP_DIR_KEY = "backup_dir"
BACKUPS_KEEP_KEY = "backups_keep"
DEFAULT_KEEP = 10
NO_BACKUP_ON_EXIT_ENV = "PPG_DESK_NO_BACKUP_ON_EXIT"
PREFIX = "ppg-desk-backup-"
_NAME = re.compile(r"^ppg-desk-backup-(\d{8}-\d{6}-\d{6})(?:-([a-z-]+))?\.db$")
_STAMP = "%Y%m%d-%H%M%S-%f"


class BackupProblem(PPGError):
    """A backup cannot be made, read or restored (the message says what to do)."""


# Why a restore was refused (RestoreRefused.reason), so each front end can add how to go ahead.
NEEDS_PASSPHRASE = "needs_passphrase"
WRONG_PASSPHRASE = "wrong_passphrase"
BACKUP_NEEDS_PASSPHRASE = "backup_needs_passphrase"
BACKUP_WRONG_PASSPHRASE = "backup_wrong_passphrase"


class RestoreRefused(BackupProblem):
    """A restore refused before anything was changed; `reason` is one of the constants above."""

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class BackupInfo:
    """One backup file, as the Restore dialog lists it."""

    path: Path
    taken_at: dt.datetime  # local time
    size: int
    reason: str = ""

    @property
    def label(self) -> str:
        """'03/03/2026 17:42 (1.2 MB)', for lists."""
        size = (
            f"{self.size / 1_048_576:.1f} MB"
            if self.size >= 102_400
            else (f"{max(1, self.size // 1024)} KB")
        )
        why = f", {self.reason.replace('-', ' ')}" if self.reason else ""
        return f"{self.taken_at:%d/%m/%Y %H:%M} ({size}{why})"


@dataclass
class StartupCheck:
    """The result of the start-up check: fine, or damaged with the backups to offer."""

    ok: bool
    problems: list[str] = field(default_factory=list)
    backups: list[BackupInfo] = field(default_factory=list)
    message: str = ""


# --- settings ---------------------------------------------------------------------------------
def backup_dir(db: sqlite_utils.Database) -> Path:
    """Where backups go: the folder chosen in Settings, or user_data_dir()/backups."""
    chosen = SettingsStore(db).get(BACKUP_DIR_KEY)
    return Path(chosen) if chosen else user_data_dir() / "backups"


def backups_to_keep(db: sqlite_utils.Database) -> int:
    """How many backups to keep (Settings; at least 1)."""
    value = SettingsStore(db).get(BACKUPS_KEEP_KEY, DEFAULT_KEEP)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_KEEP


def _is_sqlcipher(db: sqlite_utils.Database) -> bool:
    return type(db.conn).__module__.split(".")[0] == "sqlcipher3"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --- making backups ---------------------------------------------------------------------------
def _copy_into(db: sqlite_utils.Database, target: Path, passphrase: str | None) -> None:
    """Write a consistent copy of the open database to `target` (which must not exist)."""
    if _is_sqlcipher(db):
        if not passphrase:
            raise BackupProblem("This database is encrypted: give its passphrase to back it up.")
        # sqlcipher_export keeps the copy encrypted with the same passphrase
        db.conn.execute(
            f"ATTACH DATABASE {_quote(str(target))} AS backup_copy KEY {_quote(passphrase)}"
        )
        try:
            db.conn.execute("SELECT sqlcipher_export('backup_copy')")
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            db.conn.execute(f"PRAGMA backup_copy.user_version = {int(version)}")
        finally:
            db.conn.execute("DETACH DATABASE backup_copy")
        return
    destination = sqlite3.connect(str(target))
    try:
        db.conn.backup(destination)
        destination.execute("PRAGMA journal_mode = DELETE")
    finally:
        destination.close()


def backup_now(
    db: sqlite_utils.Database,
    *,
    passphrase: str | None = None,
    to_dir: Path | None = None,
    reason: str = "",
    keep: int | None = None,
    now: dt.datetime | None = None,
) -> BackupInfo:
    """Back up the open database now, then delete the oldest backups beyond the number to keep.

    The copy is written under a temporary name and renamed when complete, so a backup that was
    interrupted (a pulled USB stick) never appears in the list.
    """
    folder = Path(to_dir) if to_dir else backup_dir(db)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupProblem(
            f"The backup folder {folder} cannot be used ({exc.strerror}). Plug "
            "in the drive or choose another folder in Settings."
        ) from exc
    taken = now or dt.datetime.now()
    suffix = f"-{reason}" if reason else ""
    target = folder / f"{PREFIX}{taken.strftime(_STAMP)}{suffix}.db"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy_into(db, partial, passphrase)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise BackupProblem(
            f"The backup could not be written to {folder} ({exc.strerror}). "
            "Check there is space and the drive is plugged in."
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    prune_backups(folder, keep if keep is not None else backups_to_keep(db))
    return _info(target)


def backup_if_due(
    db: sqlite_utils.Database,
    *,
    passphrase: str | None = None,
    to_dir: Path | None = None,
    every: dt.timedelta = dt.timedelta(days=1),
    now: dt.datetime | None = None,
) -> BackupInfo | None:
    """Back up if the newest backup in the folder is older than `every` (daily by default)."""
    folder = Path(to_dir) if to_dir else backup_dir(db)
    current = now or dt.datetime.now()
    existing = list_backups(folder)
    if existing and current - existing[0].taken_at < every:
        return None
    return backup_now(db, passphrase=passphrase, to_dir=folder, reason="daily", now=current)


def backup_on_exit(
    db: sqlite_utils.Database, *, passphrase: str | None = None
) -> BackupInfo | None:
    """The backup taken when the app closes (at most daily); off when
    PPG_DESK_NO_BACKUP_ON_EXIT=1, which the tests set."""
    if os.environ.get(NO_BACKUP_ON_EXIT_ENV) == "1":
        return None
    return backup_if_due(db, passphrase=passphrase)


def _info(path: Path) -> BackupInfo:
    match = _NAME.match(path.name)
    if match:
        taken = dt.datetime.strptime(match.group(1), _STAMP)
        reason = match.group(2) or ""
    else:
        taken, reason = dt.datetime.fromtimestamp(path.stat().st_mtime), ""
    return BackupInfo(path, taken, path.stat().st_size, reason)


def list_backups(folder: Path) -> list[BackupInfo]:
    """The backups in a folder, newest first (a missing folder has none)."""
    if not Path(folder).is_dir():
        return []
    found = [_info(p) for p in Path(folder).iterdir() if _NAME.match(p.name) and p.is_file()]
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    removed = []
    for old in list_backups(folder)[max(1, keep) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


# --- checking and restoring -------------------------------------------------------------------
def _open_read_only(
    path: Path, passphrase: str | None, *, through_sqlcipher: bool = False
) -> sqlite_utils.Database:
    """Open a backup without changing it (no migrations, no journal-mode switch).

    `through_sqlcipher` opens a plain file with SQLCipher too, so it can be exported encrypted.
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    encrypted = is_encrypted_file(Path(path))
    if encrypted and not passphrase:
        raise BackupProblem(f"{Path(path).name} is encrypted: give its passphrase.")
    if encrypted or through_sqlcipher:
        import sqlcipher3  # only when an encrypted file is read or written

        conn: Any = sqlcipher3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is explained, not logged
        if encrypted:
            conn.execute(f"PRAGMA key = {_quote(str(passphrase))}")
    else:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    return sqlite_utils.Database(conn)


def opens_with(path: Path, passphrase: str | None) -> bool:
    """True when the file is not encrypted, or `passphrase` opens it.

    (To SQLCipher a wrong passphrase and a damaged first page look the same.)
    """
    if not is_encrypted_file(Path(path)):
        return True
    if not passphrase:
        return False
    backup = _open_read_only(Path(path), passphrase)
    try:
        backup.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except Exception:  # sqlcipher3's DatabaseError, which is not sqlite3's
        return False
    finally:
        backup.close()


def verify_backup(path: Path, passphrase: str | None = None) -> list[str]:
    """Problems found by `PRAGMA integrity_check` (empty when the backup is sound).

    A file that cannot be opened at all (not a database, wrong passphrase) is a problem too.
    """
    path = Path(path)
    if not path.is_file():
        return [f"There is no backup at {path}."]
    if not opens_with(path, passphrase):
        if not passphrase:
            return [f"{path.name} is protected with a passphrase: give its passphrase."]
        return [
            f"{path.name} is protected with a passphrase, and the one given does not open it "
            "(a backup keeps the passphrase in use when it was made), or it is damaged."
        ]
    backup = _open_read_only(path, passphrase)
    try:
        rows = [str(r[0]) for r in backup.execute("PRAGMA integrity_check").fetchall()]
        if rows != ["ok"]:
            return rows
        tables = {
            r[0] for r in backup.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "feedback" not in tables:
            return [f"{path.name} is a database, but not a PPG Desk one."]
        return []
    except Exception as exc:  # a damaged file raises DatabaseError from either driver
        return [f"{path.name} cannot be read: {exc}"]
    finally:
        backup.close()


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: which backup it used, where the replaced database was kept, and
    whether the restored database is protected with a passphrase."""

    restored_from: Path
    safety_copy: Path | None
    set_aside: Path | None = None  # the database file kept as it was, renamed (not copied)
    # "current": the passphrase of the database it replaced; "backup": the backup's own
    # passphrase (nothing protected was replaced); "": not protected
    protected_with: str = ""
    was_protected: bool = False  # the database it replaced was protected with a passphrase
    # records removed or redacted since the backup was made (the retention purge, a person's
    # erasure request), removed or redacted again in the restored database
    removals_reapplied: int = 0

    @property
    def removals_note(self) -> str:
        """A sentence for people when records removed since the backup were removed again."""
        if not self.removals_reapplied:
            return ""
        records = counted(self.removals_reapplied, "record")
        return (
            f"{records} removed since that backup was made (under the retention rules or at a "
            "person's request) stayed removed: the backup's copies of them were taken out again."
        )

    @property
    def protection_note(self) -> str:
        """A sentence for people when the passphrase needs a mention (else '')."""
        if self.protected_with == "current":
            return "The restored database is protected with the same passphrase as before."
        if self.protected_with == "backup":
            return (
                "The restored database is protected with the passphrase the backup was made "
                "with: you will need that passphrase to open it."
            )
        if self.was_protected:
            return (
                "The restored database is not protected with a passphrase. Encrypt it again "
                "to protect patients' comments."
            )
        return ""


def _backup_key(path: Path, candidates: list[str | None]) -> str | None:
    """The passphrase that opens the backup (None for a plain one); refuses when none does."""
    if not is_encrypted_file(path):
        return None
    given = [c for c in candidates if c]
    for candidate in given:
        if opens_with(path, candidate):
            return candidate
    if not given:
        raise RestoreRefused(
            f"The backup {path.name} is protected with a passphrase, so nothing was restored. "
            "Give the passphrase that was in use when it was made.",
            BACKUP_NEEDS_PASSPHRASE,
        )
    raise RestoreRefused(
        f"The passphrase given does not open the backup {path.name}, so nothing was restored. "
        "A backup keeps the passphrase in use when it was made: if the passphrase has been "
        "changed since, give the old one (if it still does not open, the backup is damaged: "
        "choose another).",
        BACKUP_WRONG_PASSPHRASE,
    )


def _open_current(
    db_path: Path, passphrase: str | None, set_aside_current: bool
) -> sqlite_utils.Database | None:
    """The database about to be replaced, opened to copy it first; None when it is damaged
    (or, with `set_aside_current`, cannot be opened), so the raw file is kept aside instead.

    A protected database that the passphrase given does not open is never guessed to be
    damaged: that refuses the restore unless `set_aside_current` says to go ahead.
    """
    encrypted = is_encrypted_file(db_path)
    if encrypted and not passphrase and not set_aside_current:
        raise RestoreRefused(
            f"The database at {db_path} is protected with a passphrase, and none was given, so "
            "nothing was restored. Give its passphrase to restore over it.",
            NEEDS_PASSPHRASE,
        )
    try:
        return open_database(
            db_path, passphrase if encrypted else None, create=False, migrate=False
        )
    except DatabaseProblem as exc:
        if exc.kind in ("locked", "unreadable"):
            raise  # in use, a folder or not ours to open: not damaged, so never moved aside
        if encrypted and not set_aside_current:
            raise RestoreRefused(
                f"That passphrase does not open the database at {db_path}, so nothing was "
                "restored. Check it and try again (passphrases are case-sensitive).",
                WRONG_PASSPHRASE,
            ) from exc
        return None  # too damaged to copy through SQLite: keep the raw file instead


def _write_restored_copy(
    backup_path: Path, backup_key: str | None, target: Path, target_key: str | None
) -> None:
    """Write the backup to `target`, protected with `target_key` (plain when None), and check
    the copy reads back with that key; on any failure `target` is removed."""
    target.unlink(missing_ok=True)
    try:
        source = _open_read_only(backup_path, backup_key, through_sqlcipher=bool(target_key))
        try:
            _copy_into(source, target, target_key)
        finally:
            source.close()
        problems = verify_backup(target, target_key)
        if not problems and is_encrypted_file(target) != bool(target_key):
            problems = ["its protection is not the one intended"]
        if problems:
            raise BackupProblem(
                f"The restored copy did not check out ({problems[0]}), so nothing was "
                "restored. Try again, or choose another backup."
            )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _reapply_removals(
    current: sqlite_utils.Database, restored: Path, restored_key: str | None
) -> int:
    """Remove from the restored copy what was removed or redacted since the backup was made
    (restore_removals.py); returns how many records that was."""
    removals = read_removals(current)
    if removals.empty:
        return 0
    copy = open_database(restored, restored_key, create=False)
    try:
        return apply_removals(copy, removals)
    finally:
        copy.close()


def restore_backup(
    db_path: Path,
    backup_path: Path,
    *,
    passphrase: str | None = None,
    backup_passphrase: str | None = None,
    safety_dir: Path | None = None,
    set_aside_current: bool = False,
) -> RestoreResult:
    """Replace the database at `db_path` with a backup, after checking the backup and saving the
    current database (if it can still be read) as a 'before-restore' backup.

    `passphrase` is the current database's; `backup_passphrase` the backup's when it was made
    with another (an older passphrase), else `passphrase` is tried on the backup too. The
    restored database keeps the current database's protection: a plain backup restored over a
    protected database is protected with its passphrase. A protected database is replaced only
    with its passphrase; without it (or with a wrong one) nothing changes (RestoreRefused),
    unless `set_aside_current`: then the file is kept aside, renamed, as a damaged one is.
    The new copy is written and checked beside the database before anything is replaced.

    Close every connection to `db_path` first; the app reopens it afterwards.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    backup_key = _backup_key(backup_path, [backup_passphrase, passphrase])
    problems = verify_backup(backup_path, backup_key)
    if problems:
        raise BackupProblem(
            f"The backup {backup_path.name} is damaged, so nothing was "
            f"restored: {problems[0]} Choose an older backup."
        )
    exists = db_path.exists()
    was_protected = exists and is_encrypted_file(db_path)
    current = _open_current(db_path, passphrase, set_aside_current) if exists else None
    current_key = passphrase if was_protected and current is not None else None
    target_key = current_key or backup_key
    partial = db_path.with_name(db_path.name + ".restoring")
    safety: BackupInfo | None = None
    reapplied = 0
    try:
        _write_restored_copy(backup_path, backup_key, partial, target_key)
        if current is not None:
            reapplied = _reapply_removals(current, partial, target_key)
        if current is not None:
            try:
                safety = backup_now(
                    current,
                    passphrase=current_key,
                    to_dir=safety_dir or backup_dir(current),
                    reason="before-restore",
                    keep=10_000,
                )
            except Exception:  # a damaged database may fail part way: keep the raw file
                safety = None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        if current is not None:
            current.close()
    set_aside: Path | None = None
    if exists and safety is None:
        why = "damaged" if current is not None or not was_protected else "set-aside"
        set_aside = db_path.with_name(db_path.name + f".{why}-{dt.datetime.now():%Y%m%d%H%M%S}")
        os.replace(db_path, set_aside)
        wal = Path(str(db_path) + "-wal")
        if wal.exists():  # its committed pages belong with the file set aside
            os.replace(wal, Path(str(set_aside) + "-wal"))
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    os.replace(partial, db_path)
    return RestoreResult(
        backup_path,
        safety.path if safety else None,
        set_aside,
        protected_with="current" if current_key else ("backup" if backup_key else ""),
        was_protected=was_protected,
        removals_reapplied=reapplied,
    )


def startup_check(
    db_path: Path, passphrase: str | None = None, backups_folder: Path | None = None
) -> StartupCheck:
    """`PRAGMA quick_check` at start-up. A damaged (or unopenable) database gives ok=False with
    a message and the backups the UI should offer to restore from, never an exception."""
    folder = backups_folder or user_data_dir() / "backups"
    try:
        db = open_database(db_path, passphrase, create=False, migrate=False)
    except DatabaseProblem as exc:
        if exc.kind in ("wrong_passphrase", "locked", "missing"):
            return StartupCheck(False, [str(exc)], [], str(exc))
        return StartupCheck(
            False, [str(exc)], list_backups(folder), f"{exc} Choose a backup to restore."
        )
    try:
        # the settings table itself may be unreadable: then the default folder is offered
        with contextlib.suppress(Exception):
            folder = backups_folder or backup_dir(db)
        try:
            problems = quick_check(db)
        except Exception as exc:  # DatabaseError from a badly damaged file
            problems = [str(exc)]
    finally:
        db.close()
    if not problems:
        return StartupCheck(True)
    return StartupCheck(
        False,
        problems,
        list_backups(folder),
        "The database is damaged. Restore the most recent good backup; the "
        "damaged file will be kept beside it.",
    )


def describe(info: BackupInfo) -> dict[str, Any]:
    """A backup as plain values for the CLI's listing."""
    return {
        "file": info.path.name,
        "taken": f"{info.taken_at:%d/%m/%Y %H:%M:%S}",
        "size": info.size,
        "reason": info.reason,
    }
