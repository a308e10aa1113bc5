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

from ppg_desktop.paths import resources_dir

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

    def kinds(self) -> list[str]:
        """The kinds found, most specific first, each once (for a warning such as 'phone, name')."""
        return sorted({f.kind for f in self.findings}, key=_PRIORITY.__getitem__)


# --- fixed-format identifiers ----------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w@])"
)
_NHS = re.compile(r"(?<![\w+\-/.])(\d{3})([ \-]?)(\d{3})\2(\d{4})(?![\w\-/]|\.\d)")
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

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|(?:{_MONTHS})\.?\s+\d{{4}}"
    r"|(?:19|20)\d{2})(?![\w/])"
)
_DOB = re.compile(
    r"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on|\s+in)?|birthday(?:\s+is)?)"
    rf"\s*[:\-–]?\s*(?:is\s+|was\s+|on\s+)?({_DATE})",
    re.IGNORECASE,
)

_STREET_TYPES = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|way|crescent|cres|court|ct|place|pl"
    "|gardens|gdns|grove|terrace|walk|mews|square|row|rise|hill|green|parade|view|park|vale"
    "|croft|fold|gate|wharf|meadows?|boulevard|crossing|end|yard|chase|glade|heights|villas"
)
_ADDRESS = re.compile(
    r"(?:\b(?:[Ff]lat|FLAT|[Aa]partment|[Aa]pt|[Uu]nit)\.?\s+\d{1,4}[A-Za-z]?,?\s+)?"
    r"(?<![\w:./£$\-])\d{1,4}[A-Za-z]?,?\s+"
    r"(?:(?:[A-Z][A-Za-z'’\-]+|St\.?)\s+){1,3}"
    rf"(?i:{_STREET_TYPES})\b\.?"
)


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


def _fixed_format(text: str) -> list[Finding]:
    found: list[Finding] = []
    for m in _EMAIL.finditer(text):
        found.append(Finding("email", m.start(), m.end(), m.group()))
    for m in _NHS.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        if nhs_number_is_valid(digits) or _NHS_CONTEXT.search(
            text[max(0, m.start() - 20) : m.start()]
        ):
            found.append(Finding("nhs_number", m.start(), m.end(), m.group()))
    for m in _PHONE.finditer(text):
        if _phone_is_valid(m.group()):
            found.append(Finding("phone", m.start(), m.end(), m.group()))
    for m in _POSTCODE.finditer(text):
        value = m.group()
        if value.isupper() or value.islower():
            found.append(Finding("postcode", m.start(), m.end(), value))
    for m in _DOB.finditer(text):
        found.append(Finding("date_of_birth", m.start(1), m.end(1), m.group(1)))
    for m in _ADDRESS.finditer(text):
        found.append(Finding("address", m.start(), m.end(), m.group()))
    return found


# --- names -----------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    """A word list written as one string: words split on spaces, phrases joined by '_'."""
    return frozenset(word.replace("_", " ") for word in text.split())


_TITLES = _words("""
    dr doctor mr mrs ms miss mx nurse sister matron prof professor rev revd reverend sir dame
    lady lord father auntie uncle""")
_LOWERCASE_TITLES = _words("dr mr mrs ms")
_SURNAME_PARTICLES = _words("van von de der den du la le di da al bin el ter")
_STRONG_BEFORE = _words("""
    spoke_to speak_to speaking_to talked_to talk_to talking_to asked thanked thank thanks
    thanks_to thank_you told named called dear hi hello receptionist receptionists nurse doctor
    gp pharmacist manager colleague husband wife son daughter partner mum mother dad father
    carer neighbour friend brother sister grandson granddaughter seen_by helped_by examined_by
    from with by saw see and or""")
# Weak triggers: good enough for a name from the list, not for an unknown capitalised word or a
# name that is also a month ("by May", "from June", "see April").
_WEAK_BEFORE = _words("from with by saw see and or")
_DATE_WORDS_BEFORE = _words("""
    in on by until till since of from during next last early late mid this before after end
    start beginning to through""")
