"""The golden set (AI-2, AI-9): how far a provider agrees with the evidence a careful reader finds.

``evaluate(provider, golden)`` scores the golden interview with the provider, passes the drafts through the score
validation the pipeline applies (``draft_checks.validate_score_drafts``: verbatim candidate quotes, AI-6 scope), and
compares each criterion with what is expected: evidence found or not, a quote containing the expected words, a score
in the expected range. Agreement is the share of those checks that hold. ``manage.py ai_eval`` prints the report,
so a self-hoster can validate their own model before pointing the product at it.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from ai_analysis.draft_checks import validate_score_drafts
from ai_analysis.structuring import pair_questions_and_answers
from ai_analysis.types import CriterionSpec, Turn

GOLDEN = Path(__file__).resolve().parent / "golden" / "interview.json"


@dataclass
class CriterionResult:
    key: str
    name: str
    score: int | None
    quotes: list[str]
    checks: dict[str, bool] = field(default_factory=dict)


@dataclass
class Report:
    provider: str
    model: str
    prompt_version: str
    results: list[CriterionResult]

    @property
    def agreement(self) -> float:
        checks = [ok for result in self.results for ok in result.checks.values()]
        return sum(checks) / len(checks) if checks else 0.0


def load(path: Path = GOLDEN) -> dict:
    return json.loads(Path(path).read_text())


def evaluate(provider, golden: dict) -> Report:
    turns = [Turn(index=i, **turn) for i, turn in enumerate(golden["turns"])]
    specs = [
        CriterionSpec(
            key=c["key"],
            name=c["name"],
            description=c.get("description", ""),
            evidence_guidance=c.get("evidence_guidance", ""),
            anchors={int(k): v for k, v in c.get("anchors", {}).items()},
        )
        for c in golden["criteria"]
    ]
    drafts = provider.score(pair_questions_and_answers(turns), specs, on_call=lambda call: None)
    drafts = {d.criterion_key: d for d in validate_score_drafts(drafts, turns=turns, criteria=specs).drafts}
    results = []
    for spec in specs:
        draft, expected = drafts[spec.key], golden["expected"].get(spec.key, {})
        quotes = [e.quote for e in draft.evidence]
        result = CriterionResult(spec.key, spec.name, draft.score, quotes)
        if "evidence" in expected:
            result.checks["evidence found" if expected["evidence"] else "no evidence claimed"] = (
                bool(quotes) and draft.score is not None
            ) == expected["evidence"]
        for words in expected.get("quote_contains", []):
            result.checks[f"a quote contains {words!r}"] = any(words.lower() in q.lower() for q in quotes)
        if "score_range" in expected:
            low, high = expected["score_range"]
            result.checks[f"score in {low}–{high}"] = draft.score is not None and low <= draft.score <= high
        results.append(result)
    return Report(provider.name, provider.model, provider.prompt_version, results)
