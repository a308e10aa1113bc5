"""`ppg-desktop subject-access`: find everything held about a person, export it, and (if asked)
erase it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ppg_desktop.commands._common import (
    actor_name,
    add_actor_argument,
    add_db_argument,
    check_output_file,
    confirmed,
    open_db,
)
from ppg_desktop.core.retention import erase_subject, export_subject_access, subject_access_search
from ppg_desktop.core.wording import counted

NAME = "subject-access"
HELP = (
    "Find a person's contact details and the feedback linked to or mentioning them; export "
    "it to a .json or .csv file, and erase it with --erase."
)
EXAMPLES = (
    "examples:\n"
    '  ppg-desktop subject-access --db ppg.db --name "Jo Bloggs" --out jo-bloggs.json\n'
    '  ppg-desktop subject-access --db ppg.db --phone "07700 900123" --erase\n'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--name", help="the person's name (every word must match)")
    parser.add_argument("--phone", help="their phone number (any spacing)")
    parser.add_argument("--email", help="their email address")
    parser.add_argument(
        "--out", metavar="FILE", help="write what was found to FILE (.json or .csv)"
    )
    parser.add_argument(
        "--erase",
        action="store_true",
        help="remove their contact details and redact the feedback found",
    )
    parser.add_argument(
        "--delete-feedback",
        action="store_true",
        help="with --erase: delete the feedback instead of redacting it",
    )
    parser.add_argument("--yes", action="store_true", help="erase without asking")
    add_actor_argument(parser)


def run(args: argparse.Namespace) -> int:
    if not (args.name or args.phone or args.email):
        print("ppg-desktop subject-access: give --name, --phone or --email.", file=sys.stderr)
        return 2
    if args.out:
        check_output_file(Path(args.out))
    db = open_db(args)
    actor = actor_name(args)
    result = subject_access_search(db, args.name, args.phone, args.email, actor=actor)
    print(
        f"Found {counted(len(result.contacts), 'set')} of contact details, "
        f"{counted(len(result.feedback), 'linked feedback item')} and "
        f"{counted(len(result.mentions), 'item')} mentioning them."
    )
    for contact in result.contacts:
        print(
            f"  Contact {contact.id}: {contact.name or '(no name)'}"
            f"{', feedback ' + str(contact.feedback_id) if contact.feedback_id else ''}"
        )
    for item in [*result.feedback, *result.mentions]:
        print(f"  Feedback {item.id} ({item.received_on:%d/%m/%Y}, {item.practice_name})")
    if args.out:
        path = export_subject_access(result, Path(args.out), db=db, actor=actor)
        print(f"Written to {path}.")
    if args.erase and not result.empty:
        if not confirmed(args, NAME, "Erase all of this for good?", "Nothing erased", "erase"):
            return 1
        counts = erase_subject(db, result, actor, delete_feedback=args.delete_feedback)
        print(
            f"Erased: {counted(counts['contacts_removed'], 'set')} of contact details removed, "
            f"{counted(counts['feedback_redacted'], 'feedback item')} redacted, "
            f"{counts['feedback_deleted']:,} deleted."
        )
    return 0
