"""Verbatim evidence and the local semantic, evidence-first scorer (AI-2, AI-4, AI-5, AI-6).

The scorer runs with the real embedding model (``ai_analysis.semantic``, from the pinned wheel): these tests are about
what it finds, so nothing here stands in for it except where a test proves the model is *not* used.
"""

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ai_analysis.evidence import (
    LocalEvidenceScorer,
    evidence_for_quote,
    lexical_terms,
    lexical_weights,
    looks_english,
    not_the_candidates_own,
    stem,
)
from ai_analysis.guardrails import check_scope
from ai_analysis.structuring import pair_questions_and_answers
from ai_analysis.types import INSUFFICIENT_EVIDENCE, CriterionSpec, QAPair, Turn

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = [
    ("interviewer", "Thanks for joining. Tell me about a database schema you designed, and how you chose the indexes?"),
    (
        "candidate",
        "Sure. At my last job I designed the database schema for our order service from scratch. "
        "We had around forty tables in PostgreSQL, and I normalised the customer and order data to third normal form. "
        "I also added composite indexes for the reporting queries, which cut query time from seconds to milliseconds.",
    ),
    ("interviewer", "Mm-hm."),
    (
        "candidate",
        "Later we denormalised a couple of read-heavy tables into a materialised view, trading write cost for reads.",
    ),
    ("interviewer", "How did you handle schema migrations?"),
    (
        "candidate",
        "We ran every schema migration through versioned migration scripts, backward compatible first, "
        "so the old and new application versions could both run against the database during a deploy.",
    ),
    ("interviewer", "Now, walk me through a production incident you were part of."),
    (
        "candidate",
        "Last spring our payment API started timing out at two in the morning and I was the on-call engineer. "
        "I acknowledged the page, opened an incident channel and rolled back the release from that evening. "
        "Once the service recovered I wrote the postmortem with a timeline, the root cause, which was a missing "
        "index, and three follow-up actions.",
    ),
    ("interviewer", "What would you do differently?"),
    (
        "candidate",
        "I would add an alert on p99 latency so the incident gets detected before customers notice, "
        "and I would practise the rollback in a game day.",
    ),
    ("interviewer", "Great, thank you. Any questions for us, maybe about our Mandarin-speaking clients in Beijing?"),
    ("candidate", "Yes, what does the on-call rotation look like here?"),
]

DATABASE = CriterionSpec(
    key="crit_db",
    name="Database design",
    description="Designs relational schemas, indexes and migrations; reasons about normalisation.",
    evidence_guidance="Look for concrete schemas, tables, indexes, trade-offs of normalised and denormalised data.",
    anchors={
        1: "No database work described.",
        3: "Has created tables and simple indexes.",
        5: "Designed schemas with indexes, denormalisation trade-offs and zero-downtime migrations.",
    },
    weight=2,
)
INCIDENTS = CriterionSpec(
    key="crit_inc",
    name="Incident response",
    description="Handles production incidents: detection, mitigation, rollback, communication and postmortems.",
    evidence_guidance="Look for on-call experience, rollback decisions, postmortems and follow-up actions.",
    anchors={
        1: "Never handled an incident.",
        3: "Took part in incidents under guidance.",
        5: "Led incident response: mitigated with a rollback, wrote the postmortem, drove follow-up alerting.",
    },
)
MANDARIN = CriterionSpec(
    key="crit_zh",
    name="Mandarin fluency",
    description="Speaks Mandarin Chinese at a professional level with clients in Beijing.",
    evidence_guidance="Look for the candidate using Mandarin or describing work conducted in Mandarin.",
    anchors={1: "No Mandarin.", 5: "Negotiates contracts in Mandarin."},
)
CRITERIA = [DATABASE, INCIDENTS, MANDARIN]


def make_turns(lines: list[tuple[str, str]]) -> list[Turn]:
    turns, clock = [], 0.0
    for i, (speaker, text) in enumerate(lines):
        duration = round(len(text.split()) * 0.4, 1)
        turns.append(Turn(i, speaker, clock, round(clock + duration, 1), text))
        clock = round(clock + duration + 0.5, 1)
    return turns


def run_scripted() -> str:
    """The scorer's output for the scripted interview, as text (used across processes for determinism)."""
    return repr(LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(SCRIPT)), CRITERIA))


