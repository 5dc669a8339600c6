"""The one score validation every provider's drafts pass through, and the team summary's scope door (AI-4, AI-6).

The rules are tested on plain drafts first; then the same invented quote, or the same out-of-scope rationale, is
sent by the local provider and by the OpenAI-compatible one through the pipeline's score step: both are stored the
same way, for the same logged reason.
"""

import logging

import pytest

from ai_analysis import pipeline
from ai_analysis.draft_checks import (
    MAX_QUOTES_PER_SCORE,
    QUOTE_NOT_VERBATIM,
    factual_summary,
    recruiter_feedback_in_scope,
    validate_score_drafts,
)
from ai_analysis.evidence import LocalEvidenceScorer
from ai_analysis.guardrails import check_scope
from ai_analysis.models import Feedback, Score
from ai_analysis.providers.local import LocalProvider
from ai_analysis.types import (
    INSUFFICIENT_EVIDENCE,
    WITHHELD_FOR_SCOPE,
    CriterionSpec,
    EvidenceDraft,
    ScoreDraft,
    Turn,
)
from tests.ai_analysis.factories import ScoreFactory
from tests.ai_analysis.openai_server import Reply, chat_completion
from tests.ai_analysis.step_world import (
    ANSWER,
    TURNS,
    openai_provider_settings,
    started_with_current_provider,
    transcribed_analysis,
)

REAL = "added a composite index"
INVENTED = "I rewrote the whole storage engine in Rust"
DB = CriterionSpec(key="crit_db", name="Database design")
TESTING = CriterionSpec(key="crit_test", name="Testing")


def quote(text: str, turn_index: int = 1) -> EvidenceDraft:
    return EvidenceDraft(turn_index, text, 0.0, 0.0)


def validate(*drafts: ScoreDraft, criteria=(DB,)):
    return validate_score_drafts(drafts, turns=TURNS, criteria=criteria)


# --- The rules ----------------------------------------------------------------------------------------------------


def test_a_verbatim_quote_is_kept_with_its_turns_text_and_timestamps():
    checked = validate(ScoreDraft("crit_db", 4, "Designed the schema.", (quote("ADDED a composite  index"),)))
    assert checked.drafts == [
        ScoreDraft("crit_db", 4, "Designed the schema.", (EvidenceDraft(1, REAL, 5.0, 12.0),)),
    ]
    assert (checked.dropped_quotes, checked.withheld_for_scope) == (0, ())


def test_invented_and_interviewer_quotes_are_dropped_and_a_score_left_without_evidence_has_none():
    checked = validate(ScoreDraft("crit_db", 5, "Designed it.", (quote(INVENTED), quote("a database you designed", 0))))
    assert checked.drafts == [ScoreDraft("crit_db", None, INSUFFICIENT_EVIDENCE)]
    assert checked.dropped_quotes == 2


def test_a_quote_cited_with_the_wrong_turn_is_found_in_its_candidate_turn_and_kept_once():
    checked = validate(ScoreDraft("crit_db", 4, "Indexed.", (quote(REAL, 0), quote(REAL), quote(REAL, 7))))
    assert [(e.turn_index, e.quote) for e in checked.drafts[0].evidence] == [(1, REAL)]
    assert checked.dropped_quotes == 0


def test_at_most_three_quotes_stay():
    words = ANSWER.split()
    quotes = tuple(quote(" ".join(words[i : i + 3])) for i in range(6))
    [draft] = validate(ScoreDraft("crit_db", 4, "Designed it.", quotes)).drafts
    assert len(draft.evidence) == MAX_QUOTES_PER_SCORE == 3


def test_a_draft_with_an_out_of_scope_rationale_is_withheld_whole():
    checked = validate(ScoreDraft("crit_db", 5, "Seemed nervous, but designed the schema.", (quote(REAL),)))
    assert checked.drafts == [ScoreDraft("crit_db", None, WITHHELD_FOR_SCOPE)]
    assert checked.withheld_for_scope == ("crit_db",)


def test_an_out_of_scope_quote_of_the_candidate_withholds_the_score():
    turns = [Turn(1, "candidate", 5.0, 12.0, "I was so nervous, but I added a composite index.")]
    draft = ScoreDraft("crit_db", 4, "Added an index.", (quote("I was so nervous"), quote(REAL)))
    checked = validate_score_drafts([draft], turns=turns, criteria=[DB])
    assert checked.drafts == [ScoreDraft("crit_db", None, WITHHELD_FOR_SCOPE)]


def test_an_invented_out_of_scope_quote_is_only_dropped():
    draft = ScoreDraft("crit_db", 4, "Added an index.", (quote("I am a nervous person"), quote(REAL)))
    checked = validate(draft)
    assert checked.drafts[0].score == 4 and checked.dropped_quotes == 1 and checked.withheld_for_scope == ()


def test_every_criterion_gets_one_draft_in_order_and_unknown_keys_are_ignored():
    checked = validate(
        ScoreDraft("crit_unknown", 5, "Elsewhere.", (quote(REAL),)),
        ScoreDraft("crit_db", 9, "Designed it.", (quote(REAL),)),
        criteria=(TESTING, DB),
    )
    assert [(d.criterion_key, d.score, d.rationale) for d in checked.drafts] == [
        ("crit_test", None, INSUFFICIENT_EVIDENCE),
        ("crit_db", 5, "Designed it."),  # clamped to 1..5
    ]


