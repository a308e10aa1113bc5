"""The period as one spreadsheet: summary, themes by month, by practice, and the feedback list.

Comment text is redacted unless the chair explicitly asks for the full text. Every text cell that
a spreadsheet would read as a formula (starting = + - @, tab or carriage return) is neutralised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

from ppg_desktop.core import analysis
from ppg_desktop.core.analysis import format_value
from ppg_desktop.core.exporting import feedback_frame, neutralise_frame
from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports.figures import phone_kpi
from ppg_desktop.core.reports.summary import summary_sentences

if TYPE_CHECKING:
    import pandas as pd

    from ppg_desktop.core.reports.figures import PackFigures


def summary_frame(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] = ()
) -> pd.DataFrame:
    """Key figures for the period against the previous one, as rows people can read."""
    import pandas as pd

    figures = analysis.kpis(db, period, practice_ids)
    phone = phone_kpi(db, period, practice_ids)
    if phone is not None:
        figures.append(phone)
    rows = [
        {
            "Measure": k.label + (f" ({k.detail})" if k.detail else ""),
            "This period": k.value_text(),
            "Previous period": format_value(k.previous, k.unit, k.previous_n),
            "Change": k.change_text,
            "Answers this period (n)": k.current_n if k.unit == "percent" else None,
        }
        for k in figures
    ]
    return pd.DataFrame(rows)


def export_xlsx(
    db: sqlite_utils.Database,
    period: Period,
    out_path: Path | str,
    practice_ids: Sequence[int] = (),
    *,
    full_text: bool = False,
    figures: PackFigures | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write the workbook for the period; comments are redacted unless `full_text` is True."""
    import pandas as pd

    out = Path(out_path)
    ids = list(practice_ids)
    flt = analysis.period_filter(period, ids)
    summary = summary_frame(db, period, ids)
    about = pd.DataFrame(
        {
            "About this workbook": [
                f"Period: {period.describe()} (previous period {period.previous().describe()}).",
                "Comments are "
                + (
                    "the FULL TEXT as recorded: it may contain personal details. Keep "
                    "this file safe."
                    if full_text
                    else "redacted: personal details are replaced by [NAME], [PHONE] etc."
                ),
                *(summary_sentences(figures) if figures is not None else []),
            ]
        }
    )
    months = analysis.monthly_theme_counts(db, flt, top_n=None)
    months = months.reset_index().rename(columns={"index": "Month", "month": "Month"})
    by_practice = analysis.counts_by_practice(db, flt).rename(
        columns={
            "practice": "Practice",
            "received": "Received",
            "complaints": "Complaints",
            "compliments": "Compliments",
            "percent_negative": "% negative",
        }
    )
    themes = analysis.theme_counts(db, flt).rename(
        columns={
            "slug": "Code",
            "name": "Theme",
            "cqc_key_question": "CQC key question",
            "count": "Items",
        }
    )
    feedback = feedback_frame(db, flt, full_text=full_text, progress=progress)
    out.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in (
            ("Summary", summary),
            ("About", about),
            ("Themes", themes),
            ("Themes by month", months),
            ("By practice", by_practice),
            ("Feedback", feedback),
        ):
            neutralise_frame(frame).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for column in sheet.columns:
                width = max((len(str(c.value or "")) for c in column[:200]), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 60)
            sheet.freeze_panes = "A2"
    return out
