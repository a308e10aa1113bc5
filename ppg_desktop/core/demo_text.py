"""Joining the demo wording (core/demo_wording.py) into comments that read like patients'.

`compose` joins an opening, a core sentence, some details and a closing, so 100,000 comments vary:
short or rambling, formal letters or hurried posts, now and then with a typo or a name and phone
number (from the range Ofcom keeps for drama, so none is anyone's).
"""

from __future__ import annotations

import random

from ppg_desktop.core.demo_wording import (
    CLOSINGS,
    CONTACT_LINES,
    FFT_REASONS,
    FILLS,
    FORMAL_CLOSINGS,
    FORMAL_OPENINGS,
    OPENINGS,
    PATIENT_NAMES,
    TOPICS,
    Topic,
)

__all__ = [
    "FFT_REASONS",
    "PATIENT_NAMES",
    "TOPICS",
    "Topic",
    "compose",
    "drama_phone",
    "related_topic",
]


def topic_sentiment_hint(topic: Topic) -> str:
    """What the topic is expected to read as (used to pick FFT answers for survey comments)."""
    return {"negative": "negative", "positive": "positive"}.get(topic.polarity, "neutral")


class Filler(dict[str, str]):
    """Slot values drawn on demand, so only the slots a sentence uses cost a random draw."""

    def __init__(self, rng: random.Random) -> None:
        super().__init__()
        self.rng = rng

    def __missing__(self, key: str) -> str:
        value = self.rng.choice(FILLS[key]) if key in FILLS else key
        self[key] = value
        return value


def _fill(text: str, filler: Filler) -> str:
    return text.format_map(filler) if "{" in text else text


def drama_phone(rng: random.Random) -> str:
    """A mobile number from the range Ofcom keeps for drama, so it rings no one."""
    return f"07700 900{rng.randint(0, 999):03d}"


_SHORTENINGS = (
    ("I have", "I've"),
    ("do not", "don't"),
    ("cannot", "can't"),
    ("appointment", "appt"),
    ("because", "cos"),
    ("minutes", "mins"),
    ("doctor", "dr"),
)


def _typo(text: str, rng: random.Random) -> str:
    """Add one or two slips people make when typing in a hurry."""
    choice = rng.random()
    if choice < 0.25:
        return text.replace("'", "")
    if choice < 0.4:
        return text.lower().rstrip(".")
    if choice < 0.55:
        for long, short in _SHORTENINGS:
            if long in text:
                return text.replace(long, short, 1)
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not candidates:
        return text + " "
    index = rng.choice(candidates)
    word = words[index]
    pos = rng.randrange(1, len(word) - 2)
    if choice < 0.8:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    else:
        word = word[:pos] + word[pos + 1 :]
    words[index] = word
    return " ".join(words)


_KEEP_CAPITAL = frozenset(("I", "I'm", "I've", "I'd", "Dr", "NHS", "A&E", "ECG"))


def _capital(part: str) -> str:
    return part[:1].upper() + part[1:]


def _carry_on(part: str) -> str:
    """A part that continues an unfinished sentence ('I don't normally complain but ...')."""
    first = part.split(" ", 1)[0]
    if first in _KEEP_CAPITAL or part[1:2].isupper():
        return part
    return part[:1].lower() + part[1:]


def _join(parts: list[str]) -> str:
    """Join the parts as a person would write them: letters get their own lines."""
    text = ""
    for part in parts:
        after_salutation = text.endswith(",") and text.startswith(("Dear", "To whom"))
        if not text:
            text = _capital(part)
        elif after_salutation or part in FORMAL_CLOSINGS:
            text += "\n" + _capital(part)
        elif text[-1] in ".!?":
            text += " " + _capital(part)
        else:
            text += " " + _carry_on(part)
    return text


# What else a comment about one topic often mentions in passing.
RELATED: dict[str, tuple[str, ...]] = {
    "phone": ("appointments", "online"),
    "phone_hub": ("appointments", "prescriptions"),
    "appointments": ("phone", "online"),
    "cancellations": ("communication", "appointments"),
    "online": ("phone",),
    "online_form": ("phone", "appointments"),
    "prescriptions": ("phone", "communication"),
    "reception_rude": ("phone", "appointments"),
    "clinical_poor": ("continuity", "referrals"),
    "results": ("communication", "phone"),
    "referrals": ("communication",),
    "waiting_room": ("premises",),
    "continuity": ("clinical_poor",),
    "communication": ("records",),
    "premises": ("waiting_room",),
    "records": ("communication",),
    "reception_kind": ("clinical_good",),
    "clinical_good": ("reception_kind",),
    "compliment": ("reception_kind",),
}


def related_topic(rng: random.Random, topic: Topic) -> Topic | None:
    """Now and then (one comment in eight) a second topic the comment also mentions."""
    choices = RELATED.get(topic.key)
    if not choices or rng.random() >= 0.125:
        return None
    return TOPICS[rng.choice(choices)]


def compose(
    rng: random.Random,
    topic: Topic,
    channel: str,
    *,
    contact: tuple[str, str] | None = None,
    also: Topic | None = None,
) -> str:
    """One patient's comment about `topic`, worded to suit how it reached the PPG.

    `contact` (a name and phone number) is written into the comment, as some patients do;
    `also` is a second topic it mentions in passing.
    """
    filler = Filler(rng)
    tone = topic.polarity
    roll = rng.random()
    contact_line = ""
    if contact:
        contact_line = rng.choice(CONTACT_LINES).format(name=contact[0], phone=contact[1])
    if (channel == "social_media" and roll < 0.6) or roll < 0.14:
        parts = [rng.choice(topic.shorts)]
        if rng.random() < 0.3:
            parts.append(rng.choice(topic.cores))
        if contact_line:
            parts.append(contact_line)
    else:
        formal = channel in ("letter", "email") and rng.random() < 0.6
        opening = rng.choice((FORMAL_OPENINGS if formal else OPENINGS)[tone])
        parts = [opening] if opening else []
        parts.append(rng.choice(topic.cores))
        extra = 1 if roll < 0.6 else rng.randint(2, 3)
        picked = rng.sample(topic.details, k=min(extra, len(topic.details)))
        if roll < 0.35:
            picked = picked[:0] if rng.random() < 0.5 else picked[:1]
        parts.extend(picked)
        if roll > 0.85:  # the rambling ones wander on to a second point
            parts.append(rng.choice([c for c in topic.cores if c != parts[-1 - len(picked)]]))
        if also is not None:
            parts.append(rng.choice(also.cores))
        if contact_line:
            parts.append(contact_line)
        closing = rng.choice(FORMAL_CLOSINGS if formal else CLOSINGS[tone])
        if closing:
            parts.append(closing)
    text = _join([_fill(p, filler) for p in parts])
    if rng.random() < 0.06:
        text = _typo(text, rng)
    return text