def test_a_draft_without_a_score_keeps_its_rationale_and_quotes():
    [draft] = validate(ScoreDraft("crit_db", None, "Not enough to score.", (quote(REAL),))).drafts
    assert (draft.score, draft.rationale, len(draft.evidence)) == (None, "Not enough to score.", 1)


def test_a_second_pass_changes_nothing():
    first = validate(
        ScoreDraft("crit_db", 4, "Designed it.", (quote(REAL), quote(INVENTED))),
        ScoreDraft("crit_test", 3, "Seemed confident.", (quote(REAL),)),
        criteria=(DB, TESTING),
    )
    second = validate(*first.drafts, criteria=(DB, TESTING))
    assert second.drafts == first.drafts
    assert (second.dropped_quotes, second.withheld_for_scope) == (0, ())
    assert check_scope(WITHHELD_FOR_SCOPE) == []  # the wording itself never trips the check


# --- The team's summary -------------------------------------------------------------------------------------------


def test_the_factual_summary_names_the_criteria():
    drafts = [ScoreDraft("crit_db", 4, "Designed it.", (EvidenceDraft(1, REAL, 65.0, 70.0),))]
    assert factual_summary(drafts, [DB, TESTING]).splitlines() == [
        "Database design: draft score 4/5, 1 quoted passage (from 01:05). Designed it.",
        "Testing: not scored (insufficient evidence).",
    ]


def test_summary_text_in_scope_is_kept_and_out_of_scope_text_is_replaced():
    drafts = [ScoreDraft("crit_db", 4, "Designed it.", ())]
    assert recruiter_feedback_in_scope("Database design: indexed.", drafts, [DB]) == "Database design: indexed."
    replaced = recruiter_feedback_in_scope("Database design: a nervous speaker.", drafts, [DB])
    assert replaced == factual_summary(drafts, [DB])


# --- Both providers, through the pipeline ------------------------------------------------------------------------


@pytest.fixture
def to_score(acme, invite, accept):
    return transcribed_analysis(acme, invite, accept)


@pytest.fixture
def openai_settings(settings):
    with openai_provider_settings(settings) as server:
        yield settings, server


def stored(analysis):
    return [
        (score.criterion_name, score.value, score.rationale, [(e.turn.index, e.quote) for e in score.evidence.all()])
        for score in Score.objects.for_operators().filter(analysis=analysis)
    ]


CASES = {
    "invented quote": (4, "Designed the orders schema.", [INVENTED, REAL]),
    "out-of-scope rationale": (4, "Seemed nervous, but designed the orders schema.", [REAL]),
}


@pytest.mark.parametrize("case", CASES)
def test_both_providers_drafts_go_through_the_same_validation(to_score, openai_settings, monkeypatch, caplog, case):
    analysis, criterion = to_score
    settings, server = openai_settings
    value, rationale, quotes = CASES[case]
    results, logged = {}, {}

    # The local provider's scorer drafts the case…
    monkeypatch.setattr(
        LocalEvidenceScorer,
        "score",
        lambda self, pairs, criteria: [
            ScoreDraft(c.key, value, rationale, tuple(map(quote, quotes))) for c in criteria
        ],
    )
    # …and so does the model behind the OpenAI-compatible provider.
    server.push(
        Reply(
            chat_completion(
                {
                    "criteria": {
                        criterion.public_id: {
                            "score": value,
                            "rationale": rationale,
                            "evidence": [{"turn_index": 1, "quote": q} for q in quotes],
                        }
                    }
                }
            )
        )
    )
    for provider in ("local", "openai"):
        settings.AI_PROVIDER = provider
        started_with_current_provider(analysis)  # as if this analysis had been started with this provider
        analysis.steps.update(status="pending")
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="ai_analysis.draft_checks"):
            assert pipeline.run_step(analysis.public_id, "score")
        results[provider] = stored(analysis)
        logged[provider] = [r.getMessage() for r in caplog.records if r.name == "ai_analysis.draft_checks"]

    assert results["local"] == results["openai"]
    assert len(server.requests) == 1
    if case == "invented quote":
        assert results["local"] == [("Database design", 4, "Designed the orders schema.", [(1, REAL)])]
        for provider in ("local", "openai"):
            assert logged[provider] == [f"{provider} provider: dropped 1 evidence quote(s): {QUOTE_NOT_VERBATIM}"]
    else:
        assert results["local"] == [("Database design", None, WITHHELD_FOR_SCOPE, [])]
        for provider in ("local", "openai"):
            assert logged[provider] == [f"{provider} provider: withheld 1 score draft(s) for scope (emotion)"]


def test_the_pipelines_fallback_summary_prints_criterion_names(to_score, monkeypatch):
    analysis, criterion = to_score
    ScoreFactory(analysis=analysis, criterion=criterion, value=4, rationale="Designed the orders schema.")
    monkeypatch.setattr(LocalProvider, "recruiter_feedback", lambda *args, **kwargs: "A nervous, shy candidate.")

    assert pipeline.run_step(analysis.public_id, "feedback")

    team = Feedback.objects.for_operators().get(analysis=analysis, audience=Feedback.Audience.RECRUITER).text
    assert team == "Database design: draft score 4/5, 0 quoted passages. Designed the orders schema."
    assert criterion.public_id not in team
