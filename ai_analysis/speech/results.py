"""What every speech engine returns: words with times, the transcript's record, and the errors it may raise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ai_analysis.types import Speaker


class SpeechError(Exception):
    """Transcription cannot succeed with this engine and input; ``reason`` is shown to people as it is."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class ModelIntegrityError(SpeechError):
    """A model file's SHA-256 is not the pinned one: the model is refused, never loaded, never replaced by another
    engine."""


@dataclass(frozen=True)
class Word:
    """One recognised word; ``channel`` is 0 or 1 when two channels told the speakers apart, else None."""

    text: str
    start_s: float
    end_s: float
    channel: int | None = None


@dataclass(frozen=True)
class SpeechResult:
    """A transcript with word timings, and what produced it (for the reproducibility record)."""

    words: tuple[Word, ...]
    duration_seconds: float
    engine: str  # the setting's value: "whisper-base", "whisper-tiny-en" or "pocketsphinx"
    engine_version: str  # of the runtime: faster-whisper's or pocketsphinx's version
    model: str
    real_time_factor: float  # processing time / audio duration; below 1 is faster than real time
    channels: int  # channels decoded: 2 when the source had two, else 1
    language: str = "en"  # the language transcribed: the one asked for, or the one detected
    model_sha256: str = ""  # of the model's weights (model.bin); empty for pocketsphinx's bundled model

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def record(self) -> str:
        """One line naming engine, runtime version, model and the weights' hash: stored with every analysis."""
        digest = f"; model.bin sha256:{self.model_sha256}" if self.model_sha256 else ""
        return f"{self.engine} ({self.model}; runtime {self.engine_version}{digest})"


@dataclass(frozen=True)
class RecognisedTurn:
    """A stretch of recognised speech by one speaker, before it is numbered into a transcript (``types.Turn``)."""

    speaker: Speaker
    start_s: float
    end_s: float
    text: str
    speaker_confidence: Literal["high", "low"]  # "low": guessed from pauses, a person should check it
    channel: int | None = None
