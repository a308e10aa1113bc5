"""Encryption at rest: encrypt a plain database in place, and change or remove its passphrase.

(Backups of an encrypted database are made, encrypted, by core/backup.py.)

A PPG laptop can be left on a bus: with SQLCipher (the `sqlcipher3` package) the whole file,
comments included, is unreadable without the passphrase. Every step here works on copies and
replaces the original only once the copy has been checked, so a failure leaves the database as
it was. The database must not be open elsewhere (close the app's connection first).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import sqlite_utils

from ppg_desktop.core.backup import PREFIX as BACKUP_PREFIX
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.errors import DatabaseProblem, ValidationError

MIN_PASSPHRASE_LENGTH = 8
Progress = Callable[[str], None]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def check_passphrase(passphrase: str, field: str = "Passphrase") -> None:
    """Refuse passphrases too short to protect health data (raises ValidationError)."""
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            field,
            f"Use at least {MIN_PASSPHRASE_LENGTH} characters; a short sentence you will "
            "remember is best. Without it the data cannot be recovered, so write it down and "
            "keep it somewhere safe.",
        )


def _connect(path: Path, passphrase: str | None) -> sqlite3.Connection:
    """A sqlcipher3 connection (it reads plain files too when no passphrase is given)."""
    import sqlcipher3

    conn = cast(sqlite3.Connection, sqlcipher3.connect(str(path), check_same_thread=False))
    conn.execute("PRAGMA cipher_log_level = NONE")  # wrong keys are reported by us, not on stderr
    if passphrase:
        conn.execute(f"PRAGMA key = {_quote(passphrase)}")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Exception as exc:
        conn.close()
        if passphrase:
            raise DatabaseProblem(
                "That passphrase does not open this database. Check it and try again "
                "(passphrases are case-sensitive).",
                "wrong_passphrase",
            ) from exc
        raise DatabaseProblem(
            f"The database {path} is encrypted or damaged: enter its passphrase, or restore it "
            "from a backup.",
            "encrypted",
        ) from exc
    return conn


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per ordinary table: compared before and after every copy to prove nothing was lost."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
    ]
    return {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in names
    }


def _verify(path: Path, passphrase: str | None, expected: dict[str, int], what: str) -> None:
    conn = _connect(path, passphrase)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        counts = table_counts(conn)
    finally:
        conn.close()
    if problems != ["ok"] or counts != expected:
        lost = {t: (n, counts.get(t)) for t, n in expected.items() if counts.get(t) != n}
        raise DatabaseProblem(
            f"The {what} at {path} did not check out ({'; '.join(problems[:3]) or 'no rows'}"
            f"{', differences: ' + str(lost) if lost else ''}). Nothing was changed.",
            "verify_failed",
        )


def _checkpoint(conn: sqlite3.Connection) -> None:
    """Fold the write-ahead log into the main file and make sure nobody else has it open.

    Leaving WAL mode needs sole use of the file, so it fails while another copy of the app (or
    any other program) holds the database; the next `open_database` turns WAL back on.
    """
    conn.execute("PRAGMA busy_timeout = 2000")
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except Exception as exc:
        if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
            raise
        mode = "busy"
    if str(mode).lower() != "delete":
        raise DatabaseProblem(
            "The database is in use by another copy of PPG Desk or another program. Close it "
            "and try again.",
            "locked",
        )


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _export(source: sqlite3.Connection, target: Path, passphrase: str) -> None:
    """Write a full copy of `source` to `target`, encrypted with `passphrase` ('' for plain)."""
    _remove(target)
    user_version = source.execute("PRAGMA user_version").fetchone()[0]
    source.execute(f"ATTACH DATABASE {_quote(str(target))} AS export KEY {_quote(passphrase)}")
    try:
        source.execute("SELECT sqlcipher_export('export')").fetchall()
        source.execute(f"PRAGMA export.user_version = {int(user_version)}")
    finally:
        source.execute("DETACH DATABASE export")


def _backup_name() -> str:
    """Named like core/backup.py's backups, so the Restore dialog lists it too."""
    return f"{BACKUP_PREFIX}{dt.datetime.now():%Y%m%d-%H%M%S-%f}-before-encryption.db"


