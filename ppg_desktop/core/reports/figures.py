"""Every figure the pack and the spreadsheet show for one period, gathered once.

Counts come from `core.analysis` (the same functions the dashboard uses), so the pack's key figures
are the dashboard's. Survey answers are counted here per question; "% easy to get through on the
phone" follows the GP Patient Survey rule (easy answers over those who answered, leaving out "I
haven't tried").
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ppg_desktop.core import analysis
from ppg_desktop.core.action_store import ActionStore
from ppg_desktop.core.analysis import SMALL_COUNT, Kpi
from ppg_desktop.core.models import Action
from ppg_desktop.core.periods import Period
from ppg_desktop.core.reports.quotes import Quote, choose_quotes
from ppg_desktop.core.survey_templates import (
    FFT_POSITIVE,
    PHONE_EASE_CODE,
    PHONE_EASY,
    PHONE_NOT_TRIED,
)

if TYPE_CHECKING:
    import pandas as pd

TOP_THEMES = 5
TREND_MONTHS = 12
MAX_ACTIONS = 30
CHOICE_KINDS = ("fft", "single", "multi", "yes_no", "scale5", "scale10")


@dataclass(frozen=True)
class QuestionResult:
    """How one survey question was answered in the period."""

    position: int
    text: str
    kind: str
    answered: int
    counts: list[tuple[str, int]]  # in the question's own option order; empty for free text
    code: str | None = None

    def headline(self) -> str:
        """The one figure people look for: FFT % positive, or % easy to get through by phone."""
        values = dict(self.counts)
        if self.kind == "fft":
            part, whole, what = (
                sum(values.get(a, 0) for a in FFT_POSITIVE),
                self.answered,
                ("positive (very good or good)"),
            )
        elif self.code == PHONE_EASE_CODE:
            part = sum(values.get(a, 0) for a in PHONE_EASY)
            whole = self.answered - sum(values.get(a, 0) for a in PHONE_NOT_TRIED)
            what = "found it easy (of those who had tried)"
        else:
            return ""
        if whole < SMALL_COUNT:
            return f"{part} of {whole} {what}: too few answers for a percentage."
        return f"{part * 100 / whole:.0f}% {what}: {part:,} of {whole:,}."


@dataclass(frozen=True)
class SurveyResult:
    """One survey (version) that had responses in the period."""

    survey_id: int
    title: str
    version: int
    responses: int
    questions: list[QuestionResult]


@dataclass
class PackFigures:
    """What the pack and the spreadsheet are built from."""

    ppg_name: str
    period: Period
    practice_ids: list[int]
    practice_names: list[str]  # the practices chosen; empty means all
    all_practice_names: list[str]
    kpis: list[Kpi]
    themes: pd.DataFrame  # slug, name, cqc_key_question, count, previous
    trend: pd.DataFrame  # months x top theme names, the 12 months to the period's end
    trend_period: Period
    by_practice: pd.DataFrame
    surveys: list[SurveyResult]
    quotes: dict[str, list[Quote]]
    actions: list[Action]
    generated_on: dt.date
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def received(self) -> int:
        return int(self.kpi("received").current or 0)

    def kpi(self, key: str) -> Kpi:
        """The key figure with this key (KeyError when it does not apply to this period)."""
        for figure in self.kpis:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def top_theme_slugs(self, n: int = TOP_THEMES) -> list[str]:
        ranked = self.themes[self.themes["count"] > 0]
        return list(ranked["slug"][:n])

    @property
    def scope(self) -> str:
        """'All practices' or the chosen practices' names, for headings."""
        return ", ".join(self.practice_names) if self.practice_names else "All practices"


def _practice_sql(practice_ids: Sequence[int], alias: str = "r") -> tuple[str, list[Any]]:
    if not practice_ids:
        return "", []
    return (
        f" AND {alias}.practice_id IN ({', '.join('?' for _ in practice_ids)})",
        list(practice_ids),
    )


def phone_ease(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] = ()
) -> tuple[float | None, int]:
    """% easy to get through on the phone in the period and how many answered (not 'not tried').

    Worked out by `survey_results.phone_ease_summary`, so the pack agrees with the results screen.
    """
    from ppg_desktop.core.survey_results import phone_ease_summary

    summary = phone_ease_summary(db, period.start, period.end, list(practice_ids) or None)
    return summary.percent_easy, summary.answered


def phone_kpi(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] = ()
) -> Kpi | None:
    """The phone key figure, or None when the phone question was not asked in the period."""
    now, n_now = phone_ease(db, period, practice_ids)
    if not n_now:
        return None
    before, n_before = phone_ease(db, period.previous(), practice_ids)
    return Kpi(
        "phone_easy", "Easy to get through on the phone", now, before, "percent", n_now, n_before
    )


