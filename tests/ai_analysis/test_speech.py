"""The pocketsphinx engine (the explicit fallback), turns with speakers, and word error rate (ai_analysis.speech).

The ``spoken_interview`` fixture (conftest.py) is real synthetic speech: flite's ``slt`` voice asks, ``rms``
answers. The transcript is judged by its word error rate against the script and by its word times against where each
turn was placed.
"""

import importlib.metadata
import json
from dataclasses import asdict
from pathlib import Path

import pytest

from ai_analysis.audio import merge_chunks
from ai_analysis.speech import RecognisedTurn, SpeechResult, Word, sphinx, split_turns, word_error_rate
from ai_analysis.speech import transcribe as speech_transcribe
from tests.ai_analysis.conftest import ffmpeg, once_per_run

# Measured on this interview with pocketsphinx 5.1.1: 0.14 from the 16 kHz WAV, 0.19 from the merged WebM/Opus
# fragments (24 kb/s) and 0.13 from the two-channel WebM/Opus (64 kb/s). The bound leaves room for another machine's
# floating point and codec build, and still fails if the audio path mangles the speech (wrong rate, a lost channel,
# a chunk cut out or doubled).
MAX_WER = 0.3
TIMING_SLACK_S = 0.5  # word and turn times against where the turns were placed in the audio


def transcribe(source) -> SpeechResult:
    return speech_transcribe(source, engine="pocketsphinx")


def speech_to_json(result: SpeechResult) -> str:
    return json.dumps(asdict(result))


def speech_from_json(text: str) -> SpeechResult:
    data = json.loads(text)
    return SpeechResult(**{**data, "words": tuple(Word(**word) for word in data["words"])})


@pytest.fixture(scope="module")
def browser_transcript(request, spoken_interview, tmp_path_factory) -> SpeechResult:
    """The product's path: MediaRecorder fragments, merged, then transcribed."""

    def produce(directory: Path) -> SpeechResult:
        merged = directory / "merged.webm"
        with merged.open("wb") as out:
            merge_chunks(spoken_interview.fragments, out)
        return transcribe(merged)

    return once_per_run(request, tmp_path_factory, "browser-transcript", produce, speech_to_json, speech_from_json)


@pytest.fixture(scope="module")
def two_channel_transcript(request, spoken_interview, tmp_path_factory) -> SpeechResult:
    """Interviewer on the left channel, candidate on the right, as WebM/Opus."""

    def produce(directory: Path) -> SpeechResult:
        return transcribe(spoken_interview.stereo_webm)

    return once_per_run(request, tmp_path_factory, "two-channel-transcript", produce, speech_to_json, speech_from_json)


def test_transcript_is_close_to_the_script(spoken_interview, browser_transcript):
    wer = word_error_rate(spoken_interview.reference, browser_transcript.text)

    assert wer <= MAX_WER, f"WER {wer:.2f}: {browser_transcript.text}"


def test_the_engine_and_its_version_are_recorded(spoken_interview, browser_transcript):
    assert browser_transcript.engine == "pocketsphinx"
    assert browser_transcript.engine_version == importlib.metadata.version("pocketsphinx")
    assert "en-us" in browser_transcript.model
    assert browser_transcript.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=0.15)
    assert browser_transcript.real_time_factor > 0  # speed is the benchmark's business, not a test's
    assert browser_transcript.channels == 1


def test_words_are_clean_and_their_times_increase(spoken_interview, browser_transcript):
    words = browser_transcript.words
    assert len(words) > 50
    for word in words:
        assert word.text == word.text.lower() and word.text.replace("'", "").isalpha(), word
        assert "(" not in word.text and word.text not in {"<s>", "</s>", "<sil>", "[noise]"}
        assert 0 <= word.start_s < word.end_s <= browser_transcript.duration_seconds + 0.05
        assert word.channel is None
    starts = [word.start_s for word in words]
    assert starts == sorted(starts)
    assert all(earlier.end_s <= later.start_s + 0.01 for earlier, later in zip(words, words[1:], strict=False))


def test_every_word_falls_inside_a_scripted_turn(spoken_interview, browser_transcript):
    for word in browser_transcript.words:
        middle = (word.start_s + word.end_s) / 2
        assert any(
            turn.start_s - TIMING_SLACK_S <= middle <= turn.end_s + TIMING_SLACK_S for turn in spoken_interview.turns
        )


def test_single_channel_turns_alternate_and_ask_for_a_person_to_check(spoken_interview, browser_transcript):
    turns = split_turns(browser_transcript.words)

    assert [turn.speaker for turn in turns] == [turn.speaker for turn in spoken_interview.turns]
    assert {turn.speaker_confidence for turn in turns} == {"low"}
    assert {turn.channel for turn in turns} == {None}
    for turn, scripted in zip(turns, spoken_interview.turns, strict=True):
        assert turn.start_s == pytest.approx(scripted.start_s, abs=TIMING_SLACK_S)
        assert turn.end_s == pytest.approx(scripted.end_s, abs=TIMING_SLACK_S)
        assert word_error_rate(scripted.text, turn.text) <= 0.5


