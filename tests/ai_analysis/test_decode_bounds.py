"""Audio and video decoding is bounded (issue 15 finding 1, SEC-UP): decode bombs made by ffmpeg in the test.

Found from outside for office files, and true of every container the product opens: a few kilobytes can declare or
decode to hours. ``ai_analysis.audio.DecodeLimits`` bounds the length (``RECORDING_MAX_SECONDS``, 4 h by default),
the bytes a merge writes and the time a merge or decode works (``RECORDING_DECODE_TIMEOUT_SECONDS``). The bombs:

* silent Opus at the lowest bitrate, 120 ms frames: 6 KB for 2 minutes, looped (packet copy, no encoding) into a
  5-hour Ogg of 0.9 MB that states its length, and into a live WebM of 1.4 MB that states none (as a browser's
  MediaRecorder stream does, so only counting the packets finds its length);
* a WAV whose header claims 4 GB of samples (37 hours) over one second of real audio (FFmpeg believes only the
  bytes there are).
"""

import struct
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from ai_analysis import audio, pipeline
from ai_analysis.audio import AudioError, DecodeLimits, merge_chunks, pcm16k_frames
from ai_analysis.models import Analysis, AnalysisStep, RecordingChunk, Step
from tests.ai_analysis.conftest import cut_bytes, ffmpeg
from tests.ai_analysis.step_world import transcribed_analysis

FIVE_HOURS = 5 * 3600
SILENCE = ("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono")
LOWEST_BITRATE = ("-c:a", "libopus", "-b:a", "500", "-application", "voip", "-frame_duration", "120")


class Pipe:
    """A file object that cannot seek, like the byte stream over a recording's chunks."""

    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def readable(self):
        return True

    def seekable(self):
        return False

    def read(self, size=-1):
        size = len(self.data) - self.at if size is None or size < 0 else size
        chunk = self.data[self.at : self.at + size]
        self.at += len(chunk)
        return chunk


@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> dict[str, Path]:
    directory = tmp_path_factory.mktemp("bombs")
    two_minutes = directory / "silence-2min.ogg"
    ffmpeg(*SILENCE, "-t", "120", *LOWEST_BITRATE, two_minutes)
    loops = str(FIVE_HOURS // 120 - 1)
    five_hours = directory / "silence-5h.ogg"
    ffmpeg("-stream_loop", loops, "-i", two_minutes, "-c", "copy", five_hours)
    live = directory / "silence-5h-live.webm"
    ffmpeg("-stream_loop", loops, "-i", two_minutes, "-c", "copy", "-live", "1", "-f", "webm", live)
    one_second = directory / "one-second.wav"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1", "-c:a", "pcm_s16le", one_second)
    data = bytearray(one_second.read_bytes())
    at = data.index(b"data")
    data[4:8] = struct.pack("<I", 0xFFFFFFF8)  # RIFF size
    data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFF0)  # the data chunk claims 4 GB: 37 h at 16 kHz mono
    claims_hours = directory / "claims-37h.wav"
    claims_hours.write_bytes(bytes(data))
    return {"2min": two_minutes, "5h": five_hours, "5h-live": live, "claims-37h": claims_hours}


def merged(chunks, tmp_path, **limits) -> tuple[audio.MergeResult | AudioError, int]:
    """Merge into a file and return (the result or the refusal, the bytes written)."""
    out_path = tmp_path / "merged.bin"
    with out_path.open("wb") as out:
        try:
            result = merge_chunks(chunks, out, limits=DecodeLimits(**limits) if limits else None)
        except AudioError as refusal:
            result = refusal
    return result, out_path.stat().st_size


def decoded_seconds(source, **limits) -> float:
    return sum(b.samples for b in pcm16k_frames(source, limits=DecodeLimits(**limits) if limits else None)) / 16000


def test_the_bombs_are_tiny_and_long(bombs):
    assert bombs["2min"].stat().st_size < 20_000
    assert bombs["5h"].stat().st_size < 2_000_000 and bombs["5h-live"].stat().st_size < 2_000_000
    assert bombs["claims-37h"].stat().st_size < 40_000
    assert audio.LIMITS.max_seconds == 4 * 3600  # the default the settings give (RECORDING_MAX_SECONDS)


def test_a_recording_that_states_five_hours_is_refused_before_anything_is_decoded(bombs, tmp_path):
    started = time.monotonic()
    refusal, written = merged([bombs["5h"]], tmp_path)
    assert isinstance(refusal, AudioError)
    assert refusal.reason == (
        "chunk 0 declares audio that brings the recording to 5 h 00 min, longer than the 4 h 00 min a recording "
        "may last; it was refused before decoding"
    )
    assert written == 0  # not one packet copied
    with pytest.raises(AudioError, match="the file declares a length of 5 h 00 min, longer than the 4 h 00 min"):
        next(pcm16k_frames(bombs["5h"]))
    assert time.monotonic() - started < 5


