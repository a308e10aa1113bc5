"""`ppg-desktop restore`: replace the database with a backup, after checking the backup and
saving the current database first.

A database protected with a passphrase is restored over only with its passphrase (from
PPG_DESK_PASSPHRASE, or asked for at the keyboard), and stays protected with it; without it
nothing changes, unless --set-aside-current says to keep the file aside and go ahead.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ppg_desktop.commands._common import PASSPHRASE_ENV, add_db_argument, db_path
from ppg_desktop.core.backup import (
    BACKUP_NEEDS_PASSPHRASE,
    BACKUP_WRONG_PASSPHRASE,
    RestoreRefused,
    opens_with,
    restore_backup,
)
from ppg_desktop.core.db import is_encrypted_file
from ppg_desktop.core.errors import ValidationError

NAME = "restore"
HELP = "Restore the database from a backup (the backup is checked, the current one kept)."
BACKUP_PASSPHRASE_ENV = "PPG_DESK_BACKUP_PASSPHRASE"
SET_ASIDE_OPTION = "--set-aside-current"
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop restore --db ppg.db /media/usb/ppg-backups/ppg-desk-backup-20260331-101500-000000-manual.db\n"
    '  PPG_DESK_PASSPHRASE="our long passphrase" ppg-desktop restore --db ppg.db '
    "/media/usb/ppg-backups/ppg-desk-backup-20260330-170000-000000-daily.db\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The backup file, --db and --set-aside-current."""
    add_db_argument(parser, must_exist=False)
    parser.add_argument(
        "backup",
        type=Path,
        metavar="BACKUP",
        help="the backup file to restore (one made with an older passphrase needs that one: "
        f"it is asked for, or read from {BACKUP_PASSPHRASE_ENV})",
    )
    parser.add_argument(
        SET_ASIDE_OPTION,
        dest="set_aside_current",
        action="store_true",
        help="when the current database cannot be opened (its passphrase, from "
        f"{PASSPHRASE_ENV} or asked for, is lost, or the file is damaged): keep the file "
        "aside, renamed, and restore the backup in its place",
    )


def _ask(prompt: str) -> str | None:
    """A passphrase typed at the keyboard; None in a script (nobody to ask)."""
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(prompt) or None


def _passphrases(path: Path, backup: Path, set_aside: bool) -> tuple[str | None, str | None]:
    """The current database's passphrase and, when it does not open the backup, the backup's."""
    from_env = os.environ.get(PASSPHRASE_ENV) or None
    passphrase = None
    if is_encrypted_file(path):
        passphrase = from_env or (None if set_aside else _ask(f"Passphrase for {path}: "))
    if not is_encrypted_file(backup):
        return passphrase, None
    for known in (os.environ.get(BACKUP_PASSPHRASE_ENV), passphrase, from_env):
        if known and opens_with(backup, known):
            return passphrase, known
    backup_passphrase = os.environ.get(BACKUP_PASSPHRASE_ENV) or _ask(
        f"Passphrase the backup {backup.name} was made with: "
    )
    return passphrase, backup_passphrase or from_env


def _how_to_go_ahead(reason: str) -> str:
    """What to do next, in this command's terms, after a refused restore."""
    if reason in (BACKUP_NEEDS_PASSPHRASE, BACKUP_WRONG_PASSPHRASE):
        return (
            f"Run this command in a terminal to be asked for it, or put it in the "
            f"{BACKUP_PASSPHRASE_ENV} environment variable."
        )
    return (
        f"Put it in the {PASSPHRASE_ENV} environment variable, or run this command in a terminal "
        "to be asked for it. If the passphrase is lost, or the file is damaged rather than "
        f"protected, add {SET_ASIDE_OPTION}: the file is kept as it is, renamed, and the backup "
        "restored in its place."
    )


def run(args: argparse.Namespace) -> int:
    """Check, save the current database, restore; say where the old one went."""
    if not args.backup.is_file():
        raise ValidationError(
            "BACKUP", f"There is no backup file at {args.backup}: check the name and folder."
        )
    path = db_path(args)
    passphrase, backup_passphrase = _passphrases(path, args.backup, args.set_aside_current)
    try:
        result = restore_backup(
            path,
            args.backup,
            passphrase=passphrase,
            backup_passphrase=backup_passphrase,
            set_aside_current=args.set_aside_current,
        )
    except RestoreRefused as exc:
        raise RestoreRefused(f"{exc} {_how_to_go_ahead(exc.reason)}", exc.reason) from exc
    print(f"Restored {path} from {result.restored_from.name}.")
    if result.safety_copy:
        print(f"The database as it was before is kept at {result.safety_copy}.")
    if result.set_aside:
        print(
            "The database as it was before could not be opened, so the file was kept as it "
            f"was, at {result.set_aside}."
        )
    if result.protection_note:
        print(result.protection_note)
    if result.removals_note:
        print(result.removals_note)
    if result.was_protected and not result.protected_with:
        print(f"To protect it: ppg-desktop encrypt --db {path}")
    return 0
