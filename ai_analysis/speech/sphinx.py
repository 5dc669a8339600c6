"""The pocketsphinx engine (``SPEECH_ENGINE=pocketsphinx``): the explicit fallback choice, US English only.

pocketsphinx 5 carries its US-English acoustic model, language model and dictionary inside the wheel, so nothing is
downloaded, ever. Audio reaches the decoder as 16 kHz mono PCM from :func:`ai_analysis.audio.pcm16k_frames`, one
block at a time; a voice-activity endpointer cuts it into utterances, so memory stays constant however long the
interview. Words come out lowercase and without punctuation.
"""

from __future__ import annotations

import importlib.metadata
import re
import time

from ai_analysis.audio import PCM_RATE, Source, pcm16k_frames
from ai_analysis.speech.channels import ChannelEnergy, attributed_words, mono_mix
from ai_analysis.speech.results import SpeechError, SpeechResult

ENGINE = "pocketsphinx"
MODEL = "en-us (bundled with the pocketsphinx wheel)"
FRAMES_PER_SECOND = 100  # pocketsphinx's frame rate; seg() times are in these frames
MAX_UTTERANCE_SECONDS = 60  # an utterance that never pauses is cut here, so the decoder's memory stays bounded
NON_WORDS = {"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"}
ALTERNATE = re.compile(r"\(\d+\)$")  # "read(2)": the dictionary's second pronunciation of "read"
ENGLISH_ONLY = (
    "The pocketsphinx speech engine understands US English only, and this interview is not in English. "
    "Set SPEECH_ENGINE=whisper-base to transcribe it."
)


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
        if not speech:  # end_stream inside an utterance may hand back nothing; the decoder refuses an empty buffer
            if self.in_utterance and not self.endpointer.in_speech:
                self._end_utterance()
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


def transcribe(path_or_file: Source, *, language: str = "en") -> SpeechResult:
    """Transcribe a recording offline with pocketsphinx, streaming in constant memory (AI-2).

    Any container :mod:`ai_analysis.audio` reads is accepted. A two-channel source is transcribed from its mono mix
    and each word is attributed to the louder channel over its span (see the module's speaker convention). Memory
    holds the decoder, one utterance and the transcript itself, whatever the length of the recording.
    """
    if language not in ("en", "auto"):
        raise SpeechError(ENGLISH_ONLY)
    started = time.perf_counter()
    transcriber = _Transcriber()
    energy: ChannelEnergy | None = None
    samples = 0
    for block in pcm16k_frames(path_or_file, channels="split"):
        if len(block.channels) == 2:
            energy = energy or ChannelEnergy()
            energy.add(*block.channels)
            transcriber.feed(mono_mix(*block.channels))
            energy.attribute(transcriber.words[len(energy.attributed) :])
        else:
            transcriber.feed(block.channels[0])
        samples += block.samples
    raw_words = transcriber.finish()
    words = attributed_words(raw_words, energy)
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
        language="en",
    )
