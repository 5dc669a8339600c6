"""Verbatim evidence and the local evidence-retrieval scorer (AI-2, AI-4, AI-6)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ai_analysis.evidence import (
    LocalEvidenceScorer,
    anchor_terms,
    evidence_for_quote,
    joined_terms,
    qualifies,
    query_weights,
    score_from_evidence,
    stem,
    terms,
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


# --- LocalEvidenceScorer ------------------------------------------------------------------------------------------


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
    assert any("incident" in e.quote or "postmortem" in e.quote for e in incidents.evidence)
    assert all("schema" not in e.quote for e in incidents.evidence)
    assert mandarin.score is None
    assert mandarin.evidence == ()
    assert mandarin.rationale == INSUFFICIENT_EVIDENCE


def test_rich_evidence_scores_higher_than_thin_evidence(drafts):
    thin = make_turns([("interviewer", "Databases?"), ("candidate", "I once designed a small database for a club.")])
    [thin_draft] = LocalEvidenceScorer().score(pair_questions_and_answers(thin), [DATABASE])
    assert thin_draft.score is not None
    assert thin_draft.score < drafts["crit_db"].score


def test_rationales_are_factual_and_within_scope(drafts):
    for draft in drafts.values():
        assert check_scope(draft.rationale) == []
        if draft.score is not None:
            assert draft.rationale.startswith("Matched '")
            assert "against 'Database design'" in draft.rationale or "against 'Incident response'" in draft.rationale


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


def test_interviewer_words_are_never_evidence():
    lines = [
        ("interviewer", "Tell me about database design, schemas, indexes, normalisation and migrations?"),
        ("candidate", "I have mostly worked on the frontend with React and CSS."),
    ]
    [draft] = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(lines)), [DATABASE])
    assert draft.score is None and draft.evidence == ()


def test_a_single_topical_word_is_not_evidence():
    lines = [("interviewer", "Anything else?"), ("candidate", "We had one database at my old job, nothing special.")]
    [draft] = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(lines)), [DATABASE])
    assert draft.score is None


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
    pairs = [QAPair(0, Turn(0, "interviewer", 0.0, 2.0, "Tell me about data?"), (turn,))]
    [draft] = LocalEvidenceScorer().score(pairs, [DATABASE])
    assert draft.evidence
    for evidence in draft.evidence:
        assert evidence.quote in text
        assert len(evidence.quote.split()) <= 30


def test_anchor_terms_move_the_score_towards_the_matching_level():
    criterion = CriterionSpec(
        key="k",
        name="Load testing",
        description="Plans and runs load tests.",
        anchors={1: "Only read articles about load testing, theoretical knowledge.", 5: "Ran soak and spike tests."},
    )
    theory = [("interviewer", "Load tests?"), ("candidate", "I have only read articles about load testing, theory.")]
    practice = [("interviewer", "Load tests?"), ("candidate", "I ran soak and spike load tests before every launch.")]
    [low] = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(theory)), [criterion])
    [high] = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(practice)), [criterion])
    # Both spans are strong (both name terms plus anchor words): 2 + 1; then level 1 pulls down, level 5 pulls up.
    assert (low.score, high.score) == (2, 4)


# --- The rule's parts ---------------------------------------------------------------------------------------------


def test_query_weights_rank_name_over_description_over_anchors():
    weights = query_weights(DATABASE)
    assert weights[stem("database")] == 3
    assert weights[stem("indexes")] == 2
    assert weights[stem("downtime")] == 1


@pytest.mark.parametrize(
    ("matched", "expected"),
    [
        ({"databas": 3}, False),  # one name term alone
        ({"databas": 3, "tabl": 1}, True),  # name term + anything reaches 4
        ({"index": 2, "tabl": 2}, False),  # two description terms
        ({"index": 2, "tabl": 2, "migrat": 2}, True),  # three description terms
        ({"zero": 1, "downtim": 1, "denormalis": 1, "trade": 1}, False),  # anchors alone never qualify
    ],
)
def test_qualifying_rule(matched, expected):
    assert qualifies(matched) is expected


@pytest.mark.parametrize(
    ("weights", "evidence_terms", "expected"),
    [
        ([4], set(), 2),  # one span
        ([4, 5], set(), 3),  # two spans
        ([4, 5, 6], set(), 3),  # three spans
        ([9, 4], set(), 4),  # a strong span adds one
        ([9, 4, 4], {"zero", "downtim"}, 5),  # anchor 5 pulls up
        ([4], {"never", "handl"}, 1),  # anchor 1 pulls down
        ([4, 5], {"zero"}, 3),  # one anchor term is not enough to move
    ],
)
def test_score_mapping(weights, evidence_terms, expected):
    anchors = {1: frozenset({"never", "handl"}), 5: frozenset({"zero", "downtim"})}
    assert score_from_evidence(weights, frozenset(evidence_terms), anchors) == expected


def test_anchor_terms_are_those_unique_to_a_level():
    levels = anchor_terms(DATABASE)
    assert stem("downtime") in levels[5]
    assert stem("indexes") not in levels[5]  # shared by levels 3 and 5


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


def test_terms_drop_stop_words_and_joined_pairs_bridge_compounds():
    assert terms("I rolled back the release") == ["roll", "back", "releas"]
    assert joined_terms("I rolled back the release, then data-base work") == ["rollback", "databas", "basework"]
    assert joined_terms("load testing, theory") == ["loadtest"]  # never across punctuation


def test_compound_bridges_count_once_and_never_next_to_their_parts():
    rollback = CriterionSpec(key="r", name="Rollback", description="Rolls back bad releases quickly.")
    lines = [("interviewer", "Bad deploy?"), ("candidate", "We rolled back the bad release within minutes.")]
    [draft] = LocalEvidenceScorer().score(pair_questions_and_answers(make_turns(lines)), [rollback])
    assert draft.score is not None
    assert "criterion terms: bad, releases, rollback)" in draft.rationale
