"""Theme suggestions: the default rules, keyword syntax, evidence spans, database taxonomies,
storing suggestions, and re-tagging that never overrides a person's decision."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from ppg_desktop.cli import main
from ppg_desktop.core.feedback_store import FeedbackStore
from ppg_desktop.core.practice_store import PracticeStore
from ppg_desktop.core.retag import retag_all
from ppg_desktop.core.tagging import (
    Taxonomy,
    ThemeMatch,
    default_taxonomy,
    load_taxonomy,
    suggest_themes,
    tag_feedback,
)
from ppg_desktop.core.tagging_rules import compile_theme, inflections, parse_entry
from ppg_desktop.core.theme_store import ThemeStore
from ppg_desktop.paths import resources_dir

DEFAULT_SLUGS = [
    t["slug"]
    for t in json.loads((resources_dir() / "default_themes.json").read_text(encoding="utf-8"))
]

# Two plain examples per default theme, worded differently from the keyword lists.
THEME_EXAMPLES = {
    "phone_access": [
        "Stuck on hold for 40 minutes every morning.",
        "The line is always engaged, I could not get through.",
    ],
    "appointment_availability": [
        "There are no appointments for three weeks.",
        "I couldn't get an appointment for my son.",
    ],
    "cancellations": [
        "The surgery cancelled my appointment at short notice.",
        "My review was rescheduled twice by the practice.",
    ],
    "online_services": [
        "The NHS App will not let me log in.",
        "The online form closes by half past eight.",
    ],
    "prescriptions": [
        "My repeat prescription was not ready at the pharmacy.",
        "The chemist had no stock of my inhaler.",
    ],
    "reception_staff": [
        "The receptionist was rude to my mother.",
        "The front desk staff were friendly and helpful.",
    ],
    "clinical_care": [
        "The doctor listened and examined me properly.",
        "The nurse was gentle and reassuring with my dressings.",
    ],
    "test_results": [
        "Nobody rang me with my blood test results.",
        "Still waiting for my scan results.",
    ],
    "referrals": [
        "My referral to dermatology was never sent.",
        "The GP referred me to a specialist quickly.",
    ],
    "waiting_room": [
        "The doctor was running 40 minutes late.",
        "Sat in the waiting room for an hour past my appointment time.",
    ],
    "continuity": [
        "I never see the same doctor twice.",
        "It is always a locum who does not know my history.",
    ],
    "communication": [
        "No reply to my letter of complaint.",
        "Nobody told me the clinic had been moved.",
    ],
    "premises_access": [
        "The car park is always full.",
        "There is no hearing loop and the toilets were dirty.",
    ],
    "records_admin": [
        "My medical records have the wrong date of birth.",
        "It took six weeks to register as a new patient.",
    ],
}


def slugs(text: str) -> set[str]:
    return {m.slug for m in suggest_themes(text)}


def test_every_default_theme_has_examples() -> None:
    assert sorted(THEME_EXAMPLES) == sorted(DEFAULT_SLUGS)
    assert len(DEFAULT_SLUGS) == 14


@pytest.mark.parametrize(
    ("slug", "text"), [(slug, text) for slug, texts in THEME_EXAMPLES.items() for text in texts]
)
def test_default_theme_is_suggested(slug: str, text: str) -> None:
    assert slug in slugs(text)


@pytest.mark.parametrize(
    "text",
    ["Lovely weather today.", "", "   ", "No comment.", "Keep up the good work!"],
)
def test_no_theme_when_nothing_matches(text: str) -> None:
    assert suggest_themes(text) == []


def test_evidence_points_at_the_original_characters() -> None:
    text = "Honestly I was ON HOLD for 50 minutes, then my perscription was wrong."
    matches = suggest_themes(text)
    by_slug = {m.slug: m for m in matches}
    for match in matches:
        assert match.evidence, match.slug
        for evidence in match.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
    phone_words = [e.text for e in by_slug["phone_access"].evidence]
    assert "ON HOLD" in phone_words
    prescription = by_slug["prescriptions"].evidence[0]
    assert (prescription.start, prescription.end) == (
        text.index("perscription"),
        text.index("perscription") + 12,
    )


def test_matches_are_sorted_best_first_with_scores_between_0_and_1() -> None:
    matches = suggest_themes(
        "On hold for an hour, number 34 in the queue, then cut off. The receptionist was rude."
    )
    scores = [m.score for m in matches]
    assert scores == sorted(scores, reverse=True)
    assert all(0 < s < 1 for s in scores)
    assert matches[0].slug == "phone_access"
    assert isinstance(matches[0], ThemeMatch) and matches[0].name == "Phone access"


@pytest.mark.parametrize(
    "word", ["cancelled", "cancelling", "cancellation", "canceled", "cancels", "cancelations"]
)
def test_inflections_and_american_spellings(word: str) -> None:
    assert "cancellations" in slugs(f"My appointment was {word} by the surgery.")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Held on the line for ages.", "phone_access"),
        ("I was held for ages on the phone line.", "phone_access"),
        ("All I got was the engaged tone.", "phone_access"),
        ("I was number 34 in the queue.", "phone_access"),
        ("Couldn't get thru on the fone.", "phone_access"),
        ("No apointments left again.", "appointment_availability"),
        ("I did not recieve my perscription.", "prescriptions"),
        ("The receptoinist was lovely.", "reception_staff"),
    ],
)
def test_near_phrases_and_typos(text: str, slug: str) -> None:
    assert slug in slugs(text)


def test_context_separates_referral_results_and_prescription() -> None:
    found = slugs(
        "The hospital has my referral, the practice has my blood results, and the pharmacy "
        "has lost my prescription."
    )
    assert {"referrals", "test_results", "prescriptions"} <= found
    assert slugs("As a result of the new system things are better.") == set()
    assert "referrals" not in slugs("My blood results came back from the hospital lab.")


def test_a_real_word_is_not_mistaken_for_a_typo() -> None:
    # "spotted" is one letter from "slotted" but is not a slip for it
    assert "appointment_availability" not in slugs("The GP spotted my symptoms early.")
    assert "online_services" not in slugs("I'd be interested in joining the group.")


def test_keyword_syntax() -> None:
    exact = parse_entry('"nurse"')
    assert exact is not None and exact.parts[0][0].forms == frozenset({"nurse"})
    near = parse_entry("held ~6 line ^2")
    assert near is not None and near.window == 6 and near.weight == 2 and len(near.parts) == 2
    excluded = parse_entry("-phone number")
    assert excluded is not None and excluded.exclude
    assert parse_entry("   ") is None
    assert {"book", "books", "booked", "booking"} <= inflections("book")
    assert {"refer", "referred", "referring"} <= inflections("refer")
    assert {"reply", "replies", "replied"} <= inflections("reply")


def test_wildcard_numbers_weights_and_exclusions_in_a_custom_theme() -> None:
    theme = compile_theme(
        "flu_clinic",
        "Flu clinic",
        ["vaccin*", "# jabs", "clinic ^0.5", "-clinic closed"],
        {"weak": ["flu"], "threshold": 1.0},
    )
    taxonomy = Taxonomy([theme])
    assert [m.slug for m in taxonomy.suggest("Vaccinations were quick")] == ["flu_clinic"]
    assert [m.slug for m in taxonomy.suggest("Had 2 jabs today")] == ["flu_clinic"]
    assert taxonomy.suggest("The clinic was busy") == []  # 0.5 is under the threshold
    assert [m.slug for m in taxonomy.suggest("The flu clinic was busy")] == ["flu_clinic"]
    assert taxonomy.suggest("The flu clinic closed early") == []  # 'clinic' excluded there


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("the nhs app crashed again", "nhs app"),  # the pattern is in capitals
        ("The NHS  App crashed again", "NHS  App"),
        ("Told me it was fine", "Told me it was fine"),
        ("A long wait to be ſeen", "wait to be ſeen"),  # re reads ſ as s when case-blind
        ("The Kelvin sign: Kept waiting", "Kept waiting"),
        ("nothing to see here", None),
        ("said it", None),  # the pattern needs more than one of its words
    ],
)
def test_regex_patterns_find_the_same_whether_or_not_they_are_skipped(
    text: str, found: str | None
) -> None:
    """Patterns are skipped on a comment without the text they need; only when they could
    not have matched anyway (case-blind, and any letter outside plain ASCII runs them all)."""
    theme = compile_theme(
        "apps",
        "Apps",
        [],
        {
            "patterns": [
                {"regex": r"\bNHS\s+App\b"},
                {"regex": r"\b(?:told|said) (?:me )?it was \w+"},
                {"regex": r"\bkept waiting\b"},
                {"regex": r"\bwait to be seen\b"},
            ]
        },
    )
    matches = Taxonomy([theme]).suggest(text)
    if found is None:
        assert matches == []
    else:
        assert [e.text for m in matches for e in m.evidence] == [found]


def test_default_taxonomy_is_cached() -> None:
    assert default_taxonomy() is default_taxonomy()


# --- database taxonomies and stored suggestions ------------------------------------------------
def add_feedback(db: sqlite_utils.Database, *texts: str) -> list[int]:
    practice = PracticeStore(db, "Jean").create("Elm Surgery")
    return FeedbackStore(db, "Jean").create_many(
        {
            "practice_id": practice.id,
            "received_on": dt.date(2026, 3, 2),
            "channel": "phone",
            "kind": "complaint",
            "text": text,
        }
        for text in texts
    )


def test_custom_theme_and_edited_keywords_count(db: sqlite_utils.Database) -> None:
    store = ThemeStore(db, "Chair")
    custom = store.create("Flu clinic", "responsive", keywords=["flu jab", "vaccination clinic"])
    taxonomy = load_taxonomy(db)
    match = next(
        m for m in suggest_themes("My flu jabs were quick.", taxonomy) if m.slug == "flu_clinic"
    )
    assert match.theme_id == custom.id
    assert match.evidence[0].text == "flu jabs"
    store.update(custom.id, keywords=["booster"])
    edited = load_taxonomy(db)
    assert "flu_clinic" not in {m.slug for m in suggest_themes("My flu jab.", edited)}
    assert "flu_clinic" in {m.slug for m in suggest_themes("My booster.", edited)}


def test_archived_theme_is_not_suggested(db: sqlite_utils.Database) -> None:
    store = ThemeStore(db, "Chair")
    store.archive(store.get_by_slug("phone_access").id)
    assert "phone_access" not in {
        m.slug for m in suggest_themes("On hold for an hour.", load_taxonomy(db))
    }


def test_tag_feedback_stores_suggestions_with_evidence(db: sqlite_utils.Database) -> None:
    (item,) = add_feedback(db, "I was on hold for 50 minutes.")
    assert tag_feedback(db, [item]) == 1
    (link,) = ThemeStore(db).links_for(item)
    assert (link.slug, link.source, link.state) == ("phone_access", "auto", "suggested")
    assert link.evidence[0].text == "on hold"
    assert 0 < (link.score or 0) < 1


def test_retag_never_overrides_a_person(db: sqlite_utils.Database) -> None:
    texts = ["On hold for an hour and the receptionist was rude.", "The car park is full."]
    first, second = add_feedback(db, *texts)
    themes = ThemeStore(db, "Jean")
    tag_feedback(db, [first, second])
    phone = themes.get_by_slug("phone_access").id
    reception = themes.get_by_slug("reception_staff").id
    themes.set_link(first, phone, state="rejected")
    themes.set_link(first, reception, state="confirmed")
    seen: list[tuple[int, int]] = []
    result = retag_all(db, lambda done, total: seen.append((done, total)), batch_size=1)
    assert (result.items, result.total, result.cancelled) == (2, 2, False)
    assert seen == [(0, 2), (1, 2), (2, 2)]
    states = {link.slug: (link.source, link.state) for link in themes.links_for(first)}
    assert states["phone_access"] == ("manual", "rejected")
    assert states["reception_staff"] == ("manual", "confirmed")
    assert [link.slug for link in themes.links_for(second)] == ["premises_access"]


def test_retag_picks_up_a_keyword_change_and_can_be_stopped(db: sqlite_utils.Database) -> None:
    ids = add_feedback(db, "The defibrillator sign fell off.", "The defibrillator is missing.")
    store = ThemeStore(db, "Chair")
    store.create("Emergency kit", "safe", keywords=["defibrillator"])
    stopped = retag_all(db, should_cancel=lambda: True)
    assert stopped.cancelled and stopped.items == 0
    assert store.links_for(ids[0]) == []
    done = retag_all(db)
    assert done.suggestions >= 2
    assert "emergency_kit" in {link.slug for link in store.links_for(ids[1])}


def test_retag_can_fill_missing_sentiment(db: sqlite_utils.Database) -> None:
    (item,) = add_feedback(db, "The receptionist was not helpful at all.")
    result = retag_all(db, fill_sentiment=True)
    assert result.sentiments_filled == 1
    assert FeedbackStore(db).get(item).sentiment == "negative"


def test_retag_command_prints_a_progress_bar(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str]
) -> None:
    add_feedback(db, "On hold for ages.", "No parking.")
    assert main(["retag", "--db", str(db_path)]) == 0
    out, err = capsys.readouterr()
    assert "Re-tagged 2 feedback items" in out
    assert "100%" in err and "2/2" in err


def test_labelled_comments_score_well() -> None:
    """A guard against rule edits that quietly make tagging worse (bench/ prints the detail)."""
    path = Path(__file__).resolve().parent.parent / "data" / "labelled_comments.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    assert len(rows) >= 300
    tp = fp = fn = 0
    for row in rows:
        expected, found = set(row["themes"]), slugs(row["text"])
        tp, fp, fn = (
            tp + len(expected & found),
            fp + len(found - expected),
            fn + len(expected - found),
        )
    micro_f1 = 2 * tp / (2 * tp + fp + fn)
    assert micro_f1 >= 0.85


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_evidence_is_always_a_slice_of_the_text(text: str) -> None:
    for match in suggest_themes(text):
        assert 0 <= match.score <= 1
        for evidence in match.evidence:
            assert 0 <= evidence.start < evidence.end <= len(text)
            assert text[evidence.start : evidence.end] == evidence.text


def test_short_prefix_matches_the_word_only() -> None:
    entry = parse_entry("ab*")
    assert entry is not None
    element = entry.parts[0][0]
    assert element.prefix == "" and "ab" in element.forms and not element.accepts("abcdef")


def test_near_chain_needs_every_part_close() -> None:
    taxonomy = Taxonomy([compile_theme("slow_gp", "Slow GP", ["see ~2 gp ~4 weeks"], {})])
    assert [m.slug for m in taxonomy.suggest("Could not see a GP for three weeks.")] == ["slow_gp"]
    assert taxonomy.suggest("I see a GP. It is fine. Weeks later, fine.") == []
    (match,) = taxonomy.suggest("Could not see a GP for three weeks.")
    assert [e.text for e in match.evidence] == ["see a GP for three weeks"]


@pytest.mark.parametrize(
    ("keyword", "problem"),
    [
        ("on hold", None),
        ("held ~3 line ^2", None),
        ("-phone number", None),
        ("# calls", None),
        ("", "Type a word"),
        ('"phone', "Close the quotation marks"),
        ("phone ^x", "Put the weight last"),
        ("held ~", "both sides of ~"),
        ("ab*", "at least three letters"),
    ],
)
def test_keyword_problems_are_explained(keyword: str, problem: str | None) -> None:
    from ppg_desktop.core.tagging import keyword_problem

    found = keyword_problem(keyword)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_every_shipped_keyword_is_valid() -> None:
    from ppg_desktop.core.tagging import keyword_problem

    shipped = json.loads((resources_dir() / "default_themes.json").read_text(encoding="utf-8"))
    for theme in shipped:
        lists = [theme["keywords"]] + [v for k, v in theme["rules"].items() if k != "patterns"]
        for keyword in (k for entries in lists if isinstance(entries, list) for k in entries):
            assert keyword_problem(keyword) is None, (theme["slug"], keyword)


def test_word_sets_stand_for_a_family_of_words() -> None:
    theme = compile_theme(
        "care",
        "Care",
        ["@clinician ~3 @praise"],
        {"sets": {"clinician": ["nurse", "doctor", '"gp"'], "praise": ["brilliant", "kind"]}},
    )
    taxonomy = Taxonomy([theme])
    match = taxonomy.suggest("The nurses were brilliant with my dad.")
    assert [m.slug for m in match] == ["care"]
    assert match[0].evidence[0].text == "nurses were brilliant"
    assert taxonomy.suggest("The GP was so kind.") != []
    assert taxonomy.suggest("The receptionist was brilliant.") == []
    # "gp" was given in quotes, so only the exact word counts
    assert taxonomy.suggest("The gps were kind.") == []


def test_an_unknown_word_set_matches_nothing() -> None:
    theme = compile_theme("x", "X", ["@nosuchset", "@nosuchset ~2 parking"], {})
    assert Taxonomy([theme]).suggest("nosuchset parking") == []
    entry = parse_entry("@nosuchset ~2 parking")
    assert entry is not None and entry.parts[0][0].forms == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "My appointment was booked for 9.20 and I went in at 10.35.",
        "Had a 3pm appointment, wasn't seen until 4.10.",
        "The GP was late back so everyone was kept hanging about.",
        "The waiting room was freezing and the telly was far too loud.",
        "The screen that calls your name out is impossible to hear.",
    ],
)
def test_waiting_room_covers_lateness_and_the_room_itself(text: str) -> None:
    assert "waiting_room" in slugs(text)


@pytest.mark.parametrize(
    "text",
    [
        "The 8am scramble is soul destroying.",
        "It's so hard to get seen by a doctor these days.",
        "Everything had gone by ten past eight.",
        "Asked for a home visit for my nan and was refused.",
        "They should be open on Saturdays for people who work.",
        "We haven't been able to see anyone for a fortnight.",
    ],
)
def test_appointment_availability_paraphrases(text: str) -> None:
    assert "appointment_availability" in slugs(text)


@pytest.mark.parametrize(
    ("text", "wanted", "unwanted"),
    [
        ("The surgery phoned me to say my clinic was off.", "cancellations", "phone_access"),
        ("I took the morning off work for my appointment.", None, "cancellations"),
        ("Waited three hours in the walk-in centre last night.", None, "waiting_room"),
        ("Waited three hours in the walk-in centre last night.", None, "appointment_availability"),
        ("The hospital letter came a week later.", None, "referrals"),
        ("My appointment was cancelled by text.", "cancellations", "communication"),
        ("The doctors and nurses were lovely.", "clinical_care", "reception_staff"),
        ("The pharmacy counter staff were rude.", "prescriptions", "reception_staff"),
        ("I was impressed with how tidy the building is.", "premises_access", "clinical_care"),
        ("The locum doctor was excellent.", "continuity", None),
        ("The locum doctor was excellent.", "clinical_care", None),
        ("The practice nurses are fab with the little ones.", "clinical_care", None),
        ("Nobody gave a reason for the change.", "communication", None),
        ("They kept me updated the whole time.", "communication", None),
        ("Is it worth trying to self-refer to the physio?", "referrals", None),
    ],
)
def test_context_decides_the_theme(text: str, wanted: str | None, unwanted: str | None) -> None:
    found = slugs(text)
    if wanted:
        assert wanted in found
    if unwanted:
        assert unwanted not in found


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("recep was really off with me", "reception_staff"),
        ("the docs here are brill", "clinical_care"),
        ("fones engaged from 8 till 9", "phone_access"),
        ("prescrip still not at the chemist", "prescriptions"),
        ("my apt got moved twice", "cancellations"),
    ],
)
def test_text_speak(text: str, slug: str) -> None:
    assert slug in slugs(text)
