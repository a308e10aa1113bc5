"""Finding and hiding personal details in patients' comments before anything leaves the app.

Comments are special category health data. Meeting-pack quotes, exports and bundles pass through
`redact`, which swaps names, NHS numbers, phone numbers, emails, postcodes, dates of birth and
street addresses for labelled placeholders such as `[NAME]`, and says what it found where.

The rules are deliberately conservative about ordinary words: times ("8:01"), durations, counts,
appointment dates and words such as "Will", "May" or "Hope" are left alone unless the words around
them say they are a person's name or a date of birth. Redacting is idempotent: redacting a
redacted text changes nothing, and placeholders are never broken or lengthened.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ppg_desktop.core.redaction_names import find_names, first_names

if TYPE_CHECKING:
    import sqlite_utils

PLACEHOLDERS: dict[str, str] = {
    "name": "[NAME]",
    "nhs_number": "[NHS NUMBER]",
    "phone": "[PHONE]",
    "email": "[EMAIL]",
    "postcode": "[POSTCODE]",
    "date_of_birth": "[DATE OF BIRTH]",
    "address": "[ADDRESS]",
}
KIND_LABELS: dict[str, str] = {
    "name": "Name",
    "nhs_number": "NHS number",
    "phone": "Phone number",
    "email": "Email address",
    "postcode": "Postcode",
    "date_of_birth": "Date of birth",
    "address": "Address",
}
_WARNING_PHRASES = {
    "name": "a name",
    "nhs_number": "an NHS number",
    "phone": "a phone number",
    "email": "an email address",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
    "address": "an address",
}
# When two findings overlap, the more specific format wins.
_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        ("email", "nhs_number", "phone", "date_of_birth", "postcode", "address", "name")
    )
}
PLACEHOLDER_RE = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


@dataclass(frozen=True)
class Finding:
    """One personal detail: its kind and where it is in the ORIGINAL text."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.kind]

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class RedactedText:
    """The redacted text and what was replaced (positions refer to `original`)."""

    text: str
    findings: list[Finding] = field(default_factory=list)
    original: str = ""

    @property
    def found(self) -> bool:
        return bool(self.findings)

    def warning(self) -> str:
        """A sentence for the capture form, e.g. 'This comment seems to include a phone number
        and a name.' ('' when nothing was found)."""
        phrases = [_WARNING_PHRASES[k] for k in self.kinds()]
        if not phrases:
            return ""
        listed = (
            phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        )
        return (
            f"This comment seems to include {listed}. Patients' details should not be kept in "
            "comments: redact them, or record contact details (with consent) separately."
        )

    def kinds(self) -> list[str]:
        """The kinds found, most specific first, each once (for a warning such as 'phone, name')."""
        return sorted({f.kind for f in self.findings}, key=_PRIORITY.__getitem__)


# --- fixed-format identifiers ----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])"
)
_NHS = re.compile(r"(?<![\w+\-/.])(\d{3})([ \-.]?)(\d{3})\2(\d{4})(?![\w\-/]|\.\d)")
_NHS_CONTEXT = re.compile(r"\bNHS\s*(?:no\.?|num(?:ber)?|#)?\s*(?:is|:|-)?\s*$", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w+/.:])(?:"
    r"(?:\+|00)\s?44\s?(?:\(0\)\s?)?\d(?:[ \-]?\d){8,9}"
    r"|\(0\d{2,4}\)\s?\d(?:[ \-]?\d){5,7}"
    r"|0\d(?:[ \-]?\d){8,9}"
    r")(?![\w/]|[.:]\d)"
)
_POSTCODE = re.compile(
    r"(?<![\w\-/])([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})(?![\w\-/])", re.IGNORECASE
)