@pytest.fixture
def turns() -> list[Turn]:
    return make_turns(SCRIPT)


@pytest.fixture
def drafts(turns):
    return {d.criterion_key: d for d in LocalEvidenceScorer().score(pair_questions_and_answers(turns), CRITERIA)}


# --- The verbatim check ------------------------------------------------------------------------------------------


def quote_occurs(quote: str, turns: list[Turn]) -> Turn | None:
    """The turn ``evidence_for_quote`` finds the quote in, or None."""
    found = evidence_for_quote(quote, turns)
    return None if found is None else next(turn for turn in turns if turn.index == found.turn_index)


def test_quote_from_a_candidate_turn_is_found_in_that_turn(turns):
    assert quote_occurs("I designed the database schema for our order service", turns) is turns[1]


def test_quote_of_the_interviewer_is_rejected(turns):
    assert quote_occurs("Tell me about a database schema you designed", turns) is None
    assert quote_occurs("Mandarin-speaking clients in Beijing", turns) is None


def test_whitespace_case_and_typographic_quotes_and_dashes_are_normalised():
    turn = Turn(
        0, "candidate", 1.0, 9.0, "We said \u201cship it\u201d \u2014 then   rolled\nback the candidate\u2019s branch."
    )
    assert quote_occurs('we SAID "ship it" - then rolled back', [turn]) is turn
    assert quote_occurs("THE CANDIDATE'S BRANCH", [turn]) is turn


@pytest.mark.parametrize(
    "quote",
    [
        "I designed the database schema for the order service",  # one word changed
        "I designed the database schema, for our order service",  # punctuation added
        "designed schema order service",  # words dropped
        "I built the database schema for our order service",  # paraphrase
        "",
        "   ",
    ],
)
def test_anything_but_a_verbatim_quote_is_rejected(turns, quote):
    assert quote_occurs(quote, turns) is None


def test_evidence_for_quote_returns_the_turn_text_and_timestamps():
    turn = Turn(4, "candidate", 12.5, 20.0, "I  wrote the \u201cpostmortem\u201d \u2013 all of it.")
    evidence = evidence_for_quote('wrote the "postmortem" - all', [turn])
    assert evidence is not None
    assert evidence.quote == "wrote the \u201cpostmortem\u201d \u2013 all"
    assert evidence.quote in turn.text
    assert (evidence.turn_index, evidence.start_s, evidence.end_s) == (4, 12.5, 20.0)
    assert evidence_for_quote("an invented sentence", [turn]) is None


# --- LocalEvidenceScorer: what it finds ----------------------------------------------------------------------------


def score(lines: list[tuple[str, str]], criteria: list[CriterionSpec]) -> dict:
    drafts = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(lines)), criteria)
    return {d.criterion_key: d for d in drafts}


def test_every_quote_is_a_verbatim_substring_of_a_candidate_turn_with_its_timestamps(turns, drafts):
    by_index = {t.index: t for t in turns}
    quoted = [e for d in drafts.values() for e in d.evidence]
    assert quoted
    for evidence in quoted:
        turn = by_index[evidence.turn_index]
        assert turn.speaker == "candidate"
        assert evidence.quote in turn.text
        assert (evidence.start_s, evidence.end_s) == (turn.start_s, turn.end_s)
        assert quote_occurs(evidence.quote, turns) is turn


def test_matching_criteria_get_evidence_and_an_unrelated_one_gets_none(drafts):
    database, incidents, mandarin = drafts["crit_db"], drafts["crit_inc"], drafts["crit_zh"]
    assert database.score is not None and 1 <= database.score <= 5
    assert incidents.score is not None and 1 <= incidents.score <= 5
    assert 1 <= len(database.evidence) <= 3 and 1 <= len(incidents.evidence) <= 3
    assert any("database schema" in e.quote for e in database.evidence)
    assert any("rolled back the release" in e.quote or "postmortem" in e.quote for e in incidents.evidence)
    assert all("schema" not in e.quote for e in incidents.evidence)
    assert mandarin.score is None
    assert mandarin.evidence == ()
    assert mandarin.rationale == INSUFFICIENT_EVIDENCE


