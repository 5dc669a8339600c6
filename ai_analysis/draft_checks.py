"""The checks every provider's drafts pass through, whichever provider wrote them (AI-4, AI-6).

``validate_score_drafts`` is the one score validation. Each provider (local and openai) calls it on its own drafts
before returning them, and the pipeline's score step calls it again on whatever the provider returned, so a
provider cannot widen what is stored; a second pass over validated drafts changes nothing. Per criterion, in the
criteria's order:

* an evidence quote is kept only when it occurs verbatim in a *candidate* turn (the cited turn first, then any
  candidate turn), as the exact text of that turn with its timestamps; anything else is dropped for the one reason
  ``QUOTE_NOT_VERBATIM`` (invented words, paraphrases, the interviewer's words). Duplicates are kept once, and at
  most ``MAX_QUOTES_PER_SCORE`` quotes stay;
* a draft whose rationale or kept quotes judge something out of scope (AI-6) is withheld: no score, no evidence,
  the rationale ``WITHHELD_FOR_SCOPE``;
* a score left without evidence, and a criterion the provider did not answer, become ``None`` with the rationale
  ``INSUFFICIENT_EVIDENCE`` (AI-4: no score without evidence); a score is clamped to 1..5.

``recruiter_feedback_in_scope`` is the same door for the team's summary: out-of-scope text is replaced by
``factual_summary``, built from the drafts and the criteria's names. Logs carry counts and categories, never text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai_analysis.evidence import evidence_for_quote
from ai_analysis.guardrails import check_scope, draft_violates_scope
from ai_analysis.types import (
    CANDIDATE,
    INSUFFICIENT_EVIDENCE,
    WITHHELD_FOR_SCOPE,
    CriterionSpec,
    EvidenceDraft,
    QAPair,
    ScoreDraft,
    Turn,
)

logger = logging.getLogger(__name__)

MAX_QUOTES_PER_SCORE = 3
QUOTE_NOT_VERBATIM = "the quote does not occur verbatim in a candidate turn (AI-4)"


@dataclass(frozen=True)
class ScoreValidation:
    """Validated drafts, one per criterion in order, and what the validation removed (counts, no text)."""

    drafts: list[ScoreDraft]
    dropped_quotes: int  # each dropped for QUOTE_NOT_VERBATIM
    withheld_for_scope: tuple[str, ...]  # criterion keys whose draft was withheld (WITHHELD_FOR_SCOPE)


def turns_of_pairs(pairs: Iterable[QAPair]) -> list[Turn]:
    """Every turn a provider saw through the question/answer pairs (the validation keeps only candidate turns)."""
    return [turn for pair in pairs for turn in ((pair.question,) if pair.question else ()) + pair.answer_turns]


def _verified(item: EvidenceDraft, by_index: dict[int, Turn], candidate_turns: list[Turn]) -> EvidenceDraft | None:
    cited = by_index.get(item.turn_index)
    return (evidence_for_quote(item.quote, [cited]) if cited else None) or evidence_for_quote(
        item.quote, candidate_turns
    )


def validate_score_drafts(
    drafts: Iterable[ScoreDraft], *, turns: Iterable[Turn], criteria: Sequence[CriterionSpec], source: str = ""
) -> ScoreValidation:
    """The one score validation (AI-4, AI-6); the rules are in the module docstring. ``source`` names the caller
    in the logs (e.g. "openai provider")."""
    candidate_turns = [turn for turn in turns if turn.speaker == CANDIDATE]
    by_index = {turn.index: turn for turn in candidate_turns}
    by_key = {draft.criterion_key: draft for draft in drafts}
    kept: list[ScoreDraft] = []
    dropped = 0
    withheld: list[str] = []
    categories: set[str] = set()
    for criterion in criteria:
        draft = by_key.get(criterion.key)
        if draft is None:
            kept.append(ScoreDraft(criterion.key, None, INSUFFICIENT_EVIDENCE))
            continue
        evidence: list[EvidenceDraft] = []
        for item in draft.evidence:
            found = _verified(item, by_index, candidate_turns)
            if found is None:
                dropped += 1
            elif found not in evidence:
                evidence.append(found)
        evidence = evidence[:MAX_QUOTES_PER_SCORE]
        checked = ScoreDraft(criterion.key, draft.score, draft.rationale, tuple(evidence))
        violations = draft_violates_scope(checked)
        if violations:
            withheld.append(criterion.key)
            categories.update(violation.split(":", 1)[0] for violation in violations)
            kept.append(ScoreDraft(criterion.key, None, WITHHELD_FOR_SCOPE))
        elif draft.score is None:
            kept.append(ScoreDraft(criterion.key, None, draft.rationale or INSUFFICIENT_EVIDENCE, tuple(evidence)))
        elif not evidence:
            kept.append(ScoreDraft(criterion.key, None, INSUFFICIENT_EVIDENCE))
        else:
            value = max(1, min(5, int(draft.score)))
            kept.append(ScoreDraft(criterion.key, value, draft.rationale or INSUFFICIENT_EVIDENCE, tuple(evidence)))
    prefix = f"{source}: " if source else ""
    if dropped:
        logger.info("%sdropped %d evidence quote(s): %s", prefix, dropped, QUOTE_NOT_VERBATIM)
    if withheld:
        logger.warning(
            "%swithheld %d score draft(s) for scope (%s)", prefix, len(withheld), ", ".join(sorted(categories))
        )
    return ScoreValidation(kept, dropped, tuple(withheld))


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def factual_summary(drafts: Sequence[ScoreDraft], criteria: Sequence[CriterionSpec]) -> str:
    """The deterministic summary for the team, by criterion name: facts from the drafts only (AI-6 fallback)."""
    by_key = {draft.criterion_key: draft for draft in drafts}
    lines = []
    for criterion in criteria:
        draft = by_key.get(criterion.key)
        if draft is None or draft.score is None:
            lines.append(f"{criterion.name}: not scored ({INSUFFICIENT_EVIDENCE}).")
            continue
        passages = len(draft.evidence)
        line = f"{criterion.name}: draft score {draft.score}/5, {passages} quoted passage{'s' if passages != 1 else ''}"
        if draft.evidence:
            line += f" (from {_clock(draft.evidence[0].start_s)})"
        line += "."
        if draft.rationale and not check_scope(draft.rationale):
            line += f" {draft.rationale}"
        lines.append(line)
    return "\n".join(lines)


def recruiter_feedback_in_scope(
    text: str, drafts: Sequence[ScoreDraft], criteria: Sequence[CriterionSpec], *, source: str = ""
) -> str:
    """The team's summary as written when it stays in scope (AI-6), else ``factual_summary``."""
    violations = check_scope(text)
    if not violations:
        return text
    categories = sorted({violation.split(":", 1)[0] for violation in violations})
    prefix = f"{source}: " if source else ""
    logger.warning("%srecruiter feedback replaced for scope (%s)", prefix, ", ".join(categories))
    return factual_summary(drafts, criteria)
