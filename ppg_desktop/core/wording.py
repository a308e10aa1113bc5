"""Counts in plain words: '1 action', '3 actions', never '3 action(s)'.

Volunteers read '(s)' as a form to fill in, not a sentence; every message that counts things
uses `counted`.
"""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 set of contact details' / '2 sets of contact details', with thousands separators."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {word}"
