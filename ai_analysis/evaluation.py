"""The golden set (AI-2, AI-9): how far a provider agrees with the evidence a careful reader finds.

``evaluate(provider, golden)`` scores one golden interview with the provider, passes the drafts through the score
validation the pipeline applies (``draft_checks.validate_score_drafts``: verbatim candidate quotes, AI-6 scope), and
compares each criterion with what is expected (see ``golden/README.md`` for the format and the labelling rules):

- evidence recall: of the criteria with expected evidence, the share where at least one returned quote contains one of
  the expected fragments (case, whitespace and typographic quotes normalised);
- no-evidence precision: of the criteria expected to have no evidence, the share where the scorer claimed none
  (no quote, or no score: "insufficient evidence");
- invented evidence: the quotes the provider returned that are not verbatim (after the same normalisation) in any
  candidate turn, counted before the pipeline's validation drops them (the target is zero);
- score agreement: of the criteria with expected evidence and a score range, the share scored inside the range;
- agreement: the share of all checks (evidence claimed or not, a correct quote, the score range) that hold.

``evaluate_paths`` does the same for every interview of a file or a directory and pools the figures. Scoring always
goes through ``provider.score``, the call the pipeline makes: nothing here scores. ``manage.py ai_eval`` prints the
report, so a self-hoster can validate their own model before pointing the product at it.
"""

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ai_analysis.draft_checks import validate_score_drafts
from ai_analysis.providers.base import OnCall
from ai_analysis.structuring import pair_questions_and_answers
from ai_analysis.types import CANDIDATE, CriterionSpec, ScoreDraft, Turn

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
GOLDEN = GOLDEN_DIR / "interview.json"

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
    }
)


def normalise(text: str) -> str:
    """Lower case, typographic quotes made plain, runs of whitespace one space: how quotes and fragments compare."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC)).strip().casefold()


@dataclass(frozen=True)
class Ratio:
    hits: int
    total: int

    @property
    def value(self) -> float | None:
        return self.hits / self.total if self.total else None

    def __add__(self, other: "Ratio") -> "Ratio":
        return Ratio(self.hits + other.hits, self.total + other.total)

    def as_dict(self) -> dict:
        return {"value": self.value, "hits": self.hits, "total": self.total}


@dataclass
class CriterionResult:
    key: str
    name: str
    score: int | None
    quotes: list[str]
    checks: dict[str, bool] = field(default_factory=dict)
    expected_evidence: bool | None = None
    claimed_evidence: bool = False  # at least one quote and a score
    correct_quote: bool | None = None  # None when no evidence is expected
    score_in_range: bool | None = None  # None when evidence or a range is not expected
    invented: list[str] = field(default_factory=list)  # quotes returned by the provider that no candidate said


@dataclass
class Report:
    provider: str
    model: str
    prompt_version: str
    results: list[CriterionResult]
    name: str = ""
    description: str = ""

    @property
    def checks(self) -> Ratio:
        oks = [ok for result in self.results for ok in result.checks.values()]
        return Ratio(sum(oks), len(oks))

    @property
    def agreement(self) -> float:
        return self.checks.value or 0.0

    @property
    def evidence_recall(self) -> Ratio:
        expected = [r for r in self.results if r.expected_evidence is True]
        return Ratio(sum(bool(r.correct_quote) for r in expected), len(expected))

    @property
    def no_evidence_precision(self) -> Ratio:
        expected = [r for r in self.results if r.expected_evidence is False]
        return Ratio(sum(not r.claimed_evidence for r in expected), len(expected))

    @property
    def score_agreement(self) -> Ratio:
        ranged = [r for r in self.results if r.score_in_range is not None]
        return Ratio(sum(bool(r.score_in_range) for r in ranged), len(ranged))

    @property
    def invented(self) -> list[str]:
        return [quote for result in self.results for quote in result.invented]


@dataclass
class SetReport:
    """Every interview of a golden file or directory, and the figures pooled over all their criteria."""

    reports: list[Report]

    def _pooled(self, metric: str) -> Ratio:
        return sum((getattr(report, metric) for report in self.reports), Ratio(0, 0))

    @property
    def checks(self) -> Ratio:
        return self._pooled("checks")

    @property
    def agreement(self) -> float:
        return self.checks.value or 0.0

    @property
    def evidence_recall(self) -> Ratio:
        return self._pooled("evidence_recall")

    @property
    def no_evidence_precision(self) -> Ratio:
        return self._pooled("no_evidence_precision")

    @property
    def score_agreement(self) -> Ratio:
        return self._pooled("score_agreement")

    @property
    def invented(self) -> list[str]:
        return [quote for report in self.reports for quote in report.invented]


def golden_files(path: Path | str) -> list[Path]:
    """``path`` itself when it is a file, else every ``*.json`` below it, sorted by path."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        if not files:
            raise ValueError(f"no *.json golden file below {path}")
        return files
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    return [path]


