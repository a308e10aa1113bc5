"""The pack's sections as platypus flowables, in the order they are printed.

Each `*_section` returns a list of flowables starting with its heading (an "h1" paragraph, which
the document turns into a contents entry). Nothing here queries the database: everything comes
from `PackFigures`, so what is printed is what was counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from ppg_desktop.core.analysis import SMALL_COUNT, format_value
from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.models import ACTION_STATUS_LABELS, CQC_LABELS, KIND_LABELS
from ppg_desktop.core.reports.charts import month_label, theme_bar_chart, trend_line_chart
from ppg_desktop.core.reports.figures import PackFigures, SurveyResult
from ppg_desktop.core.reports.styles import RULE, SHADE, PackStyle
from ppg_desktop.core.reports.summary import summary_sentences

CONTENTS = "Contents"
SECTION_TITLES = (
    "Summary",
    "Key figures",
    "Themes",
    "Trends",
    "By practice",
    "Survey results",
    "What patients said",
    "You said, we did",
    "About these figures",
)
BAR_CHART_THEMES = 12


def _p(text: str, style: PackStyle, name: str = "body") -> Paragraph:
    return Paragraph(escape(text), style[name])


def _h1(text: str, style: PackStyle) -> Paragraph:
    return Paragraph(escape(text), style["h1"])


def _table(
    rows: Sequence[Sequence[Any]],
    style: PackStyle,
    widths: Sequence[float],
    *,
    numeric_from: int = 1,
) -> Table:
    """A plain ruled table with a shaded heading row repeated on each page; cells wrap."""
    cells = []
    for index, row in enumerate(rows):
        cell_style = "cell_bold" if index == 0 else "cell"
        cells.append(
            [
                value
                if isinstance(value, Flowable)
                else Paragraph(escape(str(value)), style[cell_style])
                for value in row
            ]
        )
    table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    pad = style.body_size * 0.3
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
                ("LEFTPADDING", (0, 0), (-1, -1), pad),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ]
        )
    )
    return table


def _fractions(style: PackStyle, *parts: float) -> list[float]:
    total = sum(parts)
    return [style.frame_width * part / total for part in parts]


def cover(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """The cover: who, what, which period and which practices."""
    label = figures.period.label
    items: list[Flowable] = [
        Spacer(1, style.body_size * 8),
        _p(figures.ppg_name, style, "cover_title"),
        _p("Meeting pack: patient feedback", style, "cover_sub"),
        _p(figures.period.describe() + (f" ({label})" if label else ""), style, "cover_sub"),
        _p(figures.scope, style, "cover_sub"),
        Spacer(1, style.body_size * 2),
        _p(f"Prepared on {uk_date(figures.generated_on)} with PPG Desk.", style),
        _p(
            "Quotes have had names, phone numbers, emails, NHS numbers, postcodes and addresses "
            "removed. This pack is about patterns in feedback, not individual complaints.",
            style,
            "small",
        ),
    ]
    if figures.received == 0:
        items.append(
            _p(
                "No feedback was recorded in this period: the figures below are empty and say so.",
                style,
            )
        )
    items.append(PageBreak())
    return items


def contents(style: PackStyle) -> list[Flowable]:
    """The contents page, filled in with page numbers on the second layout pass."""
    toc = TableOfContents()
    toc.levelStyles = [style["toc1"]]
    toc.dotsMinLevel = 0
    return [Paragraph(CONTENTS, style["h1"]), toc, PageBreak()]


def summary_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    items: list[Flowable] = [_h1("Summary", style)]
    items += [
        Paragraph(escape(s), style["bullet"], bulletText="•") for s in summary_sentences(figures)
    ]
    return items


def key_figures_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """This period against the previous one of equal length, with the change in words."""
    previous = figures.period.previous()
    rows: list[list[Any]] = [["Measure", "This period", "Previous period", "Change"]]
    for kpi in figures.kpis:
        if kpi.key == "rising_theme":
            continue
        rows.append(
            [
                kpi.label,
                kpi.value_text(),
                format_value(kpi.previous, kpi.unit, kpi.previous_n),
                kpi.change_text,
            ]
        )
    rising = next((k for k in figures.kpis if k.key == "rising_theme"), None)
    if rising is not None and rising.current is not None:
        rows.append(
            [
                f"{rising.label}: {rising.detail}",
                rising.value_text(),
                format_value(rising.previous, "count"),
                rising.change_text,
            ]
        )
    elif rising is not None:
        rows.append([rising.label, rising.detail, "–", "–"])
    widths = _fractions(style, 28, 18, 19, 35)
    return [
        _h1("Key figures", style),
        _p(
            f"This period: {figures.period.describe()}. Previous period of the same length: "
            f"{previous.describe()}.",
            style,
        ),
        _table(rows, style, widths),
        Spacer(1, style.body_size),
        _p(
            "Percentages give the number of answers they are based on (n). Where fewer than "
            f"{SMALL_COUNT} answers were given, this is said beside the figure.",
            style,
            "small",
        ),
    ]


def themes_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """Themes ranked, with a bar chart, then grouped by the CQC key question they bear on."""
    items: list[Flowable] = [_h1("Themes", style)]
    ranked = figures.themes[figures.themes["count"] > 0]
    if ranked.empty:
        items.append(_p("No themes were tagged on feedback in this period.", style))
        return items
    shown = ranked.head(BAR_CHART_THEMES)
    items.append(
        _p(
            f"The {len(shown)} most mentioned themes. One comment can mention several "
            "themes, so these add up to more than the feedback received.",
            style,
        )
    )
    items.append(
        theme_bar_chart(
            list(shown["name"]),
            list(shown["count"]),
            style.frame_width,
            font_size=style.chart_font_size,
        )
    )
    items.append(Spacer(1, style.body_size))
    items.append(CondPageBreak(style.body_size * 16))
    items.append(_p("By CQC key question", style, "h2"))
    widths = _fractions(style, 40, 16, 16, 28)
    for cqc, cqc_label in CQC_LABELS.items():
        group = figures.themes[
            (figures.themes["cqc_key_question"] == cqc)
            & ((figures.themes["count"] > 0) | (figures.themes["previous"] > 0))
        ]
        heading = _p(cqc_label, style, "h2")
        if group.empty:
            items.append(KeepTogether([heading, _p("No feedback on these themes.", style)]))
            continue
        rows: list[list[Any]] = [["Theme", "This period", "Previous", "Change"]]
        for _, row in group.iterrows():
            now, before = int(row["count"]), int(row["previous"])
            rows.append([row["name"], f"{now:,}", f"{before:,}", _change_words(now, before)])
        items.append(KeepTogether([heading, _table(rows, style, widths)]))
    return items


def _change_words(now: int, before: int) -> str:
    if now == before:
        return "no change"
    word = "up" if now > before else "down"
    pct = f" ({(now - before) / before * 100:+.0f}%)" if before >= SMALL_COUNT else ""
    return f"{word} {abs(now - before):,}{pct}"


def trends_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """The top themes month by month over the 12 months to the end of the period."""
    items: list[Flowable] = [_h1("Trends", style)]
    trend = figures.trend
    if trend.empty or int(trend.to_numpy().sum()) == 0:
        items.append(
            _p(
                "There is no tagged feedback in the 12 months to "
                f"{uk_date(figures.period.end)}, so there is no trend to show.",
                style,
            )
        )
        return items
    months = [str(m) for m in trend.index]
    items.append(
        _p(
            f"Items per month for the {len(trend.columns)} most mentioned themes, "
            f"{month_label(months[0])} to {month_label(months[-1])}. Each line has its "
            "own pattern and marker and is named at its right-hand end.",
            style,
        )
    )
    series = {str(name): [int(v) for v in trend[name]] for name in trend.columns}
    height = style.frame_width * (0.75 if style.large_print else 0.55)
    items.append(
        trend_line_chart(
            months, series, style.frame_width, font_size=style.chart_font_size, height=height
        )
    )
    items.append(Spacer(1, style.body_size))
    # Large print puts three themes per table so that headings are not broken mid-word.
    per_table = 3 if style.large_print else 5
    names = list(series)
    for first in range(0, len(names), per_table):
        chunk = names[first : first + per_table]
        rows: list[list[Any]] = [["Month", *chunk]]
        for index, month in enumerate(months):
            rows.append([month_label(month), *(f"{series[n][index]:,}" for n in chunk)])
        items.append(CondPageBreak(style.body_size * 10))
        items.append(_table(rows, style, _fractions(style, 0.8, *([1.0] * len(chunk)))))
        items.append(Spacer(1, style.body_size))
    return items


def practice_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """Feedback per practice (site), with % negative only where there is enough to say."""
    items: list[Flowable] = [_h1("By practice", style)]
    frame = figures.by_practice
    if frame.empty:
        items.append(_p("There are no practices set up yet.", style))
        return items
    rows: list[list[Any]] = [["Practice", "Received", "Complaints", "Compliments", "% negative"]]
    lines: list[str] = []
    for _, row in frame.iterrows():
        received = int(row["received"])
        pct = row["percent_negative"]
        if received < SMALL_COUNT:
            negative = f"fewer than {SMALL_COUNT} items" if received else "–"
        else:
            negative = "no data" if pct is None or pct != pct else f"{pct:.0f}%"
        rows.append(
            [
                row["practice"],
                f"{received:,}",
                f"{int(row['complaints']):,}",
                f"{int(row['compliments']):,}",
                negative,
            ]
        )
        lines.append(
            f"<b>{escape(str(row['practice']))}</b>: {received:,} received, "
            f"{int(row['complaints']):,} complaints, {int(row['compliments']):,} compliments, "
            f"% negative: {negative}."
        )
    if style.large_print:  # a five-column table would break its headings mid-word at 16 pt
        items += [Paragraph(line, style["bullet"], bulletText="•") for line in lines]
    else:
        items.append(_table(rows, style, _fractions(style, 34, 15, 16, 17, 18)))
    return items


def _survey_block(survey: SurveyResult, style: PackStyle) -> list[Flowable]:
    title = survey.title + (f" (version {survey.version})" if survey.version > 1 else "")
    block: list[Flowable] = [
        _p(title, style, "h2"),
        _p(
            f"{survey.responses:,} {'response' if survey.responses == 1 else 'responses'} in "
            "this period.",
            style,
        ),
    ]
    for question in survey.questions:
        if not question.counts:
            if question.answered:
                block.append(
                    _p(
                        f"Q{question.position} {question.text} – {question.answered:,} "
                        "written answers (quotes from comments are in What patients "
                        "said).",
                        style,
                        "small",
                    )
                )
            continue
        rows: list[list[Any]] = [[f"Q{question.position} {question.text}", "Answers", "Share"]]
        for option, n in question.counts:
            share = (
                f"{n * 100 / question.answered:.0f}%" if question.answered >= SMALL_COUNT else "–"
            )
            rows.append([option, f"{n:,}", share])
        if question.answered < SMALL_COUNT:
            rows.append([f"Only {question.answered} answered: too few for percentages", "", ""])
        parts: list[Flowable] = [_table(rows, style, _fractions(style, 62, 19, 19))]
        if question.headline():
            parts.append(Spacer(1, style.body_size * 0.3))
            parts.append(_p(question.headline(), style, "cell_bold"))
        parts.append(Spacer(1, style.body_size * 0.8))
        block.append(KeepTogether(parts))
    return block


def surveys_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    items: list[Flowable] = [_h1("Survey results", style)]
    if not figures.surveys:
        items.append(_p("No survey responses were collected in this period.", style))
        return items
    for survey in figures.surveys:
        items += _survey_block(survey, style)
    return items


def quotes_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """A few short, redacted quotes for each of the most mentioned themes."""
    items: list[Flowable] = [_h1("What patients said", style)]
    names = dict(zip(figures.themes["slug"], figures.themes["name"], strict=True))
    if not any(figures.quotes.values()):
        items.append(_p("There are no comments to quote from this period.", style))
        return items
    items.append(
        _p(
            "Short comments chosen because they are recent and typical of each theme. "
            "Personal details have been removed and shown as [NAME], [PHONE] and so on.",
            style,
        )
    )
    for slug, quotes in figures.quotes.items():
        if not quotes:
            continue
        blocks = [
            [
                Paragraph(f"“{escape(q.text)}”", style["quote"]),
                _p(
                    f"{uk_date(q.received_on)}, {q.practice}, {KIND_LABELS[q.kind].lower()}",
                    style,
                    "small",
                ),
            ]
            for q in quotes
        ]
        heading = _p(names.get(slug, slug), style, "h2")
        if style.quote_columns == 1:
            items.append(heading)
            for block in blocks:
                items.append(KeepTogether(block))
            continue
        half = style.frame_width / 2
        grid = [
            blocks[i : i + 2] + ([[]] if len(blocks[i : i + 2]) == 1 else [])
            for i in range(0, len(blocks), 2)
        ]
        table = Table(grid, colWidths=[half, half], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), style.body_size),
                ]
            )
        )
        items.append(KeepTogether([heading, table]))
    return items


def actions_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """What the PPG raised with the practice, what happened, and where each action stands."""
    items: list[Flowable] = [_h1("You said, we did", style)]
    if not figures.actions:
        items.append(_p("No actions are open or were raised or finished in this period.", style))
        return items
    rows: list[list[Any]] = [["You said", "We did", "Status"]]
    today = figures.generated_on
    for action in figures.actions:
        said = action.title + (f" – raised {uk_date(action.raised_on)}" if action.raised_on else "")
        did = (
            action.outcome
            or action.practice_response
            or (action.declined_reason and f"Declined: {action.declined_reason}")
            or "Not yet"
        )
        status = ACTION_STATUS_LABELS.get(action.status, action.status)
        if action.is_overdue(today):
            status += f" – overdue (due {uk_date(action.due_on)})"
        elif action.due_on and action.status in ("open", "in_progress"):
            status += f" – due {uk_date(action.due_on)}"
        rows.append([said, did, status])
    items.append(_table(rows, style, _fractions(style, 38, 38, 24)))
    return items


def about_section(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """How the figures were collected and what they cannot tell you."""
    previous = figures.period.previous()
    lines = [
        "Feedback is what patients told the PPG or the practice, recorded by volunteers: in "
        "person, by phone, email, letter, the waiting-room kiosk, surveys and social media. It "
        "is not a random sample of patients, and busy weeks or a new collection drive change "
        "the numbers as much as patients' experience does.",
        f"Each period is compared with the period of the same length just before it "
        f"({previous.describe()}).",
        "Themes are tagged by keyword rules and checked by volunteers; suggestions that nobody "
        "rejected are counted. One comment can have several themes.",
        "Friends and Family Test: % positive is Very good plus Good over all answers, including "
        "Don't know, as NHS England publishes it.",
        "Easy to get through on the phone: Very easy plus Fairly easy over those who answered, "
        "leaving out people who had not tried, as the GP Patient Survey does.",
        f"Small numbers: a percentage based on fewer than {SMALL_COUNT} answers is not shown on "
        "its own; the count is given instead, because a handful of answers can swing a "
        "percentage a long way.",
        "Quotes: names, phone numbers, emails, NHS numbers, postcodes, dates of birth and "
        "addresses are removed before printing, and any quote in which such a detail may remain "
        "is left out.",
        f"Figures were counted on {uk_date(figures.generated_on)} and can change as late "
        "feedback is entered.",
    ]
    return [
        _h1("About these figures", style),
        *[Paragraph(escape(t), style["bullet"], bulletText="•") for t in lines],
    ]


def story(figures: PackFigures, style: PackStyle) -> list[Flowable]:
    """The whole pack in print order; each main section starts on a new page."""
    parts = [
        summary_section,
        key_figures_section,
        themes_section,
        trends_section,
        practice_section,
        surveys_section,
        quotes_section,
        actions_section,
        about_section,
    ]
    # These follow on the same page when there is room; the others start a new page.
    flowing = [practice_section, about_section]
    if not style.large_print:
        flowing.append(key_figures_section)
    items = cover(figures, style) + contents(style)
    for index, build in enumerate(parts):
        if index and build not in flowing:
            items.append(PageBreak())
        elif index:
            items.append(CondPageBreak(style.body_size * 14))
        items += build(figures, style)
    return items
