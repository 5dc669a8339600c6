"""Audio building blocks of the recording pipeline: merge uploaded chunks into one file, decode to 16 kHz PCM.

No Django here: these functions take bytes in and give bytes out, so a job, a management command or a benchmark can
call them alike. Everything runs on this machine with PyAV's bundled FFmpeg (AI-2: providers work offline).

Two kinds of chunk reach :func:`merge_chunks`:

* **continuation fragments**: the browser's ``MediaRecorder`` with a timeslice emits one WebM/Opus stream cut into
  pieces; only chunk 0 carries the container header and the pieces are decodable only when joined byte for byte;
* **independent files**: a desktop client may send every chunk as a complete file (WAV, Ogg/Opus, MP4/AAC, WebM,
  MP3).

A file uploaded from the page arrives as one file cut into byte pieces: its first piece has the header and the rest
continue it. An MP4 (or M4A) cut that way is joined into a temporary file on disk before it is read, because its
index may sit at the end of the file and FFmpeg must seek to it.

Which kind a chunk is comes from its first bytes, never from a file name or a declared type (SEC-UP): a chunk that
starts with a container header (EBML ``1A45DFA3``, ``OggS`` with the beginning-of-stream flag, ``RIFF....WAVE``, an
``ftyp`` box, an ``ID3`` tag; an MPEG audio frame header only as the very first chunk) starts a new *segment*; any
other chunk continues the segment before it. Each segment is read as one byte stream and its packets are copied into
a single output container with shifted timestamps (no re-encoding). A segment of the same codec with another sample
rate or channel count is decoded and re-encoded as a fallback; one of another codec is refused unless the caller
asks for re-encoding. Memory stays constant: chunks are opened one at a time and read in small blocks, and nothing
holds a whole chunk or recording. Even a browser recording that is a single segment is remuxed rather than copied
byte for byte: the output then states its duration and has cues, so players can show its length and seek in it
(MediaRecorder's own stream has neither).

Decoding is bounded like every container the product opens (issue 15, SEC-UP): a few kilobytes can declare or decode
to hours (a WAV header claiming gigabytes of samples, silent Opus at the lowest bitrate, packets whose timestamps
understate what they decode to). :class:`DecodeLimits` caps the length, the bytes written and the time spent: a
file that *declares* more than the maximum length is refused before anything is decoded; one that runs past it
while its packets are copied or decoded is stopped there (FFmpeg's ``-t``); output past the byte bound and work
past the time budget stop too. Each refusal is an :class:`AudioError` whose reason names the bound. The pipeline
sets the limits from ``RECORDING_MAX_SECONDS``, ``RECORDING_MAX_BYTES`` and ``RECORDING_DECODE_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import BinaryIO, Literal

import av
import av.error

Source = BinaryIO | str | os.PathLike
PCM_RATE = 16_000  # what the speech engine wants: 16 kHz, 16-bit, little-endian signed PCM
HEAD_BYTES = 12  # enough to recognise every header below
READ_BLOCK = 64 * 1024

# Sniffed kind -> the FFmpeg demuxer that reads it (given explicitly, so FFmpeg never guesses from a name).
DEMUXERS = {"webm": "matroska", "ogg": "ogg", "wav": "wav", "mp4": "mov", "mp3": "mp3"}
KIND_NAMES = {"webm": "WebM/Matroska", "ogg": "Ogg", "wav": "WAV", "mp4": "MP4", "mp3": "MP3"}
WEBM_CODECS = {"opus", "vorbis"}


class AudioError(Exception):
    """Audio that cannot be merged or decoded; ``reason`` says why in words a person can act on."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DecodeLimits:
    """Bounds on one merge or decode (issue 15, SEC-UP): the longest audio accepted, the most bytes one merge may
    write, and the most seconds of work one merge or decode may take (the time a consumer of
    :func:`pcm16k_frames` spends on each block is not counted)."""

    max_seconds: float = 4 * 3600
    max_output_bytes: int = 2 * 1024**3
    max_work_seconds: float = 3600

    def check_length(self, seconds: float, what: str) -> None:
        if seconds > self.max_seconds:
            raise AudioError(
                f"{what} {_hours(seconds)}, longer than the {_hours(self.max_seconds)} a recording may last; "
                "it was refused before decoding"
            )