def load(path: Path | str = GOLDEN) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def turns_of(golden: dict) -> list[Turn]:
    return [Turn(index=i, **turn) for i, turn in enumerate(golden["turns"])]


def specs_of(golden: dict) -> list[CriterionSpec]:
    return [
        CriterionSpec(
            key=c["key"],
            name=c["name"],
            description=c.get("description", ""),
            evidence_guidance=c.get("evidence_guidance", ""),
            anchors={int(k): v for k, v in c.get("anchors", {}).items()},
            questions=tuple(c.get("questions", ())),
        )
        for c in golden["criteria"]
    ]


def _invented(draft: ScoreDraft | None, candidate_texts: Sequence[str]) -> list[str]:
    if draft is None:
        return []
    return [
        e.quote
        for e in draft.evidence
        if not normalise(e.quote) or not any(normalise(e.quote) in text for text in candidate_texts)
    ]


def _contains_fragment(quotes: Iterable[str], fragments: Sequence[str]) -> bool:
    wanted = [normalise(f) for f in fragments]
    return any(f in normalise(q) for q in quotes for f in wanted)


def evaluate(provider, golden: dict, *, name: str = "", on_call: OnCall | None = None) -> Report:
    """``on_call`` hears of every provider call (the settings page's job audits them, AI-8); ignored when None."""
    turns, specs = turns_of(golden), specs_of(golden)
    candidate_texts = [normalise(t.text) for t in turns if t.speaker == CANDIDATE]
    returned = list(provider.score(pair_questions_and_answers(turns), specs, on_call=on_call or (lambda call: None)))
    # A provider that validates its own drafts (openai) drops invented quotes before they reach here; it keeps the
    # model's own answer as ``unchecked_drafts``, which is where invented quotes are counted.
    unchecked = getattr(provider, "unchecked_drafts", None)
    raw = {d.criterion_key: d for d in (returned if unchecked is None else unchecked)}
    drafts = {d.criterion_key: d for d in validate_score_drafts(returned, turns=turns, criteria=specs).drafts}
    results = []
    for spec in specs:
        draft, expected = drafts.get(spec.key), golden["expected"].get(spec.key, {})
        quotes = [e.quote for e in draft.evidence] if draft else []
        score = draft.score if draft else None
        result = CriterionResult(
            spec.key, spec.name, score, quotes, invented=_invented(raw.get(spec.key), candidate_texts)
        )
        result.claimed_evidence = bool(quotes) and score is not None
        if "evidence" in expected:
            result.expected_evidence = bool(expected["evidence"])
            label = "evidence found" if result.expected_evidence else "no evidence claimed"
            result.checks[label] = result.claimed_evidence == result.expected_evidence
        fragments = expected.get("quote_contains", [])
        if fragments:
            result.correct_quote = _contains_fragment(quotes, fragments)
            label = (
                f"a quote contains {fragments[0]!r}"
                if len(fragments) == 1
                else f"a quote contains one of {', '.join(repr(f) for f in fragments)}"
            )
            result.checks[label] = result.correct_quote
        elif result.expected_evidence:
            result.correct_quote = bool(quotes)
        if "score_range" in expected and result.expected_evidence is not False:
            low, high = expected["score_range"]
            result.score_in_range = score is not None and low <= score <= high
            result.checks[f"score in {low}–{high}"] = result.score_in_range
        results.append(result)
    return Report(
        provider.name,
        provider.model,
        provider.prompt_version,
        results,
        name=name,
        description=golden.get("description", ""),
    )


def evaluate_paths(
    provider,
    path: Path | str,
    *,
    on_call: OnCall | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> SetReport:
    """Score every golden interview of ``path`` (a file or a directory) with ``provider``, one by one.

    A job (BYO-1: an organization's own endpoint, evaluated from its settings page) passes ``on_call`` to audit each
    call and ``on_progress(done, total)``, called before the first interview and after each one."""
    root = Path(path)
    files = golden_files(root)
    reports = []
    if on_progress:
        on_progress(0, len(files))
    for file in files:
        name = str(file.relative_to(root)) if root.is_dir() else file.name
        reports.append(evaluate(provider, load(file), name=name, on_call=on_call))
        if on_progress:
            on_progress(len(reports), len(files))
    return SetReport(reports)