def test_a_stream_that_states_no_length_is_stopped_at_the_maximum_as_its_packets_are_copied(bombs, tmp_path):
    """A live WebM (a MediaRecorder stream) says nothing of its length: the merge counts it, FFmpeg's ``-t``."""
    for chunks in ([bombs["5h-live"]], cut_bytes(bombs["5h-live"], tmp_path / "fragments", 40)):
        refusal, written = merged(chunks, tmp_path)
        assert isinstance(refusal, AudioError)
        assert refusal.reason == "the recording runs past the 4 h 00 min a recording may last; it was stopped there"
        assert written < bombs["5h-live"].stat().st_size  # at most the four hours' packets


def test_decoding_stops_at_the_maximum_before_it_holds_the_audio_past_it(bombs):
    blocks = []
    with pytest.raises(AudioError) as refused:
        for block in pcm16k_frames(bombs["5h-live"], limits=DecodeLimits(max_seconds=60)):
            blocks.append(block.samples)
    assert refused.value.reason == (
        "the audio decodes to more than the 60 s a recording may last; decoding stopped there"
    )
    assert 59 <= sum(blocks) / 16000 <= 60


def test_audio_within_the_maximum_is_merged_and_decoded_whole(bombs, tmp_path):
    result, _written = merged([bombs["2min"]], tmp_path, max_seconds=121)
    assert not isinstance(result, AudioError) and 119 < result.duration_seconds < 121
    assert 119 < decoded_seconds(bombs["2min"], max_seconds=121) < 121
    refusal, written = merged([bombs["2min"]], tmp_path, max_seconds=119)
    assert "longer than the 119 s a recording may last" in refusal.reason and written == 0


def test_a_wav_header_claiming_hours_decodes_only_the_second_it_holds(bombs, tmp_path):
    """PCM cannot decode to more than its bytes: FFmpeg cuts the claim to the data there is, from a file it can
    measure and from a stream alike (where it states no length at all), so nothing is held for 37 hours."""
    result, _written = merged([bombs["claims-37h"]], tmp_path)
    assert not isinstance(result, AudioError) and abs(result.duration_seconds - 1) < 0.01
    assert abs(decoded_seconds(bombs["claims-37h"]) - 1) < 0.01
    assert abs(decoded_seconds(Pipe(bombs["claims-37h"].read_bytes())) - 1) < 0.01


def test_the_merged_file_is_bounded_in_bytes(bombs, tmp_path):
    refusal, written = merged([bombs["5h-live"]], tmp_path, max_output_bytes=50_000)
    assert refusal.reason == "the merged recording would be larger than the 50,000 bytes allowed; it was stopped there"
    assert written <= 50_000


def test_a_merge_or_decode_that_works_past_its_time_budget_stops(bombs, tmp_path):
    refusal, _written = merged([bombs["5h-live"]], tmp_path, max_work_seconds=0)
    assert refusal.reason.startswith("reading the audio took longer than the 0 s allowed")
    with pytest.raises(AudioError, match="reading the audio took longer than the 0 s allowed"):
        next(pcm16k_frames(bombs["2min"], limits=DecodeLimits(max_work_seconds=0)))


def test_the_time_a_consumer_spends_on_each_block_is_not_the_decoders(bombs):
    """A speech engine takes its time over every block; only the decoding counts against the budget."""
    seconds = 0.0
    started = time.monotonic()
    for block in pcm16k_frames(bombs["2min"], block_seconds=4.0, limits=DecodeLimits(max_work_seconds=5)):
        time.sleep(0.2)  # 30 blocks: 6 s of "transcription", more than the whole budget
        seconds += block.samples / 16000
    assert time.monotonic() - started > 5
    assert 119 < seconds < 121


# --- Through the pipeline, from settings -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_pipeline_refuses_a_recording_longer_than_the_setting_with_the_reason(
    bombs, acme, invite, accept, settings
):
    settings.RECORDING_MAX_SECONDS = 60
    analysis = transcribed_analysis(acme, invite, accept)[0]
    recording = analysis.recording
    data = bombs["2min"].read_bytes()
    RecordingChunk.objects.create(
        organization=acme.organization,
        recording=recording,
        index=0,
        size=len(data),
        sha256="0" * 64,
        file=ContentFile(data, name="chunk-000"),
    )
    assert pipeline.run_step(analysis.public_id, Step.MERGE) is False
    row = AnalysisStep.objects.for_operators().get(analysis=analysis, name=Step.MERGE)
    assert row.status == AnalysisStep.Status.FAILED
    assert row.failure_reason == (
        "The audio could not be read: chunk 0 declares audio that brings the recording to 120 s, longer than the "
        "60 s a recording may last; it was refused before decoding"
    )
    failed = Analysis.objects.for_operators().get(pk=analysis.pk)
    assert failed.status == Analysis.Status.FAILED and failed.failure_reason == row.failure_reason
    recording.refresh_from_db()
    assert not recording.merged


def test_the_settings_bound_every_decode_in_the_process(settings):
    limits = pipeline.decode_limits()
    assert limits == DecodeLimits(
        max_seconds=settings.RECORDING_MAX_SECONDS,
        max_output_bytes=2 * settings.RECORDING_MAX_BYTES,
        max_work_seconds=settings.RECORDING_DECODE_TIMEOUT_SECONDS,
    )
    assert limits == audio.LIMITS  # configured when the app is ready, for the speech engines' decodes too
