"""What every AI provider offers the pipeline, and what it reports about each call (AI-2, AI-8).

A provider turns audio into speaker turns and scores question/answer pairs against the recruiter's criteria. It
receives input already stripped of the candidate's identifiers (AI-5) and returns drafts that have passed
``ai_analysis.draft_checks.validate_score_drafts``: only evidence that occurs verbatim in a candidate turn, no
out-of-scope judgement (AI-4, AI-6). The pipeline passes whatever a provider returns through the same validation
again, so a provider cannot widen what is stored. Every network or model call is reported through
``on_call`` as a ``CallRecord``: the pipeline writes one audit row per record (AI-8), never with transcript text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ai_analysis.types import CriterionSpec, QAPair, ScoreDraft, Turn

# Purposes of a provider call, as recorded in the AI call audit (AI-8).
TRANSCRIBE = "transcribe"
SCORE = "score"
RECRUITER_FEEDBACK = "recruiter_feedback"
CANDIDATE_FEEDBACK = "candidate_feedback"
PURPOSES = (TRANSCRIBE, SCORE, RECRUITER_FEEDBACK, CANDIDATE_FEEDBACK)


@dataclass(frozen=True)
class CallRecord:
    """One provider call: what for, with which model, how long, how much, and how it ended. No content."""

    purpose: str
    provider: str
    model: str
    duration_ms: int
    outcome: str  # "ok", or "error:<kind>" (timeout, rate_limited, malformed, refused, http_<status>…)
    attempt: int = 1
    input_tokens: int | None = None
    output_tokens: int | None = None
    audio_seconds: float | None = None


OnCall = Callable[[CallRecord], None]


class ProviderError(Exception):
    """A provider step failed; ``reason`` is shown to recruiters, ``retryable`` tells the actor to try again later."""

    def __init__(self, reason: str, *, retryable: bool = False):
        self.reason = reason
        self.retryable = retryable
        super().__init__(reason)


@dataclass(frozen=True)
class TranscriptResult:
    """Speaker turns with timestamps, and what produced them (AI reproducibility record)."""

    turns: tuple[Turn, ...]
    duration_s: float
    engine: str  # e.g. "pocketsphinx 5.1.1 (en-us)" or "openai-compatible whisper-1"
    language: str = "en"
    # "high" when speakers were told apart by channel; "low" when guessed from pauses (a person should check).
    speaker_confidence: str = "low"


class Provider(Protocol):
    name: str  # "local" or "openai"
    model: str  # the scoring model's identifier, recorded with every analysis
    prompt_version: str  # bumped whenever prompts or the local scoring rule change

    def transcribe(self, audio_path: str, *, on_call: OnCall, language: str = "auto") -> TranscriptResult:
        """``language``: the hiring's interview language, "en", "sv" or "auto" (detect)."""
        ...

    def score(
        self, pairs: Sequence[QAPair], criteria: Sequence[CriterionSpec], *, on_call: OnCall
    ) -> list[ScoreDraft]: ...

    def recruiter_feedback(
        self,
        pairs: Sequence[QAPair],
        drafts: Sequence[ScoreDraft],
        criteria: Sequence[CriterionSpec],
        *,
        on_call: OnCall,
    ) -> str: ...

    def candidate_feedback_draft(
        self, drafts: Sequence[ScoreDraft], criteria: Sequence[CriterionSpec], *, recruiter_notes: str, on_call: OnCall
    ) -> str:
        """A candidate-facing draft; the pipeline always passes it through the AI-7 guardrail afterwards."""
        ...
