"""The Whisper engines (the default, ai_analysis.speech.whisper): real speech, pinned weights, bounded slices.

The ``spoken_interview`` fixture (conftest.py) is real synthetic speech: flite's ``slt`` voice asks, ``rms`` answers.
The model loads once per test process; transcripts are made once per run and shared between xdist workers.
"""

import io
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ai_analysis.audio import PCM_RATE, merge_chunks
from ai_analysis.speech import (
    ModelIntegrityError,
    SpeechError,
    SpeechResult,
    Word,
    normalized_words,
    transcribe,
    turns_of,
    whisper,
    word_error_rate,
)
from ai_analysis.speech.model_files import WHISPER_BASE, WHISPER_TINY_EN, ready_directory, sha256_of
from tests.ai_analysis.conftest import once_per_run, run
from tests.test_settings import run_django

# Measured here with whisper-base int8: 0.04 on the merged WebM/Opus fragments ("billing" heard as "building", a
# missing "a"), 0.04 on the two-channel WebM; tiny.en 0.06. The bound leaves room for another machine's floating point
# and codec build and is still far below pocketsphinx's 0.14-0.19 on the same audio.
MAX_WER = 0.12
TIMING_SLACK_S = 0.6  # Whisper's word times are cross-attention estimates: looser than pocketsphinx's frames
SWEDISH = (
    "Jag har arbetat som sjuksköterska i tio år och trivs mycket bra med mitt arbete. Vi planerade arbetet "
    "tillsammans, testade varje ändring och blev klara två veckor i förväg. Sedan bad vi kunderna om synpunkter."
)


def speech_to_json(result: SpeechResult) -> str:
    return json.dumps(asdict(result))


def speech_from_json(text: str) -> SpeechResult:
    data = json.loads(text)
    return SpeechResult(**{**data, "words": tuple(Word(**word) for word in data["words"])})


@pytest.fixture(scope="module")
def browser_transcript(request, spoken_interview, tmp_path_factory) -> SpeechResult:
    """The product's path with the default engine: MediaRecorder fragments, merged, then transcribed, language
    detected."""

    def produce(directory: Path) -> SpeechResult:
        merged = directory / "merged.webm"
        with merged.open("wb") as out:
            merge_chunks(spoken_interview.fragments, out)
        return transcribe(merged, engine="whisper-base", language="auto")

    return once_per_run(request, tmp_path_factory, "whisper-browser", produce, speech_to_json, speech_from_json)


@pytest.fixture(scope="module")
def two_channel_transcript(request, spoken_interview, tmp_path_factory) -> SpeechResult:
    def produce(directory: Path) -> SpeechResult:
        return transcribe(spoken_interview.stereo_webm, engine="whisper-base", language="en")

    return once_per_run(request, tmp_path_factory, "whisper-two-channel", produce, speech_to_json, speech_from_json)


def test_transcript_is_close_to_the_script_and_the_language_was_detected(spoken_interview, browser_transcript):
    wer = word_error_rate(spoken_interview.reference, browser_transcript.text)

    assert wer <= MAX_WER, f"WER {wer:.2f}: {browser_transcript.text}"
    assert browser_transcript.language == "en"


def test_engine_model_and_the_weights_hash_are_recorded(spoken_interview, browser_transcript):
    assert browser_transcript.engine == "whisper-base"
    assert browser_transcript.model_sha256 == "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
    assert browser_transcript.record.startswith("whisper-base (Whisper base (multilingual)")
    assert f"sha256:{WHISPER_BASE.model_sha256}" in browser_transcript.record
    assert len(browser_transcript.record) <= 200  # Analysis.speech_engine
    assert browser_transcript.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=0.15)
    assert browser_transcript.channels == 1


def test_words_have_increasing_times_inside_the_scripted_turns(spoken_interview, browser_transcript):
    words = browser_transcript.words
    assert len(words) > 50
    starts = [word.start_s for word in words]
    assert starts == sorted(starts)
    for word in words:
        assert word.text == word.text.strip() and word.text
        assert 0 <= word.start_s <= word.end_s <= browser_transcript.duration_seconds + 0.05
        middle = (word.start_s + word.end_s) / 2
        assert any(
            turn.start_s - TIMING_SLACK_S <= middle <= turn.end_s + TIMING_SLACK_S for turn in spoken_interview.turns
        ), word