_MONTH_NAMES = _words("april may june august")
_SAID_AFTER = _words("""
    said says told asked explained rang phoned replied answered apologised apologized shouted
    refused helped booked sorted laughed insisted suggested advised agreed promised arranged
    listened smiled""")
_ROLE_AFTER = re.compile(
    r"^,?\s+(?:on|at|from|in)\s+(?:the\s+)?(?:front\s+)?(?:reception|desk|phones?|dispensary)\b"
    r"|^,?\s+(?:the|our|my|a)\s+(?:practice\s+|senior\s+|new\s+|lovely\s+)?"
    r"(?:receptionist|nurse|doctor|gp|manager|pharmacist|physio|physiotherapist|paramedic"
    r"|midwife|health\s+visitor|care\s+coordinator|social\s+prescriber)\b",
    re.IGNORECASE,
)
# Words that look like places: never a surname after a first name ("Hope Street"), but fine
# after a title ("Dr Green", "Mrs Hill").
_PLACE_WORDS = _words("""
    street road lane avenue close drive way hill green park court place square farm house
    surgery practice centre center clinic hospital pharmacy chemist medical health church hall
    school college academy station estate gardens crescent terrace grove walk mews row rise
    vale wharf meadows bridge library""")
# Words that end a place's name but are seldom surnames ("Robin Hood Way", "Hope Farm").
_PLACE_ENDINGS = _words("""
    street road lane avenue way drive close crescent terrace gardens grove mews farm estate
    surgery practice centre center clinic hospital pharmacy school college academy station""")
# Capitalised words that are not names: sentence openers, days, months, the health service.
_NOT_NAMES = _words("""
    i a an the and but or so if on in at to for of by with from is was were are be been she he
    they it we you my our her his their its your me him them us this that these those there here
    then when where what who why how not no yes very all some any every after before also just
    still only please thanks thank sorry ok okay as has had have did does do can could would
    should will said says told asked one two three again today yesterday tomorrow overall
    however although because while whilst never always sometimes about around into over under
    up down out day days week month year morning afternoon evening night
    monday tuesday wednesday thursday friday saturday sunday january february march july
    september october november december christmas easter bank holiday ramadan diwali eid
    nhs gp gps a&e ae reception receptionist team manager practitioner nurse doctor doctors
    pharmacist partner associate physician consultant registrar locum paramedic midwife ward
    unit ambulance urgent care covid flu app online patient patients ppg group trust council
    service services department boots lloyds superdrug asda tesco ics icb cqc pals pcn
    mum dad mother father son daughter wife husband english british god dear hi hello re ref""")


@lru_cache(maxsize=1)
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """The shipped first names (lower case): (always names, names only in context)."""
    plain: set[str] = set()
    ambiguous: set[str] = set()
    path = resources_dir() / "first_names.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        (ambiguous if "ambiguous" in parts[1:] else plain).add(parts[0].lower())
    return frozenset(plain), frozenset(ambiguous)


_TOKEN = re.compile(
    PLACEHOLDER_RE.pattern + r"|[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*|\d[\d:./,]*|\S"
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’\-])$")


@dataclass
class _Token:
    start: int
    end: int  # without a possessive 's
    full_end: int
    word: str  # the token text without a possessive 's
    is_word: bool
    is_placeholder: bool

    @property
    def low(self) -> str:
        return self.word.lower()

    @property
    def capitalised(self) -> bool:
        return self.word[:1].isupper() and not (len(self.word) > 1 and self.word.isupper())

    @property
    def shouting(self) -> bool:
        return len(self.word) > 1 and self.word.isupper()


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        is_placeholder = raw in PLACEHOLDERS.values()
        is_word = not is_placeholder and raw[0].isalpha()
        word = _POSSESSIVE.sub("", raw) if is_word else raw
        word = word or raw
        tokens.append(
            _Token(m.start(), m.start() + len(word), m.end(), word, is_word, is_placeholder)
        )
    return tokens


def _gap(text: str, left: _Token, right: _Token) -> str:
    return text[left.full_end : right.start]


def _surname_like(tok: _Token) -> bool:
    return (
        tok.is_word
        and tok.capitalised
        and tok.low not in _NOT_NAMES
        and tok.low not in _TITLES
        and tok.low not in _PLACE_ENDINGS
    )