FOOD_SAFETY = CriterionSpec(
    key="food",
    name="Food safety",
    description="Keeps food safe to eat: temperatures, allergens and hygiene.",
    evidence_guidance="Checks on deliveries and storage, allergen handling, cleaning routines.",
    anchors={
        1: "Unsure of temperatures or allergen rules",
        3: "Follows the kitchen's checklists",
        5: "Runs the checks, records them and acts at once when something is out of range",
    },
)
KITCHEN_COSTS = CriterionSpec(
    key="costs",
    name="Kitchen costs",
    description="Keeps food and staff costs within budget.",
    evidence_guidance="Waste, ordering, menu pricing, rotas.",
    anchors={1: "Does not know the costs", 5: "Tracks the margin per dish and cuts waste"},
)
TEAMWORK = CriterionSpec(
    key="team",
    name="Teamwork",
    description="Works with colleagues to reach a shared goal.",
    evidence_guidance="Who the candidate worked with, how the work was shared out, how the group got to the goal.",
    anchors={
        1: "Works alone and ignores the others",
        3: "Helps colleagues when asked",
        5: "Shares out the work, helps colleagues and gets the group to the goal together",
    },
)
PLANNING = CriterionSpec(
    key="planning",
    name="Planning",
    description="Plans work so that it is delivered on time.",
    evidence_guidance="Plans, estimates, dates kept.",
)


def test_a_paraphrase_without_any_of_the_criterions_words_is_found():
    lines = [
        ("interviewer", "How do you make sure nothing you serve makes a guest ill?"),
        (
            "candidate",
            "Every delivery gets probed at the door, and anything chilled that reads over five degrees goes straight "
            "back on the van. I write the readings on the sheet by the walk-in twice a shift.",
        ),
        ("interviewer", "How do you plan the orders?"),
        (
            "candidate",
            "I order from the sales of the last three weeks and weigh what we throw away every night, which cut our "
            "waste by a third.",
        ),
    ]
    drafts = score(lines, [FOOD_SAFETY, KITCHEN_COSTS])
    food, costs = drafts["food"], drafts["costs"]
    assert food.score is not None
    assert any("probed at the door" in e.quote for e in food.evidence)
    assert not (lexical_terms(FOOD_SAFETY.name) & lexical_terms(" ".join(e.quote for e in food.evidence)))
    assert any("weigh what we throw away" in e.quote for e in costs.evidence)
    assert all("probed" not in e.quote for e in costs.evidence)


def test_the_interviewer_naming_a_criterion_is_never_evidence():
    lines = [
        ("interviewer", "We look at database design: schemas, indexes, normalisation and migrations. Databases?"),
        ("candidate", "I have mostly worked on the frontend with React and CSS."),
        ("interviewer", "We will skip database design for today then. Thanks."),
        ("candidate", "No problem, thank you very much."),
    ]
    for criteria in ([DATABASE], [DATABASE, INCIDENTS]):
        draft = score(lines, criteria)["crit_db"]
        assert (draft.score, draft.evidence, draft.rationale) == (None, (), INSUFFICIENT_EVIDENCE)


def test_the_answer_to_the_kit_question_is_where_the_scorer_looks_first():
    """An answer two criteria could claim: the interview kit says which criterion the question was asked for."""
    asked = "What did you do when the spring release started to slip?"
    lines = [
        ("interviewer", asked),
        (
            "candidate",
            "I got the whole team together, we re-planned the remaining work into daily goals and helped each "
            "other until we shipped on the new date.",
        ),
    ]
    unlinked = score(lines, [TEAMWORK, PLANNING])
    for_teamwork = score(lines, [replace(TEAMWORK, questions=(asked,)), PLANNING])
    for_planning = score(lines, [TEAMWORK, replace(PLANNING, questions=(asked,))])
    assert unlinked["team"].evidence and unlinked["planning"].evidence
    assert for_teamwork["team"].evidence and not for_teamwork["planning"].evidence
    assert for_planning["planning"].evidence and not for_planning["team"].evidence