# Emails written out to dodge spam filters: "jane dot doe at gmail dot com", "jo (at) nhs.net".
_SPELLED_DOT = r"(?:\s*[(\[]\s*dot\s*[)\]]\s*|\s+dot\s+|\.)"
_SPELLED_AT = r"(?P<at>\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+|\s+@\s*|\s*@\s+)"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.@])(?P<local>[A-Za-z0-9][A-Za-z0-9_%+\-]*(?:{_SPELLED_DOT}[A-Za-z0-9_%+\-]+){{0,3}})"
    rf"{_SPELLED_AT}"
    rf"(?P<domain>[A-Za-z0-9][A-Za-z0-9\-]*(?:{_SPELLED_DOT}[A-Za-z0-9][A-Za-z0-9\-]*){{1,3}})"
    r"(?![\w@])",
    re.IGNORECASE,
)
_SPELLED_EMAIL_HINT = re.compile(
    r"\bdot\b|[(\[{<]\s*at\s*[)\]}>]|\.(?:com|net|org|co|uk|ie)\b", re.IGNORECASE
)
_SPELLED_SEPARATOR = re.compile(r"\s*[(\[]\s*dot\s*[)\]]\s*|\s+dot\s+|\.", re.IGNORECASE)
_EMAIL_ENDINGS = frozenset(
    [
        "com",
        "net",
        "org",
        "uk",
        "ie",
        "eu",
        "info",
        "io",
        "me",
        "biz",
        "co.uk",
        "org.uk",
        "ac.uk",
        "nhs.net",
        "nhs.uk",
        "gov.uk",
        "me.uk",
    ]
)
_EMAIL_PROVIDERS = frozenset(
    [
        "gmail",
        "googlemail",
        "hotmail",
        "outlook",
        "live",
        "yahoo",
        "icloud",
        "me",
        "aol",
        "btinternet",
        "btopenworld",
        "sky",
        "talktalk",
        "virginmedia",
        "ntlworld",
        "blueyonder",
        "tiscali",
        "protonmail",
        "proton",
        "gmx",
        "mail",
    ]
)

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_YEAR = r"(?:\d{4}|['’]?\d{2})"
_DATE = (
    r"(?:(?:19|20)\d{2}[/.\-]\d{1,2}[/.\-]\d{1,2}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+{_YEAR}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{_YEAR}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    r"|(?:19|20)\d{2})(?![\w/]|[.\-]\d)"
)
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on|\s+in)?|birthday(?:\s+is)?)"
    rf"\s*[:\-–]?\s*(?:is\s+|was\s+|on\s+)?(?:the\s+)?({_DATE})",
    re.IGNORECASE,
)