def encrypt_database(
    path: str | Path,
    passphrase: str,
    backup_dir: str | Path,
    *,
    keep_plain_backup: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Encrypt a plain database in place; returns the path of the verified backup made first.

    Steps: fold in the write-ahead log, back up with the SQLite online backup API and check the
    backup, export an encrypted copy and check it row for row, then swap it in atomically. The
    backup is itself encrypted afterwards (same passphrase) unless `keep_plain_backup`, so no
    plain copy of patients' comments is left behind. On any failure the original is unchanged.
    """
    say = progress or (lambda _message: None)
    db_path = Path(path)
    check_passphrase(passphrase)
    if not db_path.exists():
        raise DatabaseProblem(f"There is no database at {db_path}.", "missing")
    if is_encrypted_file(db_path):
        raise DatabaseProblem(
            "This database is already encrypted. To change its passphrase, use Change passphrase.",
            "already_encrypted",
        )
    folder = Path(backup_dir)
    folder.mkdir(parents=True, exist_ok=True)
    backup_path = folder / _backup_name()
    encrypted_tmp = db_path.with_name(db_path.name + ".encrypting")

    say("Checking the database")
    source = _connect(db_path, None)
    try:
        _checkpoint(source)
        problems = [row[0] for row in source.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise DatabaseProblem(
                "The database is damaged, so it was not encrypted. Restore it from a backup first.",
                "corrupt",
            )
        expected = table_counts(source)
        say("Making a backup")
        target = _connect(backup_path, None)
        try:
            source.backup(target)  # the SQLite online backup API
        finally:
            target.close()
        _verify(backup_path, None, expected, "backup")
        say("Encrypting")
        _export(source, encrypted_tmp, passphrase)
    except BaseException:
        _remove(encrypted_tmp)
        raise
    finally:
        source.close()
    try:
        say("Checking the encrypted copy")
        _verify(encrypted_tmp, passphrase, expected, "encrypted copy")
        for leftover in ("-wal", "-shm"):
            _remove(db_path.with_name(db_path.name + leftover))
        os.replace(encrypted_tmp, db_path)
    finally:
        _remove(encrypted_tmp)
    say("Opening the encrypted database")
    opened = open_database(db_path, passphrase, create=False)
    opened.conn.close()
    if not keep_plain_backup:
        say("Encrypting the backup")
        plain_backup = _connect(backup_path, None)
        encrypted_backup = backup_path.with_name(backup_path.name + ".encrypting")
        try:
            _export(plain_backup, encrypted_backup, passphrase)
        finally:
            plain_backup.close()
        _verify(encrypted_backup, passphrase, expected, "encrypted backup")
        os.replace(encrypted_backup, backup_path)
    say("Done")
    return backup_path


def change_passphrase(path: str | Path, old: str, new: str) -> None:
    """Re-encrypt an encrypted database with a new passphrase (PRAGMA rekey, one transaction).

    A wrong old passphrase raises DatabaseProblem(kind="wrong_passphrase") and changes nothing.
    """
    db_path = Path(path)
    check_passphrase(new, "New passphrase")
    if not is_encrypted_file(db_path):
        raise DatabaseProblem(
            "This database is not encrypted yet: encrypt it first.", "not_encrypted"
        )
    conn = _connect(db_path, old)
    try:
        expected = table_counts(conn)
        _checkpoint(conn)
        conn.execute(f"PRAGMA rekey = {_quote(new)}")
    finally:
        conn.close()
    _verify(db_path, new, expected, "database")


def change_passphrase_open(db: sqlite_utils.Database, path: str | Path, old: str, new: str) -> None:
    """Change the passphrase of the database the app has open, without closing it.

    `old` is asked for again (someone may have walked up to an unlocked laptop); the change is
    checked by opening the file afresh with the new passphrase.
    """
    db_path = Path(path)
    check_passphrase(new, "New passphrase")
    if type(db.conn).__module__.split(".")[0] != "sqlcipher3" or not is_encrypted_file(db_path):
        raise DatabaseProblem(
            "This database is not encrypted yet: encrypt it first.", "not_encrypted"
        )
    _connect(db_path, old).close()  # raises wrong_passphrase when `old` is not the passphrase
    expected = table_counts(db.conn)
    db.execute(f"PRAGMA rekey = {_quote(new)}")
    _verify(db_path, new, expected, "database")


def decrypt_database(
    path: str | Path, passphrase: str, *, progress: Progress | None = None
) -> None:
    """Turn an encrypted database back into a plain one (for a practice that asks for it)."""
    say = progress or (lambda _message: None)
    db_path = Path(path)
    if not is_encrypted_file(db_path):
        raise DatabaseProblem("This database is not encrypted.", "not_encrypted")
    plain_tmp = db_path.with_name(db_path.name + ".decrypting")
    conn = _connect(db_path, passphrase)
    try:
        _checkpoint(conn)
        expected = table_counts(conn)
        say("Decrypting")
        _export(conn, plain_tmp, "")
    except BaseException:
        _remove(plain_tmp)
        raise
    finally:
        conn.close()
    try:
        _verify(plain_tmp, None, expected, "plain copy")
        for leftover in ("-wal", "-shm"):
            _remove(db_path.with_name(db_path.name + leftover))
        os.replace(plain_tmp, db_path)
    finally:
        _remove(plain_tmp)
    say("Done")


def describe(path: str | Path) -> dict[str, Any]:
    """What the settings screen shows: whether the file is encrypted and where it is."""
    db_path = Path(path)
    return {
        "path": str(db_path),
        "exists": db_path.exists(),
        "encrypted": is_encrypted_file(db_path),
    }
