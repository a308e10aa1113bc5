"""Backups that always work: SQLite's online backup API (never a copy of a live file), on close
and at most daily, into a folder the user chooses (a USB stick, say), keeping the last N.

Restoring checks the backup's integrity first and backs up the current database before
replacing it. At start-up `startup_check` runs `PRAGMA quick_check` and returns a result the UI
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
from ppg_desktop.core.settings_store import SettingsStore
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
def _open_read_only(path: Path, passphrase: str | None) -> sqlite_utils.Database:
    """Open a backup without changing it (no migrations, no journal-mode switch)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    if is_encrypted_file(Path(path)):
        if not passphrase:
            raise BackupProblem(f"{Path(path).name} is encrypted: give its passphrase.")
        import sqlcipher3  # only for encrypted databases

        conn: Any = sqlcipher3.connect(uri, uri=True, check_same_thread=False)
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    else:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    return sqlite_utils.Database(conn)


def verify_backup(path: Path, passphrase: str | None = None) -> list[str]:
    """Problems found by `PRAGMA integrity_check` (empty when the backup is sound).

    A file that cannot be opened at all (not a database, wrong passphrase) is a problem too.
    """
    path = Path(path)
    if not path.is_file():
        return [f"There is no backup at {path}."]
    try:
        backup = _open_read_only(path, passphrase)
    except BackupProblem as exc:
        return [str(exc)]
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
    """What a restore did: which backup it used, and where the replaced database was kept."""

    restored_from: Path
    safety_copy: Path | None
    set_aside: Path | None = None  # the unreadable database file, renamed rather than copied


def restore_backup(
    db_path: Path,
    backup_path: Path,
    *,
    passphrase: str | None = None,
    safety_dir: Path | None = None,
) -> RestoreResult:
    """Replace the database at `db_path` with a backup, after checking the backup and saving the
    current database (if it can still be read) as a 'before-restore' backup.

    Close every connection to `db_path` first; the app reopens it afterwards.
    """
    problems = verify_backup(backup_path, passphrase)
    if problems:
        raise BackupProblem(
            f"The backup {Path(backup_path).name} is damaged, so nothing was "
            f"restored: {problems[0]} Choose an older backup."
        )
    db_path = Path(db_path)
    safety: BackupInfo | None = None
    set_aside: Path | None = None
    if db_path.exists():
        try:
            current = open_database(
                db_path,
                passphrase if is_encrypted_file(db_path) else None,
                create=False,
                migrate=False,
            )
        except DatabaseProblem as exc:
            if exc.kind in ("locked", "unreadable"):
                raise  # in use, a folder or not ours to open: not damaged, so never moved aside
            current = None  # too damaged to copy through SQLite: keep the raw file instead
        if current is not None:
            try:
                folder = safety_dir or backup_dir(current)
                safety = backup_now(
                    current,
                    passphrase=passphrase,
                    to_dir=folder,
                    reason="before-restore",
                    keep=10_000,
                )
            except Exception:  # a damaged database may fail part way: keep the raw file
                safety = None
            finally:
                current.close()
        if safety is None:
            set_aside = db_path.with_name(
                db_path.name + f".damaged-{dt.datetime.now():%Y%m%d%H%M%S}"
            )
            os.replace(db_path, set_aside)
            wal = Path(str(db_path) + "-wal")
            if wal.exists():  # its committed pages belong with the file set aside
                os.replace(wal, Path(str(set_aside) + "-wal"))
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    source = _open_read_only(backup_path, passphrase)
    partial = db_path.with_name(db_path.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        _copy_into(source, partial, passphrase)
    finally:
        source.close()
    os.replace(partial, db_path)
    return RestoreResult(Path(backup_path), safety.path if safety else None, set_aside)


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