def test_single_channel_turns_alternate_at_the_pauses(spoken_interview, browser_transcript):
    turns = turns_of(browser_transcript)

    assert [turn.speaker for turn in turns] == [turn.speaker for turn in spoken_interview.turns]
    assert {turn.speaker_confidence for turn in turns} == {"low"}
    for turn, scripted in zip(turns, spoken_interview.turns, strict=True):
        assert turn.start_s == pytest.approx(scripted.start_s, abs=TIMING_SLACK_S)
        assert word_error_rate(scripted.text, turn.text) <= 0.25


def test_two_channels_tell_interviewer_from_candidate_word_by_word(spoken_interview, two_channel_transcript):
    assert two_channel_transcript.channels == 2
    assert word_error_rate(spoken_interview.reference, two_channel_transcript.text) <= MAX_WER

    turns = turns_of(two_channel_transcript)

    assert [turn.speaker for turn in turns] == ["interviewer", "candidate", "interviewer", "candidate"]
    assert [turn.channel for turn in turns] == [0, 1, 0, 1]
    assert {turn.speaker_confidence for turn in turns} == {"high"}


def test_long_audio_is_fed_in_slices_cut_at_pauses(spoken_interview, monkeypatch):
    """Memory is bounded by the slice, not the interview: with 12 s slices the interview is cut in pauses, and the
    transcript keeps its words and absolute times."""
    monkeypatch.setattr(whisper, "SLICE_SECONDS", 12)
    monkeypatch.setattr(whisper, "CUT_SEARCH_SECONDS", 6)
    slices: list[tuple[float, float]] = []
    original = whisper._Slicer.add

    def recording_add(self, pcm):
        for start, piece in original(self, pcm):
            slices.append((start / PCM_RATE, (start + len(piece)) / PCM_RATE))
            yield start, piece

    monkeypatch.setattr(whisper._Slicer, "add", recording_add)

    result = transcribe(spoken_interview.mono_wav, engine="whisper-base", language="en")

    assert len(slices) >= 2
    for _, end in slices:  # every cut falls in a gap between turns, or at least not inside a spoken word
        assert not any(word.start_s + 0.05 < end < word.end_s - 0.05 for word in result.words), end
    assert word_error_rate(spoken_interview.reference, result.text) <= MAX_WER
    starts = [word.start_s for word in result.words]
    assert starts == sorted(starts)


def test_a_slice_is_cut_in_the_quietest_place():
    rate = PCM_RATE
    tone = (np.sin(np.arange(rate * 30) * 0.05) * 8000).astype(np.int16)
    tone[rate * 17 : rate * 18] = 0  # a one-second pause at 17-18 s, inside the last 20 s

    cut = whisper._cut_point(tone)

    assert rate * 17 <= cut <= rate * 18


# --- Pinned weights -------------------------------------------------------------------------------------------------


def tampered_model_dir(tmp_path: Path, name: str, settings) -> Path:
    """A copy of the assembled Whisper base directory in a fresh SPEECH_MODEL_DIR, with one byte of ``name``
    changed."""
    real = ready_directory(WHISPER_BASE, Path(settings.SPEECH_MODEL_DIR))
    cache = tmp_path / "models"
    copy = cache / real.name
    shutil.copytree(real, copy)
    with (copy / name).open("r+b") as file:
        file.seek(1000)
        byte = file.read(1)
        file.seek(1000)
        file.write(bytes([byte[0] ^ 0xFF]))
    settings.SPEECH_MODEL_DIR = cache
    return copy


@pytest.mark.parametrize("name", ["model.bin", "tokenizer.json"])
def test_a_model_file_with_another_hash_is_refused(tmp_path, settings, spoken_interview, name):
    copy = tampered_model_dir(tmp_path, name, settings)

    with pytest.raises(ModelIntegrityError) as refused:
        transcribe(spoken_interview.mono_wav, engine="whisper-base", language="en")

    reason = refused.value.reason
    assert name in reason and str(copy) in reason and "was not loaded" in reason
    assert WHISPER_BASE.files[name] in reason  # the expected hash, and the actual one next to it
    assert sha256_of(copy / name) in reason


