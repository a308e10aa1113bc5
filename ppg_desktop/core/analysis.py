"""Figures for the dashboard, the `stats` command and the meeting pack.

Read-only aggregate queries over the stores' tables; pandas frames where a table of figures is
wanted. Counts of themes include automatic suggestions that nobody rejected, plus confirmed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ppg_desktop.core.feedback_store import feedback_where
from ppg_desktop.core.models import FeedbackFilter
from ppg_desktop.core.periods import Period

if TYPE_CHECKING:
    import pandas as pd

SMALL_COUNT = 10
FFT_POSITIVE = ("Very good", "Good")
FFT_NEGATIVE = ("Poor", "Very poor")


@dataclass(frozen=True)
class Kpi:
    """One key figure for a period, with the same figure for the previous period."""

    key: str
    label: str
    current: float | None
    previous: float | None
    unit: str  # "count" | "percent"
    current_n: int = 0
    previous_n: int = 0
    detail: str = ""

    @property
    def small_sample(self) -> bool:
        return self.unit == "percent" and 0 < self.current_n < SMALL_COUNT

    @property
    def change_text(self) -> str:
        """The change in words, so it never depends on colour: 'up 12 (from 41 to 53, +29%)'."""
        return describe_change(self.current, self.previous, self.unit)

    def value_text(self) -> str:
        """The current value as printed: '53', '61% (n=120)' or 'no data'."""
        return format_value(self.current, self.unit, self.current_n)


def format_value(value: float | None, unit: str, n: int = 0) -> str:
    if value is None:
        return "no data"
    if unit == "percent":
        text = f"{value:.0f}% (n={n})"
        return text + " – fewer than 10 answers" if n < SMALL_COUNT else text
    return f"{value:,.0f}"


def describe_change(current: float | None, previous: float | None, unit: str) -> str:
    """A sentence fragment for the change between two values."""
    if current is None or previous is None:
        return "no earlier figure to compare"
    if unit == "percent":
        # compare the rounded figures people read, so the words and the numbers always agree
        now, before = round(current), round(previous)
        points = now - before
        if points == 0:
            return f"about the same (was {before}%)"
        word = "up" if points > 0 else "down"
        unit_word = "point" if abs(points) == 1 else "points"
        return f"{word} {abs(points)} {unit_word} (from {before}% to {now}%)"
    delta = current - previous
    if delta == 0:
        return f"no change (was {previous:,.0f})"
    word = "up" if delta > 0 else "down"
    text = f"{word} {abs(delta):,.0f} (from {previous:,.0f} to {current:,.0f}"
    if previous:
        text += f", {delta / previous * 100:+.0f}%"
    return text + ")"


def period_filter(period: Period, practice_ids: Sequence[int] | None = None) -> FeedbackFilter:
    return FeedbackFilter(
        date_from=period.start, date_to=period.end, practice_ids=list(practice_ids or [])
    )


def _scalar(db: sqlite_utils.Database, sql: str, params: list[Any]) -> int:
    return int(db.execute(sql, params).fetchone()[0] or 0)


def _feedback_figures(db: sqlite_utils.Database, flt: FeedbackFilter) -> dict[str, int]:
    where, params = feedback_where(flt)
    row = db.execute(
        "SELECT count(*), sum(kind = 'complaint'), sum(kind = 'compliment'),"
        " sum(sentiment = 'negative'), sum(sentiment IS NOT NULL)"
        f" FROM feedback f WHERE {where}",
        params,
    ).fetchone()
    keys = ("received", "complaints", "compliments", "negative", "with_sentiment")
    return {k: int(v or 0) for k, v in zip(keys, row, strict=True)}


def fft_counts(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] | None = None
) -> dict[str, int]:
    """Answers to Friends and Family Test questions given in the period, by answer."""
    params: list[Any] = [period.start.isoformat(), period.end.isoformat()]
    practice_sql = ""
    if practice_ids:
        practice_sql = f" AND r.practice_id IN ({', '.join('?' for _ in practice_ids)})"
        params.extend(practice_ids)
    rows = db.execute(
        "SELECT a.value, count(*) FROM survey_answers a"
        " JOIN survey_questions q ON q.id = a.question_id"
        " JOIN survey_responses r ON r.id = a.response_id"
        " WHERE q.kind = 'fft' AND r.deleted_at IS NULL"
        f" AND r.collected_on BETWEEN ? AND ?{practice_sql} GROUP BY a.value",
        params,
    )
    return {str(value): int(n) for value, n in rows}


def fft_percent_positive(counts: dict[str, int]) -> tuple[float | None, int]:
    """NHS England's FFT % positive: (Very good + Good) / all answers, with the answer count."""
    total = sum(counts.values())
    if not total:
        return None, 0
    return sum(counts.get(a, 0) for a in FFT_POSITIVE) * 100 / total, total


