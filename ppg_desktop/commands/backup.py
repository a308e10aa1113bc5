"""`ppg-desktop backup`: back up the database now, list backups, or check one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ppg_desktop.commands._common import add_db_argument, db_path, open_db, passphrase_for
from ppg_desktop.core.backup import backup_dir, backup_now, list_backups, verify_backup
from ppg_desktop.core.errors import ValidationError
from ppg_desktop.core.wording import counted

NAME = "backup"
HELP = "Back up the database now (SQLite online backup), list backups, or check a backup."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop backup --db ppg.db --to /media/usb/ppg-backups\n"
    "  ppg-desktop backup --db ppg.db --list\n"
    "  ppg-desktop backup --verify /media/usb/ppg-backups/ppg-desk-backup-20260331-101500-000000-manual.db\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--to a folder; --list; --verify a file."""
    add_db_argument(parser)
    parser.add_argument(
        "--to",
        type=Path,
        metavar="DIR",
        help="the folder to back up into (default: the one in Settings)",
    )
    parser.add_argument("--list", action="store_true", help="list backups, newest first")
    parser.add_argument(
        "--verify", type=Path, metavar="BACKUP", help="check a backup file's integrity"
    )


def run(args: argparse.Namespace) -> int:
    """Back up, list or verify."""
    if args.verify:
        if not args.verify.is_file():
            raise ValidationError("--verify", f"There is no backup file at {args.verify}.")
        problems = verify_backup(args.verify, passphrase_for(args.verify))
        if problems:
            print(
                f"ppg-desktop backup: {args.verify.name} is damaged: " + "; ".join(problems[:5]),
                file=sys.stderr,
            )
            return 1
        print(f"{args.verify.name} is sound.")
        return 0
    db = open_db(args)
    try:
        folder = args.to or backup_dir(db)
        if args.list:
            backups = list_backups(folder)
            for info in backups:
                print(f"{info.label}  {info.path}")
            print(f"{counted(len(backups), 'backup')} in {folder}.")
            return 0
        info = backup_now(
            db, passphrase=passphrase_for(db_path(args)), to_dir=folder, reason="manual"
        )
        print(f"Backed up to {info.path} ({info.label}).")
        return 0
    finally:
        db.close()