def survey_results(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] = ()
) -> list[SurveyResult]:
    """Answer counts per question for every survey with responses in the period."""
    extra, params = _practice_sql(practice_ids)
    window = [period.start.isoformat(), period.end.isoformat(), *params]
    surveys = db.execute(
        "SELECT s.id, s.title, s.version, count(r.id) FROM survey_responses r"
        " JOIN surveys s ON s.id = r.survey_id WHERE r.deleted_at IS NULL"
        f" AND r.collected_on BETWEEN ? AND ?{extra} GROUP BY s.id ORDER BY s.title, s.version",
        window,
    ).fetchall()
    results = []
    for survey_id, title, version, responses in surveys:
        questions = db.execute(
            "SELECT id, position, kind, text, options, code FROM survey_questions WHERE survey_id = ?"
            " ORDER BY position",
            [survey_id],
        ).fetchall()
        answers: dict[int, dict[str, int]] = {}
        for question_id, value, n in db.execute(
            "SELECT a.question_id, a.value, count(*) FROM survey_answers a"
            " JOIN survey_responses r ON r.id = a.response_id WHERE r.survey_id = ?"
            f" AND r.deleted_at IS NULL AND r.collected_on BETWEEN ? AND ?{extra}"
            " GROUP BY a.question_id, a.value",
            [survey_id, *window],
        ):
            answers.setdefault(question_id, {})[value] = n
        results.append(
            SurveyResult(
                survey_id,
                title,
                version,
                responses,
                [
                    _question_result(
                        position, kind, text, options, answers.get(question_id, {}), code
                    )
                    for question_id, position, kind, text, options, code in questions
                ],
            )
        )
    return results


def _question_result(
    position: int,
    kind: str,
    text: str,
    options_json: str,
    values: dict[str, int],
    code: str | None = None,
) -> QuestionResult:
    answered = sum(values.values())
    if kind not in CHOICE_KINDS:
        return QuestionResult(position, text, kind, answered, [], code)
    from ppg_desktop.core.survey_templates import FFT_OPTIONS, YES_NO_OPTIONS

    options: list[str] = {
        "fft": list(FFT_OPTIONS),
        "yes_no": list(YES_NO_OPTIONS),
        "scale5": [str(n) for n in range(1, 6)],
        "scale10": [str(n) for n in range(0, 11)],
    }.get(kind) or list(json.loads(options_json or "[]"))
    counts: dict[str, int] = dict.fromkeys(options, 0)
    for value, n in values.items():
        picked = json.loads(value) if kind == "multi" and value.startswith("[") else [value]
        for option in picked:
            counts[option] = counts.get(option, 0) + n
    return QuestionResult(position, text, kind, answered, list(counts.items()), code)


def pack_actions(
    db: sqlite_utils.Database, period: Period, practice_ids: Sequence[int] = ()
) -> list[Action]:
    """Actions for "You said, we did": those open during the period, and those raised or whose
    status changed in it (so an action finished in the period shows as done)."""
    store = ActionStore(db)
    shown = []
    for action in store.list():
        if (
            practice_ids
            and action.practice_id is not None
            and (action.practice_id not in practice_ids)
        ):
            continue
        started = action.raised_on or dt.date.fromisoformat(action.created_at[:10])
        if started > period.end:
            continue  # raised after the period: not part of this pack
        if (
            action.status in ("open", "in_progress")
            or period.start <= started
            or any(
                period.start <= dt.date.fromisoformat(entry.changed_at[:10]) <= period.end
                for entry in store.history(action.id)
            )
        ):
            shown.append(action)
    return shown[:MAX_ACTIONS]


def _trend_period(period: Period) -> Period:
    """The 12 calendar months ending with the period's last month."""
    end_month = period.end.replace(day=1)
    index = end_month.year * 12 + end_month.month - 1 - (TREND_MONTHS - 1)
    return Period(dt.date(index // 12, index % 12 + 1, 1), period.end, "last 12 months")


def gather(
    db: sqlite_utils.Database,
    period: Period,
    practice_ids: Sequence[int] = (),
    *,
    ppg_name: str = "",
    max_quotes_per_theme: int = 3,
    step: Callable[[str], None] | None = None,
) -> PackFigures:
    """Collect every figure for the period; `step(label)` is called before each stage."""
    from ppg_desktop.core.settings_store import SettingsStore

    def stage(label: str) -> None:
        if step is not None:
            step(label)

    ids = list(practice_ids)
    names = dict(db.execute("SELECT id, name FROM practices ORDER BY name").fetchall())
    stage("Counting feedback")
    flt = analysis.period_filter(period, ids)
    figures = analysis.kpis(db, period, ids)
    phone = phone_kpi(db, period, ids)
    if phone is not None:
        figures.insert(5, phone)
    stage("Ranking themes")
    themes = analysis.theme_counts(db, flt)
    before = analysis.theme_period_counts(db, analysis.period_filter(period.previous(), ids))
    themes["previous"] = [before.get(slug, 0) for slug in themes["slug"]]
    stage("Drawing trends")
    trend_period = _trend_period(period)
    trend = analysis.monthly_theme_counts(
        db, analysis.period_filter(trend_period, ids), top_n=TOP_THEMES
    )
    by_practice = analysis.counts_by_practice(db, flt)
    stage("Adding survey results")
    surveys = survey_results(db, period, ids)
    stage("Choosing quotes")
    keep = [*names.values(), ppg_name] if ppg_name else list(names.values())
    ranked = themes[themes["count"] > 0]
    quotes = choose_quotes(
        db, flt, list(ranked["slug"][:TOP_THEMES]), per_theme=max_quotes_per_theme, keep=keep
    )
    stage("Listing actions")
    actions = pack_actions(db, period, ids)
    return PackFigures(
        ppg_name=ppg_name or SettingsStore(db).ppg_name() or "Patient Participation Group",
        period=period,
        practice_ids=ids,
        practice_names=[names[i] for i in ids if i in names],
        all_practice_names=list(names.values()),
        kpis=figures,
        themes=themes,
        trend=trend,
        trend_period=trend_period,
        by_practice=by_practice,
        surveys=surveys,
        quotes=quotes,
        actions=actions,
        generated_on=dt.date.today(),
    )