def test_a_weak_answer_scores_low_and_a_strong_one_high():
    complaints = CriterionSpec(
        key="complaints",
        name="Handling customer complaints",
        description="Calms an unhappy customer and resolves the complaint.",
        evidence_guidance="What the candidate did, how the complaint was resolved, what followed.",
        anchors={
            1: "Argues with the customer or passes the complaint on",
            3: "Stays polite and promises to get back",
            5: "Listens, takes ownership and resolves the complaint on the spot",
        },
    )
    stock = CriterionSpec(
        key="stock",
        name="Stock control",
        description="Keeps the shop's stock counted and ordered in time.",
        evidence_guidance="Counts, orders, shrinkage.",
    )
    question = ("interviewer", "Tell me about a customer complaint you dealt with.")
    shelves = [
        ("interviewer", "How do you keep the shelves full?"),
        ("candidate", "I count the fast sellers every Monday and order from the weekly sales report."),
    ]
    weak = [question, ("candidate", "I tell them it is not my department and give them the email of head office.")]
    strong = [
        question,
        (
            "candidate",
            "A customer had been charged twice, so I listened to the whole story, refunded the second charge while "
            "the customer was still at the till and printed the receipt.",
        ),
    ]
    low = score(weak + shelves, [complaints, stock])["complaints"]
    high = score(strong + shelves, [complaints, stock])["complaints"]
    assert low.score is not None and low.score <= 2
    assert "not my department" in low.evidence[0].quote
    assert "closest to 1" in low.rationale
    assert high.score is not None and high.score >= 4


def test_someone_elses_achievement_is_not_the_candidates_evidence():
    sales = CriterionSpec(key="deals", name="Closing large deals", description="Has closed large deals personally.")
    lines = [
        ("interviewer", "What is the biggest deal you closed?"),
        (
            "candidate",
            "The biggest one in the region was the airport contract, but that was Maria's deal from start to end; "
            "I was not involved in that account.",
        ),
    ]
    assert score(lines, [sales])["deals"].evidence == ()
    assert not_the_candidates_own("That was really Johan's deal; I wasn't part of that account.")
    assert not_the_candidates_own("My colleague found it. I was on a different job that whole week.")
    assert not_the_candidates_own("Det var inte jag som löste det, jag var på ett annat uppdrag.")
    for own in (
        "I closed the airport contract myself after eight months of talks.",
        "I never do it live: I lock off the breaker first.",
        "I didn't do that again; since then I test every change.",
        "It was a hard case, and I was there until two in the morning.",
    ):
        assert not not_the_candidates_own(own), own


def test_sentences_a_score_may_not_rest_on_are_never_quoted():
    """AI-6: a sentence about feelings is left out as evidence, even when it is on topic."""
    lines = [
        ("interviewer", "Tell me about a production incident."),
        (
            "candidate",
            "I was so nervous and anxious during the whole incident. I rolled back the release within ten minutes "
            "and wrote the postmortem with a timeline the next morning.",
        ),
    ]
    draft = score(lines, [INCIDENTS])["crit_inc"]
    assert draft.evidence
    assert all(check_scope(e.quote) == [] for e in draft.evidence)
    assert check_scope(draft.rationale) == []


def test_a_swedish_interview_is_scored_from_its_structure_and_words_without_the_english_model():
    """The embedding model reads English only, so it is never asked about Swedish text (the README says so)."""

    def no_model(texts):
        raise AssertionError("the English model was used on a Swedish interview")

    dokumentation = CriterionSpec(
        key="dok",
        name="Dokumentation i ärendet",
        description="Dokumenterar ärenden så att någon annan kan ta över.",
        anchors={1: "Dokumenterar inte", 3: "Skriver korta anteckningar", 5: "Skriver vad kunden sa och nästa steg"},
    )
    tyska = CriterionSpec(key="ty", name="Tyska i arbetet", description="Kan ta samtal med kunder på tyska.")
    lines = [
        ("interviewer", "Vad skriver du i ärendet när samtalet är slut?"),
        ("candidate", "Jag skriver alltid vad kunden sa och nästa steg, så att en kollega kan ta över ärendet."),
        ("interviewer", "Hur länge har du jobbat med kundservice?"),
        ("candidate", "I ungefär tre år, mest med fakturor och flyttar."),
    ]
    drafts = LocalEvidenceScorer(encode=no_model).score(
        pair_questions_and_answers(make_turns(lines)), [dokumentation, tyska]
    )
    dok, ty = drafts
    assert dok.score is not None and dok.score >= 4
    assert "nästa steg" in dok.evidence[0].quote
    assert "reads English only" in dok.rationale
    assert ty.score is None
    assert not looks_english([lines[1][1]]) and looks_english(["I wrote down what the customer said."])