def theme_period_counts(db: sqlite_utils.Database, flt: FeedbackFilter) -> dict[str, int]:
    """Items per theme slug in the filter (non-rejected links on live items)."""
    where, params = feedback_where(flt)
    rows = db.execute(
        "SELECT t.slug, count(*) FROM feedback f JOIN feedback_themes ft ON ft.feedback_id = f.id"
        " JOIN themes t ON t.id = ft.theme_id"
        f" WHERE {where} AND ft.state != 'rejected' GROUP BY t.slug",
        params,
    )
    return {slug: int(n) for slug, n in rows}


def rising_theme(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] | None = None
) -> tuple[str, str, int, int] | None:
    """The theme whose count rose most against the previous period: (slug, name, before, now)."""
    now = theme_period_counts(db, period_filter(period, practice_ids))
    before = theme_period_counts(db, period_filter(period.previous(), practice_ids))
    best: tuple[int, str] | None = None
    for slug, count in now.items():
        rise = count - before.get(slug, 0)
        if rise > 0 and (best is None or (rise, slug) > best):
            best = (rise, slug)
    if best is None:
        return None
    slug = best[1]
    name = db.execute("SELECT name FROM themes WHERE slug = ?", [slug]).fetchone()[0]
    return slug, str(name), before.get(slug, 0), now[slug]


def kpis(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] | None = None
) -> list[Kpi]:
    """The dashboard's and meeting pack's key figures for a period against the previous one."""
    previous = period.previous()
    cur = _feedback_figures(db, period_filter(period, practice_ids))
    old = _feedback_figures(db, period_filter(previous, practice_ids))

    def pct(part: int, whole: int) -> float | None:
        return part * 100 / whole if whole else None

    fft_now, n_now = fft_percent_positive(fft_counts(db, period, practice_ids))
    fft_before, n_before = fft_percent_positive(fft_counts(db, previous, practice_ids))
    figures = [
        Kpi("received", "Feedback received", cur["received"], old["received"], "count"),
        Kpi("complaints", "Complaints", cur["complaints"], old["complaints"], "count"),
        Kpi("compliments", "Compliments", cur["compliments"], old["compliments"], "count"),
        Kpi(
            "negative",
            "Negative comments",
            pct(cur["negative"], cur["with_sentiment"]),
            pct(old["negative"], old["with_sentiment"]),
            "percent",
            cur["with_sentiment"],
            old["with_sentiment"],
        ),
        Kpi(
            "fft_positive",
            "Friends and Family Test: positive",
            fft_now,
            fft_before,
            "percent",
            n_now,
            n_before,
        ),
    ]
    rising = rising_theme(db, period, practice_ids)
    if rising:
        _slug, name, before, now = rising
        figures.append(Kpi("rising_theme", "Top rising theme", now, before, "count", detail=name))
    else:
        figures.append(
            Kpi("rising_theme", "Top rising theme", None, None, "count", detail="No theme rose")
        )
    return figures


def theme_counts(db: sqlite_utils.Database, flt: FeedbackFilter) -> pd.DataFrame:
    """Themes ranked by how many items mention them: slug, name, cqc_key_question, count."""
    import pandas as pd

    counts = theme_period_counts(db, flt)
    rows = db.execute(
        "SELECT slug, name, cqc_key_question FROM themes WHERE archived = 0 ORDER BY name"
    ).fetchall()
    frame = pd.DataFrame(
        [(slug, name, cqc, counts.get(slug, 0)) for slug, name, cqc in rows],
        columns=["slug", "name", "cqc_key_question", "count"],
    )
    return frame.sort_values(["count", "name"], ascending=[False, True]).reset_index(drop=True)


