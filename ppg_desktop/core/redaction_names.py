"""Finding people's names in comments, for `redaction`: names after titles (Dr, Mrs, Nurse...),
common UK first names (resources/first_names.txt), and capitalised words that the words around
them show to be names ("spoke to Kieran", "Grace on reception").

A first name that is also a word or a month (Will, May, Hope) counts only in such a context.
Names typed in lower case count where the words say so ("my name is john smith", "dr patel
rang", "john smith, 14 park road"), as does a name on its own line under a sign-off.
Contractions ("I've", "Im") are never names, nor are wards, bands or illnesses named after
people ("Jenny Lind ward", "Joy Division", "Addison's disease").

Most comments name nobody, so `could_hold_a_name` takes a cheap first look (set lookups over
the words) before the token-by-token search.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ppg_desktop.paths import resources_dir

NAME_PLACEHOLDER = "[NAME]"
# A placeholder from an earlier redaction is one opaque token ("[NHS NUMBER]" included).
_PLACEHOLDER_TOKEN = r"\[[A-Z][A-Z ]*\]"


def _words(text: str) -> frozenset[str]:
    """A word list written as one string: words split on spaces, phrases joined by '_'."""
    return frozenset(word.replace("_", " ") for word in text.split())


_TITLES = _words("""
    dr doctor mr mrs ms miss mx nurse sister matron prof professor rev revd reverend sir dame
    lady lord father auntie uncle""")
_LOWERCASE_TITLES = _words("dr mr mrs ms")
# "ms" in lower case is as likely multiple sclerosis: only these take a lower-case surname.
_LOWERCASE_SURNAME_TITLES = _words("dr mr mrs")
_SURNAME_PARTICLES = _words("van von de der den du la le di da al bin el ter")
_STRONG_BEFORE = _words("""
    spoke_to speak_to speaking_to talked_to talk_to talking_to asked thanked thank thanks
    thanks_to thank_you told named called dear hi hello ask asking receptionist receptionists nurse doctor
    gp pharmacist manager colleague husband wife son daughter partner mum mother dad father
    carer neighbour friend brother sister grandson granddaughter seen_by helped_by examined_by
    practitioner consultant registrar locum physio physiotherapist paramedic midwife visitor
    coordinator prescriber administrator secretary volunteer regards sincerely faithfully
    cheers wishes from with by saw see and or""")
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
    r"^,?[ \t]+(?:on|at|from|in|behind)\s+(?:the\s+)?(?:front\s+)?"
    r"(?:reception|desk|phones?|dispensary|pharmacy|switchboard|counter|chemist)\b"
    r"|^,?[ \t]+(?:the|our|my|a)\s+(?:practice\s+|senior\s+|new\s+|lovely\s+)?"
    r"(?:receptionist|nurse|doctor|gp|manager|pharmacist|physio|physiotherapist|paramedic"
    r"|midwife|health\s+visitor|care\s+coordinator|social\s+prescriber)\b",
    re.IGNORECASE,
)
# A lower-case name straight before a house number ("john smith, 14 park road").
_ADDRESS_AFTER = re.compile(
    r"^(?:\s+[a-z][a-z'’\-]+)?\s*,?\s+(?:flat\s+\d{1,4}[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+[a-z]",
    re.IGNORECASE,
)
# Words that introduce the writer's own name; the strong ones take any word ("my name is
# kwabena"), labels a listed or capitalised one ("patient: mary jones", not "patient: maybe"),
# the weak ones only a listed first name ("I am priya", not "I am tired").
_INTRODUCTION = re.compile(
    r"\b(?:(?P<strong>(?:my|patient['’]?s?|full)\s+name\s*(?:is|:|-)|my\s+name['’]s)"
    r"|(?P<label>name\s*:|patient\s*:|signed\s*:?)"
    r"|(?P<weak>i\s+am|i['’]m|this\s+is|it['’]s))\s+",
    re.IGNORECASE,
)
# Lower-case words that are not part of a name typed in lower case ("my name is jo and...").
_NOT_LOWERCASE_SURNAMES = _words("""
    here writing calling ringing emailing aged age again really very please thanks thank sorry
    hi hello from about regarding re who was is am and but or so if as at on in to for of by
    with the a an not just also still and i rang was is has had did came went got saw gave took
    made called sent left put let seems kept came rings appointment appointments surgery
    surgeries note notes letter letters visit visits office room list practice line phone call
    calls referral referrals booking bookings app website receptionist nurse doctor gp""")
_VERB_ENDINGS = ("ing", "ed", "ly")
# A name on its own line after a sign-off ("Kind regards,\nOghenekaro Idowu").
_NAME_WORD = r"[A-Z\u00C0-\u00DE][A-Za-z\u00C0-\u024F'’\-]+"
_SIGN_OFF = re.compile(
    r"(?i:\b(?:regards|sincerely|faithfully|thanks|thank\s+you|cheers|best\s+wishes|signed|love))"
    rf"[ \t]*[,.!:]?[ \t]*\n[ \t]*(?P<name>{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}})"
    r"[ \t]*[.!]?[ \t]*(?=\n|$)"
)
# Words after a lower-case surname that show the mention is over ("dr patel was kind").
_MENTION_OVER = _SAID_AFTER | _words("""
    was is has had did does who and but gave saw sent said at on in from to for again too
    never always really just""")
# Words that look like places: never a surname after a first name ("Hope Street"), but fine
# after a title ("Dr Green", "Mrs Hill").
_PLACE_WORDS = _words("""
    street road lane avenue close drive way hill green park court place square farm house
    surgery practice centre center clinic hospital pharmacy chemist medical health church hall
    school college academy station estate gardens crescent terrace grove walk mews row rise
    vale wharf meadows bridge library ward wing unit suite building division band""")
# Words that end the name of a place, ward or group but are seldom surnames ("Robin Hood Way",
# "Hope Farm", "Jenny Lind ward", "Joy Division").
_PLACE_ENDINGS = _words("""
    street road lane avenue way drive close crescent terrace gardens grove mews farm estate
    surgery practice centre center clinic hospital pharmacy school college academy station
    ward wing unit suite division band orchestra choir trust foundation society club
    institute university hotel inn pub museum gallery theatre cinema stadium airport infirmary
    hospice""")
# Charities and wards named after people, which patients mention by that name (a shop such as
# John Lewis is left to be redacted: a patient may be called that too).
_NAMED_AFTER = frozenset({"marie curie", "sue ryder", "florence nightingale"})
# Words after a name that make it the name of an illness or a test, not of a person.
_EPONYM_FOLLOWERS = _words("""
    disease diseases syndrome palsy disorder lymphoma sarcoma tumour phenomenon sign test
    manoeuvre maneuver procedure operation scale score criteria ulcer contracture""")
# Of those, the ones that follow a place's name even in lower case ("the Jenny Lind ward",
# "the Long Eaton clinic").
_LOWERCASE_PLACE_ENDINGS = _words("""
    ward wing unit suite surgery practice clinic hospital centre pharmacy station school
    hospice""")
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
    mum dad mother father son daughter wife husband english british god dear hi hello re ref
    someone somebody anyone anybody everyone everybody nobody none noone each both another
    whoever whom whose which myself yourself himself herself itself ourselves themselves mine
    yours hers ours theirs either neither such own few many much more most other others same
    several staff everybody people lady ladies man men woman women girl girls guy guys lad
    lads chap person receptionists nurses volunteers someone's later eventually finally then
    now next first last once madam sirs anonymous anon google
    ive im id ill youve youre youd youll weve were wed theyve theyre theyd dont cant wont didnt
    doesnt isnt wasnt arent couldnt wouldnt shouldnt thats whats theres""")
