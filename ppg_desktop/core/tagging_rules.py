"""Compiling a theme's keywords and rules into a fast, transparent matcher over words.

Keyword syntax (what a chair types, one entry per line in the theme editor):

    cancel            a word; its inflections count too (cancels, cancelled, canceled, cancelling)
    on hold           a phrase: these words in this order, each with its inflections
    "nurse"           in double quotes: this exact word or phrase only, no inflections
    referr*           a word beginning with these letters (at least three of them)
    number # queue    `#` stands for any number: 34, 8am, 2nd, "ten"
    held ~ line       near: both parts within 4 words of each other, either order, same sentence
    held ~6 line      near, within 6 words
    see ~2 gp ~4 weeks  a chain: each part near the ones before it
    phone ^0.5        a weight (1 when not given): a theme is suggested once the weights of
                      the different entries found add up to its threshold (normally 1)
    -phone number     an exclusion: a hit that touches this phrase does not count
    @clinician ~4 @praise  `@name` stands for any word of the theme's word set `name`
                      (see "sets" below), so one line covers a whole family of wordings

`keyword_problem(text)` explains, in plain English, what is wrong with an entry that cannot work.

Text is matched word by word after a light clean-up: case is ignored, American spellings and
common typos are mapped to the British spelling (canceled, perscription, recieve, apointment),
and a word of seven letters or more that is one slip away from a keyword (a letter missing,
added or swapped with its neighbour) counts as that keyword.

A theme's `rules` object (JSON, stored in themes.rules) can add to its keywords:

    {"strong": [...],   entries weighted 2 unless they say otherwise
     "weak": [...],     entries weighted 0.5 unless they say otherwise
     "exclude": [...],  exclusions (no leading "-" needed)
     "patterns": [{"regex": "...", "weight": 1}],  regular expressions on the original text
     "sets": {"clinician": ["doctor", "gp", "nurse"], ...},  word families for `@name`
     "threshold": 1.0}

Everything found is returned as evidence: the exact characters of the original text.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from ppg_desktop.paths import resources_dir

DEFAULT_NEAR_WINDOW = 4
STRONG_WEIGHT = 2.0
WEAK_WEIGHT = 0.5
FUZZY_MIN_LENGTH = 7

_TOKEN_OR_BREAK = re.compile(r"([^\W_]+(?:['’][^\W_]+)*)|[.!?;\n]+")
_WEIGHT_SUFFIX = re.compile(r"\s\^\s*(\d+(?:\.\d+)?)\s*$")
_NEAR = re.compile(r"\s~(\d*)\s")
_IZE = re.compile(r"(?<=..)iz(e|ed|es|er|ers|ing|ation|ations)$")
_NUMBER_WORDS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "fifteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "ninety",
        "hundred",
        "half",
    ]
)
_VOWELS = frozenset("aeiou")


@cache
def spelling_map() -> dict[str, str]:
    """Misspellings and American spellings -> the British spelling (resources data)."""
    path = resources_dir() / "tagging_spelling.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k).lower(): str(v).lower() for k, v in data.get("variants", {}).items()}


@cache
def fuzzy_stop_words() -> frozenset[str]:
    """Real words that merely look like a keyword with a typo (never corrected)."""
    path = resources_dir() / "tagging_spelling.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in data.get("not_typos", []))


def clean_word(raw: str) -> str:
    """One word as matched: lower case, straight apostrophe, no possessive, British spelling."""
    word = raw.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    mapped = spelling_map().get(word)
    if mapped is not None:
        return mapped
    if len(word) > 5 and "iz" in word:
        word = _IZE.sub(r"is\1", word)
    return word


def inflections(word: str) -> set[str]:
    """The word and its regular inflections (plural, -ed, -ing, doubled consonants)."""
    forms = {word}
    if not word.isalpha() or len(word) < 2:
        return forms
    last = word[-1]
    if word.endswith("e"):
        stem = word[:-1]
        forms |= {word + "s", word + "d", stem + "ing"}
    elif last == "y" and len(word) > 2 and word[-2] not in _VOWELS:
        stem = word[:-1]
        forms |= {stem + "ies", stem + "ied", word + "ing"}
    else:
        suffix_s = "es" if word.endswith(("s", "x", "z", "ch", "sh")) else "s"
        forms |= {word + suffix_s, word + "ed", word + "ing"}
        if last not in _VOWELS and last not in "wxy" and word[-2] in _VOWELS:
            forms |= {word + last + "ed", word + last + "ing"}
    if word.endswith("s") and len(word) > 3 and not word.endswith("ss"):
        forms.add(word[:-1])
    return forms


class WordsRead(NamedTuple):
    """A text's words, cleaned, as parallel lists: each word, where it is in the text (its
    match; asked only for the few words a keyword found), and which sentence it is in (lists
    rather than an object per word, since every imported comment is read this way)."""

    words: list[str]
    places: list[re.Match[str]]  # where each word is in the text
    sentences: list[int]


@dataclass(frozen=True)
class Element:
    """One position of a phrase: a set of word forms, a prefix, or any number."""

    forms: frozenset[str] = frozenset()
    prefix: str = ""
    number: bool = False

    def accepts(self, word: str) -> bool:
        """Whether this word fills this position."""
        if self.number:
            return word[:1].isdigit() or word in _NUMBER_WORDS
        if self.prefix:
            return word.startswith(self.prefix)
        return word in self.forms


Phrase = tuple[Element, ...]
# the phrases that can start at one word (see Matcher._word_plan)
WordPlan = tuple[tuple[int, ...], bool, tuple[int, ...]]


@dataclass(frozen=True)
class Entry:
    """One keyword line of a theme after parsing."""

    source: str
    weight: float
    parts: tuple[Phrase, ...]  # one phrase, or several for a near entry
    windows: tuple[int, ...] = ()  # words allowed between each part and the next
    exclude: bool = False

    @property
    def window(self) -> int:
        """The first (usually only) near window."""
        return self.windows[0] if self.windows else DEFAULT_NEAR_WINDOW


@dataclass
class CompiledTheme:
    """A theme ready to match: its entries, exclusions, regex patterns and threshold."""

    slug: str
    name: str
    theme_id: int | None
    cqc_key_question: str
    entries: list[Entry]
    exclusions: list[Entry]
    patterns: list[tuple[re.Pattern[str], float, str]]
    threshold: float


WordSets = dict[str, frozenset[str]]


def _parse_element(raw: str, exact: bool, sets: WordSets | None = None) -> Element:
    """One word of a keyword: `#`, `@set`, a `prefix*` (three letters or more), or a word."""
    if raw == "#":
        return Element(number=True)
    if raw.startswith("@"):
        # an unknown set matches nothing rather than the literal text "@name"
        return Element(forms=(sets or {}).get(raw[1:].lower(), frozenset()))
    if raw.endswith("*") and len(raw) > 1:
        prefix = clean_word(raw[:-1])
        if len(prefix) >= 3:
            return Element(prefix=prefix)
        raw = prefix  # too short to be useful as a prefix: match the word (and its inflections)
    word = clean_word(raw)
    return Element(forms=frozenset({word} if exact else inflections(word)))


_KEYWORD_WORD = re.compile(r"#|@?[^\W_]+(?:['’][^\W_]+)*\*?")


def _parse_phrase(text: str, sets: WordSets | None = None) -> Phrase:
    """A phrase's words, as elements; a phrase in double quotes gets no inflections."""
    text = text.strip()
    exact = len(text) >= 2 and text[0] == '"' and text[-1] == '"'
    if exact:
        text = text[1:-1]
    words = [m.group(0) for m in _KEYWORD_WORD.finditer(text)]
    return tuple(_parse_element(word, exact, sets) for word in words)


