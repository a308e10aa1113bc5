"""Spreadsheet exports of feedback, safe to open in Excel.

Text leaves the app redacted of personal details unless the chair asks for the full text, and any
cell that a spreadsheet would treat as a formula is neutralised.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.models import (
    CHANNEL_LABELS,
    KIND_LABELS,
    SENTIMENT_LABELS,
    STATUS_LABELS,
    FeedbackFilter,
)

if TYPE_CHECKING:
    import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")


def neutralise_formula(value: Any) -> Any:
    """Prefix text that starts like a formula with an apostrophe, so it is shown, not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with every text cell neutralised."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(neutralise_formula)
    return out


def feedback_frame(
    db: sqlite_utils.Database,
    flt: FeedbackFilter | None = None,
    *,
    full_text: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Feedback with its themes as a table for people (UK dates, labels, theme names)."""
    import pandas as pd

    from ppg_desktop.core.redaction import redact

    store = FeedbackStore(db)
    theme_names = dict(db.execute("SELECT slug, name FROM themes").fetchall())
    keep = [row[0] for row in db.execute("SELECT name FROM practices")]
    ids = store.list_ids(flt, order_by="received_on", descending=False)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(ids), 2000):
        for item in store.get_many(ids[start : start + 2000]):
            rows.append(
                {
                    "Reference": item.uuid,
                    "Date received": uk_date(item.received_on),
                    "Practice": item.practice_name,
                    "How given": CHANNEL_LABELS[item.channel],
                    "Kind": KIND_LABELS[item.kind],
                    "Status": STATUS_LABELS[item.status],
                    "Sentiment": SENTIMENT_LABELS.get(item.sentiment or "", ""),
                    "Themes": "; ".join(theme_names.get(s, s) for s in item.themes),
                    "Comment": item.text if full_text else redact(item.text, keep=keep).text,
                }
            )
        if progress:
            progress(min(start + 2000, len(ids)), len(ids))
    columns = [
        "Reference",
        "Date received",
        "Practice",
        "How given",
        "Kind",
        "Status",
        "Sentiment",
        "Themes",
        "Comment",
    ]
    return pd.DataFrame(rows, columns=columns)


def write_frame(frame: pd.DataFrame, path: Path, fmt: str, sheet_name: str = "Feedback") -> None:
    """Write a table as CSV (UTF-8 with BOM, so Excel shows £ and accents) or XLSX."""
    safe = neutralise_frame(frame)
    if fmt == "csv":
        safe.to_csv(path, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        safe.to_excel(path, index=False, sheet_name=sheet_name, engine="openpyxl")
    else:
        raise ValueError(f"Unknown export format {fmt}; choose csv or xlsx")