# Capitalised words that may open a sentence before "on reception" and are not names.
_ROLE_SUBJECT_STOP = _words("the staff everyone someone nobody whoever lady man woman girl")


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
    _PLACEHOLDER_TOKEN + r"|[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*|\d[\d:./,]*|\S"
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’\-])$")


_CONTRACTION = re.compile(r"['’](?:ve|m|d|ll|re|t)$", re.IGNORECASE)


class _Token:
    """One token of a comment, with what the name rules ask of it worked out once."""

    __slots__ = (
        "capitalised",
        "end",
        "full_end",
        "is_placeholder",
        "is_word",
        "low",
        "shouting",
        "start",
        "word",
    )

    def __init__(
        self, start: int, end: int, full_end: int, word: str, is_word: bool, is_placeholder: bool
    ) -> None:
        self.start = start
        self.end = end  # without a possessive 's
        self.full_end = full_end
        self.word = word  # the token text without a possessive 's
        self.is_word = is_word
        self.is_placeholder = is_placeholder
        self.low = word.lower()
        self.shouting = len(word) > 1 and word.isupper()
        self.capitalised = word[:1].isupper() and not self.shouting


def _tokens(text: str) -> list[_Token]:
    """The comment's tokens; a contraction ("I've", "you'd") is not a word that can be a name."""
    tokens = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        first = raw[0]
        is_placeholder = first == "[" and len(raw) > 2 and raw[-1] == "]"
        is_word = not is_placeholder and first.isalpha()
        word = raw
        if is_word and raw[-1] in "'’-s":
            word = _POSSESSIVE.sub("", raw) or raw
        if is_word and ("'" in word or "’" in word) and _CONTRACTION.search(word):
            is_word = False
        start = m.start()
        tokens.append(_Token(start, start + len(word), m.end(), word, is_word, is_placeholder))
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


