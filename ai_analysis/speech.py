"""Offline transcription with pocketsphinx, turns with speakers, and word error rate (AI-2: providers work offline).

pocketsphinx 5 carries its US-English acoustic model, language model and dictionary inside the wheel, so nothing is
downloaded, ever. Audio reaches the decoder as 16 kHz mono PCM from :func:`ai_analysis.audio.pcm16k_frames`, one
block at a time; a voice-activity endpointer cuts it into utterances, so memory stays constant however long the
interview.

Speaker convention for two-channel recordings (the recorder captures both sides separately):

* channel 0 (left) is the **interviewer**: the local microphone of the person running the interview;
* channel 1 (right) is the **candidate**: the meeting or system audio, where the other side is heard.

Each word goes to the channel that carries more energy while it is spoken. A recording whose two channels carry the
same sound (a stereo microphone, a mono source copied to both sides) says nothing about speakers; it is treated like
a single channel. With a single channel there is no diarization model here: turns are split at long pauses and
speakers alternate starting with the interviewer, marked ``speaker_confidence="low"`` for a person to correct.
"""

from __future__ import annotations

import importlib.metadata
import re
import time
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import mul
from typing import Literal

from ai_analysis.audio import PCM_RATE, Source, pcm16k_frames
from ai_analysis.types import CANDIDATE, INTERVIEWER, Speaker

ENGINE = "pocketsphinx"
MODEL = "en-us (bundled with the pocketsphinx wheel)"
FRAMES_PER_SECOND = 100  # pocketsphinx's frame rate; seg() times are in these frames
SAMPLES_PER_FRAME = PCM_RATE // FRAMES_PER_SECOND
MAX_UTTERANCE_SECONDS = 60  # an utterance that never pauses is cut here, so the decoder's memory stays bounded
NON_WORDS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"}
ALTERNATE = re.compile(r"\(\d+\)$")  # "read(2)": the dictionary's second pronunciation of "read"
CHANNEL_SPEAKERS = (INTERVIEWER, CANDIDATE)  # channel 0: interviewer's local mic; channel 1: candidate/meeting audio
# A word belongs to a channel when that channel carries at least this share of the two channels' energy; when the
# median word falls below it, the channels carry the same sound and say nothing about who spoke.
DISTINCT_CHANNEL_SHARE = 0.7


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
    engine: str
    engine_version: str
    model: str
    real_time_factor: float  # processing time / audio duration; below 1 is faster than real time
    channels: int  # channels decoded: 2 when the source had two, else 1

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


@dataclass(frozen=True)
class RecognisedTurn:
    """A stretch of recognised speech by one speaker, before it is numbered into a transcript (``types.Turn``)."""

    speaker: Speaker
    start_s: float
    end_s: float
    text: str
    speaker_confidence: Literal["high", "low"]  # "low": guessed from pauses, a person should check it
    channel: int | None = None


def engine_version() -> str:
    return importlib.metadata.version("pocketsphinx")


def _decoder():
    from pocketsphinx import Decoder  # imported here: loading Django or this module must not load the model

    return Decoder(samprate=PCM_RATE, loglevel="FATAL")


class _Transcriber:
    """Feeds 16 kHz mono PCM through the endpointer into the decoder and collects words with absolute times."""

    def __init__(self):
        from pocketsphinx import Endpointer

        self.decoder = _decoder()
        self.endpointer = Endpointer(sample_rate=PCM_RATE)
        self.frame_bytes = self.endpointer.frame_bytes
        self.pending = bytearray()
        self.words: list[tuple[str, float, float]] = []
        self.in_utterance = False
        self.utterance_start = 0.0
        self.utterance_bytes = 0

    def feed(self, pcm: bytes) -> None:
        self.pending += pcm
        size = self.frame_bytes
        usable = len(self.pending) - len(self.pending) % size
        for offset in range(0, usable, size):
            self._speech(self.endpointer.process(bytes(self.pending[offset : offset + size])))
        del self.pending[:usable]

    def finish(self) -> list[tuple[str, float, float]]:
        self._speech(self.endpointer.end_stream(bytes(self.pending) or bytes(2)))  # it needs at least a sample
        self.pending.clear()
        if self.in_utterance:
            self._end_utterance()
        return self.words

    def _speech(self, speech: bytes | None) -> None:
        if speech is None:
            return
        if not self.in_utterance:
            self.decoder.start_utt()
            self.in_utterance = True
            self.utterance_start = self.endpointer.speech_start
            self.utterance_bytes = 0
        self.decoder.process_raw(speech, no_search=False, full_utt=False)
        self.utterance_bytes += len(speech)
        if not self.endpointer.in_speech:
            self._end_utterance()
        elif self.utterance_bytes >= MAX_UTTERANCE_SECONDS * PCM_RATE * 2:
            resume_at = self.utterance_start + self.utterance_bytes / (PCM_RATE * 2)
            self._end_utterance()
            self.decoder.start_utt()
            self.in_utterance = True
            self.utterance_start = resume_at
            self.utterance_bytes = 0

    def _end_utterance(self) -> None:
        self.decoder.end_utt()
        self.in_utterance = False
        for segment in self.decoder.seg():
            if segment.word in NON_WORDS or segment.word.startswith(("[", "+")):
                continue
            start = self.utterance_start + segment.start_frame / FRAMES_PER_SECOND
            end = self.utterance_start + (segment.end_frame + 1) / FRAMES_PER_SECOND
            self.words.append((ALTERNATE.sub("", segment.word), start, end))


