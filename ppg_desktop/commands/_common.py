"""Arguments and helpers shared by the CLI subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from ppg_desktop.core.db import is_encrypted_file, open_database
from ppg_desktop.core.errors import DatabaseProblem, ValidationError
from ppg_desktop.paths import default_db_path

PASSPHRASE_ENV = "PPG_DESK_PASSPHRASE"


def add_db_argument(parser: argparse.ArgumentParser, *, must_exist: bool = True) -> None:
    """Add `--db PATH` (defaulting to the embedded database)."""
    parser.add_argument(
        "--db",
        dest="sub_db",
        metavar="PATH",
        help="database file (default: the one in your user data folder)"
        + ("" if must_exist else "; created if missing"),
    )
    parser.set_defaults(db_must_exist=must_exist)


def add_actor_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--as NAME`: who to name in the audit log for a command that changes records."""
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        help="your name, for the audit log (default: your computer login)",
    )


def actor_name(args: argparse.Namespace) -> str:
    """The name for the audit log: `--as`, else the computer login."""
    return str(args.actor or f"{getpass.getuser()} (command line)")


def confirmed(
    args: argparse.Namespace, command: str, question: str, refused: str, yes_to: str
) -> bool:
    """True with --yes, or when a person at the keyboard types yes to `question`.

    Otherwise says `refused` ('Nothing removed'): with no keyboard (a script), on stderr with the
    hint 'add --yes to `yes_to`', so a removal for good never happens unasked.
    """
    if args.yes:
        return True
    if not sys.stdin.isatty():
        print(f"ppg-desktop {command}: {refused}: add --yes to {yes_to}.", file=sys.stderr)
        return False
    if input(f"{question} Type yes to go ahead: ").strip().lower() != "yes":
        print(f"{refused}.")
        return False
    return True


def db_path(args: argparse.Namespace) -> Path:
    chosen = getattr(args, "sub_db", None) or getattr(args, "db", None)
    return Path(chosen) if chosen else default_db_path()


def open_db(args: argparse.Namespace) -> sqlite_utils.Database:
    """Open the database named by `--db`; asks for (or reads) the passphrase if it is encrypted."""
    path = db_path(args)
    must_exist = getattr(args, "db_must_exist", True)
    if must_exist and not path.exists():
        raise DatabaseProblem(
            f"There is no database at {path}. Check the path, or create one with "
            f"'ppg-desktop demo --db {path}'.",
            "missing",
        )
    return open_database(path, passphrase_for(path), create=not must_exist)


def passphrase_for(path: Path) -> str | None:
    """The passphrase of an encrypted file: from PPG_DESK_PASSPHRASE, else asked for at the
    keyboard; with no keyboard (a script, a pipe) a plain message instead of a hang or a trace."""
    if not is_encrypted_file(path):
        return None
    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase:
        return passphrase
    if not sys.stdin.isatty():
        raise DatabaseProblem(
            f"The file {path} is encrypted or damaged. If it is encrypted, give its "
            f"passphrase in the {PASSPHRASE_ENV} environment variable; otherwise restore it "
            "from a backup.",
            "encrypted",
        )
    return getpass.getpass(f"Passphrase for {path}: ")


def check_output_file(path: Path, option: str = "--out") -> None:
    """Refuse, in plain words, an output path that is a folder or in a folder that is not there
    (a typo should not quietly create folders or write somewhere unexpected)."""
    if path.is_dir():
        raise ValidationError(
            option, f"{path} is a folder: give a file name inside it, for example {path / 'out'}."
        )
    if not path.parent.is_dir():
        raise ValidationError(
            option, f"The folder {path.parent} does not exist: create it or choose another."
        )


@contextmanager
def written_atomically(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; it replaces `path` only when the writing
    finished, so a failure or Ctrl+C never leaves a half-written file (or spoils the old one)."""
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def iso_date(text: str) -> dt.date:
    """argparse type for YYYY-MM-DD dates, with a plain message when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date in the form YYYY-MM-DD (for example 2026-03-31)"
        ) from exc
