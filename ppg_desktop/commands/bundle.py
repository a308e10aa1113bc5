"""`ppg-desktop bundle`: pass feedback between volunteers' laptops and the chair's.

`bundle export` writes everything new or changed since this laptop's last export to one file;
`bundle merge` reads such a file into this database and says what it added, updated and skipped.
Every bundle also lists the records removed for good on its laptop (under the retention rules or
at a person's request): merging removes them here too, and never brings them back.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ppg_desktop.commands._common import (
    add_db_argument,
    check_output_file,
    db_path,
    open_db,
    passphrase_for,
)
from ppg_desktop.core.bundles import export_bundle, merge_bundle

NAME = "bundle"
HELP = "Export changes for the chair, or merge a volunteer's export into this database."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop bundle export --db ppg.db --out /media/usb/changes.ppgbundle\n"
    "  ppg-desktop bundle merge --db chair.db /media/usb/changes.ppgbundle\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Two actions: export and merge."""
    actions = parser.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write what changed since the last export",
        description="Write what changed since the last export (or everything, with --all) to "
        "a bundle file, to carry to the chair's computer.",
    )
    add_db_argument(export)
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="FILE",
        help="the bundle file to write (e.g. on a USB stick)",
    )
    export.add_argument(
        "--all",
        dest="everything",
        action="store_true",
        help="export everything, not just what changed since the last export",
    )
    export.add_argument(
        "--redact",
        action="store_true",
        help="remove names, phone numbers and other personal details from "
        "comments (for a copy shared with the practice)",
    )
    merge = actions.add_parser(
        "merge",
        help="merge a bundle into this database",
        description="Merge a volunteer's bundle into this database; running it twice adds "
        "nothing twice.",
    )
    add_db_argument(merge)
    merge.add_argument("bundle", type=Path, metavar="FILE", help="the bundle to merge")


def run(args: argparse.Namespace) -> int:
    """Export or merge, and print what happened."""
    db = open_db(args)
    try:
        if args.bundle_action == "export":
            check_output_file(args.out)
            result = export_bundle(
                db,
                args.out,
                passphrase=passphrase_for(db_path(args)),
                everything=args.everything,
                redact_text=args.redact,
                actor="command line",
            )
            counts = ", ".join(
                f"{n} {t.replace('_', ' ')}"
                for t, n in result.counts.items()
                if t != "removed_records"  # said in words below
            )
            since = f" with changes since {_uk_time(result.since)}" if result.since else ""
            print(
                f"Wrote {result.path}{since}: {counts}"
                + (" (encrypted)" if result.encrypted else "")
                + (" (personal details removed)" if result.redacted else "")
                + "."
                + result.removals_note()
            )
            return 0
        report = merge_bundle(
            db, args.bundle, passphrase=passphrase_for(args.bundle), actor="command line"
        )
        print(
            f"Merged {args.bundle.name}" + (f" from {report.source}" if report.source else "") + ":"
        )
        print(report.summary())
        return 0
    finally:
        db.close()


def _uk_time(stamp: str) -> str:
    """'2026-11-26T16:57:20.55+00:00' -> '26/11/2026 16:57' (local time), as people read dates."""
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{moment:%d/%m/%Y %H:%M}"