LIMITS = DecodeLimits()


def configure_limits(**changes) -> DecodeLimits:
    """Set the process-wide :data:`LIMITS` (the ai_analysis app does, from settings) and return them."""
    global LIMITS
    LIMITS = replace(LIMITS, **changes)
    return LIMITS


def _hours(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{seconds:.0f} s"


class _Budget:
    """The time one merge or decode may work, summed over the spans it runs in."""

    def __init__(self, limits: DecodeLimits):
        self.limits = limits
        self.spent = 0.0
        self.resumed = time.monotonic()

    def pause(self) -> None:
        self.spent += time.monotonic() - self.resumed

    def resume(self) -> None:
        self.resumed = time.monotonic()

    def check(self) -> None:
        if self.spent + time.monotonic() - self.resumed > self.limits.max_work_seconds:
            raise AudioError(
                f"reading the audio took longer than the {self.limits.max_work_seconds:.0f} s allowed; "
                "the file may be damaged or crafted"
            )


def _declared_seconds(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> float:
    """The length a file states in its headers (WAV: its data size; Ogg: its last page; MP4: its index), before a
    packet is read; 0 when it states none (a MediaRecorder stream)."""
    declared = 0.0
    if container.duration is not None and container.duration > 0:
        declared = container.duration / av.time_base
    if stream.duration is not None and stream.duration > 0 and stream.time_base:
        declared = max(declared, float(stream.duration * stream.time_base))
    return declared


@dataclass(frozen=True)
class MergeResult:
    """What :func:`merge_chunks` wrote: one playable file of ``container`` format."""

    container: str  # "webm", "matroska", "ogg", "wav", "mp4" or "mp3"
    duration_seconds: float
    codec: str  # FFmpeg codec name, e.g. "opus", "aac", "pcm_s16le"
    channels: int
    sample_rate: int
    bytes_written: int
    chunks: int = 0  # non-empty chunks read
    segments: int = 0  # independent files among them (1 for a MediaRecorder stream)
    reencoded_segments: int = 0  # segments that had to be decoded and re-encoded


@dataclass(frozen=True)
class PcmBlock:
    """A block of 16 kHz signed 16-bit little-endian PCM.

    ``channels`` holds one ``bytes`` per channel: one (the mono mix) or, with ``channels="split"`` on a
    two-channel source, two of equal length. ``start_sample`` counts samples at 16 kHz from the start of the audio.
    """

    start_sample: int
    channels: tuple[bytes, ...]

    @property
    def samples(self) -> int:
        return len(self.channels[0]) // 2

    @property
    def start_seconds(self) -> float:
        return self.start_sample / PCM_RATE


# --- Sniffing -------------------------------------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The container a chunk starts with, from its first bytes only (SEC-UP), or None for a continuation."""
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"OggS" and len(head) > 5 and head[4] == 0 and head[5] & 0x02:
        return "ogg"  # beginning-of-stream page; a page without the flag continues a stream
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:3] == b"ID3" and len(head) > 3 and head[3] in (2, 3, 4):
        return "mp3"  # an ID3v2 tag, which MP3 files (ffmpeg's, most encoders') start with
    return None


def is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG-1/2 Layer III frame header (an MP3 without an ID3 tag). Two bytes of sync are too common inside other
    streams to start a segment anywhere, so the merge only accepts this for the very first chunk."""
    if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xE0) != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0x03, (head[1] >> 1) & 0x03
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0x03
    return version != 1 and layer == 1 and bitrate not in (0, 15) and rate != 3


class _Chunk:
    """One chunk, opened lazily, with its first bytes already read for sniffing."""

    def __init__(self, index: int, source: Source):
        self.index = index
        self.path = os.fspath(source) if isinstance(source, str | os.PathLike) else None
        if self.path is not None:
            self.file: BinaryIO = open(self.path, "rb")  # noqa: SIM115 (closed by close())
            self.owned = True
        else:
            self.file = source
            self.owned = False
        self.start = _tell(self.file)
        self.head = _read_exactly(self.file, HEAD_BYTES)
        self.kind = sniff(self.head)
        if self.kind is None and index == 0 and is_mpeg_audio_frame(self.head):
            self.kind = "mp3"
        self.pending = self.head  # bytes read for sniffing, handed out before the rest of the file
        self.bytes_read = 0

    def read(self, size: int) -> bytes:
        if self.pending:
            data, self.pending = self.pending[:size], self.pending[size:]
        else:
            data = self.file.read(size)
        self.bytes_read += len(data)
        return data

    def rewound(self) -> BinaryIO | str | None:
        """The whole chunk for FFmpeg to read and seek in itself, if it can seek (MP4 may keep its index at the
        end): its path (FFmpeg reads it without Python in between), or the caller's file object at its start."""
        if self.start is None or not _seekable(self.file):
            return None
        self.pending = b""
        if self.path is not None:
            return self.path
        self.file.seek(self.start)
        return self.file

    def close(self) -> None:
        if self.owned:
            self.file.close()


def _tell(file: BinaryIO) -> int | None:
    try:
        return file.tell() if _seekable(file) else None
    except OSError:
        return None


def _seekable(file: BinaryIO) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _read_exactly(file: BinaryIO, size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = file.read(size - len(data))
        if not more:
            break
        data += more
    return data


class _ChunkSource:
    """Walks the caller's chunks once, in the given order, skipping empty ones; one chunk of look-ahead."""

    def __init__(self, chunks: Iterable[Source]):
        self._chunks = iter(chunks)
        self._index = -1
        self._peeked: _Chunk | None = None
        self._exhausted = False
        self.non_empty = 0

    def peek(self) -> _Chunk | None:
        if self._peeked is None and not self._exhausted:
            for source in self._chunks:
                self._index += 1
                chunk = _Chunk(self._index, source)
                if chunk.head:
                    self.non_empty += 1
                    self._peeked = chunk
                    break
                chunk.close()  # MediaRecorder may deliver an empty blob; it carries nothing
            else:
                self._exhausted = True
        return self._peeked

    def take(self) -> _Chunk | None:
        chunk = self.peek()
        self._peeked = None
        return chunk

    def close(self) -> None:
        if self._peeked is not None:
            self._peeked.close()
            self._peeked = None


def _check_mp4_continuation(first: _Chunk, following: _Chunk) -> None:
    """A chunk without a header may follow an MP4 header chunk only if that MP4 is fragmented (Safari's
    MediaRecorder); after a complete MP4 such bytes cannot be part of the recording."""
    if first.kind == "mp4" and _is_complete_mp4(first):
        raise AudioError(
            f"chunk {following.index} does not start with a WebM, Ogg, WAV or MP4 header, and chunk {first.index} "
            "before it is a complete MP4 file, so it cannot be a continuation"
        )


def _is_complete_mp4(chunk: _Chunk) -> bool:
    """True when the chunk's top-level boxes show a whole, unfragmented MP4: a ``moov`` without ``mvex`` and an
    ``mdat``. Only box headers are read; a chunk that cannot seek counts as not known to be complete."""
    if chunk.start is None or not _seekable(chunk.file):
        return False
    file, resume = chunk.file, chunk.file.tell()
    seen: set[bytes] = set()
    try:
        file.seek(chunk.start)
        end = file.seek(0, io.SEEK_END)
        position = chunk.start
        while position + 8 <= end:
            file.seek(position)
            size, kind = struct.unpack(">I4s", _read_exactly(file, 8))
            header = 8
            if size == 1:
                size, header = struct.unpack(">Q", _read_exactly(file, 8))[0], 16
            elif size == 0:
                size = end - position
            if size < header:
                return False  # not a box structure we understand
            if position + size > end:
                return False  # the box runs past this chunk: the file continues in the next one
            if kind == b"moov":
                seen.add(b"moov")
                inner, moov_end = position + header, position + size
                while inner + 8 <= moov_end:
                    file.seek(inner)
                    child_size, child = struct.unpack(">I4s", _read_exactly(file, 8))
                    if child == b"mvex":
                        return False  # fragmented: moof boxes follow
                    if child_size < 8:
                        break
                    inner += child_size
            seen.add(kind)
            position += size
        return {b"moov", b"mdat"} <= seen
    except (OSError, struct.error):
        return False
    finally:
        file.seek(resume)


class _SegmentReader:
    """A non-seekable file object over one segment: a header chunk followed by its continuation chunks, joined
    byte for byte. It stops before the next chunk that starts with a header of its own."""

    def __init__(self, source: _ChunkSource, first: _Chunk):
        self.source = source
        self.kind = first.kind
        self.first = first
        self.current: _Chunk | None = first
        self.error: AudioError | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = READ_BLOCK
        try:
            while self.current is not None:
                data = self.current.read(size)
                if data:
                    return data
                self._advance()
        except AudioError as exc:
            self.error = exc  # FFmpeg sees an I/O error; merge_chunks raises this one
            raise
        return b""

    def _advance(self) -> None:
        finished = self.current
        self.current = None
        following = self.source.peek()
        if following is None or following.kind is not None:
            finished.close()
            return  # end of the recording, or the next chunk is an independent file: this segment ends here
        self._check_continuation(finished, following)
        finished.close()
        self.current = self.source.take()

    def _check_continuation(self, finished: _Chunk, following: _Chunk) -> None:
        """Refuse bytes that cannot continue this segment, instead of silently dropping or mis-reading them."""
        if self.kind == "wav" and finished is self.first:
            riff_size = struct.unpack("<I", self.first.head[4:8])[0]
            if riff_size + 8 == finished.bytes_read:
                raise AudioError(
                    f"chunk {following.index} does not start with a WebM, Ogg, WAV or MP4 header, and chunk "
                    f"{finished.index} before it is a complete WAV file, so it cannot be a continuation"
                )
        _check_mp4_continuation(self.first, following)

    def drain(self) -> None:
        """Read to the end of the segment, so the next segment starts at its own header."""
        while self.read(READ_BLOCK):
            pass

    def close(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None


# --- Output ---------------------------------------------------------------------------------------------------------


class _CountingWriter:
    """Forwards to the caller's file object and measures how many bytes the output spans."""

    def __init__(self, out: BinaryIO, max_bytes: int | None = None):
        self.out = out
        self.can_seek = _seekable(out)
        self.origin = out.tell() if self.can_seek else 0
        self.position = self.origin
        self.end = self.origin
        self.max_bytes = max_bytes
        self.error: AudioError | None = None  # FFmpeg sees an I/O error; merge_chunks raises this one

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self.can_seek

    def write(self, data: bytes) -> int:
        if self.max_bytes is not None and self.position + len(data) - self.origin > self.max_bytes:
            self.error = AudioError(
                f"the merged recording would be larger than the {self.max_bytes:,} bytes allowed; it was stopped there"
            )
            raise self.error
        written = self.out.write(data)
        self.position += len(data) if written is None else written
        self.end = max(self.end, self.position)
        return len(data) if written is None else written

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self.can_seek:
            raise OSError("the output cannot seek")
        self.position = self.out.seek(offset, whence)
        return self.position

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        flush = getattr(self.out, "flush", None)
        if flush is not None:
            flush()

    @property
    def bytes_written(self) -> int:
        return self.end - self.origin


def _output_format(kind: str, codec: str) -> str:
    if kind == "webm":
        return "webm" if codec in WEBM_CODECS else "matroska"
    return {"ogg": "ogg", "wav": "wav", "mp4": "mp4", "mp3": "mp3"}[kind]


def _output_options(fmt: str, seekable: bool) -> dict[str, str]:
    if fmt == "mp4" and not seekable:
        # A pipe cannot take the index at the end: write a fragmented MP4, one fragment every 5 seconds.
        return {"movflags": "empty_moov+default_base_moof", "frag_duration": "5000000"}
    return {}


@dataclass(frozen=True)
class _StreamShape:
    """What must agree between segments for their packets to be copied into one stream."""

    codec: str
    sample_rate: int
    channels: int
    detail: str  # sample format of PCM, profile of AAC

    @classmethod
    def of(cls, stream: av.audio.stream.AudioStream) -> _StreamShape:
        ctx = stream.codec_context
        detail = ""
        if ctx.name.startswith("pcm_"):
            detail = ctx.format.name if ctx.format else ""
        elif ctx.name == "aac":
            detail = ctx.profile or ""
        return cls(ctx.name, ctx.sample_rate, ctx.channels, detail)

    def describe(self) -> str:
        return f"{self.codec}, {self.sample_rate} Hz, {self.channels} channel(s)"


class _Output:
    """The one output container, created from the first segment's audio stream."""

    def __init__(self, writer: _CountingWriter, kind: str, template: av.audio.stream.AudioStream):
        self.shape = _StreamShape.of(template)
        self.format = _output_format(kind, self.shape.codec)
        self.container = av.open(
            writer, mode="w", format=self.format, options=_output_options(self.format, writer.can_seek)
        )
        self.stream = self.container.add_stream_from_template(template)
        self.end = Fraction(0)  # seconds written so far
        self.bit_rate = template.codec_context.bit_rate or template.bit_rate or 0
        self.layout = template.codec_context.layout.name

    def mux(
        self,
        packets: Iterator[av.Packet],
        time_base: Fraction,
        *,
        first_segment: bool,
        limits: DecodeLimits,
        budget: _Budget,
    ) -> None:
        """Copy ``packets`` (timestamps in ``time_base``) after what is already written.

        The first segment keeps its own timestamps (so its priming, e.g. AAC's edit list, stays right); a later
        segment drops pure encoder-priming packets and starts where the previous segment ended. This loop runs
        once per packet (180,000 times for an hour of Opus), so it does as little as it can: one comparison with
        the length limit per packet (FFmpeg's ``-t``), a look at the clock every 1,024.
        """
        stream, mux_one = self.stream, self.container.mux_one
        offset: int | None = 0 if first_segment else None
        last: av.Packet | None = None
        previous_pts = 0
        limit_pts = limits.max_seconds / time_base
        count = 0
        for packet in packets:
            pts = packet.pts
            if pts is None:
                continue  # the demuxer's closing flush packet
            if offset is None:
                if pts < 0 and pts + (packet.duration or 0) <= 0:
                    continue  # priming of an independent encoding, before its time zero
                offset = round(self.end / time_base) - pts
            if offset:
                packet.pts = pts + offset
                packet.dts = pts + offset
            if pts + offset + (packet.duration or 0) > limit_pts:
                raise AudioError(
                    f"the recording runs past the {_hours(limits.max_seconds)} a recording may last; "
                    "it was stopped there"
                )
            count += 1
            if not count & 1023:
                budget.check()
            packet.stream = stream
            mux_one(packet)
            if last is not None:
                previous_pts = last.pts
            last = packet
        if last is not None:
            # Muxing rebased the packets to the output's time base. The last one's duration if the container gave
            # one, else the spacing of the packets before it.
            end_pts = last.pts + (last.duration or max(last.pts - previous_pts, 0))
            self.end = max(self.end, end_pts * last.time_base)

    def close(self) -> None:
        self.container.close()


def _open_input(source: BinaryIO | str, kind: str, where: str) -> av.container.InputContainer:
    try:
        return av.open(source, mode="r", format=DEMUXERS[kind])
    except av.error.FFmpegError as exc:
        raise AudioError(f"{where} starts like {KIND_NAMES[kind]} but could not be read: {exc.strerror}") from exc


def _first_audio_stream(container: av.container.InputContainer, where: str) -> av.audio.stream.AudioStream:
    if not container.streams.audio:
        raise AudioError(f"{where} has no audio stream")
    return container.streams.audio[0]


def _transcoded(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream, output: _Output
) -> Iterator[av.Packet]:
    """Decode a segment and encode it again in the output stream's codec, rate and layout (the fallback)."""
    encoder = av.CodecContext.create(output.shape.codec, "w")
    encoder.sample_rate = output.shape.sample_rate
    encoder.layout = output.layout
    encoder.format = encoder.codec.audio_formats[0]
    if output.bit_rate:
        encoder.bit_rate = output.bit_rate
    encoder.time_base = Fraction(1, output.shape.sample_rate)
    encoder.open()
    resampler = av.AudioResampler(
        format=encoder.format,
        layout=output.layout,
        rate=output.shape.sample_rate,
        frame_size=encoder.frame_size or None,
    )
    samples = 0  # the output timeline: samples given to the encoder so far

    def encoded(frames: Iterable[av.AudioFrame]) -> Iterator[av.Packet]:
        nonlocal samples
        for frame in frames:
            frame.pts = samples
            samples += frame.samples
            yield from _packets(encoder, frame)

    decoder = stream.codec_context
    for packet in container.demux(stream):
        for frame in decoder.decode(packet if packet.size else None):
            frame.pts = None  # the resampler need not follow the source's clock; the timeline is ours
            yield from encoded(resampler.resample(frame))
    yield from encoded(resampler.resample(None))
    yield from _packets(encoder, None)


def _packets(encoder: av.CodecContext, frame: av.AudioFrame | None) -> Iterator[av.Packet]:
    for packet in encoder.encode(frame):
        packet.time_base = encoder.time_base
        yield packet


def merge_chunks(
    chunks: Iterable[Source],
    out: BinaryIO,
    *,
    reencode_other_codecs: bool = False,
    limits: DecodeLimits | None = None,
) -> MergeResult:
    """Join numbered recording chunks, in the given order, into one playable file written to ``out``.

    ``chunks`` are file objects or paths, read one at a time; putting them in order is the caller's job. Each chunk
    is recognised by its first bytes (SEC-UP): one with a container header starts a segment, one without continues
    the segment before it byte for byte (MediaRecorder's timeslices). The output container follows the first
    chunk's (WebM for Opus from a browser) and packets are copied, not re-encoded. A later segment of the same codec
    but another sample rate, channel count or profile is decoded and re-encoded to match; one of another codec
    raises :class:`AudioError`, unless ``reencode_other_codecs`` says to re-encode it too. Independent Opus or AAC
    files each carry a few milliseconds of encoder priming; whole priming packets are dropped at the joins, partial
    ones are kept, so a joined file can be a few milliseconds per chunk longer than what was said.

    Raises :class:`AudioError` for no chunks, bytes that are not audio, a file without an audio stream, a chunk
    that cannot be joined, or a bound of ``limits`` (:data:`LIMITS` unless given) passed: a chunk that declares
    more than the maximum length is refused before its packets are read; ``out`` then holds a partial file: write
    to a temporary file and discard it.
    """
    limits = limits or LIMITS
    budget = _Budget(limits)
    source = _ChunkSource(chunks)
    writer = _CountingWriter(out, limits.max_output_bytes)
    output: _Output | None = None
    segments = reencoded = 0
    try:
        while (first := source.take()) is not None:
            if first.kind is None:
                first.close()
                raise AudioError(
                    f"chunk {first.index} does not start with a WebM, Ogg, WAV or MP4 header"
                    + (", and there is no earlier chunk it could continue" if segments == 0 else "")
                )
            output, mode = _merge_segment(
                source, first, writer, output, segments, reencode_other_codecs, limits=limits, budget=budget
            )
            segments += 1
            reencoded += mode == "reencoded"
        if output is None:
            raise AudioError("there are no chunks to merge: the list is empty or every chunk is empty")
        try:
            output.close()
        except av.error.FFmpegError as exc:
            if writer.error is not None:
                raise writer.error from exc
            raise AudioError(f"the merged file could not be finished: {exc.strerror}") from exc
        writer.flush()
        return MergeResult(
            container=output.format,
            duration_seconds=float(output.end),
            codec=output.shape.codec,
            channels=output.shape.channels,
            sample_rate=output.shape.sample_rate,
            bytes_written=writer.bytes_written,
            chunks=source.non_empty,
            segments=segments,
            reencoded_segments=reencoded,
        )
    finally:
        source.close()


def _merge_segment(
    source: _ChunkSource,
    first: _Chunk,
    writer: _CountingWriter,
    output: _Output | None,
    done: int,
    reencode_other_codecs: bool,
    *,
    limits: DecodeLimits,
    budget: _Budget,
) -> tuple[_Output, str]:
    """Append one segment (a header chunk and the chunks continuing it) to the output, creating the output from the
    first segment. Returns the output and how the segment went in: "copied" or "reencoded"."""
    where = f"chunk {first.index}"
    following = source.peek()
    # A segment that is one whole chunk is read from its own file when that can seek (MP4 may keep its index at the
    # end); a segment of several chunks is read as one byte stream over them.
    own_file = first.rewound() if following is None or following.kind is not None else None
    reader = _SegmentReader(source, first) if own_file is None else None
    spooled = None
    try:
        if following is not None and following.kind is None:
            _check_mp4_continuation(first, following)  # before the MP4 demuxer fails on the header chunk alone
            if first.kind == "mp4":
                # An MP4 cut into pieces (a file uploaded from the page): FFmpeg must seek in it, so the pieces
                # are joined on disk first, in blocks.
                spooled = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finally)
                shutil.copyfileobj(reader, spooled, READ_BLOCK)
                spooled.seek(0)
        source_file = own_file if own_file is not None else (spooled if spooled is not None else reader)
        with _open_input(source_file, first.kind, where) as container:
            stream = _first_audio_stream(container, where)
            so_far = float(output.end) if output is not None else 0.0
            declared = so_far + _declared_seconds(container, stream)
            limits.check_length(declared, f"{where} declares audio that brings the recording to")
            shape = _StreamShape.of(stream)
            if output is None:
                output = _Output(writer, first.kind, stream)
            bounds = {"first_segment": done == 0, "limits": limits, "budget": budget}
            if shape == output.shape:
                output.mux(container.demux(stream), stream.time_base, **bounds)
                mode = "copied"
            elif shape.codec == output.shape.codec or reencode_other_codecs:
                transcoded = _transcoded(container, stream, output)
                output.mux(transcoded, Fraction(1, output.shape.sample_rate), **bounds)
                mode = "reencoded"
            else:
                raise AudioError(
                    f"{where} is {shape.describe()} but the recording so far is {output.shape.describe()}; "
                    "chunks of another codec cannot be joined without re-encoding"
                )
        if reader is not None:
            reader.drain()  # the demuxer may stop early; the next segment starts after this one's last byte
    except av.error.FFmpegError as exc:
        if reader is not None and reader.error is not None:
            raise reader.error from exc
        if writer.error is not None:
            raise writer.error from exc
        raise AudioError(f"{where} could not be decoded: {exc.strerror}") from exc
    finally:
        if spooled is not None:
            spooled.close()
        if reader is not None:
            reader.close()
        first.close()
    return output, mode


# --- Decoding to 16 kHz PCM -----------------------------------------------------------------------------------------


def pcm16k_frames(
    path_or_file: Source,
    *,
    channels: Literal["mix", "split"] = "mix",
    block_seconds: float = 1.0,
    limits: DecodeLimits | None = None,
) -> Iterator[PcmBlock]:
    """Stream-decode any supported file to 16 kHz 16-bit PCM in blocks of ``block_seconds`` (the last may be
    shorter), with PyAV's resampler.

    ``channels="mix"`` gives one mono mix. ``channels="split"`` gives the two channels separately when the source
    has exactly two (for speaker attribution by channel energy), and the mono mix otherwise; check
    ``len(block.channels)``. The container is sniffed from the bytes, like the chunks of :func:`merge_chunks`.
    Packets that fail to decode are replaced by silence of the same length, so later times stay right; a file
    with nothing decodable raises :class:`AudioError`. So does a bound of ``limits`` (:data:`LIMITS` unless given):
    a file that declares more than the maximum length before anything is decoded, audio that decodes past it
    (decoding stops there), and decoding past the time budget.
    """
    limits = limits or LIMITS
    if channels not in ("mix", "split"):
        raise ValueError(f"channels must be 'mix' or 'split', not {channels!r}")
    chunk = _Chunk(0, path_or_file)
    try:
        if chunk.kind is None:
            raise AudioError("the file is empty" if not chunk.head else "the file is not WebM, Ogg, WAV or MP4 audio")
        seekable = chunk.rewound()
        container = _open_input(
            seekable if seekable is not None else _SegmentReader(_ChunkSource(()), chunk), chunk.kind, "the file"
        )
        with container:
            stream = _first_audio_stream(container, "the file")
            limits.check_length(_declared_seconds(container, stream), "the file declares a length of")
            split = channels == "split" and stream.codec_context.channels == 2
            block_samples = max(1, round(block_seconds * PCM_RATE))
            yield from _decode_blocks(container, stream, split, block_samples, limits)
    finally:
        chunk.close()


def _decode_blocks(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    split: bool,
    block_samples: int,
    limits: DecodeLimits,
) -> Iterator[PcmBlock]:
    planes = 2 if split else 1
    resampler = av.AudioResampler(
        format="s16p" if split else "s16", layout="stereo" if split else "mono", rate=PCM_RATE
    )
    buffers = [bytearray() for _ in range(planes)]
    block_bytes = block_samples * 2
    start = 0
    decoded = failed = 0
    budget = _Budget(limits)
    limit_bytes = int(limits.max_seconds * PCM_RATE) * 2  # of one channel, from the start

    def bounded(more: int) -> None:
        """FFmpeg's ``-t``: decoding stops at the maximum length, before the bytes past it are held."""
        if start * 2 + len(buffers[0]) + more > limit_bytes:
            raise AudioError(
                f"the audio decodes to more than the {_hours(limits.max_seconds)} a recording may last; "
                "decoding stopped there"
            )

    def take(frames: Iterable[av.AudioFrame]) -> None:
        for frame in frames:
            size = frame.samples * 2
            bounded(size)
            for buffer, plane in zip(buffers, frame.planes, strict=False):
                buffer += memoryview(plane)[:size]

    def silence(packet: av.Packet) -> None:
        if packet.duration and packet.time_base:
            size = int(packet.duration * packet.time_base * PCM_RATE) * 2
            bounded(size)  # a damaged packet may state any duration
            for buffer in buffers:
                buffer += bytes(size)

    def full_blocks() -> Iterator[PcmBlock]:
        nonlocal start
        while len(buffers[0]) >= block_bytes:
            block = PcmBlock(start, tuple(bytes(buffer[:block_bytes]) for buffer in buffers))
            for buffer in buffers:
                del buffer[:block_bytes]
            start += block_samples
            budget.pause()  # the consumer's time (a speech engine's) is not the decoder's
            yield block
            budget.resume()

    decoder = stream.codec_context
    try:
        for packet in container.demux(stream):
            budget.check()
            try:
                frames = decoder.decode(packet if packet.size else None)
            except av.error.InvalidDataError:
                failed += 1
                silence(packet)
                continue
            decoded += len(frames)
            for frame in frames:
                frame.pts = None
                take(resampler.resample(frame))
            yield from full_blocks()
    except av.error.FFmpegError as exc:
        raise AudioError(f"the file could not be decoded: {exc.strerror}") from exc
    take(resampler.resample(None))
    if decoded == 0:
        raise AudioError("the file holds no decodable audio" + (f" ({failed} damaged packets)" if failed else ""))
    yield from full_blocks()
    if buffers[0]:
        yield PcmBlock(start, tuple(bytes(buffer) for buffer in buffers))
