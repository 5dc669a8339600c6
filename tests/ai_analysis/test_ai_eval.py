"""``manage.py ai_eval`` (AI-2, AI-9): the golden set tells a faithful provider from one that invents evidence."""

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ai_analysis import evaluation
from ai_analysis.providers.local import LocalProvider
from ai_analysis.types import INSUFFICIENT_EVIDENCE, EvidenceDraft, ScoreDraft
from tests.ai_analysis.openai_server import API_KEY, FakeOpenAIServer, Reply, chat_completion


def run(**options) -> str:
    out = StringIO()
    call_command("ai_eval", stdout=out, **options)
    return out.getvalue()


def test_the_local_provider_agrees_with_the_golden_set():
    report = run()
    assert "provider local" in report
    assert "agreement 100%" in report
    assert "[MISS]" not in report


def test_a_model_that_invents_evidence_is_reported_and_fails(settings):
    """An OpenAI-compatible model that quotes words the candidate never said and scores everything."""
    settings.AI_PROVIDER = "openai"
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    invented = {
        "criteria": {
            key: {"score": 5, "rationale": "Strong.", "evidence": [{"turn_index": 1, "quote": "I am fluent in it"}]}
            for key in ("system-design", "disagreement", "data-protection", "mandarin")
        }
    }
    with FakeOpenAIServer() as server:
        settings.OPENAI_BASE_URL = server.base_url
        settings.OPENAI_API_KEY = API_KEY
        server.push(Reply(chat_completion(invented)))
        with pytest.raises(CommandError, match="below the required"):
            run()
        assert len(server.requests) == 1  # one scoring call: the invented quotes were dropped, not retried


def test_an_unreadable_golden_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "golden.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="could not be read"):
        run(golden=str(broken))


# --- the figures (issue 12) -------------------------------------------------------------------------------------

GOLDEN_DEV = evaluation.GOLDEN_DIR / "dev"

HAND_MADE = {
    "turns": [
        {"speaker": "interviewer", "start_s": 0.0, "end_s": 3.0, "text": "How did you build the upload service?"},
        {"speaker": "candidate", "start_s": 3.5, "end_s": 9.0, "text": "I built it with a “queue” and a worker pool."},
        {"speaker": "interviewer", "start_s": 9.5, "end_s": 12.0, "text": "And the recordings?"},
        {
            "speaker": "candidate",
            "start_s": 12.5,
            "end_s": 18.0,
            "text": "We deleted them after the “retention” period.",
        },
    ],
    "criteria": [
        {"key": key, "name": f"Criterion {key}", "description": "", "evidence_guidance": "", "anchors": {}}
        for key in "abcdef"
    ],
    "expected": {
        "a": {"evidence": True, "quote_contains": ['A "QUEUE"  and'], "score_range": [3, 5]},
        "b": {"evidence": True, "quote_contains": ['"retention" period'], "score_range": [1, 2]},
        "c": {"evidence": False},
        "d": {"evidence": False},
        "e": {"evidence": True, "quote_contains": ["worker pool"], "score_range": [1, 3]},
        "f": {"evidence": False},
    },
}


class ArithmeticStubProvider:
    """NOT a scorer: fixed drafts for HAND_MADE, so that only the arithmetic of the figures is under test."""

    name, model, prompt_version = "arithmetic-stub", "fixed-drafts", "test"

    def __init__(self):
        self.calls = 0

    def score(self, pairs, criteria, *, on_call):
        self.calls += 1
        turns = {t.index: t for pair in pairs for t in ((pair.question,) if pair.question else ()) + pair.answer_turns}

        def quote(index, text=None):
            turn = turns[index]
            return EvidenceDraft(turn.index, text or turn.text, turn.start_s, turn.end_s)

        return [
            ScoreDraft("a", 4, "Fine.", (quote(1, "a “queue” and a worker pool"),)),  # right quote, score in range
            ScoreDraft("b", 5, "Fine.", (quote(1),)),  # a quote, but not the expected one; score out of range
            ScoreDraft("c", None, INSUFFICIENT_EVIDENCE),  # rightly none
            ScoreDraft("d", 3, "Fine.", (quote(3),)),  # claims evidence where none is expected
            ScoreDraft("e", 4, "Fine.", (quote(1, "I am fluent in Mandarin"),)),  # invented
            ScoreDraft("f", 3, "Fine.", (quote(0),)),  # the interviewer's words: invented too
        ]


def test_the_figures_on_a_hand_made_report():
    provider = ArithmeticStubProvider()
    report = evaluation.evaluate(provider, HAND_MADE, name="hand-made")
    assert provider.calls == 1
    by_key = {r.key: r for r in report.results}
    assert by_key["a"].correct_quote and by_key["a"].score_in_range
    assert by_key["b"].claimed_evidence and not by_key["b"].correct_quote and not by_key["b"].score_in_range
    assert by_key["e"].invented == ["I am fluent in Mandarin"]
    assert by_key["f"].invented == ["How did you build the upload service?"]
    assert not by_key["e"].claimed_evidence and not by_key["f"].claimed_evidence  # validation dropped them
    assert report.evidence_recall == evaluation.Ratio(1, 3)  # a; not b (wrong quote), not e (invented, dropped)
    assert report.no_evidence_precision == evaluation.Ratio(2, 3)  # c, f; not d
    assert report.score_agreement == evaluation.Ratio(1, 3)  # a; not b (5 > 2), not e (no score)
    assert report.invented == ["I am fluent in Mandarin", "How did you build the upload service?"]
    # a: 3 of 3 checks, b: 1 of 3, c: 1 of 1, d: 0 of 1, e: 0 of 3, f: 1 of 1
    assert report.checks == evaluation.Ratio(6, 12)
    assert report.agreement == 0.5


