"""The `ppg-desktop` program: with no subcommand it opens the desktop app.

Each subcommand lives in its own module under `ppg_desktop.commands` and is found there, so a new
command is one new file (with NAME, HELP, add_arguments and run).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType

from ppg_desktop import APP_NAME, __version__, commands
from ppg_desktop.core.errors import DatabaseProblem, PPGError

DEBUG_ENV = "PPG_DESK_DEBUG"


class _Parser(argparse.ArgumentParser):
    """argparse that prints one plain line (not the whole usage) for a bad argument."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


class _HelpFormatter(argparse.HelpFormatter):
    """Wraps the description as usual but keeps the examples' lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def command_modules() -> list[ModuleType]:
    """Every subcommand module, in name order."""
    found = [
        importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    ]
    return sorted(found, key=lambda module: str(module.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ppg-desktop",
        description=f"{APP_NAME}: record patient feedback and surveys offline, tag themes and "
        "print meeting packs. With no command, opens the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", help="database file (default: the one in your user data folder)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open every screen offscreen, check it renders, and exit",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in command_modules():
        sub = subparsers.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.HELP,
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=_HelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for `ppg-desktop` and `python main.py`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from ppg_desktop.ui.app import run_app  # Qt is loaded only for the desktop app

        return run_app(db_path=args.db, self_test=args.self_test)
    try:
        return int(args.handler(args))
    except DatabaseProblem as exc:
        print(f"ppg-desktop {args.command}: {_one_line(str(exc))}", file=sys.stderr)
        return 3
    except PPGError as exc:
        print(f"ppg-desktop {args.command}: {_one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        lead = "\n" if sys.stderr.isatty() else ""  # after ^C and any half-drawn progress bar
        print(f"{lead}ppg-desktop {args.command}: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head`, which stopped reading: not a fault
        with contextlib.suppress(OSError, ValueError):  # stdout may have no file descriptor
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # quiet exit flush
        return 141
    except OSError as exc:
        print(f"ppg-desktop {args.command}: {_explain_os_error(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # the last line of defence: one line, never a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        print(
            f"ppg-desktop {args.command}: something went wrong that PPG Desk did not expect "
            f"({type(exc).__name__}: {_one_line(str(exc))}). Nothing more was done; please "
            f"report this, with the command you ran (set {DEBUG_ENV}=1 to see the details).",
            file=sys.stderr,
        )
        return 70


def _one_line(text: str) -> str:
    """Squash a multi-line message so the error stays on one line."""
    return " ".join(text.split())


def _explain_os_error(exc: OSError) -> str:
    """A file-system error (folder missing, no permission, disk full) in plain words."""
    where = f" {exc.filename}" if exc.filename else ""
    if isinstance(exc, FileNotFoundError):
        return f"cannot find{where}: check the path and that the folder exists."
    if isinstance(exc, IsADirectoryError):
        return f"{where.strip()} is a folder: give the path of a file instead."
    if isinstance(exc, NotADirectoryError):
        return f"part of the path{where} is a file, not a folder: check the path."
    if isinstance(exc, PermissionError):
        return f"not allowed to use{where}: check you may read and write there."
    if exc.errno == errno.ENOSPC:
        return f"the disk is full{' at' + where if where else ''}: free some space and try again."
    return f"could not use{where}: {_one_line(exc.strerror or str(exc))}."


if __name__ == "__main__":
    sys.exit(main())