def _extend_surname(text: str, tokens: list[_Token], index: int) -> int:
    """The index of the last token of a name starting at `index` (adds up to two surnames)."""
    last = index
    while last + 1 < len(tokens) and last - index < 2:
        nxt = tokens[last + 1]
        if tokens[last].end != tokens[last].full_end:  # "Sharon's" ends the name
            break
        if _gap(text, tokens[last], nxt) != " " or not _surname_like(nxt):
            break
        last += 1
    return last


def _words_before(text: str, tokens: list[_Token], index: int) -> tuple[str, str]:
    """The one and two lower-case words just before a token, looking past one comma
    ("the nurse, Grace"); empty when other punctuation intervenes."""
    k = index - 1
    if k >= 1 and tokens[k].word == "," and not _gap(text, tokens[k], tokens[index]).strip():
        k -= 1
    if k < 0 or not tokens[k].is_word or _gap(text, tokens[k], tokens[k + 1]).strip():
        return "", ""
    one = tokens[k].low
    if k >= 1 and tokens[k - 1].is_word and not _gap(text, tokens[k - 1], tokens[k]).strip():
        return one, tokens[k - 1].low + " " + one
    return one, ""


def _title_names(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    spans = []
    for i, tok in enumerate(tokens):
        if not tok.is_word or tok.low not in _TITLES or tok.end != tok.full_end:
            continue
        if not (tok.capitalised or tok.shouting or tok.low in _LOWERCASE_TITLES):
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].word == "." and _gap(text, tok, tokens[j]) == "":
            j += 1
        if (
            j >= len(tokens)
            or _gap(text, tokens[j - 1], tokens[j]).strip() != ""
            or ("\n" in _gap(text, tokens[j - 1], tokens[j]))
        ):
            continue
        first = tokens[j]
        plain = first_names()[0]
        lowercase_name = first.low in plain and tok.low in _LOWERCASE_TITLES
        if not first.is_word or not (
            first.capitalised or first.shouting or lowercase_name or first.low in _SURNAME_PARTICLES
        ):
            continue
        start = first.start
        while (
            first.low in _SURNAME_PARTICLES
            and j + 1 < len(tokens)
            and _gap(text, first, tokens[j + 1]) == " "
        ):  # "Dr van der Berg"
            j += 1
            first = tokens[j]
        if not first.capitalised and not first.shouting and not lowercase_name:
            continue
        if first.low in _NOT_NAMES or first.low in _TITLES:
            continue
        last = j
        # initials: "Dr J. R. Smith"
        while (
            len(tokens[last].word) == 1
            and last + 2 < len(tokens)
            and tokens[last + 1].word == "."
            and _surname_like(tokens[last + 2])
            and _gap(text, tokens[last + 1], tokens[last + 2]) == " "
        ):
            last += 2
        if not first.shouting:
            last = _extend_surname(text, tokens, last)
        spans.append((start, tokens[last].end))
    return spans


def _names_a_place(text: str, tokens: list[_Token], first: int, last: int) -> bool:
    """ "St Mary's", "Robin Hood Way", "Sharon Road": a name that is part of a place's name."""
    before = tokens[first - 1] if first >= 1 else None
    if before is not None and before.word == "." and first >= 2:
        before = tokens[first - 2]
    if before is not None and before.low in ("st", "saint"):
        return True
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    return (
        after is not None
        and after.is_word
        and after.low in _PLACE_ENDINGS
        and after.word[:1].isupper()
        and _gap(text, tokens[last], after) == " "
    )


