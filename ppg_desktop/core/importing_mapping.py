"""Which spreadsheet column holds what: suggestions from column names, and saved mappings.

Google Forms and Microsoft Forms exports have recognisable headings ("Timestamp", "Which
surgery?", "Completion time", "Overall, how was your experience of our service?"), and so do
the home-made spreadsheets PPGs keep ("Date", "Practice", "Comments"). A mapping the user
corrects can be saved by name and is offered again for a file with the same headings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import sqlite_utils

from ppg_desktop.core.settings_store import SettingsStore

IGNORE = "ignore"

# The fields of a feedback item a column can feed, with the names people see.
FEEDBACK_FIELDS: dict[str, str] = {
    "received_on": "Date received",
    "practice": "Practice",
    "text": "Comment",
    "kind": "Kind",
    "channel": "How it was given",
    "sentiment": "Sentiment",
    "status": "Status",
    "fft": "Friends and Family Test answer",
    IGNORE: "(not imported)",
}
# Fields that may take several columns (joined into one comment).
MULTI_COLUMN_FIELDS = frozenset({"text", IGNORE})

SAVED_MAPPINGS_KEY = "import_mappings"

# (field, pattern over the normalised heading); earlier patterns are stronger suggestions.
_RULES: list[tuple[str, str]] = [
    (
        "fft",
        r"\b(overall.*experience|how (was|would you rate) your (experience|visit)|"
        r"friends and family|how likely.*recommend|fft)\b",
    ),
    (
        "received_on",
        r"^(timestamp|completion time|date received|received( on)?|date of "
        r"(feedback|comment|visit|contact)|date|submitted( at| on)?|date submitted|"
        r"when)$",
    ),
    ("received_on", r"\b(timestamp|date)\b"),
    (
        "practice",
        r"^(which |your )?(gp )?(practice|surgery|site|branch|location|health ?cent(re|er))"
        r"( name| attended| visited)?$|^which (gp )?(surgery|practice)\b|"
        r"^(gp )?(practice|surgery) (name|attended|visited)$",
    ),
    ("kind", r"^(kind|type|category|feedback type|type of feedback|complaint or compliment)$"),
    ("channel", r"^(channel|how (given|received)|method|source|received (by|via)|contact method)$"),
    ("sentiment", r"^(sentiment|tone|mood)$"),
    ("status", r"^(status|progress|state)$"),
    (
        "text",
        r"\b(comments?|feedback|details?|description|what (could|can|should|did)|"
        r"tell us|why|improve|suggestions?|anything else|notes?|remarks?|concern|"
        r"complaint|compliment|your views|what went well|experience)\b",
    ),
]
# Headings that are never data worth importing (form bookkeeping).
_IGNORED = re.compile(
    r"^(id|start time|email|email address|name|your name|last modified time|respondent|"
    r"response id|score|total points|quiz feedback)$"
)


def normalise_heading(heading: str) -> str:
    """Lower case, punctuation to spaces, single spaces: 'Which surgery?' -> 'which surgery'."""
    return " ".join(re.sub(r"[^\w£]+", " ", heading.lower()).split())


def suggest_field(heading: str) -> str:
    """The feedback field a heading most likely holds ('ignore' when nothing fits)."""
    name = normalise_heading(heading)
    if not name or _IGNORED.match(name):
        return IGNORE
    for field_name, pattern in _RULES:
        if re.search(pattern, name):
            return field_name
    return IGNORE


def suggest_mapping(headings: Sequence[str]) -> dict[str, str]:
    """A field for every heading; a single-valued field goes to its first likely column only.

    Microsoft Forms has both "Start time" and "Completion time": the completion time is when the
    patient submitted, so it wins (start time is in the ignore list).
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for heading in headings:
        field_name = suggest_field(heading)
        if field_name in taken and field_name not in MULTI_COLUMN_FIELDS:
            field_name = IGNORE
        mapping[heading] = field_name
        taken.add(field_name)
    return mapping