def compile_word_sets(raw_sets: Any) -> WordSets:
    """A theme's word families ("sets" in its rules): each word with its inflections.

    A word in double quotes is taken exactly; anything that is not a list of words is ignored.
    """
    sets: WordSets = {}
    if not isinstance(raw_sets, dict):
        return sets
    for name, words in raw_sets.items():
        if not isinstance(words, list):
            continue
        forms: set[str] = set()
        for word in words:
            text = str(word).strip()
            exact = len(text) >= 2 and text[0] == '"' and text[-1] == '"'
            for part in _KEYWORD_WORD.findall(text.strip('"')):
                if part[0] not in "#@*":
                    forms |= _parse_element(part.rstrip("*"), exact).forms
        sets[str(name).lower()] = frozenset(forms)
    return sets


def parse_entry(
    raw: str,
    default_weight: float = 1.0,
    *,
    exclude: bool = False,
    sets: WordSets | None = None,
) -> Entry | None:
    """Read one keyword line (see the module docstring); None when there is nothing to match."""
    text = " ".join(str(raw).split())
    if text.startswith("-") and len(text) > 1:
        exclude, text = True, text[1:].strip()
    weight = default_weight
    found = _WEIGHT_SUFFIX.search(text)
    if found:
        weight = float(found.group(1))
        text = text[: found.start()].strip()
    # "a ~ b ~3 c": split at each near marker, remembering each marker's window
    pieces = _NEAR.split(f" {text} ")
    parts = tuple(_parse_phrase(piece, sets) for piece in pieces[0::2])
    windows = tuple(int(n) if n else DEFAULT_NEAR_WINDOW for n in pieces[1::2])
    if any(not part for part in parts):
        return None
    return Entry(
        source=str(raw).strip(), weight=weight, parts=parts, windows=windows, exclude=exclude
    )


