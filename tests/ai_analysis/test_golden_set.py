"""The golden set itself (issue 12): every interview is well-formed, its labels can be checked against its own
transcript, and the set covers the roles, languages and traps it promises (``ai_analysis/golden/README.md``).

These tests read the files only; they never score them, so they say nothing about any scorer.
"""

import re
from pathlib import Path

import pytest

from ai_analysis import evaluation

GOLDEN_DIR = evaluation.GOLDEN_DIR
SPLITS = ("dev", "holdout")
FILES = sorted(p for split in SPLITS for p in (GOLDEN_DIR / split).glob("*.json"))
ALL_FILES = [evaluation.GOLDEN, *FILES]
TRAPS = {"paraphrase", "interviewer-names-criteria", "weak-answer", "no-evidence", "colleague-achievement", "swedish"}
CRITERION_TRAPS = TRAPS - {"swedish"}
# Words too common to show that a candidate used a criterion's own wording.
STOPWORDS = {"and", "the", "with", "for", "your", "from", "into", "och", "med", "att", "i", "vid"}


def _id(path: Path) -> str:
    return str(path.relative_to(GOLDEN_DIR))


def _candidate_text(golden: dict) -> list[str]:
    return [evaluation.normalise(t["text"]) for t in golden["turns"] if t["speaker"] == "candidate"]


def _interviewer_text(golden: dict) -> str:
    return " ".join(evaluation.normalise(t["text"]) for t in golden["turns"] if t["speaker"] == "interviewer")


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", evaluation.normalise(text)))


def test_there_are_sixteen_interviews_eight_in_each_split():
    assert [len(list((GOLDEN_DIR / split).glob("*.json"))) for split in SPLITS] == [8, 8]


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_a_golden_file_loads_and_is_well_formed(path):
    golden = evaluation.load(path)
    turns = golden["turns"]
    assert turns and all(set(t) == {"speaker", "start_s", "end_s", "text"} for t in turns)
    assert {t["speaker"] for t in turns} == {"interviewer", "candidate"}
    assert all(t["text"].strip() and 0 <= t["start_s"] < t["end_s"] for t in turns)
    assert all(a["end_s"] <= b["start_s"] for a, b in zip(turns, turns[1:], strict=False)), "turns overlap"
    evaluation.turns_of(golden)  # the shapes the scorer receives
    evaluation.specs_of(golden)

    keys = [c["key"] for c in golden["criteria"]]
    assert len(keys) == len(set(keys)), "duplicate criterion key"
    assert set(golden["expected"]) == set(keys), "every criterion needs exactly one expected entry"
    for criterion in golden["criteria"]:
        assert criterion["name"].strip()
        expected = golden["expected"][criterion["key"]]
        assert isinstance(expected["evidence"], bool)
        if expected["evidence"]:
            assert expected["quote_contains"], f"{criterion['key']}: evidence expected but no fragment to check"
            low, high = expected["score_range"]
            assert 1 <= low <= high <= 5, f"{criterion['key']}: score range {low}–{high}"
        else:
            assert not expected.get("quote_contains") and "score_range" not in expected


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_every_expected_fragment_is_the_candidates_own_words(path):
    """A fragment that no candidate turn contains could never be matched, and one in an interviewer turn would
    reward quoting the interviewer."""
    golden = evaluation.load(path)
    candidate = _candidate_text(golden)
    for key, expected in golden["expected"].items():
        for fragment in expected.get("quote_contains", []):
            assert evaluation.normalise(fragment), f"{key}: empty fragment"
            assert any(evaluation.normalise(fragment) in text for text in candidate), f"{key}: {fragment!r}"