def monthly_theme_counts(
    db: sqlite_utils.Database, flt: FeedbackFilter, top_n: int | None = 5
) -> pd.DataFrame:
    """Items per month (rows 'YYYY-MM', every month in the range) and theme name (columns)."""
    import pandas as pd

    where, params = feedback_where(flt)
    rows = db.execute(
        "SELECT substr(f.received_on, 1, 7) AS month, t.name, count(*) FROM feedback f"
        " JOIN feedback_themes ft ON ft.feedback_id = f.id JOIN themes t ON t.id = ft.theme_id"
        f" WHERE {where} AND ft.state != 'rejected' GROUP BY month, t.name",
        params,
    ).fetchall()
    frame = pd.DataFrame(rows, columns=["month", "theme", "count"])
    table = frame.pivot_table(
        index="month", columns="theme", values="count", aggfunc="sum", fill_value=0
    )
    months = _months_between(flt, list(table.index))
    table = table.reindex(months, fill_value=0)
    if top_n is not None and not table.empty:
        keep = table.sum().sort_values(ascending=False).index[:top_n]
        table = table[list(keep)]
    table.columns.name = None
    table.index.name = "month"
    return table.astype(int)


def monthly_counts(db: sqlite_utils.Database, flt: FeedbackFilter) -> pd.DataFrame:
    """Items per month with complaints and compliments: for trend lines of volume."""
    import pandas as pd

    where, params = feedback_where(flt)
    rows = db.execute(
        "SELECT substr(f.received_on, 1, 7) AS month, count(*), sum(kind = 'complaint'),"
        f" sum(kind = 'compliment') FROM feedback f WHERE {where} GROUP BY month",
        params,
    ).fetchall()
    frame = pd.DataFrame(rows, columns=["month", "received", "complaints", "compliments"])
    frame = frame.set_index("month")
    return frame.reindex(_months_between(flt, list(frame.index)), fill_value=0).astype(int)


def counts_by_practice(db: sqlite_utils.Database, flt: FeedbackFilter) -> pd.DataFrame:
    """Per practice: received, complaints, compliments, % negative (None when no sentiment)."""
    import pandas as pd

    where, params = feedback_where(flt)
    rows = db.execute(
        "SELECT p.name, count(f.id), sum(f.kind = 'complaint'), sum(f.kind = 'compliment'),"
        " sum(f.sentiment = 'negative'), sum(f.sentiment IS NOT NULL)"
        f" FROM practices p LEFT JOIN feedback f ON f.practice_id = p.id AND {where}"
        " GROUP BY p.id ORDER BY p.name",
        params,
    ).fetchall()
    frame = pd.DataFrame(
        rows,
        columns=["practice", "received", "complaints", "compliments", "negative", "with_sentiment"],
    ).fillna(0)
    frame["percent_negative"] = [
        (neg * 100 / n if n else None)
        for neg, n in zip(frame["negative"], frame["with_sentiment"], strict=True)
    ]
    if flt.practice_ids:
        wanted = {
            r[0]
            for r in db.execute(
                f"SELECT name FROM practices WHERE id IN ({', '.join('?' for _ in flt.practice_ids)})",
                flt.practice_ids,
            )
        }
        frame = frame[frame["practice"].isin(wanted)]
    return frame.drop(columns=["negative", "with_sentiment"]).reset_index(drop=True)


def _months_between(flt: FeedbackFilter, seen: list[str]) -> list[str]:
    """Every month from the filter's start (or first seen) to its end (or last seen)."""
    if not seen and not (flt.date_from and flt.date_to):
        return []
    start = flt.date_from.strftime("%Y-%m") if flt.date_from else min(seen)
    end = flt.date_to.strftime("%Y-%m") if flt.date_to else max(seen)
    first = dt.date(int(start[:4]), int(start[5:7]), 1)
    last = dt.date(int(end[:4]), int(end[5:7]), 1)
    return Period(first, last).months()


def with_dates(flt: FeedbackFilter, start: dt.date | None, end: dt.date | None) -> FeedbackFilter:
    """A copy of a filter narrowed to other dates."""
    return replace(flt, date_from=start, date_to=end)