def keyword_problem(raw: str) -> str | None:
    """What is wrong with a keyword a chair typed, in plain English, or None when it is fine.

    For the theme editor, so a mistake is shown next to the keyword rather than silently
    matching nothing.
    """
    text = " ".join(str(raw).split()).lstrip("-").strip()
    if not text:
        return "Type a word or phrase."
    if text.count('"') % 2:
        return 'Close the quotation marks: "exact phrase".'
    if _WEIGHT_SUFFIX.search(text) is None and "^" in text:
        return "Put the weight last, after a space, as a number: phone ^0.5."
    for piece in _NEAR.split(f" {text} ")[0::2]:
        if not _parse_phrase(piece):
            return "Put words on both sides of ~ (for example: held ~ line)."
    for word in re.findall(r"[^\s~]+\*", text):
        if len(re.sub(r"\W", "", word)) < 3:
            return f"Give at least three letters before * in {word}."
    return None


def compile_theme(
    slug: str,
    name: str,
    keywords: Sequence[str],
    rules: dict[str, Any],
    *,
    theme_id: int | None = None,
    cqc_key_question: str = "",
) -> CompiledTheme:
    """Parse a theme's keywords and rules into entries (bad regexes are skipped, not fatal)."""
    raw: list[tuple[str, float, bool]] = [(k, 1.0, False) for k in keywords]
    raw += [(k, STRONG_WEIGHT, False) for k in rules.get("strong", [])]
    raw += [(k, WEAK_WEIGHT, False) for k in rules.get("weak", [])]
    raw += [(k, 1.0, False) for k in rules.get("near", [])]
    raw += [(k, 1.0, True) for k in rules.get("exclude", [])]
    sets = compile_word_sets(rules.get("sets", {}))
    entries: list[Entry] = []
    exclusions: list[Entry] = []
    for text, weight, exclude in raw:
        entry = parse_entry(text, weight, exclude=exclude, sets=sets)
        if entry is not None:
            (exclusions if entry.exclude else entries).append(entry)
    patterns: list[tuple[re.Pattern[str], float, str]] = []
    for item in rules.get("patterns", []):
        try:
            patterns.append(
                (
                    re.compile(item["regex"], re.IGNORECASE),
                    float(item.get("weight", 1.0)),
                    item["regex"],
                )
            )
        except (re.error, KeyError, TypeError, ValueError):
            continue
    threshold = float(rules.get("threshold", 1.0) or 1.0)
    return CompiledTheme(
        slug, name, theme_id, cqc_key_question, entries, exclusions, patterns, threshold
    )


# Where one keyword entry (or regex pattern) matched: (source, weight, start, end), a character
# span. A plain tuple: made tens of times per comment, so cheap to build and to read.
Hit = tuple[str, float, int, int]


@dataclass(frozen=True)
class Rule:
    """An entry of one theme, with its phrases replaced by their index numbers in the matcher."""

    theme: int
    source: str
    weight: float
    phrase_ids: tuple[int, ...]
    windows: tuple[int, ...]
    exclude: bool
    needs: frozenset[int] = frozenset()  # phrase_ids as a set, to check all were found at once