_STREET_WORDS = (
    "road|street|avenue|lane|close|drive|way|crescent|court|place"
    "|gardens|grove|terrace|walk|mews|square|row|rise|hill|green|parade|view|park|vale"
    "|croft|fold|gate|wharf|meadows?|boulevard|crossing|end|yard|chase|glade|heights|villas"
)
# Abbreviations keep their full stop, except at the end of a sentence ("7 Elm Rd. It is...").
_STREET_ABBREVIATIONS = r"(?:rd|st|ave|ln|cres|ct|pl|gdns)\b(?:\.(?!\s+(?-i:[A-Z])|\s*$))?"
_STREET_TYPES = rf"(?:{_STREET_WORDS})\b|{_STREET_ABBREVIATIONS}"
_FLAT = r"(?:\b(?:[Ff]lat|FLAT|[Aa]partment|[Aa]pt|[Uu]nit)\.?\s+\d{1,4}[A-Za-z]?,?\s+)?"
_HOUSE_NUMBER = r"(?<![\w:./£$\-])\d{1,4}[A-Za-z]?(?:[\-–/]\d{1,4}[A-Za-z]?)?,?\s+"
_ADDRESS = re.compile(
    _FLAT + _HOUSE_NUMBER + r"(?:(?:[A-Z][A-Za-z'’\-]+|St\.?)\s+){1,3}"
    rf"(?i:{_STREET_TYPES})"
)
# A street with no suffix word: "12b The Paddocks", "3 The Maltings".
_THE_ADDRESS = re.compile(
    _FLAT + r"(?<![\w:./£$\-])\d{1,4}[A-Za-z]?,?\s+The\s+"
    r"(?P<words>[A-Z][A-Za-z'’\-]+(?:\s+[A-Z][A-Za-z'’\-]+)?)\b"
)
_NOT_THE_ADDRESS = frozenset(
    [
        "doctor",
        "doctors",
        "nurse",
        "nurses",
        "receptionist",
        "receptionists",
        "surgery",
        "practice",
        "pharmacy",
        "chemist",
        "hospital",
        "nhs",
        "gp",
        "gps",
        "app",
        "website",
        "phone",
        "phones",
        "system",
        "staff",
        "team",
        "manager",
        "queue",
        "line",
        "reception",
        "next",
        "first",
        "last",
        "same",
        "other",
        "one",
    ]
)
# Words before a number that make it something other than a house number.
_NOT_HOUSE_NUMBER_BEFORE = frozenset(
    [
        "page",
        "room",
        "chapter",
        "number",
        "no",
        "platform",
        "gate",
        "bus",
        "route",
        "ward",
        "bay",
        "floor",
        "level",
        "step",
        "top",
        "channel",
        "series",
        "season",
        "aged",
        "over",
        "under",
        "about",
        "after",
        "before",
        "since",
        "until",
        "till",
        "for",
        "every",
    ]
)
_WORD_BEFORE = re.compile(r"(\w+)\W*$")
# All in lower case, only where the words before say it is an address ("I live at 14 park
# road", "[NAME], 14 park road").
_LOWERCASE_ADDRESS = re.compile(
    r"(?:\[NAME\]\s*,?|\b(?:live[sd]?|living|stay(?:s|ing)?|moved)\s+(?:at|to|on|in)"
    r"|\baddress(?:\s+is)?\s*:?)\s*"
    r"(?P<address>(?:flat\s+\d{1,4}[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+(?:[a-z][a-z'’\-]+\s+){1,3}"
    rf"(?:{_STREET_WORDS})\b)",
    re.IGNORECASE,
)
# A house name, only when a postcode follows in the same sentence ("Rose Cottage, Mill Lane,
# AB1 2CD"); a bare "Hope Farm" may be the practice.
_HOUSE_NAME = re.compile(
    r"\b(?:[A-Z][A-Za-z'’\-]+\s+){1,3}"
    r"(?:Cottage|House|Lodge|Farm|Farmhouse|Manor|Barn|Bungalow|Rectory|Vicarage|Villa|Grange)"
    rf"(?:,\s*(?:[A-Z][A-Za-z'’\-]+\s+){{1,3}}(?i:{_STREET_WORDS})\b)?"
    r"(?=,?\s*(?:[A-Z][A-Za-z'’\-]+,?\s+){0,2}[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b)"
)
# Places everyone knows: harmless, and redacting them only puzzles the reader.
_FAMOUS_ADDRESSES = frozenset({"10 downing street", "11 downing street", "221b baker street"})
_HAS_DIGIT = re.compile(r"\d")
# Nine digits or more with separators between: without one there is no NHS or phone number.
_LONG_NUMBER = re.compile(r"\d(?:[ \-.()]{0,3}\d){8}")
_INWARD_CODE = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z])", re.IGNORECASE)
_NUMBER_THEN_CAPITAL = re.compile(r"\d[A-Za-z]?,?\s+[A-Z]")
_LOWERCASE_ADDRESS_HINT = re.compile(r"\[NAME\]|liv|stay|moved|address", re.IGNORECASE)
_BIRTH_WORD = re.compile(r"d\.?o\.?b|birth|born", re.IGNORECASE)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS modulus-11 check: weights 10..2 on the first nine digits give the tenth."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_is_valid(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.lstrip().startswith(("+", "00")):
        digits = digits[2:] if digits.startswith("44") else digits[4:]
        digits = digits if digits.startswith("0") else "0" + digits
    if not digits.startswith(("01", "02", "03", "07", "08")):
        return False
    return len(digits) == 11 or (len(digits) == 10 and digits.startswith("01"))


def _spelled_email_is_real(m: re.Match[str]) -> bool:
    """A written-out email, not "looked at nhs.uk": the '@' in brackets, a 'dot' spelled out,
    a known provider, or a local part that looks like someone's address."""
    domain_parts = _SPELLED_SEPARATOR.split(m.group("domain").lower())
    ending = ".".join(domain_parts[-2:])
    if not (ending in _EMAIL_ENDINGS or domain_parts[-1] in _EMAIL_ENDINGS):
        return False
    if m.group("at").strip() != "at":  # "(at)", "[at]", "jo @ example.com"
        return True
    local = m.group("local")
    spelled = _SPELLED_SEPARATOR.search(local) or any(c.isdigit() or c in "_%+" for c in local)
    return bool(
        spelled
        or domain_parts[0] in _EMAIL_PROVIDERS
        or (" dot " in m.group("domain").lower() and local.lower() in _first_names_any())
    )


def _first_names_any() -> frozenset[str]:
    plain, ambiguous = first_names()
    return plain | ambiguous


