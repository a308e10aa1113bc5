"""`ppg-desktop subject-access`: find everything held about a person, export it, and (if asked)
erase it.

A name alone may match different people (two patients called Jo Smith; 'Jo Smith' also finds
'Jo Smithson'): when what was found could be, it says what tells them apart, and exporting or
erasing needs --all-matches, or a phone number or email address to narrow the search.
"""

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
from ppg_desktop.core.subject_access import (
    SubjectAccessResult,
    erase_subject,
    erasure_summary,
    export_subject_access,
    subject_access_search,
)
from ppg_desktop.core.wording import counted

NAME = "subject-access"
HELP = (
    "Find a person's contact details, the feedback linked to or mentioning them and written "
    "survey answers mentioning them; export it to a .json or .csv file, and erase it with "
    "--erase."
)
EXAMPLES = (
    "examples:\n"
    '  ppg-desktop subject-access --db ppg.db --name "Jo Bloggs" --out jo-bloggs.json\n'
    '  ppg-desktop subject-access --db ppg.db --name "Jo Bloggs" --phone "07700 900123" --erase\n'
)
ALL_MATCHES_OPTION = "--all-matches"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument(
        "--name",
        help="the person's name (every word must match); with --phone or --email, only contact "
        "details with that phone or email are included",
    )
    parser.add_argument("--phone", help="their phone number (any spacing)")
    parser.add_argument("--email", help="their email address")
    parser.add_argument(
        "--out", metavar="FILE", help="write what was found to FILE (.json or .csv)"
    )
    parser.add_argument(
        "--erase",
        action="store_true",
        help="remove their contact details and redact the feedback and survey answers found",
    )
    parser.add_argument(
        "--delete-feedback",
        action="store_true",
        help="with --erase: delete the feedback and remove the written survey answers (their "
        "ratings stay) instead of redacting them",
    )
    parser.add_argument("--yes", action="store_true", help="erase without asking")
    parser.add_argument(
        ALL_MATCHES_OPTION,
        action="store_true",
        help="with --out or --erase after a search by name alone: go ahead although the "
        "records may be about different people (check with the person first)",
    )
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
        f"{counted(len(result.mentions), 'item')} mentioning them"
        + (
            f"; also {counted(len(result.survey_answers), 'written survey answer')}."
            if result.survey_answers
            else "."
        )
    )
    for contact in result.contacts:
        print(
            f"  Contact {contact.id}: {contact.name or '(no name)'}"
            f"{', feedback ' + str(contact.feedback_id) if contact.feedback_id else ''}"
        )
    for item in [*result.feedback, *result.mentions]:
        print(f"  Feedback {item.id} ({item.received_on:%d/%m/%Y}, {item.practice_name})")
    for answer in result.survey_answers:
        print(
            f"  Survey response {answer.response_id} ({answer.collected_on:%d/%m/%Y}, "
            f"{answer.practice_name or 'no practice'}): {answer.question}"
        )
    _say_who_else(result)
    if (args.out or args.erase) and _may_be_others(result, args):
        return 1
    if args.out:
        path = export_subject_access(
            result, Path(args.out), db=db, actor=actor, allow_different_people=args.all_matches
        )
        print(f"Written to {path}.")
    if args.erase and not result.empty:
        question = "Erase all of this for good?"
        if result.could_be_different_people:
            question = "Erase all of this for good, for everyone listed above?"
        if not confirmed(args, NAME, question, "Nothing erased", "erase"):
            return 1
        counts = erase_subject(
            db,
            result,
            actor,
            delete_feedback=args.delete_feedback,
            allow_different_people=args.all_matches,
        )
        print(erasure_summary(counts))
    return 0


def _say_who_else(result: SubjectAccessResult) -> None:
    """Warn when the records may be about different people, with what tells them apart; list
    contact details left out because only the name matched."""
    matches = result.name_matches
    if matches is not None and matches.could_be_different_people:
        print(f"Warning: {matches.warning()}")
        for line in matches.differences():
            print(f"  {line}")
        print(
            "  Check with the person who asked, and narrow the search with their phone number "
            "(--phone) or email address (--email)."
        )
    if result.name_only:
        print(
            f"Left out: {counted(len(result.name_only), 'set')} of contact details matching the "
            "name but not the phone number or email address given, so probably someone else's. "
            "If they are the same person, search again with those details."
        )
        for contact in result.name_only:
            details = ", ".join(v for v in (contact.phone, contact.email) if v)
            print(f"  Contact {contact.id}: {contact.name or '(no name)'}, {details}")


def _may_be_others(result: SubjectAccessResult, args: argparse.Namespace) -> bool:
    """True (after saying why on stderr) when exporting or erasing needs --all-matches."""
    if not result.could_be_different_people or args.all_matches:
        return False
    what = " or ".join(w for w, asked in (("written", args.out), ("erased", args.erase)) if asked)
    print(
        f"ppg-desktop {NAME}: nothing {what}: the records found by name alone may be about "
        "different people. Narrow the search with --phone or --email, or add "
        f"{ALL_MATCHES_OPTION} if you have checked they are all about the person who asked.",
        file=sys.stderr,
    )
    return True
