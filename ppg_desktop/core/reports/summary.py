"""The pack's summary: a few plain sentences written from the figures, never from guesses.

Each sentence states a number and what it is compared with, e.g. "Mentions of phone access rose
from 41 to 67 (+63%) and it is now the most common theme." Percentages based on fewer than 10
answers are not given alone: the sentence gives the count instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ppg_desktop.core.analysis import SMALL_COUNT, Kpi

if TYPE_CHECKING:
    from ppg_desktop.core.reports.figures import PackFigures


def _plural(n: float | None, word: str, plural: str | None = None) -> str:
    value = int(n or 0)
    return f"{value:,} {word if value == 1 else (plural or word + 's')}"


def _change_pct(now: float, before: float) -> str:
    return f" ({(now - before) / before * 100:+.0f}%)" if before else ""


def _volume_sentence(figures: PackFigures) -> str:
    received = figures.kpi("received")
    now, before = int(received.current or 0), int(received.previous or 0)
    where = "" if not figures.practice_names else f" about {figures.scope}"
    text = (
        f"{_plural(now, 'piece')} of feedback {'was' if now == 1 else 'were'} recorded"
        f"{where} between {figures.period.describe().replace(' to ', ' and ')}"
    )
    if now == before:
        return text + f", the same as in the previous {figures.period.days} days."
    direction = "up" if now > before else "down"
    return (
        text + f", {direction} from {before:,}{_change_pct(now, before)} in the previous "
        f"{figures.period.days} days."
    )


def _moved(now: int, before: int) -> str:
    """'down 17 from 408 (-4%)', 'up 1 from 158 (+1%)' or 'the same as before (12)'."""
    if now == before:
        return f"the same as before ({before:,})"
    word = "up" if now > before else "down"
    return f"{word} {abs(now - before):,} from {before:,}{_change_pct(now, before)}"


def _kinds_sentence(figures: PackFigures) -> str:
    complaints, compliments = figures.kpi("complaints"), figures.kpi("compliments")
    c_now, c_before = int(complaints.current or 0), int(complaints.previous or 0)
    p_now, p_before = int(compliments.current or 0), int(compliments.previous or 0)
    return (
        f"There {'was' if c_now == 1 else 'were'} {_plural(c_now, 'complaint')}, "
        f"{_moved(c_now, c_before)}, and {_plural(p_now, 'compliment')}, "
        f"{_moved(p_now, p_before)}."
    )


def _theme_sentences(figures: PackFigures) -> list[str]:
    ranked = figures.themes[figures.themes["count"] > 0]
    if ranked.empty:
        return ["No themes were tagged on feedback in this period."]
    top = ranked.iloc[0]
    top_name, top_now, top_before = str(top["name"]), int(top["count"]), int(top["previous"])
    sentences = []
    was_top = str(figures.themes.sort_values("previous", ascending=False).iloc[0]["name"])
    if top_now > top_before:
        ending = (
            "and it is still the most common theme"
            if was_top == top_name
            else "and it is now the most common theme"
        )
        sentences.append(
            f"Mentions of {top_name.lower()} rose from {top_before:,} to {top_now:,}"
            f"{_change_pct(top_now, top_before)} {ending}."
        )
    else:
        sentences.append(
            f"{top_name} was the most common theme ({_plural(top_now, 'item')}, "
            f"against {top_before:,} in the previous period)."
        )
    moves = [
        (int(r["count"]) - int(r["previous"]), str(r["name"]), int(r["count"]), int(r["previous"]))
        for _, r in figures.themes.iterrows()
    ]
    rises = [m for m in moves if m[1] != top_name and m[0] > 0]
    falls = [m for m in moves if m[0] < 0]
    if rises:
        rise, name, now, before = max(rises)
        if rise >= 3:
            sentences.append(
                f"{name} rose the most of the other themes, from {before:,} to "
                f"{now:,}{_change_pct(now, before)}."
            )
    if falls:
        fall, name, now, before = min(falls)
        if fall <= -3:
            sentences.append(
                f"{name} fell the most, from {before:,} to {now:,}{_change_pct(now, before)}."
            )
    return sentences


def _percent_sentence(kpi: Kpi, measured: str, topic: str) -> str:
    """'61% of 120 answers ... were positive, up 4 points'; below 10 answers the count alone."""
    if kpi.current is None:
        return ""
    n = kpi.current_n
    if n < SMALL_COUNT:
        return (
            f"Only {_plural(n, 'answer')} {'was' if n == 1 else 'were'} given {topic}: "
            "too few to give a percentage."
        )
    text = f"{kpi.current:.0f}% of {n:,} {measured}"
    if kpi.previous is not None and kpi.previous_n >= SMALL_COUNT:
        text += f", {kpi.change_text}"
    return text + "."


def summary_sentences(figures: PackFigures) -> list[str]:
    """The summary, in the order people read it: volume, kinds, themes, survey measures."""
    if figures.received == 0:
        sentences = [
            f"No feedback was recorded for {figures.scope.lower()} between "
            f"{figures.period.describe().replace(' to ', ' and ')}."
        ]
        if figures.practice_names:
            sentences[0] = sentences[0].replace(figures.scope.lower(), figures.scope)
        before = int(figures.kpi("received").previous or 0)
        if before:
            sentences.append(
                f"In the previous {figures.period.days} days there were "
                f"{_plural(before, 'piece')} of feedback."
            )
    else:
        sentences = [
            _volume_sentence(figures),
            _kinds_sentence(figures),
            *_theme_sentences(figures),
        ]
    line = _percent_sentence(
        figures.kpi("fft_positive"),
        "answers to the Friends and Family Test were positive (very good or good)",
        "to the Friends and Family Test",
    )
    if line:
        sentences.append(line)
    try:
        phone: Kpi | None = figures.kpi("phone_easy")
    except KeyError:
        phone = None
    if phone is not None:
        line = _percent_sentence(
            phone,
            "people who had tried said it was easy to get through on the phone",
            "about getting through on the phone",
        )
        if line:
            sentences.append(line)
    return sentences