def _fixed_format(text: str, *, skip_gates: bool = False) -> list[Finding]:
    """Emails, NHS numbers, phones, postcodes, dates of birth and addresses. Each family is
    looked for only when a cheap search finds what it cannot do without (a digit, an '@', nine
    digits in a row, a birth word...), as most comments have none; `skip_gates` looks for all
    of them regardless (the tests check that the gates never change what is found)."""
    found: list[Finding] = []
    if skip_gates or "@" in text:
        for m in _EMAIL.finditer(text):
            found.append(Finding("email", m.start(), m.end(), m.group()))
    if skip_gates or _SPELLED_EMAIL_HINT.search(text):
        for m in _SPELLED_EMAIL.finditer(text):
            if _spelled_email_is_real(m):
                found.append(Finding("email", m.start(), m.end(), m.group()))
    if not skip_gates and not _HAS_DIGIT.search(text):
        return found
    if skip_gates or _LONG_NUMBER.search(text):
        for m in _NHS.finditer(text):
            digits = m.group(1) + m.group(3) + m.group(4)
            if nhs_number_is_valid(digits) or _NHS_CONTEXT.search(
                text[max(0, m.start() - 20) : m.start()]
            ):
                found.append(Finding("nhs_number", m.start(), m.end(), m.group()))
        for m in _PHONE.finditer(text):
            if _phone_is_valid(m.group()):
                found.append(Finding("phone", m.start(), m.end(), m.group()))
    has_postcode = False
    if skip_gates or _INWARD_CODE.search(text):
        for m in _POSTCODE.finditer(text):
            value = m.group()
            if value.isupper() or value.islower():
                found.append(Finding("postcode", m.start(), m.end(), value))
                has_postcode = True
    if skip_gates or _BIRTH_WORD.search(text):
        for m in _DOB.finditer(text):
            found.append(Finding("date_of_birth", m.start(1), m.end(1), m.group(1)))
    found += _addresses(text, has_postcode=has_postcode, skip_gates=skip_gates)
    return found


def _addresses(text: str, *, has_postcode: bool, skip_gates: bool = False) -> list[Finding]:
    """House-number-and-street addresses, streets named "The ...", lower-case addresses after a
    name or "I live at", and house names before a postcode (each looked for only when a cheap
    search finds what it needs)."""
    found = []
    if skip_gates or _NUMBER_THEN_CAPITAL.search(text):
        found += [
            Finding("address", m.start(), m.end(), m.group())
            for m in _ADDRESS.finditer(text)
            if " ".join(m.group().lower().split()) not in _FAMOUS_ADDRESSES
        ]
        for m in _THE_ADDRESS.finditer(text):
            before = _WORD_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
            if before and before.group(1).lower() in _NOT_HOUSE_NUMBER_BEFORE:
                continue  # "page 3 The Sun"
            if not any(w.lower() in _NOT_THE_ADDRESS for w in m.group("words").split()):
                found.append(Finding("address", m.start(), m.end(), m.group()))
    if skip_gates or _LOWERCASE_ADDRESS_HINT.search(text):
        for m in _LOWERCASE_ADDRESS.finditer(text):
            found.append(
                Finding("address", m.start("address"), m.end("address"), m.group("address"))
            )
    if has_postcode or skip_gates:
        for m in _HOUSE_NAME.finditer(text):
            found.append(Finding("address", m.start(), m.end(), m.group()))
    return found


def _names(text: str) -> list[Finding]:
    return [Finding("name", s, e, text[s:e]) for s, e in find_names(text)]


# --- putting it together ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _keep_pattern(keep: tuple[str, ...]) -> re.Pattern[str] | None:
    """One compiled pattern for all the kept phrases (built once per list of practices, not
    once per comment), with "The Grace Medical Centre" also matching "Grace Medical Centre"."""
    alternatives = []
    for phrase in keep:
        words = phrase.split()
        if not words:
            continue
        variants = [words]
        if len(words) > 1 and words[0].lower() == "the":
            variants.append(words[1:])
        alternatives += [r"\s+".join(re.escape(w) for w in variant) for variant in variants]
    if not alternatives:
        return None
    alternatives.sort(key=len, reverse=True)
    return re.compile(r"(?<!\w)(?=((?:" + "|".join(alternatives) + r"))(?!\w))", re.IGNORECASE)


