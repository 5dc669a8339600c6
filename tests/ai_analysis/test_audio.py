"""Merging uploaded recording chunks into one file, and decoding to 16 kHz PCM (ai_analysis.audio).

The interview and its chunks come from the ``spoken_interview`` fixture (conftest.py): real speech from flite,
encoded by ffmpeg the way a browser (continuation fragments of one WebM/Opus stream) or a desktop client (independent
files every 5 s) sends it.
"""

import io
import random
from array import array
from pathlib import Path

import av
import pytest

from ai_analysis.audio import AudioError, MergeResult, merge_chunks, pcm16k_frames, sniff
from tests.ai_analysis.conftest import cut_bytes, ffmpeg, run

# Independent files carry encoder priming (AAC: 1024 samples, Opus: 312) and end on packet boundaries, so the joined
# length may differ a little from the source. Measured on this 32 s interview (stated / decoded): WAV 0 / 0 ms,
# Ogg +7 / 0 ms, WebM +9 / +4 ms, browser fragments +9 / +4 ms, MP4/AAC +64 / +102 ms.
TOLERANCE_S = 0.15


def garbage(size: int) -> bytes:
    """Bytes that are no audio format; seeded, so a failure can be replayed."""
    return random.Random(size).randbytes(size)


def merged(tmp_path: Path, chunks, **options) -> tuple[MergeResult, Path]:
    out_path = tmp_path / "merged.bin"
    with out_path.open("wb") as out:
        result = merge_chunks(chunks, out, **options)
    return result, out_path


def decoded_seconds(path_or_file) -> float:
    return sum(block.samples for block in pcm16k_frames(path_or_file)) / 16000


class NonSeekableOutput(io.RawIOBase):
    """A pipe-like output (an upload stream, a socket): write only, no seeking back."""

    def __init__(self):
        self.buffer = bytearray()

    def writable(self):
        return True

    def seekable(self):
        return False

    def write(self, data):
        self.buffer += data
        return len(data)


# --- Browser: continuation fragments of one stream --------------------------------------------------------------------


def test_browser_fragments_join_into_one_playable_webm(spoken_interview, tmp_path):
    result, out_path = merged(tmp_path, spoken_interview.fragments)

    assert (result.container, result.codec, result.channels, result.sample_rate) == ("webm", "opus", 1, 48000)
    assert (result.chunks, result.segments, result.reencoded_segments) == (len(spoken_interview.fragments), 1, 0)
    assert result.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)
    assert result.bytes_written == out_path.stat().st_size
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)
    with av.open(str(out_path)) as container:
        # MediaRecorder's stream has no duration; the merged file states one, so players can show and seek it.
        assert container.duration / 1_000_000 == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_no_single_fragment_after_the_first_can_be_decoded_alone(spoken_interview, tmp_path):
    """Why fragments are joined byte for byte: on their own they are not audio files."""
    assert sniff(spoken_interview.fragments[0].read_bytes()[:12]) == "webm"
    for fragment in spoken_interview.fragments[1:]:
        assert sniff(fragment.read_bytes()[:12]) is None
        with pytest.raises(AudioError, match="chunk 0 does not start with a WebM, Ogg, WAV or MP4 header"):
            merged(tmp_path, [fragment])


def test_safari_style_fragmented_mp4_pieces_join(spoken_interview, tmp_path):
    """Safari's MediaRecorder writes fragmented MP4/AAC: a header with ``moov``, then ``moof`` fragments."""
    fragmented = tmp_path / "safari.mp4"
    movflags = ["-movflags", "frag_keyframe+empty_moov+default_base_moof", "-frag_duration", "5000000"]
    fragmented.write_bytes(ffmpeg("-i", spoken_interview.mono_wav, "-c:a", "aac", *movflags, "-f", "mp4", "-"))

    result, out_path = merged(tmp_path, cut_bytes(fragmented, tmp_path / "pieces", 6))

    assert (result.container, result.codec, result.segments) == ("mp4", "aac", 1)
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_fragments_as_open_files_into_a_non_seekable_output(spoken_interview):
    chunks = [io.BytesIO(path.read_bytes()) for path in spoken_interview.fragments]
    out = NonSeekableOutput()

    result = merge_chunks(chunks, out)

    assert result.bytes_written == len(out.buffer)
    assert decoded_seconds(io.BytesIO(bytes(out.buffer))) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_empty_chunks_are_skipped(spoken_interview, tmp_path):
    empty = tmp_path / "empty.part"
    empty.write_bytes(b"")
    chunks = [empty, spoken_interview.fragments[0], empty, *spoken_interview.fragments[1:], empty]

    result, _ = merged(tmp_path, chunks)

    assert result.chunks == len(spoken_interview.fragments)
    assert result.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


