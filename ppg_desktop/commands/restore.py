"""`ppg-desktop restore`: replace the database with a backup, after checking the backup and
saving the current database first."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppg_desktop.commands._common import add_db_argument, db_path, passphrase_for
from ppg_desktop.core.backup import restore_backup
from ppg_desktop.core.errors import ValidationError

NAME = "restore"
HELP = "Restore the database from a backup (the backup is checked, the current one kept)."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop restore --db ppg.db /media/usb/ppg-backups/ppg-desk-backup-20260331-101500-000000-manual.db\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The backup file and --db."""
    add_db_argument(parser, must_exist=False)
    parser.add_argument("backup", type=Path, metavar="BACKUP", help="the backup file to restore")


def run(args: argparse.Namespace) -> int:
    """Check, save the current database, restore; say where the old one went."""
    if not args.backup.is_file():
        raise ValidationError(
            "BACKUP", f"There is no backup file at {args.backup}: check the name and folder."
        )
    result = restore_backup(db_path(args), args.backup, passphrase=passphrase_for(args.backup))
    print(f"Restored {db_path(args)} from {result.restored_from.name}.")
    if result.safety_copy:
        print(f"The database as it was before is kept at {result.safety_copy}.")
    if result.set_aside:
        print(
            f"The database as it was before could not be read, so the file was kept as it was, "
            f"at {result.set_aside}."
        )
    return 0
