"""`ppg-desktop encrypt`: encrypt a plain database in place (after a verified backup), or change
the passphrase of an encrypted one."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from ppg_desktop.commands._common import PASSPHRASE_ENV, add_db_argument, db_path
from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.encryption import change_passphrase, encrypt_database
from ppg_desktop.core.errors import ValidationError

NAME = "encrypt"
HELP = (
    "Encrypt the database with a passphrase (a verified backup is made first), or change "
    "the passphrase with --change."
)
NEW_PASSPHRASE_ENV = "PPG_DESK_NEW_PASSPHRASE"
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop encrypt --db ppg.db\n"
    '  PPG_DESK_PASSPHRASE="old words" ppg-desktop encrypt --db ppg.db --change\n'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--backup-dir",
        metavar="FOLDER",
        help="where the backup goes (default: a 'backups' folder beside the database)",
    )
    parser.add_argument(
        "--change",
        action="store_true",
        help=f"change the passphrase of an encrypted database (old one from "
        f"{PASSPHRASE_ENV}, new one from {NEW_PASSPHRASE_ENV}, or asked for)",
    )


def _ask_new(prompt: str, env: str) -> str:
    """The new passphrase from the environment, or typed twice at the keyboard."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise ValidationError(
            "Passphrase",
            f"Give the passphrase in the {env} environment "
            "variable, or run this command in a terminal.",
        )
    first = getpass.getpass(prompt)
    if getpass.getpass("Type it again: ") != first:
        raise ValidationError("Passphrase", "The two passphrases differ. Try again.")
    return first


def _check_opens(path: Path, passphrase: str | None) -> None:
    """Fail with the usual plain message (folder, locked, damaged, wrong passphrase) before
    anyone is asked to invent a new passphrase for a database that cannot be used anyway."""
    open_database(path, passphrase, create=False, migrate=False).close()


def run(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        print(f"ppg-desktop encrypt: there is no database at {path}.", file=sys.stderr)
        return 3
    if args.change:
        old = os.environ.get(PASSPHRASE_ENV) or (
            getpass.getpass("Current passphrase: ") if sys.stdin.isatty() else ""
        )
        if not is_encrypted_file(path):
            _check_opens(path, None)  # a folder, locked or damaged file says so first
            raise ValidationError("--change", f"{path} is not encrypted yet: run without --change.")
        _check_opens(path, old or None)
        new = _ask_new("New passphrase: ", NEW_PASSPHRASE_ENV)
        change_passphrase(path, old, new)
        print(f"The passphrase of {path} has been changed. Keep the new one somewhere safe.")
        return 0
    if is_encrypted_file(path):
        print(
            f"ppg-desktop encrypt: {path} is already encrypted (use --change to change the "
            "passphrase).",
            file=sys.stderr,
        )
        return 1
    _check_opens(path, None)
    passphrase = _ask_new("New passphrase: ", PASSPHRASE_ENV)
    backup_dir = Path(args.backup_dir) if args.backup_dir else path.parent / "backups"
    backup = encrypt_database(
        path, passphrase, backup_dir, progress=lambda step: print(f"  {step}...")
    )
    print(f"{path} is now encrypted. The backup made first (also encrypted) is {backup}.")
    print("Without the passphrase nobody, including you, can open the data: keep it safe.")
    return 0
