"""`ppg-desktop actions`: list the PPG's actions (the "You said, we did" action plan)."""

from __future__ import annotations

import argparse

from ppg_desktop.commands._common import add_db_argument, open_db
from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.clock import today, uk_date
from ppg_desktop.core.migrations import ACTION_STATUSES
from ppg_desktop.core.models import ACTION_STATUS_LABELS
from ppg_desktop.core.wording import counted

NAME = "actions"
HELP = "List actions raised with the practice, with status, owner and due date."
EXAMPLES = (
    "examples:\n"
    "  ppg-desktop actions --db ppg.db --overdue\n"
    "  ppg-desktop actions --db ppg.db --status done\n"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--db, and filters by status or overdue."""
    add_db_argument(parser)
    parser.add_argument("--status", choices=ACTION_STATUSES, help="only actions in this status")
    parser.add_argument(
        "--overdue",
        action="store_true",
        help="only open or in-progress actions past their due date",
    )


def run(args: argparse.Namespace) -> int:
    """Print one line per action; overdue ones are marked in words, not just colour."""
    db = open_db(args)
    try:
        actions = ActionStore(db).list(status=args.status, overdue_only=args.overdue)
    finally:
        db.close()
    if not actions:
        print("No actions match.")
        return 0
    day = today()
    for action in actions:
        flag = "OVERDUE " if action.is_overdue(day) else ""
        due = f" due {uk_date(action.due_on)}" if action.due_on else ""
        owner = f" (owner: {action.owner})" if action.owner else ""
        print(
            f"{action.id:>5}  {flag}{ACTION_STATUS_LABELS[action.status]}{due}: "
            f"{action.title}{owner}"
        )
    print(f"{counted(len(actions), 'action')}.")
    return 0
