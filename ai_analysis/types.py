"""Plain data passed between the analysis steps and the providers (AI-1, AI-4).

Frozen dataclasses, no Django: the structuring, scoring and guardrail code is pure Python so that every provider (the
local offline one and the OpenAI-compatible one, AI-2) consumes and produces exactly the same shapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Speaker = Literal["interviewer", "candidate"]
INTERVIEWER: Speaker = "interviewer"
CANDIDATE: Speaker = "candidate"


@dataclass(frozen=True)
class Turn:
    """One speaker turn of a transcript; ``index`` is its position in the transcript, times are in seconds."""

    index: int
    speaker: Speaker
    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class QAPair:
    """A question and the candidate turns that answer it (AI-1).

    ``question`` is None for candidate talk before the first question; ``answer_turns`` is empty when a question
    went unanswered.
    """

    index: int
    question: Turn | None
    answer_turns: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class CriterionSpec:
    """What the recruiter scores an interview against (AI-4).

    ``key`` is opaque (the criterion's public id); ``anchors`` maps a score 1..5 to what that score looks like;
    ``questions`` are the kit's questions asked for it.
    """

    key: str
    name: str
    description: str = ""
    evidence_guidance: str = ""
    anchors: Mapping[int, str] = field(default_factory=dict)
    weight: int = 1
    questions: tuple[str, ...] = ()  # the interview kit's questions for this criterion (where to look first)


@dataclass(frozen=True)
class EvidenceDraft:
    """A quote a score draft rests on, with its turn's index and timestamps (AI-4).

    Once through ``ai_analysis.draft_checks`` it is verbatim text of a candidate turn; stored, it becomes an
    ``ai_analysis.models.Evidence`` row.
    """

    turn_index: int
    quote: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class ScoreDraft:
    """A draft score for one criterion (AI-3: a draft until a recruiter approves it).

    ``score`` is 1..5, or None when there is insufficient evidence (AI-4: no score without evidence) or the draft was
    withheld for scope (AI-6); the rationale then says which, in the one wording below.
    """

    criterion_key: str
    score: int | None
    rationale: str
    evidence: tuple[EvidenceDraft, ...] = ()


# The rationale of a draft score without a value, whichever provider drafted it (see ai_analysis.draft_checks).
INSUFFICIENT_EVIDENCE = "insufficient evidence"
WITHHELD_FOR_SCOPE = (
    "Withheld: the draft went beyond the assessment scope (AI-6), so no draft score is shown for this criterion. "
    "Please assess it from the transcript."
)