# --- Desktop client: independent files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "container", "codec"),
    [("ogg", "ogg", "opus"), ("webm", "webm", "opus"), ("wav", "wav", "pcm_s16le"), ("mp4", "mp4", "aac")],
)
def test_independent_files_are_remuxed_without_reencoding(spoken_interview, tmp_path, kind, container, codec):
    chunks = spoken_interview.independent[kind]
    assert len(chunks) >= 6  # about 32 s in 5 s files

    result, out_path = merged(tmp_path, chunks)

    assert (result.container, result.codec, result.channels) == (container, codec, 1)
    assert (result.chunks, result.segments, result.reencoded_segments) == (len(chunks), len(chunks), 0)
    assert result.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_the_container_comes_from_the_bytes_not_the_name(spoken_interview, tmp_path):
    misleading = []
    for number, chunk in enumerate(spoken_interview.independent["ogg"]):
        path = tmp_path / f"recording-{number}.mp4"  # Ogg bytes under an MP4 name
        path.write_bytes(chunk.read_bytes())
        misleading.append(path)

    result, _ = merged(tmp_path, misleading)

    assert (result.container, result.codec) == ("ogg", "opus")


def test_mp4_into_a_non_seekable_output_is_fragmented(spoken_interview):
    out = NonSeekableOutput()

    result = merge_chunks(spoken_interview.independent["mp4"], out)

    assert result.container == "mp4"
    assert b"moof" in out.buffer  # a fragmented MP4: the index cannot go at the end of a pipe
    assert decoded_seconds(io.BytesIO(bytes(out.buffer))) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_same_codec_at_another_sample_rate_is_reencoded_to_match(spoken_interview, tmp_path):
    chunks = list(spoken_interview.independent["wav"])
    resampled = tmp_path / "chunk-8k.part"
    run("sox", "-t", "wav", chunks[2], "-t", "wav", "-r", "8000", resampled)  # the client switched microphones
    chunks[2] = resampled

    result, out_path = merged(tmp_path, chunks)

    assert (result.codec, result.sample_rate, result.reencoded_segments) == ("pcm_s16le", 16000, 1)
    assert result.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_opus_with_another_channel_count_is_reencoded_to_match(spoken_interview, tmp_path):
    chunks = list(spoken_interview.independent["ogg"])
    stereo = tmp_path / "chunk-stereo.part"
    ffmpeg("-f", "ogg", "-i", chunks[1], "-ac", "2", "-c:a", "libopus", "-b:a", "32k", "-f", "ogg", stereo)
    chunks[1] = stereo

    result, out_path = merged(tmp_path, chunks)

    assert (result.codec, result.channels, result.reencoded_segments) == ("opus", 1, 1)
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_a_chunk_of_another_codec_is_refused(spoken_interview, tmp_path):
    chunks = [*spoken_interview.independent["ogg"][:3], *spoken_interview.independent["wav"][3:]]

    with pytest.raises(AudioError) as caught:
        merged(tmp_path, chunks)

    assert "chunk 3 is pcm_s16le, 16000 Hz, 1 channel(s)" in caught.value.reason
    assert "the recording so far is opus" in caught.value.reason
    assert "cannot be joined" in caught.value.reason


def test_a_chunk_of_another_codec_is_reencoded_when_asked(spoken_interview, tmp_path):
    chunks = [*spoken_interview.independent["webm"][:3], *spoken_interview.independent["wav"][3:]]

    result, out_path = merged(tmp_path, chunks, reencode_other_codecs=True)

    assert (result.container, result.codec) == ("webm", "opus")
    assert result.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)
    assert result.reencoded_segments == len(chunks) - 3
    assert decoded_seconds(out_path) == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


# --- Refusals -------------------------------------------------------------------------------------------------------


def test_an_empty_chunk_list_is_refused(tmp_path):
    with pytest.raises(AudioError, match="no chunks to merge"):
        merged(tmp_path, [])


def test_a_list_of_empty_chunks_is_refused(tmp_path):
    with pytest.raises(AudioError, match="no chunks to merge"):
        merged(tmp_path, [io.BytesIO(b""), io.BytesIO(b"")])


def test_garbage_is_refused_with_the_chunk_number(tmp_path):
    with pytest.raises(AudioError, match="chunk 0 does not start with a WebM, Ogg, WAV or MP4 header"):
        merged(tmp_path, [io.BytesIO(garbage(4096))])