def test_the_assembled_model_matches_the_pinned_hash_and_is_reused(tmp_path, settings):
    settings.SPEECH_MODEL_DIR = tmp_path / "models"

    first = ready_directory(WHISPER_BASE, settings.SPEECH_MODEL_DIR)
    again = ready_directory(WHISPER_BASE, settings.SPEECH_MODEL_DIR)

    assert first == again and sorted(p.name for p in first.iterdir()) == sorted(WHISPER_BASE.files)
    assert sha256_of(first / "model.bin") == WHISPER_BASE.model_sha256
    assert [p.name for p in settings.SPEECH_MODEL_DIR.iterdir()] == [first.name]  # no temporary directory left


# --- Languages ------------------------------------------------------------------------------------------------------


def test_tiny_en_refuses_swedish_with_a_reason(spoken_interview):
    with pytest.raises(SpeechError) as refused:
        transcribe(spoken_interview.mono_wav, engine="whisper-tiny-en", language="sv")

    assert "English only" in refused.value.reason and "Swedish" in refused.value.reason
    assert not isinstance(refused.value, ModelIntegrityError)


def test_tiny_en_transcribes_english(spoken_interview):
    result = transcribe(spoken_interview.mono_wav, engine="whisper-tiny-en", language="auto")

    assert result.engine == "whisper-tiny-en" and result.language == "en"
    assert result.model_sha256 == WHISPER_TINY_EN.model_sha256
    assert word_error_rate(spoken_interview.reference, result.text) <= MAX_WER


@pytest.fixture(scope="module")
def swedish_wav(tmp_path_factory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("the Swedish test needs espeak-ng (apt-get install espeak-ng)")
    directory = tmp_path_factory.mktemp("swedish")
    raw, wav = directory / "raw.wav", directory / "sv.wav"
    run("espeak-ng", "-v", "sv", "-s", "130", "-w", raw, SWEDISH)
    run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", wav)
    return wav


def test_swedish_is_transcribed_as_swedish_when_the_hiring_says_so(swedish_wav):
    result = transcribe(swedish_wav, engine="whisper-base", language="sv")

    assert result.language == "sv"
    # espeak-ng's Swedish voice is robotic (measured here: WER 0.57, and "auto" takes it for English); human Swedish
    # speech was not available to measure.
    assert word_error_rate(SWEDISH, result.text) <= 0.8, result.text
    assert {"jag", "har", "och"} <= set(normalized_words(result.text))


def test_pocketsphinx_refuses_swedish(swedish_wav):
    with pytest.raises(SpeechError, match="US English only"):
        transcribe(swedish_wav, engine="pocketsphinx", language="sv")


# --- The command and the setting ------------------------------------------------------------------------------------


def test_the_transcribe_command_prints_the_turns_as_json(spoken_interview):
    out = io.StringIO()

    call_command(
        "transcribe", str(spoken_interview.mono_wav), "--engine", "whisper-base", "--language", "en", stdout=out
    )

    report = json.loads(out.getvalue())
    assert report["engine"].startswith("whisper-base") and WHISPER_BASE.model_sha256 in report["engine"]
    assert report["language"] == "en"
    assert [turn["speaker"] for turn in report["turns"]] == [turn.speaker for turn in spoken_interview.turns]
    for turn in report["turns"]:
        assert set(turn) == {"speaker", "start", "end", "text"}
        assert 0 <= turn["start"] <= turn["end"] and turn["text"]
    text = " ".join(turn["text"] for turn in report["turns"])
    assert word_error_rate(spoken_interview.reference, text) <= MAX_WER


def test_the_transcribe_command_says_why_it_cannot(spoken_interview):
    with pytest.raises(CommandError, match="English only"):
        call_command("transcribe", str(spoken_interview.mono_wav), "--engine", "whisper-tiny-en", "--language", "sv")


@pytest.mark.parametrize(("value", "ok"), [("whisper-base", True), ("pocketsphinx", True), ("whisper-large", False)])
def test_speech_engine_is_validated_at_startup(tmp_path, value, ok):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SPEECH_ENGINE)"
    result = run_django(code, {"VAR_DIR": str(tmp_path), "SPEECH_ENGINE": value})

    assert (result.returncode == 0) is ok, result.stderr
    if ok:
        assert result.stdout.strip().splitlines()[-1] == value
    else:
        assert "SPEECH_ENGINE must be whisper-base, whisper-tiny-en or pocketsphinx" in result.stderr