def test_two_channels_tell_interviewer_from_candidate(spoken_interview, two_channel_transcript):
    assert two_channel_transcript.channels == 2
    assert word_error_rate(spoken_interview.reference, two_channel_transcript.text) <= MAX_WER

    turns = split_turns(two_channel_transcript.words)

    assert [turn.speaker for turn in turns] == ["interviewer", "candidate", "interviewer", "candidate"]
    assert [turn.channel for turn in turns] == [0, 1, 0, 1]
    assert {turn.speaker_confidence for turn in turns} == {"high"}
    for turn, scripted in zip(turns, spoken_interview.turns, strict=True):
        assert turn.start_s == pytest.approx(scripted.start_s, abs=TIMING_SLACK_S)
        assert word_error_rate(scripted.text, turn.text) <= 0.5


def test_two_identical_channels_say_nothing_about_speakers(spoken_interview, tmp_path):
    """A stereo microphone or a mono source copied to both sides: the channels cannot tell the speakers apart."""
    first_turn = spoken_interview.turns[0]
    duplicated = tmp_path / "duplicated.ogg"
    ffmpeg("-i", spoken_interview.mono_wav, "-t", str(first_turn.end_s), "-ac", "2", "-c:a", "libopus", duplicated)

    result = transcribe(duplicated)

    assert result.channels == 2
    assert result.words and {word.channel for word in result.words} == {None}
    assert {turn.speaker_confidence for turn in split_turns(result.words)} == {"low"}


def test_speech_without_a_pause_is_cut_into_bounded_utterances(spoken_interview, tmp_path, monkeypatch):
    """Memory stays bounded when nobody pauses: the decoder's utterance is cut at MAX_UTTERANCE_SECONDS."""
    first_turn = spoken_interview.turns[0]
    clip = tmp_path / "first-turn.wav"
    ffmpeg("-i", spoken_interview.mono_wav, "-t", str(first_turn.end_s), clip)
    monkeypatch.setattr(sphinx, "MAX_UTTERANCE_SECONDS", 2)

    result = transcribe(clip)

    starts = [word.start_s for word in result.words]
    assert starts == sorted(starts)
    assert all(first_turn.start_s - TIMING_SLACK_S <= word.start_s <= first_turn.end_s for word in result.words)
    assert word_error_rate(first_turn.text, result.text) <= 0.5  # a cut may split a word, not lose the turn


# --- split_turns on given words -------------------------------------------------------------------------------------


def words(*items: tuple[str, float, float, int | None]) -> list[Word]:
    return [Word(text, start, end, channel) for text, start, end, channel in items]


def test_channel_turns_follow_the_channel_and_absorb_words_without_one():
    turns = split_turns(
        words(
            ("so", 0.0, 0.2, None),
            ("tell", 0.2, 0.5, 0),
            ("me", 0.5, 0.7, 0),
            ("well", 3.0, 3.4, 1),
            ("um", 3.4, 3.5, None),
            ("yes", 3.6, 3.9, 1),
            ("thanks", 9.0, 9.5, 0),
        )
    )

    assert turns == [
        RecognisedTurn("interviewer", 0.0, 0.7, "so tell me", "high", 0),
        RecognisedTurn("candidate", 3.0, 3.9, "well um yes", "high", 1),
        RecognisedTurn("interviewer", 9.0, 9.5, "thanks", "high", 0),
    ]


def test_single_channel_turns_split_at_the_pause_given():
    given = words(("hello", 0.0, 0.5, None), ("there", 0.6, 1.0, None), ("hi", 1.8, 2.0, None), ("ok", 4.0, 4.2, None))

    assert [turn.text for turn in split_turns(given)] == ["hello there hi", "ok"]
    assert [(turn.speaker, turn.text) for turn in split_turns(given, pause_s=0.5)] == [
        ("interviewer", "hello there"),
        ("candidate", "hi"),
        ("interviewer", "ok"),
    ]
    assert split_turns([]) == []


# --- word_error_rate ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("Tell me about the project.", "tell me about the project", 0.0),
        ("We didn't ship it!", "we didn't ship it", 0.0),
        ("one two three four", "one too three four", 0.25),  # a substitution
        ("one two three four", "one two three", 0.25),  # a deletion
        ("one two three four", "one two two three four", 0.25),  # an insertion
        ("one two", "three four five six", 2.0),  # insertions can push it past 1
        ("Äntligen klar", "äntligen, klar.", 0.0),
        ("", "", 0.0),
        ("", "noise", 1.0),
        ("something said", "", 1.0),
    ],
)
def test_word_error_rate(reference, hypothesis, expected):
    assert word_error_rate(reference, hypothesis) == pytest.approx(expected)