def test_figures_are_pooled_over_a_directory_in_sorted_order(tmp_path):
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    for name in ("b/deeper/two.json", "a-one.json"):
        (tmp_path / name).write_text(json.dumps(HAND_MADE))
    (tmp_path / "notes.txt").write_text("not a golden file")
    provider = ArithmeticStubProvider()
    result = evaluation.evaluate_paths(provider, tmp_path)
    assert [r.name for r in result.reports] == ["a-one.json", "b/deeper/two.json"]
    assert provider.calls == 2
    assert result.evidence_recall == evaluation.Ratio(2, 6)
    assert result.no_evidence_precision == evaluation.Ratio(4, 6)
    assert result.score_agreement == evaluation.Ratio(2, 6)
    assert len(result.invented) == 4
    assert result.checks == evaluation.Ratio(12, 24)


def test_quotes_and_fragments_compare_without_case_whitespace_or_typographic_quotes():
    assert evaluation.normalise("  It’s  the\n“Retention”\u00a0period ") == 'it\'s the "retention" period'


def test_a_ratio_of_nothing_has_no_value():
    assert evaluation.Ratio(0, 0).value is None
    assert evaluation.Ratio(1, 4).value == 0.25


SUMMARY = re.compile(
    r"^  (evidence recall|no-evidence precision|score agreement|agreement) +(\d\.\d\d) \((\d+)/(\d+)\)$", re.M
)


def test_the_dev_set_runs_end_to_end_with_the_local_provider():
    """The report's shape; the figures themselves are gated below."""
    report = run(golden=str(GOLDEN_DEV), min_agreement=0)
    assert "provider local" in report
    assert report.count("\n== ") == 8
    assert "overall · 8 interviews" in report
    figures = SUMMARY.findall(report.split("overall · 8 interviews")[1])
    assert [name for name, *_ in figures] == [
        "evidence recall",
        "no-evidence precision",
        "score agreement",
        "agreement",
    ]
    for _, value, hits, total in figures:
        assert 0.0 <= float(value) <= 1.0 and int(hits) <= int(total) and int(total) > 0
    assert re.search(r"^  invented evidence +\d+$", report, re.M)
    assert re.search(r"^agreement \d+% \(\d+/\d+ checks\)$", report, re.M)


def test_the_local_provider_meets_the_issues_targets_on_the_whole_golden_directory():
    """The CI gate (issue 12): evidence recall >= 0.9, no invented evidence and agreement >= 0.85 over every golden
    interview (the demo interview, dev and holdout). Measured 2026-12-01: recall 0.92 (47/51), invented 0,
    agreement 0.88 (149/170). The scorer was tuned on dev only; the metric is the one ``ai_eval`` prints."""
    result = evaluation.evaluate_paths(LocalProvider(), evaluation.GOLDEN_DIR)
    assert len(result.reports) == 17
    assert result.evidence_recall.value >= 0.9
    assert result.invented == []
    assert result.agreement >= 0.85


def test_the_holdout_set_stays_at_its_measured_floor():
    """The holdout alone, run once when the scorer was done: recall 0.88 (21/24), no-evidence precision 0.75, score
    agreement 0.62, agreement 0.80 (64/80), below the issue's targets (README says so). This keeps it from sliding
    back; the floor is the measured figure rounded down, never a reason to tune on the holdout."""
    result = evaluation.evaluate_paths(LocalProvider(), evaluation.GOLDEN_DIR / "holdout")
    assert result.evidence_recall.value >= 0.85
    assert result.invented == []
    assert result.agreement >= 0.8


def test_the_json_report_is_for_machines():
    document = json.loads(run(golden=str(GOLDEN_DEV), min_agreement=0, json=True))
    assert document["provider"] == "local"
    assert len(document["interviews"]) == 8
    for block in [document["overall"], *document["interviews"]]:
        assert isinstance(block["invented_evidence"], int) and block["invented_evidence"] >= 0
        for metric in ("evidence_recall", "no_evidence_precision", "score_agreement", "agreement"):
            figure = block[metric]
            assert figure["value"] is None or 0.0 <= figure["value"] <= 1.0
            assert 0 <= figure["hits"] <= figure["total"]
    assert document["overall"]["interviews"] == 8
    assert document["overall"]["evidence_recall"]["total"] == sum(
        i["evidence_recall"]["total"] for i in document["interviews"]
    )
    criterion = document["interviews"][0]["criteria"][0]
    assert {"key", "name", "score", "quotes", "expected_evidence", "checks", "invented_quotes"} <= set(criterion)


def test_min_recall_fails_the_command_below_the_share():
    with pytest.raises(CommandError, match="Evidence recall 100% is below the required 101%"):
        run(min_recall=1.01)
    assert "evidence recall        1.00 (3/3)" in run(min_recall=1.0)


def test_min_agreement_applies_to_the_whole_directory():
    with pytest.raises(CommandError, match="Agreement \\d+% is below the required 101%"):
        run(golden=str(GOLDEN_DEV), min_agreement=1.01)


def test_a_directory_without_golden_files_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="could not be read: no \\*.json golden file"):
        run(golden=str(tmp_path))
    with pytest.raises(CommandError, match="could not be read"):
        run(golden=str(tmp_path / "missing.json"))