class _ChannelEnergy:
    """The energy of each 10 ms frame of both channels, kept only as far back as words may still need it, and the
    louder channel of each word with its share of the energy."""

    def __init__(self):
        self.frames = (array("f"), array("f"))
        self.origin = 0  # frame number of frames[*][0]
        self.attributed: list[tuple[int | None, float]] = []

    def add(self, left: bytes, right: bytes) -> None:
        for pcm, into in zip((left, right), self.frames, strict=True):
            samples = array("h", pcm)
            for offset in range(0, len(samples), SAMPLES_PER_FRAME):
                frame = samples[offset : offset + SAMPLES_PER_FRAME]
                into.append(float(sum(map(mul, frame, frame))))

    def attribute(self, words: Sequence[tuple[str, float, float]]) -> None:
        """Record the louder channel of each new word, then forget frames no later word can reach (utterances come
        in time order), so memory does not grow with the length of the recording."""
        for _, start, end in words:
            first = max(int(start * FRAMES_PER_SECOND) - self.origin, 0)
            last = max(first + 1, int(end * FRAMES_PER_SECOND) - self.origin)
            totals = [sum(channel[first:last]) for channel in self.frames]
            whole = sum(totals)
            if whole <= 0:
                self.attributed.append((None, 0.0))
            else:
                loudest = 0 if totals[0] >= totals[1] else 1
                self.attributed.append((loudest, totals[loudest] / whole))
        if words:
            keep_from = int(words[-1][2] * FRAMES_PER_SECOND) - self.origin
            for channel in self.frames:
                del channel[: max(keep_from, 0)]
            self.origin += max(keep_from, 0)

    def channels(self) -> list[int | None]:
        """Each word's channel; None for every word when the median word's share shows that the two channels carry
        the same sound."""
        shares = sorted(share for channel, share in self.attributed if channel is not None)
        if not shares or shares[len(shares) // 2] < DISTINCT_CHANNEL_SHARE:
            return [None] * len(self.attributed)
        return [channel for channel, _ in self.attributed]


def _mono_mix(left: bytes, right: bytes) -> bytes:
    a, b = array("h", left), array("h", right)
    return array("h", [(x + y) >> 1 for x, y in zip(a, b, strict=True)]).tobytes()


def transcribe(path_or_file: Source) -> SpeechResult:
    """Transcribe a recording offline with pocketsphinx, streaming in constant memory (AI-2).

    Any container :mod:`ai_analysis.audio` reads is accepted. A two-channel source is transcribed from its mono mix
    and each word is attributed to the louder channel over its span (see the module's speaker convention). Memory
    holds the decoder, one utterance and the transcript itself, whatever the length of the recording.
    """
    started = time.perf_counter()
    transcriber = _Transcriber()
    energy: _ChannelEnergy | None = None
    samples = 0
    for block in pcm16k_frames(path_or_file, channels="split"):
        if len(block.channels) == 2:
            energy = energy or _ChannelEnergy()
            energy.add(*block.channels)
            transcriber.feed(_mono_mix(*block.channels))
            energy.attribute(transcriber.words[len(energy.attributed) :])
        else:
            transcriber.feed(block.channels[0])
        samples += block.samples
    raw_words = transcriber.finish()
    if energy is not None:
        energy.attribute(raw_words[len(energy.attributed) :])
        channels = energy.channels()
    else:
        channels = [None] * len(raw_words)
    words = tuple(
        Word(text, round(start, 2), round(end, 2), channel)
        for (text, start, end), channel in zip(raw_words, channels, strict=True)
    )
    duration = samples / PCM_RATE
    elapsed = time.perf_counter() - started
    return SpeechResult(
        words=words,
        duration_seconds=duration,
        engine=ENGINE,
        engine_version=engine_version(),
        model=MODEL,
        real_time_factor=elapsed / duration if duration else 0.0,
        channels=2 if energy is not None else 1,
    )


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
