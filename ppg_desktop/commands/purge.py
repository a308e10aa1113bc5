"""`ppg-desktop purge`: remove records whose retention period has ended, after listing them."""

from __future__ import annotations

import argparse

from ppg_desktop.commands._common import (
    actor_name,
    add_actor_argument,
    add_db_argument,
    confirmed,
    open_db,
)
from ppg_desktop.core.retention import purge, purge_preview
from ppg_desktop.core.wording import counts_listed

NAME = "purge"
HELP = (
    "List the records whose retention period has ended (deleted feedback, old contact "
    "details, long-closed feedback, old written survey answers) and remove them."
)
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop purge --db ppg.db --dry-run\n"
    '  ppg-desktop purge --db ppg.db --yes --as "Anil Mehta"\n'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--yes", action="store_true", help="remove without asking")
    parser.add_argument("--dry-run", action="store_true", help="only list what would go")
    add_actor_argument(parser)


def run(args: argparse.Namespace) -> int:
    db = open_db(args)
    plan = purge_preview(db)
    print("Retention periods: " + "; ".join(plan.periods.describe()) + ".")
    print(plan.summary())
    for line in plan.lines:
        print(f"  {line}")
    if plan.empty or args.dry_run:
        return 0
    if not confirmed(
        args, NAME, "Remove these records for good?", "Nothing removed", "remove these records"
    ):
        return 1
    result = purge(db, plan, actor_name(args))
    what = counts_listed(
        [
            (result.feedback_removed, "feedback item", None),
            (result.contacts_removed, "set of contact details", "sets of contact details"),
            (result.survey_answers_removed, "written survey answer", None),
        ]
    )
    stay = (
        " (the ratings and choices given with them stay)" if result.survey_answers_removed else ""
    )
    print(f"Removed {what or 'nothing'}{stay}.")
    return 0
