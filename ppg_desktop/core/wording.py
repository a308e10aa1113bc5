"""Counts in plain words: '1 action', '3 actions', never '3 action(s)'.

Volunteers read '(s)' as a form to fill in, not a sentence; every message that counts things
uses `counted`.
"""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 set of contact details' / '2 sets of contact details', with thousands separators."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"


def listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list in a sentence."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def counts_listed(counts: list[tuple[int, str, str | None]]) -> str:
    """The non-zero counts as a list in a sentence ('3 feedback items and 1 written survey
    answer'), leaving out '0 sets of contact details'; '' when every count is zero."""
    return listed([counted(n, one, many) for n, one, many in counts if n])