@dataclass
class Matcher:
    """All themes' phrases indexed by their first word, so a text is read once."""

    themes: list[CompiledTheme]
    phrases: list[Phrase] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    owners: dict[int, list[int]] = field(default_factory=dict)  # key phrase id -> rule numbers
    by_word: dict[str, list[int]] = field(default_factory=dict)  # one-word phrases
    by_pair: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # by first two words
    by_first: dict[str, list[int]] = field(default_factory=dict)  # other phrases, by first word
    by_prefix: dict[str, list[int]] = field(default_factory=dict)
    by_number: list[int] = field(default_factory=list)
    vocabulary: set[str] = field(default_factory=set)
    fuzzy_index: dict[str, str] = field(default_factory=dict)
    pair_firsts: frozenset[str] = frozenset()  # words that begin a by_pair phrase
    _clean_cache: dict[str, str] = field(default_factory=dict)
    _word_plans: dict[str, WordPlan] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Number every distinct phrase once and index it; turn entries into rules."""
        numbers: dict[Phrase, int] = {}
        for theme_number, theme in enumerate(self.themes):
            for entry in (*theme.entries, *theme.exclusions):
                ids = []
                for phrase in entry.parts:
                    if phrase not in numbers:
                        numbers[phrase] = len(self.phrases)
                        self.phrases.append(phrase)
                        self._index(phrase, numbers[phrase])
                    ids.append(numbers[phrase])
                rule_number = len(self.rules)
                self.rules.append(
                    Rule(
                        theme_number,
                        entry.source,
                        entry.weight,
                        tuple(ids),
                        entry.windows,
                        entry.exclude,
                        frozenset(ids),
                    )
                )
                # A rule is looked at only when its rarest-looking part is found, since it needs
                # every part anyway: common words (a clinician, "appointment") stay cheap.
                key = min(ids, key=lambda pid: self._commonness(self.phrases[pid]))
                self.owners.setdefault(key, []).append(rule_number)
        self.pair_firsts = frozenset(first for first, _ in self.by_pair)
        self._build_fuzzy()

    @staticmethod
    def _commonness(phrase: Phrase) -> tuple[int, int]:
        """How often a phrase is likely to be found: one-word phrases of many forms most often."""
        head = phrase[0]
        forms = len(head.forms) if head.forms else 1000  # a number or a prefix: often
        return (-len(phrase), forms)

    def _index(self, phrase: Phrase, phrase_id: int) -> None:
        """File a phrase under what its first word (and second, when plain) can be."""
        head = phrase[0]
        if head.number:
            self.by_number.append(phrase_id)
        elif head.prefix:
            self.by_prefix.setdefault(head.prefix[:3], []).append(phrase_id)
        elif len(phrase) == 1:
            for form in head.forms:
                self.by_word.setdefault(form, []).append(phrase_id)
        elif phrase[1].forms:
            for form in head.forms:
                for second in phrase[1].forms:
                    self.by_pair.setdefault((form, second), []).append(phrase_id)
        else:
            for form in head.forms:
                self.by_first.setdefault(form, []).append(phrase_id)
        for element in phrase:
            self.vocabulary |= element.forms

    def _build_fuzzy(self) -> None:
        """Long keyword forms with one letter left out (finds "apointment", "recieve" slips)."""
        ambiguous: set[str] = set()
        for form in self.vocabulary:
            if len(form) < FUZZY_MIN_LENGTH or not form.isalpha():
                continue
            for key in {form[:i] + form[i + 1 :] for i in range(1, len(form))}:
                if key in self.fuzzy_index and self.fuzzy_index[key] != form:
                    ambiguous.add(key)
                self.fuzzy_index[key] = form
        for key in ambiguous:
            del self.fuzzy_index[key]

    def _clean(self, raw: str) -> str:
        """A text word as matched (see `clean_word`), with typo correction; cached."""
        known = self._clean_cache.get(raw)
        if known is not None:
            return known
        word = clean_word(raw)
        if (
            word not in self.vocabulary
            and len(word) >= FUZZY_MIN_LENGTH
            and word.isalpha()
            and word not in fuzzy_stop_words()
        ):
            word = self._fuzzy(word)
        if len(self._clean_cache) > 50_000:
            self._clean_cache.clear()
        self._clean_cache[raw] = word
        return word

    def _fuzzy(self, word: str) -> str:
        """The keyword form this word is one slip away from, or the word itself.

        A slip is a missing letter, an extra letter or two letters swapped, never the first
        letter; a different letter in place of another is not a slip ("spotted" is not "slotted").
        """
        found = self.fuzzy_index.get(word)
        if found is not None:
            return found
        vocabulary = self.vocabulary
        for i in range(1, len(word)):
            shorter = word[:i] + word[i + 1 :]
            if shorter in vocabulary:
                return shorter
            if i + 1 < len(word):
                swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                if swapped in vocabulary:
                    return swapped
        return word

    def read_words(self, text: str) -> WordsRead:
        """The text's words, cleaned, with their character spans and sentence numbers."""
        words: list[str] = []
        places: list[re.Match[str]] = []
        sentences: list[int] = []
        sentence = 0
        cache = self._clean_cache
        for found in _TOKEN_OR_BREAK.finditer(text):
            raw = found.group(1)
            if raw is None:
                sentence += 1
                continue
            word = cache.get(raw)
            if word is None:
                word = self._clean(raw)
            words.append(word)
            places.append(found)
            sentences.append(sentence)
        return WordsRead(words, places, sentences)

    def _word_plan(self, word: str) -> WordPlan:
        """The phrases that can start at this word: the one-word phrases it is, whether a
        two-word phrase may start here, and the other phrases (longer ones, prefixes, numbers)
        that start with it, in that order; cached, as words recur."""
        slow = list(self.by_first.get(word, ()))
        if self.by_number and (word[:1].isdigit() or word in _NUMBER_WORDS):
            slow += self.by_number
        if self.by_prefix:
            slow += [
                p
                for p in self.by_prefix.get(word[:3], ())
                if word.startswith(self.phrases[p][0].prefix)
            ]
        plan = (tuple(self.by_word.get(word, ())), word in self.pair_firsts, tuple(slow))
        if len(self._word_plans) > 50_000:
            self._word_plans.clear()
        self._word_plans[word] = plan
        return plan

    def phrase_hits(
        self, words: list[str], sentences: list[int]
    ) -> dict[int, list[tuple[int, int]]]:
        """Every occurrence of every indexed phrase, as inclusive word ranges by phrase id."""
        hits: dict[int, list[tuple[int, int]]] = {}
        count = len(words)
        phrases = self.phrases
        by_pair = self.by_pair
        plans = self._word_plans

        def rest_matches(phrase: Phrase, i: int, start: int) -> bool:
            """Whether the phrase's remaining words follow position i, in the same sentence."""
            last = i + len(phrase) - 1
            if last >= count or sentences[last] != sentences[i]:
                return False
            return all(phrase[k].accepts(words[i + k]) for k in range(start, len(phrase)))

        for i, word in enumerate(words):
            plan = plans.get(word)
            if plan is None:
                plan = self._word_plan(word)
            single, starts_pair, slow = plan
            for phrase_id in single:
                hits.setdefault(phrase_id, []).append((i, i))
            if starts_pair and i + 1 < count and sentences[i + 1] == sentences[i]:
                for phrase_id in by_pair.get((word, words[i + 1]), ()):
                    phrase = phrases[phrase_id]
                    if len(phrase) == 2 or rest_matches(phrase, i, 2):
                        hits.setdefault(phrase_id, []).append((i, i + len(phrase) - 1))
            for phrase_id in slow:
                phrase = phrases[phrase_id]
                if len(phrase) == 1 or rest_matches(phrase, i, 1):
                    hits.setdefault(phrase_id, []).append((i, i + len(phrase) - 1))
        return hits

    def rule_hits(
        self, rule: Rule, found: dict[int, list[tuple[int, int]]], sentences: list[int]
    ) -> list[tuple[int, int]]:
        """Word ranges where one rule matched.

        A near rule needs each further part within its window of the parts already found,
        on either side and in the same sentence; the range covers them all.
        """
        spans = found.get(rule.phrase_ids[0], [])
        for phrase_id, window in zip(rule.phrase_ids[1:], rule.windows, strict=True):
            others = found.get(phrase_id, [])
            starts = [first for first, _ in others]  # in text order, so a window is a slice
            reach = window + max((last - first for first, last in others), default=0) + 1
            joined = []
            for a_first, a_last in spans:
                low = bisect_left(starts, a_first - reach)
                high = bisect_right(starts, a_last + window + 1)
                for b_first, b_last in others[low:high]:
                    if sentences[a_first] != sentences[b_first]:
                        continue
                    gap = b_first - a_last - 1 if b_first > a_last else a_first - b_last - 1
                    if 0 <= gap <= window:
                        joined.append((min(a_first, b_first), max(a_last, b_last)))
            spans = sorted(set(joined))
        return spans
