"""How well the default theme rules and the sentiment reading agree with hand-labelled comments.

Run by hand:  .venv/bin/python bench/tagging_eval.py [--data FILE] [--rows FROM:TO] [--errors]
                  [--seconds N]

`--rows 761:` scores only lines 761 onwards of the file (counting from 1), e.g. a newly written
batch, to see how the rules do on comments they were not written against.

Prints precision, recall and F1 per theme and micro-averaged, sentiment accuracy, and tagging
throughput in comments per second on one core. Targets: micro-F1 >= 0.85, no theme below 0.70,
at least 5,000 comments/second.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ppg_desktop.core.sentiment import classify_sentiment
from ppg_desktop.core.tagging import default_taxonomy, suggest_themes

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled_comments.jsonl"


def load(path: Path) -> list[dict[str, object]]:
    """The labelled comments: one JSON object a line with text, themes and sentiment."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from counts (0 when undefined)."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def evaluate(rows: list[dict[str, object]], show_errors: bool) -> float:
    """Print the per-theme table; returns micro-F1."""
    counts: dict[str, Counter[str]] = {slug: Counter() for slug in default_taxonomy().slugs}
    for row in rows:
        text = str(row["text"])
        expected = set(row["themes"])  # type: ignore[call-overload]
        matches = suggest_themes(text)
        found = {m.slug for m in matches}
        for slug in counts:
            if slug in expected and slug in found:
                counts[slug]["tp"] += 1
            elif slug in found:
                counts[slug]["fp"] += 1
            elif slug in expected:
                counts[slug]["fn"] += 1
        if show_errors and found != expected:
            evidence = {m.slug: [e.text for e in m.evidence] for m in matches}
            print(
                f"- {text}\n    missed {sorted(expected - found)} extra {sorted(found - expected)}"
                f" evidence {evidence}"
            )
    print(f"{'theme':<26} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}")
    total: Counter[str] = Counter()
    worst = 1.0
    for slug, c in counts.items():
        p, r, score = f1(c["tp"], c["fp"], c["fn"])
        worst = min(worst, score)
        total.update(c)
        print(f"{slug:<26} {p:6.3f} {r:6.3f} {score:6.3f} {c['tp'] + c['fn']:4d}")
    p, r, micro = f1(total["tp"], total["fp"], total["fn"])
    print(f"{'micro-average':<26} {p:6.3f} {r:6.3f} {micro:6.3f}")
    print(f"lowest theme F1: {worst:.3f}")
    return micro


def sentiment_accuracy(rows: list[dict[str, object]], show_errors: bool) -> None:
    """Print how often the sentiment reading agrees with the label, and the confusion counts."""
    confusion: Counter[tuple[str, str]] = Counter()
    for row in rows:
        got = classify_sentiment(str(row["text"]))
        confusion[(str(row["sentiment"]), got)] += 1
        if show_errors and got != row["sentiment"]:
            print(f"- sentiment {row['sentiment']} got {got}: {row['text']}")
    right = sum(n for (want, got), n in confusion.items() if want == got)
    print(f"sentiment accuracy: {right / len(rows):.3f} ({right}/{len(rows)})")
    for label in ("positive", "neutral", "negative"):
        row_counts = ", ".join(
            f"{g}={confusion[(label, g)]}" for g in ("positive", "neutral", "negative")
        )
        print(f"  labelled {label:<8}: {row_counts}")


def throughput(rows: list[dict[str, object]], seconds: float) -> tuple[float, float]:
    """Comments tagged per second of CPU time on one core, and per second of wall-clock time.

    CPU time is the fair figure on a shared machine; wall-clock time is shown alongside.
    """
    texts = [str(row["text"]) for row in rows]
    taxonomy = default_taxonomy()
    # Vary the texts slightly so the word cache is not all that is measured.
    variants = [f"{t} ({i})" for i, t in enumerate(texts * 20)]
    done = 0
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    while time.process_time() - cpu_started < seconds:
        offset = done % len(variants)
        for text in variants[offset : offset + 500]:
            taxonomy.suggest(text)
            done += 1
    cpu = time.process_time() - cpu_started
    wall = time.perf_counter() - wall_started
    return done / cpu, done / wall


def main() -> int:
    """Run the evaluation and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--rows", default="", help="only these lines, FROM:TO counting from 1")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to time tagging")
    args = parser.parse_args()
    rows = load(args.data)
    if args.rows:
        first, _, last = args.rows.partition(":")
        rows = rows[int(first or 1) - 1 : int(last) if last else None]
    print(f"{len(rows)} labelled comments from {args.data} {args.rows}".rstrip())
    micro = evaluate(rows, args.errors)
    sentiment_accuracy(rows, args.errors)
    speed, wall_speed = throughput(rows, args.seconds)
    mean_length = sum(len(str(r["text"])) for r in rows) / len(rows)
    print(
        f"throughput: {speed:,.0f} comments/second of CPU time on one core"
        f" ({wall_speed:,.0f}/second wall-clock; mean length {mean_length:.0f} characters)"
    )
    print(
        "targets: micro-F1 >= 0.85, every theme >= 0.70, >= 5,000 comments/second:",
        "met" if micro >= 0.85 and speed >= 5000 else "NOT met",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