@pytest.mark.parametrize(
    "head",
    [b"\x1a\x45\xdf\xa3", b"OggS\x00\x02", b"RIFF\x00\x10\x00\x00WAVE", b"\x00\x00\x00\x18ftypisom"],
    ids=["webm", "ogg", "wav", "mp4"],
)
def test_garbage_behind_a_header_is_refused(tmp_path, head):
    with pytest.raises(AudioError) as caught:
        merged(tmp_path, [io.BytesIO(head + garbage(4096))])

    assert caught.value.reason.startswith("chunk 0 ")
    assert any(words in caught.value.reason for words in ("could not be", "no audio stream"))


def test_garbage_after_a_complete_wav_is_refused(spoken_interview, tmp_path):
    chunks = [*spoken_interview.independent["wav"][:2], io.BytesIO(garbage(4096))]

    with pytest.raises(AudioError, match="chunk 2 does not start with .* chunk 1 before it is a complete WAV file"):
        merged(tmp_path, chunks)


def test_garbage_after_an_mp4_is_refused(spoken_interview, tmp_path):
    chunks = [spoken_interview.independent["mp4"][0], io.BytesIO(garbage(4096))]

    with pytest.raises(AudioError, match="chunk 1 does not start with .* chunk 0 before it is a complete MP4 file"):
        merged(tmp_path, chunks)


def test_a_file_without_audio_is_refused(tmp_path):
    video = tmp_path / "screen.part"
    ffmpeg("-f", "lavfi", "-i", "color=c=black:s=32x32:d=1", "-c:v", "mpeg4", "-f", "mp4", video)

    with pytest.raises(AudioError, match="chunk 0 has no audio stream"):
        merged(tmp_path, [video])


# --- Decoding to 16 kHz PCM -----------------------------------------------------------------------------------------


def rms(pcm: bytes) -> float:
    samples = array("h", pcm)
    return (sum(s * s for s in samples) / max(len(samples), 1)) ** 0.5


def test_pcm_mix_is_mono_16k_in_bounded_blocks(spoken_interview):
    blocks = list(pcm16k_frames(spoken_interview.stereo_webm, block_seconds=0.5))

    assert all(len(block.channels) == 1 for block in blocks)
    assert all(block.samples == 8000 for block in blocks[:-1]) and 0 < blocks[-1].samples <= 8000
    assert [block.start_sample for block in blocks] == [n * 8000 for n in range(len(blocks))]
    assert sum(block.samples for block in blocks) / 16000 == pytest.approx(spoken_interview.duration_s, abs=TOLERANCE_S)


def test_pcm_split_keeps_the_two_speakers_apart(spoken_interview):
    blocks = list(pcm16k_frames(spoken_interview.stereo_wav, channels="split"))
    assert all(len(block.channels) == 2 and len(set(map(len, block.channels))) == 1 for block in blocks)
    left = b"".join(block.channels[0] for block in blocks)
    right = b"".join(block.channels[1] for block in blocks)

    for turn in spoken_interview.turns:
        start, end = (int(t * 16000) * 2 for t in (turn.start_s + 0.5, turn.end_s - 0.5))
        louder, quieter = (left, right) if turn.speaker == "interviewer" else (right, left)
        assert rms(louder[start:end]) > 100 * max(rms(quieter[start:end]), 1)


def test_pcm_split_of_a_mono_file_gives_one_channel(spoken_interview):
    blocks = list(pcm16k_frames(spoken_interview.mono_wav, channels="split"))

    assert {len(block.channels) for block in blocks} == {1}
    assert sum(block.samples for block in blocks) == pytest.approx(spoken_interview.duration_s * 16000, abs=2)


def test_pcm_of_garbage_is_refused():
    with pytest.raises(AudioError, match="not WebM, Ogg, WAV or MP4"):
        list(pcm16k_frames(io.BytesIO(garbage(1000))))
    with pytest.raises(AudioError, match="empty"):
        list(pcm16k_frames(io.BytesIO(b"")))


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81", "webm"),
        (b"OggS\x00\x02" + bytes(6), "ogg"),
        (b"OggS\x00\x00" + bytes(6), None),  # a page that continues a stream
        (b"RIFF\x24\x00\x00\x00WAVE", "wav"),
        (b"RIFF\x24\x00\x00\x00AVI ", None),
        (b"\x00\x00\x00\x1cftypisom", "mp4"),
        (b"\x00\x00\x00\x1cmoof\x00\x00\x00\x00", None),  # a fragment of a fragmented MP4
        (b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00", "mp3"),  # an MP3 starts with its ID3v2 tag
        (b"ID3\x09\x00\x00\x00\x00\x00\x00\x00\x00", None),  # no such ID3 version
        (b"\xff\xfb\x90\x64" + bytes(8), None),  # a bare MPEG frame header: only as a recording's first chunk
        (b"", None),
    ],
)
def test_sniff_reads_the_header_bytes(head, kind):
    assert sniff(head) == kind