@pytest.mark.parametrize("path", FILES, ids=_id)
def test_a_new_golden_interview_has_the_promised_shape(path):
    golden = evaluation.load(path)
    assert 8 <= len(golden["turns"]) <= 16
    assert 3 <= len(golden["criteria"]) <= 5
    assert golden["role"].strip() and golden["description"].strip()
    assert golden["language"] in {"en", "sv"}
    assert set(golden["traps"]) <= TRAPS
    for criterion in golden["criteria"]:
        assert {"key", "name", "description", "evidence_guidance", "anchors"} <= set(criterion)
        assert {"1", "3", "5"} <= set(criterion["anchors"]) <= {"1", "2", "3", "4", "5"}
        assert criterion["description"].strip() and criterion["evidence_guidance"].strip()
    criterion_traps = {e["trap"] for e in golden["expected"].values() if "trap" in e}
    assert criterion_traps <= CRITERION_TRAPS
    listed = set(golden["traps"]) - {"swedish"}
    assert criterion_traps <= listed, "a criterion's trap is listed on its interview"
    assert listed - {"no-evidence"} <= criterion_traps, "every listed trap is a criterion's"
    if "no-evidence" in listed:  # possibly one the interviewer names: a criterion nobody gives evidence for
        assert any(
            e["evidence"] is False and e.get("trap") != "colleague-achievement" for e in golden["expected"].values()
        )
    assert ("swedish" in golden["traps"]) == (golden["language"] == "sv")


def _criteria_with(trap: str, files=FILES):
    for path in files:
        golden = evaluation.load(path)
        for criterion in golden["criteria"]:
            expected = golden["expected"][criterion["key"]]
            if expected.get("trap") == trap:
                yield path, golden, criterion, expected


def test_paraphrased_evidence_never_uses_the_criterions_own_words():
    found = list(_criteria_with("paraphrase"))
    assert found
    for path, golden, criterion, expected in found:
        assert expected["evidence"] is True
        name_words = {w for w in _words(criterion["name"]) if len(w) >= 4 and w not in STOPWORDS}
        spoken = set().union(*(_words(text) for text in _candidate_text(golden)))
        assert name_words and not name_words & spoken, f"{_id(path)} {criterion['key']}: {name_words & spoken}"


def test_an_interviewer_names_the_criteria():
    found = list(_criteria_with("interviewer-names-criteria"))
    assert found
    for path, golden, criterion, _ in found:
        assert evaluation.normalise(criterion["name"]) in _interviewer_text(golden), f"{_id(path)} {criterion['key']}"
    # The trap proper: a criterion the interviewer names but the candidate never speaks to.
    assert any(expected["evidence"] is False for *_, expected in found)


def test_a_weak_answer_is_evidence_with_a_low_expected_score():
    found = list(_criteria_with("weak-answer"))
    assert found
    assert all(expected["evidence"] is True and expected["score_range"][1] <= 2 for *_, expected in found)


def test_a_criterion_with_no_evidence_at_all():
    found = list(_criteria_with("no-evidence"))
    assert found
    for path, golden, criterion, expected in found:
        assert expected["evidence"] is False
        name_words = {w for w in _words(criterion["name"]) if len(w) >= 4 and w not in STOPWORDS}
        spoken = set().union(*(_words(text) for text in _candidate_text(golden)))
        assert not name_words & spoken, f"{_id(path)} {criterion['key']}: the candidate says {name_words & spoken}"


def test_a_colleagues_achievement_is_not_evidence_for_the_candidate():
    found = list(_criteria_with("colleague-achievement"))
    assert found
    assert all(expected["evidence"] is False and expected.get("note") for *_, expected in found)


def test_the_set_spans_at_least_eight_roles_and_two_swedish_interviews():
    goldens = [evaluation.load(path) for path in FILES]
    assert len({g["role"] for g in goldens}) >= 8
    assert sum(g["language"] == "sv" for g in goldens) == 2


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_has_every_trap_and_a_mix_of_roles(split):
    goldens = [evaluation.load(path) for path in sorted((GOLDEN_DIR / split).glob("*.json"))]
    assert set().union(*(g["traps"] for g in goldens)) == TRAPS
    assert len({g["role"] for g in goldens}) == len(goldens)
    assert sum(g["language"] == "sv" for g in goldens) == 1