def _lowercase_surname_like(tok: _Token) -> bool:
    """A lower-case word that can be the surname of a name typed in lower case."""
    return (
        tok.is_word
        and tok.word.islower()
        and len(tok.low) > 1
        and tok.low not in _NOT_NAMES
        and tok.low not in _NOT_LOWERCASE_SURNAMES
        and tok.low not in _TITLES
        and tok.low not in _PLACE_ENDINGS
        and tok.low not in _SAID_AFTER
        and not tok.low.endswith(_VERB_ENDINGS)
    )


def _extend_surname(text: str, tokens: list[_Token], index: int, *, lowercase: bool = False) -> int:
    """The index of the last token of a name starting at `index` (adds up to two surnames;
    lower-case ones too when the name itself was typed in lower case)."""
    last = index
    while last + 1 < len(tokens) and last - index < 2:
        nxt = tokens[last + 1]
        if tokens[last].end != tokens[last].full_end:  # "Sharon's" ends the name
            break
        if _gap(text, tokens[last], nxt) != " ":
            break
        if not (_surname_like(nxt) or (lowercase and _lowercase_surname_like(nxt))):
            break
        last += 1
    return last


def _words_before(text: str, tokens: list[_Token], index: int) -> tuple[str, str]:
    """The one and two lower-case words just before a token, looking past one comma
    ("the nurse, Grace"); empty when other punctuation intervenes."""
    k = index - 1
    if k >= 1 and tokens[k].word == "," and _gap(text, tokens[k], tokens[index]) in (" ", ""):
        k -= 1
    if k < 0 or not tokens[k].is_word or _gap(text, tokens[k], tokens[k + 1]).strip():
        return "", ""
    if "\n" in _gap(text, tokens[k], tokens[index]):
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
        lowercase_name = tok.low in _LOWERCASE_TITLES and (
            first.low in plain or _lowercase_surname_after_title(tokens, j)
        )
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


def _lowercase_surname_after_title(tokens: list[_Token], j: int) -> bool:
    """ "dr patel rang", "seen by mr jones.": a lower-case surname after dr/mr/mrs, when what
    follows shows the mention is over (so "my dr appointment letter" is not a name)."""
    tok = tokens[j]
    if tokens[j - 1].low not in _LOWERCASE_SURNAME_TITLES or not _lowercase_surname_like(tok):
        return False
    if tok.low in _NOT_LOWERCASE_SURNAMES or tok.low.endswith(("ment", "tion", "ery")):
        return False
    if j + 1 >= len(tokens):
        return True
    nxt = tokens[j + 1]
    return nxt.word in (".", ",", "!", "?", ";", ":", ")") or nxt.low in _MENTION_OVER


