"""How redaction does on the BLIND held-out cases (tests/data/heldout/redaction.jsonl), written
without sight of the redaction code or its own test cases, so the figures show how it generalises.

An expected item counts as found when a finding of the same kind overlaps its substring. A
finding counts as correct when it overlaps an expected item of the same kind; every other finding
(wrong kind, or in a must-not-touch case) is a false positive.

Run by hand: `.venv/bin/python bench/heldout_redaction_eval.py [--keep "Elm Tree Surgery"]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ppg_desktop.core.redaction import PLACEHOLDERS, Finding, redact

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "heldout" / "redaction.jsonl"
# The data files name kinds by their placeholder text ("NHS NUMBER"); the code uses keys.
KIND_BY_LABEL = {placeholder.strip("[]"): kind for kind, placeholder in PLACEHOLDERS.items()}


@dataclass
class KindTally:
    """Counts for one kind of personal detail."""

    expected: int = 0
    expected_found: int = 0
    findings: int = 0
    findings_correct: int = 0


@dataclass
class Tally:
    """Counts over all cases, plus the readable list of what went wrong."""

    kinds: dict[str, KindTally] = field(default_factory=dict)
    must_not_touch: int = 0
    touched: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    def kind(self, name: str) -> KindTally:
        """The tally for a kind, created on first use."""
        return self.kinds.setdefault(name, KindTally())


def overlaps(start: int, end: int, finding: Finding) -> bool:
    """Whether a finding shares at least one character with the span [start, end)."""
    return finding.start < end and start < finding.end


def expected_spans(text: str, expect: list[dict[str, str]]) -> list[tuple[str, int, int, str]]:
    """(kind key, start, end, substring) for each expected item, located in the text."""
    spans = []
    for item in expect:
        start = text.find(item["text"])
        if start < 0:
            raise ValueError(f"expected text {item['text']!r} is not in the case {text!r}")
        spans.append((KIND_BY_LABEL[item["kind"]], start, start + len(item["text"]), item["text"]))
    return spans


def evaluate(cases: list[dict], keep: list[str]) -> Tally:
    """Run redact() on every case and count hits, misses and false positives."""
    tally = Tally()
    for case in cases:
        text = case["text"]
        findings = redact(text, keep=keep).findings
        spans = expected_spans(text, case["expect"])
        if not spans:
            tally.must_not_touch += 1
            tally.touched += bool(findings)
        for kind, start, end, wanted in spans:
            tally.kind(kind).expected += 1
            if any(f.kind == kind and overlaps(start, end, f) for f in findings):
                tally.kind(kind).expected_found += 1
            else:
                got = [f"{f.kind}:{f.text!r}" for f in findings if overlaps(start, end, f)]
                note = f" (found instead: {', '.join(got)})" if got else ""
                tally.misses.append(f"{kind}: {wanted!r}{note}  <- {text}")
        for f in findings:
            tally.kind(f.kind).findings += 1
            if any(kind == f.kind and overlaps(s, e, f) for kind, s, e, _ in spans):
                tally.kind(f.kind).findings_correct += 1
            else:
                where = "must-not-touch" if not spans else "wrong/extra"
                tally.false_positives.append(f"[{where}] {f.kind}: {f.text!r}  <- {text}")
    return tally


def ratio(part: int, whole: int) -> str:
    """A three-decimal ratio, or a dash when there is nothing to divide by."""
    return f"{part / whole:.3f}" if whole else "  -  "


def report(tally: Tally) -> None:
    """Print the per-kind table, the totals and every miss and false positive."""
    print(f"{'kind':<15}{'recall':>8}{'prec':>8}{'expected':>10}{'findings':>10}")
    for kind in PLACEHOLDERS:
        k = tally.kinds.get(kind, KindTally())
        print(
            f"{kind:<15}{ratio(k.expected_found, k.expected):>8}"
            f"{ratio(k.findings_correct, k.findings):>8}{k.expected:>10}{k.findings:>10}"
        )
    expected = sum(k.expected for k in tally.kinds.values())
    found = sum(k.expected_found for k in tally.kinds.values())
    findings = sum(k.findings for k in tally.kinds.values())
    correct = sum(k.findings_correct for k in tally.kinds.values())
    print(f"{'all':<15}{ratio(found, expected):>8}{ratio(correct, findings):>8}{expected:>10}")
    print(
        f"must-not-touch cases touched: {tally.touched}/{tally.must_not_touch} "
        f"(false-positive rate {ratio(tally.touched, tally.must_not_touch)})"
    )
    print(f"\nmisses ({len(tally.misses)}):")
    for line in tally.misses:
        print(f"- {line}")
    print(f"\nfalse positives ({len(tally.false_positives)}):")
    for line in tally.false_positives:
        print(f"- {line}")


def main(argv: list[str] | None = None) -> int:
    """Load the held-out cases, evaluate and print; exit code 0 (this is a report, not a gate)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=CASES)
    parser.add_argument(
        "--keep",
        action="append",
        default=[],
        help="a practice name to pass to redact(keep=...), as the app does; may repeat",
    )
    args = parser.parse_args(argv)
    lines = args.data.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    print(f"{len(cases)} held-out cases from {args.data}")
    report(evaluate(cases, args.keep))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
