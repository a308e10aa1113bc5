"""Whether what a subject-access search found by name alone could be about different people.

A name is weak evidence: two patients may share one, and the search matches every word, so
'Jo Smith' also finds 'Jo Smithson'. Contact details that share a phone number or an email address
are taken to be one person; details that share neither may be different people, and so may
feedback from different practices (a patient is registered with one practice). The search then
says what tells them apart, so the chair can ask the person who asked rather than guess before
giving their records away or erasing them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ppg_desktop.core.clock import uk_date
from ppg_desktop.core.contact_store import normalise_phone
from ppg_desktop.core.models import Contact, Feedback
from ppg_desktop.core.redaction import redact
from ppg_desktop.core.wording import counted

NARROW_THE_SEARCH = (
    "Check with the person who asked, and narrow the search with their phone number or email "
    "address."
)


def _text_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _phone_key(phone: str) -> str:
    digits = normalise_phone(phone)
    return digits if len(digits) >= 6 else ""


def _unique(values: Iterable[str], key: Callable[[str], str] = _text_key) -> tuple[str, ...]:
    """Distinct non-empty values, first seen first (by default compared without case or extra
    spaces)."""
    seen: dict[str, str] = {}
    for value in values:
        if (k := key(value)) and k not in seen:
            seen[k] = value
    return tuple(seen.values())


@dataclass(frozen=True)
class PossiblePerson:
    """Contact details that share a phone number or email address, so are taken to be one
    person, and the practices of the feedback they were given with."""

    contacts: tuple[Contact, ...]
    practices: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return _unique(c.name for c in self.contacts)

    @property
    def phones(self) -> tuple[str, ...]:
        return _unique((c.phone for c in self.contacts), _phone_key)

    @property
    def emails(self) -> tuple[str, ...]:
        return _unique(c.email for c in self.contacts)

    def describe(self) -> str:
        """'Jo Smith; 07700 900123; Riverside Surgery; contact details 3, recorded 02/03/2026'."""
        ids = [c.id for c in self.contacts]
        dates = sorted(c.consent_on for c in self.contacts)
        when = uk_date(dates[0]) + (f" to {uk_date(dates[-1])}" if dates[-1] != dates[0] else "")
        parts = [
            " / ".join(self.names) or "(no name)",
            " / ".join(self.phones) or "no phone number",
            " / ".join(self.emails) or "no email address",
            " / ".join(self.practices) or "no practice recorded",
            f"contact details {', '.join(map(str, ids))}, recorded {when}",
        ]
        return "; ".join(parts)


def possible_people(
    contacts: Iterable[Contact], practice_of: Mapping[int, str]
) -> list[PossiblePerson]:
    """The contacts grouped into people: details that share a phone number or an email address
    (directly or through others) are one person. `practice_of` maps feedback ids to practices."""
    found = list(contacts)
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[str, int] = {}
    for index, contact in enumerate(found):
        for key in (f"phone:{_phone_key(contact.phone)}", f"email:{contact.email.casefold()}"):
            if key.endswith(":"):
                continue
            if key in first_with:
                parent[root(index)] = root(first_with[key])
            else:
                first_with[key] = index
    groups: dict[int, list[Contact]] = {}
    for index, contact in enumerate(found):
        groups.setdefault(root(index), []).append(contact)
    return [
        PossiblePerson(
            tuple(members),
            _unique(
                practice_of.get(c.feedback_id, "") for c in members if c.feedback_id is not None
            ),
        )
        for _root, members in sorted(groups.items(), key=lambda item: item[1][0].id)
    ]


@dataclass(frozen=True)
class NameMatches:
    """What a search by name alone found, grouped by what could tell people apart."""

    people: list[PossiblePerson]
    practices: list[tuple[str, int]]  # (practice, items of feedback found there), most first

    @property
    def could_be_different_people(self) -> bool:
        return len(self.people) > 1 or len(self.practices) > 1

    @property
    def how_many(self) -> int:
        """At least how many different people the records may be about."""
        return max(len(self.people), len(self.practices))

    def warning(self) -> str:
        """One sentence for people: why the records may be about different people ('' when
        nothing suggests so). NARROW_THE_SEARCH, or its like, says what to do."""
        if not self.could_be_different_people:
            return ""
        reasons = []
        if len(self.people) > 1:
            reasons.append(
                f"the contact details found fall into {len(self.people)} groups that share no "
                "phone number or email address"
            )
        if len(self.practices) > 1:
            reasons.append(f"the feedback found is from {len(self.practices)} practices")
        return (
            f"These records may be about {self.how_many} different people with the same or a "
            f"similar name: {' and '.join(reasons)}."
        )

    def practices_line(self) -> str:
        """'Feedback found at Riverside Surgery (2 items), Hillview (1 item)' ('' for one)."""
        if len(self.practices) < 2:
            return ""
        return "Feedback found at " + ", ".join(
            f"{name} ({counted(n, 'item')})" for name, n in self.practices
        )

    def differences(self) -> list[str]:
        """What tells them apart, one line each: every possible person, then the practices."""
        lines = []
        if len(self.people) > 1:
            lines += [f"Person {n}: {p.describe()}" for n, p in enumerate(self.people, 1)]
        if self.practices_line():
            lines.append(self.practices_line())
        return lines


def name_matches(contacts: list[Contact], feedback: Iterable[Feedback]) -> NameMatches:
    """Group what a search by name alone found (`feedback`: linked and mentioning the name)."""
    items = list(feedback)
    practice_of = {f.id: f.practice_name for f in items}
    by_practice = Counter(f.practice_name for f in items if f.practice_name)
    return NameMatches(possible_people(contacts, practice_of), by_practice.most_common())


def mentions_person(text: str, name: str, phone: str, email: str) -> bool:
    """The text holds this name (its words in order), phone number or email address, matched
    as the subject-access search matches feedback."""
    words = re.findall(r"\w+", name)
    if words:
        phrase = r"(?<!\w)" + r"\W+".join(map(re.escape, words)) + r"(?!\w)"
        if re.search(phrase, text, flags=re.IGNORECASE):
            return True
    if email.strip() and email.strip().casefold() in text.casefold():
        return True
    digits = normalise_phone(phone) if phone.strip() else ""
    if len(digits) >= 6 and digits[-3:] in re.sub(r"\D", "", text):
        return any(
            f.kind == "phone" and normalise_phone(f.text) == digits for f in redact(text).findings
        )
    return False