def _names_a_place(text: str, tokens: list[_Token], first: int, last: int) -> bool:
    """ "St Mary's", "Robin Hood Way", "Sharon Road", "Addison's disease": a name that is part of
    the name of a place or an illness."""
    before = tokens[first - 1] if first >= 1 else None
    if before is not None and before.word == "." and first >= 2:
        before = tokens[first - 2]
    if before is not None and before.low in ("st", "saint"):
        return True
    after = tokens[last + 1] if last + 1 < len(tokens) else None
    if after is not None and after.low in _EPONYM_FOLLOWERS:
        return True  # "Addison's disease", "Gilbert syndrome"
    return (
        after is not None
        and after.is_word
        and after.low in _PLACE_ENDINGS
        and (after.word[:1].isupper() or after.low in _LOWERCASE_PLACE_ENDINGS)
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
        if low in plain and low not in _NOT_NAMES:
            # "Sharon" is a name; "matt" or "terry" typed in lower case needs the context
            is_name = tok.capitalised or tok.shouting
            if not is_name:
                one, two = _words_before(text, tokens, i)
                is_name = _context_says_name(text, tokens, i, one, two, known=True, weak_ok=True)
        elif tok.capitalised and (
            low in ambiguous
            or (
                low not in _NOT_NAMES
                and low not in _TITLES
                and low not in _PLACE_WORDS
                and len(low) > 1
            )
        ):
            one, two = _words_before(text, tokens, i)
            is_name = _context_says_name(text, tokens, i, one, two, known=low in ambiguous)
        else:
            is_name = False
        if is_name:
            last = (
                _extend_surname(text, tokens, i, lowercase=tok.word.islower())
                if not tok.shouting
                else i
            )
            if _names_a_place(text, tokens, i, last):
                continue
            first = i
            if (
                i >= 1
                and tokens[i - 1].capitalised
                and tokens[i - 1].low in ambiguous
                and _gap(text, tokens[i - 1], tok) == " "
                and tokens[i - 1].end == tokens[i - 1].full_end
                and not (
                    tokens[i - 1].low in _MONTH_NAMES
                    and i >= 2
                    and tokens[i - 2].low in _DATE_WORDS_BEFORE
                )
            ):
                first = i - 1  # "June Brown in the dispensary": found by "Brown", starts at June
            spans.append((tokens[first].start, tokens[last].end))
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
                or other.word == NAME_PLACEHOLDER
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
    sentence_start = (
        i == 0
        or tokens[i - 1].word in (".", "!", "?", '"', "(", "“", ":", ";")
        or "\n" in _gap(text, tokens[i - 1], tokens[i])
    )
    if weak_ok and (one in _WEAK_BEFORE or two in _WEAK_BEFORE):
        return True  # "with dave": enough for a name that is not also a word
    after = text[tokens[i].full_end : tokens[i].full_end + 60]
    if not known:
        # An unknown capitalised word is a name after a strong trigger (handled above), or
        # before a role in mid-sentence ("thanks again to all, and Oghenekaro on reception");
        # at the start of a sentence "Chaos on reception" is more likely than a name.
        return (
            not sentence_start
            and low not in _ROLE_SUBJECT_STOP
            and not low.endswith(_VERB_ENDINGS)
            and bool(_ROLE_AFTER.match(after))
        )
    if weak_ok and tokens[i].word.islower() and _ADDRESS_AFTER.match(after):
        return True  # "john smith, 14 park road"
    if _ROLE_AFTER.match(after):
        return True
    if i + 1 < len(tokens):
        nxt = tokens[i + 1]
        gap = _gap(text, tokens[i], nxt)
        if gap == " " and nxt.low in _SAID_AFTER:
            return True
        if (
            gap == " "
            and _surname_like(nxt)
            and not (sentence_start and is_month)
            and (nxt.low not in _PLACE_WORDS or _person_follows(text, tokens, i + 1))
        ):  # "June Brown"; "Rose Green said" but not "Victoria Park is near"
            return True
    return False


def _introduced_names(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Names after "my name is", "patient:", "I am" (any case): "my name is john smith"."""
    spans = []
    plain = first_names()[0]
    starts = {tok.start: i for i, tok in enumerate(tokens)}
    for m in _INTRODUCTION.finditer(text):
        i = starts.get(m.end())
        if i is None:
            continue
        tok = tokens[i]
        if not tok.is_word or (m.group("weak") and tok.low not in plain):
            continue
        if m.group("label") and not (tok.capitalised or tok.low in plain):
            continue
        if not (tok.capitalised or tok.shouting or _lowercase_surname_like(tok)):
            continue
        if tok.low in _NOT_NAMES or tok.low in _TITLES:
            continue
        last = _extend_surname(text, tokens, i, lowercase=tok.word.islower())
        spans.append((tok.start, tokens[last].end))
    return spans


# For the cheap first look (see `could_hold_a_name`).
_INTRODUCING_WORDS = _words("name patient signed")
# Words without which an unknown capitalised word ("Oghenekaro") is never taken for a name:
# the strong triggers before a name (first word of each phrase) and the roles after one.
_UNKNOWN_NAME_TRIGGERS = frozenset(
    phrase.split()[0] for phrase in _STRONG_BEFORE - _WEAK_BEFORE
) | _words("""
    reception desk phone phones dispensary pharmacy switchboard counter chemist receptionist
    nurse doctor gp manager pharmacist physio physiotherapist paramedic midwife health care
    social""")
_CAPITALISED_WORD = re.compile(r"\b[A-Z\u00C0-\u00DE][A-Za-z\u00C0-\u024F]*")
_ANY_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)*")
# A word that may be capitalised and is not the first of the text, written as `_TOKEN` reads
# words: only there can an unknown capitalised word be taken for a name. Wider than what the
# search takes (it also lets in sentence starts, and letters that are not capitals), so the
# first look never hides a name: the search does the sorting.
_LATER_CAPITAL = re.compile(
    r"(?:(?<=[^\sA-Za-z\u00C0-\u024F])|(?<=\S)\s+)"
    r"([A-Z\u00C0-\u024F][A-Za-z\u00C0-\u024F'’\-]*)"
)


def _signed_names(text: str) -> list[tuple[int, int]]:
    """The name under a sign-off, when every word of that line could be a name."""
    spans = []
    for m in _SIGN_OFF.finditer(text):
        words = [w.lower() for w in m.group("name").split()]
        if any(w in _NOT_NAMES or w in _TITLES or w in _PLACE_WORDS for w in words):
            continue
        spans.append((m.start("name"), m.end("name")))
    return spans


def could_hold_a_name(text: str) -> bool:
    """A cheap first look: False when no word of `text` could be or signal a name, so the
    token-by-token search can be skipped (most comments name nobody)."""
    plain, ambiguous = first_names()
    lows = set(_ANY_WORD.findall(text.lower()))
    if "'" in text or "’" in text:
        lows.update(low[:-2] for low in list(lows) if low.endswith(("'s", "’s")))
    if not lows.isdisjoint(plain) or not lows.isdisjoint(_LOWERCASE_TITLES):
        return True
    for word in _CAPITALISED_WORD.findall(text):
        low = word.lower()
        if low in ambiguous or low in _TITLES:
            return True
    if not lows.isdisjoint(_INTRODUCING_WORDS) and _INTRODUCTION.search(text):
        return True
    if "\n" in text and _SIGN_OFF.search(text):
        return True
    if lows.isdisjoint(_UNKNOWN_NAME_TRIGGERS):
        return False
    return any(
        (_POSSESSIVE.sub("", m.group(1)) or m.group(1)).lower() not in _NOT_NAMES
        for m in _LATER_CAPITAL.finditer(text)
    )


def _person_follows(text: str, tokens: list[_Token], k: int) -> bool:
    """Whether the words after token `k` show that a person was just named ("... said",
    "... on reception")."""
    if k + 1 < len(tokens) and tokens[k + 1].low in _SAID_AFTER:
        return True
    return bool(_ROLE_AFTER.match(text[tokens[k].full_end : tokens[k].full_end + 60]))


def find_names(text: str, *, skip_first_look: bool = False) -> list[tuple[int, int]]:
    """Spans (start, end) of people's names in `text` (`skip_first_look`: search token by token
    even when `could_hold_a_name` says there is nothing to find; for the tests)."""
    if not skip_first_look and not could_hold_a_name(text):
        return []
    tokens = _tokens(text)
    spans = _title_names(text, tokens)
    spans += _introduced_names(text, tokens)
    if "\n" in text:
        spans += _signed_names(text)
    spans += _list_names(text, tokens, spans)
    famous = [(s, e) for s, e in spans if " ".join(text[s:e].lower().split()) in _NAMED_AFTER]
    return [(s, e) for s, e in spans if e > s and not any(s < fe and fs < e for fs, fe in famous)]