def check_mapping(mapping: Mapping[str, str], headings: Sequence[str]) -> list[str]:
    """Problems with a mapping, as sentences (empty when it can be used)."""
    problems = []
    unknown_columns = [c for c in mapping if c not in headings]
    if unknown_columns:
        these = "This column is" if len(unknown_columns) == 1 else "These columns are"
        problems.append(
            f"{these} not in the file: "
            + ", ".join(f"'{c}'" for c in unknown_columns)
            + ". The file's columns are: "
            + ", ".join(f"'{h}'" for h in headings)
            + "."
        )
    for column, field_name in mapping.items():
        if field_name not in FEEDBACK_FIELDS:
            problems.append(
                f"Column '{column}' is set to '{field_name}', which is not something a column "
                "can hold. Choose one of: "
                + ", ".join(
                    f"{code} ({label.strip('()')})" for code, label in FEEDBACK_FIELDS.items()
                )
                + "."
            )
    columns_for: dict[str, list[str]] = {}
    for column, field_name in mapping.items():
        columns_for.setdefault(field_name, []).append(column)
    for field_name, columns in columns_for.items():
        if (
            len(columns) > 1
            and field_name not in MULTI_COLUMN_FIELDS
            and field_name in FEEDBACK_FIELDS
        ):
            problems.append(
                f"{len(columns)} columns are set to '{FEEDBACK_FIELDS[field_name]}': "
                + _and(f"'{c}'" for c in columns)
                + f". Choose one of them, and set the others to '{FEEDBACK_FIELDS[IGNORE]}'."
            )
    values = set(mapping.values())
    if "text" not in values and "fft" not in values:
        problems.append("Choose the column that holds the patients' comments.")
    if "received_on" not in values:
        problems.append("Choose the column that holds the date the feedback was given.")
    return problems


def _and(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    listed = list(items)
    return ", ".join(listed[:-1]) + " and " + listed[-1] if len(listed) > 1 else "".join(listed)


def apply_overrides(mapping: Mapping[str, str], overrides: Mapping[str, str]) -> dict[str, str]:
    """The suggested mapping with the user's choices laid over it.

    A single-valued field the user gives to a column is taken away from any other column the
    suggestion had given it to. Two columns the user gave the same field both keep it, so that
    `check_mapping` asks which one is meant instead of the last one quietly winning.
    """
    result = dict(mapping)
    for column, field_name in overrides.items():
        if field_name not in MULTI_COLUMN_FIELDS:
            for other, other_field in result.items():
                if other_field == field_name and other != column and other not in overrides:
                    result[other] = IGNORE
        result[column] = field_name
    return result


# --- saved mappings (kept in the database's settings, so they travel with backups) -------------
def saved_mappings(db: sqlite_utils.Database) -> dict[str, dict[str, str]]:
    """Every saved mapping by name."""
    stored = SettingsStore(db).get(SAVED_MAPPINGS_KEY, {})
    return {str(name): dict(value) for name, value in (stored or {}).items()}


def save_mapping(
    db: sqlite_utils.Database, name: str, mapping: Mapping[str, str], actor: str = ""
) -> None:
    """Save (or replace) a mapping under a name the user chose."""
    name = " ".join(name.split())
    if not name:
        from ppg_desktop.core.errors import ValidationError

        raise ValidationError("Mapping name", "Give the mapping a name so you can find it again.")
    mappings = saved_mappings(db)
    mappings[name] = dict(mapping)
    SettingsStore(db, actor).set(SAVED_MAPPINGS_KEY, mappings)


def delete_mapping(db: sqlite_utils.Database, name: str, actor: str = "") -> None:
    """Forget a saved mapping (nothing happens if there is none by that name)."""
    mappings = saved_mappings(db)
    if mappings.pop(name, None) is not None:
        SettingsStore(db, actor).set(SAVED_MAPPINGS_KEY, mappings)


def matching_saved_mapping(
    db: sqlite_utils.Database, headings: Sequence[str]
) -> tuple[str, dict[str, str]] | None:
    """A saved mapping whose columns are exactly this file's headings (same form, new export)."""
    wanted = set(headings)
    for name, mapping in sorted(saved_mappings(db).items()):
        if set(mapping) == wanted:
            return name, mapping
    return None