def _keep_spans(text: str, keep: tuple[str, ...]) -> list[tuple[int, int]]:
    pattern = _keep_pattern(keep)
    if pattern is None:
        return []
    return [(m.start(), m.start() + len(m.group(1))) for m in pattern.finditer(text)]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _detect(text: str, keep: tuple[str, ...]) -> list[Finding]:
    """All findings in `text`, without overlaps, never splitting a placeholder."""
    candidates = _fixed_format(text)
    candidates += _names(text)
    if not candidates:
        return []
    placeholders = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
    kept = _keep_spans(text, keep)
    chosen: list[Finding] = []
    for cand in sorted(candidates, key=lambda f: (_PRIORITY[f.kind], -(f.end - f.start), f.start)):
        span = (cand.start, cand.end)
        if any(_overlaps(span, k) for k in kept):
            continue
        inside = [p for p in placeholders if _overlaps(span, p)]
        if any(p[0] <= span[0] and span[1] <= p[1] for p in inside):
            continue
        if inside:  # never cut a placeholder in two: swallow it whole
            span = (min(span[0], *(p[0] for p in inside)), max(span[1], *(p[1] for p in inside)))
        if any(_overlaps(span, (f.start, f.end)) for f in chosen):
            continue
        chosen.append(Finding(cand.kind, span[0], span[1], text[span[0] : span[1]]))
    return sorted(chosen, key=lambda f: f.start)


def _apply(text: str, findings: list[Finding]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The redacted text and its pieces: (out_start, out_end, orig_start, orig_end)."""
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    position = cursor = 0
    for f in findings:
        if f.start > cursor:
            chunk = text[cursor : f.start]
            pieces.append((position, position + len(chunk), cursor, f.start))
            out.append(chunk)
            position += len(chunk)
        pieces.append((position, position + len(f.placeholder), f.start, f.end))
        out.append(f.placeholder)
        position += len(f.placeholder)
        cursor = f.end
    if cursor < len(text):
        pieces.append((position, position + len(text) - cursor, cursor, len(text)))
        out.append(text[cursor:])
    return "".join(out), pieces


def _to_original(position: int, pieces: list[tuple[int, int, int, int]], *, end: bool) -> int:
    for out_start, out_end, orig_start, orig_end in pieces:
        if out_start <= position < out_end or (end and position == out_end):
            if out_end - out_start == orig_end - orig_start:
                return orig_start + position - out_start
            return orig_end if end else orig_start
    return pieces[-1][3] if pieces else position


def redact(text: str, *, keep: Iterable[str] = ()) -> RedactedText:
    """Replace personal details with placeholders; `keep` lists words never to redact.

    Pass the practices' names (and the PPG's name) as `keep` so they survive. Finding positions
    refer to the original text. Never raises for any string.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    keep = tuple(k for k in keep if isinstance(k, str) and k.strip())
    findings = _detect(text, keep)
    if not findings:  # most comments: nothing to replace, nothing to look at again
        return RedactedText(text, [], text)
    redacted, pieces = _apply(text, findings)
    # A replacement can change what surrounds a word ("Flat 2, [ADDRESS]"); look again until
    # nothing more is found, so that redacting twice gives the same text.
    for _ in range(8):
        extra = _detect(redacted, keep)
        if not extra:
            break
        for new in extra:
            start = _to_original(new.start, pieces, end=False)
            stop = _to_original(new.end, pieces, end=True)
            findings = [f for f in findings if not _overlaps((f.start, f.end), (start, stop))]
            findings.append(Finding(new.kind, start, stop, text[start:stop]))
        findings.sort(key=lambda f: f.start)
        redacted, pieces = _apply(text, findings)
    return RedactedText(redacted, findings, text)


def keep_words(db: sqlite_utils.Database) -> list[str]:
    """What callers pass as `keep`: every practice's name and the PPG's own name."""
    from ppg_desktop.core.practice_store import PracticeStore
    from ppg_desktop.core.settings_store import SettingsStore

    names = [p.name for p in PracticeStore(db).list()]
    ppg = SettingsStore(db).ppg_name()
    return [*names, ppg] if ppg else names


def contains_personal_details(text: str, *, keep: Iterable[str] = ()) -> bool:
    """A quick yes/no for the capture form's warning while the volunteer types."""
    if not text or not isinstance(text, str):
        return False
    return bool(_detect(text, tuple(k for k in keep if isinstance(k, str) and k.strip())))