def _list_names(
    text: str, tokens: list[_Token], taken: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    plain, ambiguous = first_names()
    spans: list[tuple[int, int]] = []
    name_at: set[int] = set()
    for i, tok in enumerate(tokens):
        if not tok.is_word:
            continue
        low = tok.low
        one, two = _words_before(text, tokens, i)
        if low in plain and low not in _NOT_NAMES:
            # "Sharon" is a name; "matt" or "terry" typed in lower case needs the context
            is_name = (
                tok.capitalised
                or tok.shouting
                or _context_says_name(text, tokens, i, one, two, known=True, weak_ok=True)
            )
        elif tok.capitalised and (
            low in ambiguous
            or (
                low not in _NOT_NAMES
                and low not in _TITLES
                and low not in _PLACE_WORDS
                and len(low) > 1
            )
        ):
            is_name = _context_says_name(text, tokens, i, one, two, known=low in ambiguous)
        else:
            is_name = False
        if is_name:
            last = _extend_surname(text, tokens, i) if not tok.shouting else i
            if _names_a_place(text, tokens, i, last):
                continue
            spans.append((tok.start, tokens[last].end))
            name_at.update(range(i, last + 1))
    # "Sharon and Will": an ambiguous name joined to a found name (or a [NAME]) is a name too.
    for i, tok in enumerate(tokens):
        if i in name_at or not tok.is_word or tok.low not in ambiguous or not tok.capitalised:
            continue
        for step in (-2, 2):
            k, link = i + step, i + step // 2
            if not (0 <= k < len(tokens)) or tokens[link].low not in ("and", "&", "or", ","):
                continue
            other = tokens[k]
            joined = (
                k in name_at
                or other.word == PLACEHOLDERS["name"]
                or any(s <= other.start < e for s, e in taken)
            )
            if joined and (tok.low not in _MONTH_NAMES or step == -2):
                spans.append((tok.start, tok.end))
                break
    return spans


def _context_says_name(
    text: str,
    tokens: list[_Token],
    i: int,
    one: str,
    two: str,
    *,
    known: bool,
    weak_ok: bool = False,
) -> bool:
    """Whether the words around a capitalised word show it is someone's name."""
    low = tokens[i].low
    is_month = low in _MONTH_NAMES
    if any(t in _STRONG_BEFORE and t not in _WEAK_BEFORE for t in (two, one)):
        return True  # "spoke to April", "thanks to June"
    if is_month and (one in _DATE_WORDS_BEFORE or (i >= 1 and tokens[i - 1].word[:1].isdigit())):
        return False
    sentence_start = i == 0 or tokens[i - 1].word in (".", "!", "?", '"', "(", "“")
    if weak_ok and (one in _WEAK_BEFORE or two in _WEAK_BEFORE):
        return True  # "with dave": enough for a name that is not also a word
    if not known:
        # an unknown capitalised word is a name only after a strong trigger (handled above)
        return False
    after = text[tokens[i].full_end : tokens[i].full_end + 60]
    if _ROLE_AFTER.match(after):
        return True
    if i + 1 < len(tokens):
        nxt = tokens[i + 1]
        gap = _gap(text, tokens[i], nxt)
        if gap == " " and nxt.low in _SAID_AFTER:
            return True
        if gap == " " and _surname_like(nxt) and not (sentence_start and is_month):
            return True
    return False


def _names(text: str, taken: list[tuple[int, int]]) -> list[Finding]:
    tokens = _tokens(text)
    spans = _title_names(text, tokens)
    spans += _list_names(text, tokens, spans)
    return [Finding("name", s, e, text[s:e]) for s, e in spans if e > s]


# --- putting it together ---------------------------------------------------------------------


def _keep_spans(text: str, keep: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for phrase in keep:
        words = phrase.split()
        if not words:
            continue
        variants = [words]
        if len(words) > 1 and words[0].lower() == "the":
            variants.append(words[1:])
        for variant in variants:
            pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in variant) + r"(?!\w)"
            spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    return spans


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _detect(text: str, keep: Iterable[str]) -> list[Finding]:
    """All findings in `text`, without overlaps, never splitting a placeholder."""
    placeholders = [(m.start(), m.end()) for m in PLACEHOLDER_RE.finditer(text)]
    candidates = _fixed_format(text)
    candidates += _names(text, [(f.start, f.end) for f in candidates])
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
    keep = [k for k in keep if isinstance(k, str) and k.strip()]
    findings = _detect(text, keep)
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


def contains_personal_details(text: str, *, keep: Iterable[str] = ()) -> bool:
    """A quick yes/no for the capture form's warning while the volunteer types."""
    if not text or not isinstance(text, str):
        return False
    return bool(_detect(text, [k for k in keep if isinstance(k, str) and k.strip()]))