def test_no_answers_means_insufficient_evidence_everywhere():
    pairs = [QAPair(0, Turn(0, "interviewer", 0.0, 2.0, "How do you design schemas?"), ())]
    drafts = LocalEvidenceScorer().score(pairs, CRITERIA)
    assert [(d.criterion_key, d.score, d.rationale) for d in drafts] == [
        (c.key, None, INSUFFICIENT_EVIDENCE) for c in CRITERIA
    ]


def test_long_unpunctuated_answers_are_quoted_in_windows():
    words = (
        "so basically um " * 20 + "then I designed the database schema with indexes for the orders tables "
    ).split()
    text = " ".join(words * 3)
    turn = Turn(1, "candidate", 3.0, 90.0, text)
    pairs = [QAPair(0, Turn(0, "interviewer", 0.0, 2.0, "Tell me about the order data?"), (turn,))]
    [draft] = LocalEvidenceScorer().score(pairs, [DATABASE])
    assert draft.evidence
    for evidence in draft.evidence:
        assert evidence.quote in text
        assert len(evidence.quote.split()) <= 30


# --- Rationales, determinism -----------------------------------------------------------------------------------


def test_rationales_are_plain_language_a_candidate_can_read(drafts):
    database = drafts["crit_db"]
    assert database.rationale.startswith("The score rests on these words from the answers: \u201cAt my last job")
    assert "come closest to" in database.rationale
    for draft in drafts.values():
        assert check_scope(draft.rationale) == []
        for engine_words in ("weight", "terms", "span", "crit_", "BM25", "cosine"):
            assert engine_words not in draft.rationale


def test_same_input_gives_the_same_output(turns):
    pairs = pair_questions_and_answers(turns)
    assert LocalEvidenceScorer().score(pairs, CRITERIA) == LocalEvidenceScorer().score(pairs, CRITERIA)


def test_output_does_not_depend_on_the_hash_seed():
    code = "from tests.ai_analysis.test_evidence import run_scripted; print(run_scripted())"
    outputs = {
        subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert outputs == {run_scripted() + "\n"}


# --- The word signal's parts ----------------------------------------------------------------------------------


def test_criterion_words_weigh_name_over_description_over_anchors():
    weights = lexical_weights(DATABASE)
    assert weights[stem("database")[:6]] == 3
    assert weights[stem("indexes")[:6]] == 2
    assert weights[stem("downtime")[:6]] == 1


def test_swedish_inflections_meet_and_stop_words_are_dropped():
    assert lexical_terms("ärendet") == lexical_terms("ärenden")
    assert lexical_terms("dokumentation") == lexical_terms("dokumenterar")
    assert lexical_terms("och att det som jag") == set()


@pytest.mark.parametrize(
    ("words", "same"),
    [
        (["design", "designed", "designing", "designs"], True),
        (["database", "databases"], True),
        (["model", "models", "modelling", "modeled"], True),
        (["migration", "migrations", "migrate", "migrated"], True),
        (["index", "indexes", "indexed"], True),
        (["query", "queries"], True),
        (["process", "processes"], True),
        (["design", "database"], False),
    ],
)
def test_light_stemmer(words, same):
    assert (len({stem(w) for w in words}) == 1) is same


def test_the_local_candidate_feedback_uses_the_rationales_closest_description(drafts):
    """AI-7: the candidate's feedback draft names, per scored criterion, the score description the reason names, and
    still passes the candidate-feedback guardrail."""
    from ai_analysis import guardrails
    from ai_analysis.evidence import closest_description
    from ai_analysis.providers.local import LocalProvider

    ordered = [drafts[c.key] for c in CRITERIA]
    text = LocalProvider().candidate_feedback_draft(ordered, CRITERIA, recruiter_notes="", on_call=lambda call: None)
    level, description = closest_description(drafts["crit_inc"].rationale)
    assert INCIDENTS.anchors[level].rstrip(".") == description
    assert f"Incident response: your answers came closest to this description: \u201c{description}\u201d." in text
    assert "Mandarin fluency: your answers came closest" not in text  # no score, no description
    assert not guardrails.candidate_feedback(text, recruiter_names=[], criteria_names=[]).used_fallback
    assert closest_description("A reviewer's own words.") is None
