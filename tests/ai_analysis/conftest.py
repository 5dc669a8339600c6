"""A short scripted interview, spoken by two flite voices, and the chunk shapes recorders upload.

Built once per test run in a temporary directory with Debian's ``flite``, ``sox`` and ``ffmpeg`` (RECIPES, speech
section): flite's ``slt`` voice plays the interviewer and ``rms`` the candidate. Chunk files have no telling extension
(``chunk-000.part``), so every merge test also proves that the container is sniffed from the bytes (SEC-UP). Under
pytest-xdist the first worker builds it and the others reuse it (``once_per_run``), and so for transcripts.
"""

import fcntl
import json
import shutil
import subprocess
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")

TOOLS = {
    "flite": "apt-get install flite",
    "sox": "apt-get install sox",
    "ffmpeg": "apt-get install ffmpeg",
}
SCRIPT = (
    (
        "interviewer",
        "slt",
        "Thank you for joining us today. Can you tell me about a project where you worked with a "
        "team to solve a difficult problem?",
    ),
    (
        "candidate",
        "rms",
        "Sure. Last year I led a small team that rebuilt our billing system. We planned the work "
        "together, tested every change, and finished two weeks early.",
    ),
    ("interviewer", "slt", "That sounds great. How did you handle disagreements about the design?"),
    (
        "candidate",
        "rms",
        "We wrote down the options, compared the costs, and asked the customers what they needed "
        "most. Then the team agreed on a simple plan.",
    ),
)
GAP_SECONDS = 1.0  # silence between turns: long enough for pause-based turn splitting
CHUNK_SECONDS = 5  # what the recorders send


@dataclass(frozen=True)
class ScriptedTurn:
    speaker: str
    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class Interview:
    """The interview as audio files and as chunk lists, with what was said and when."""

    directory: Path
    turns: tuple[ScriptedTurn, ...]
    duration_s: float
    mono_wav: Path  # 16 kHz mono
    stereo_wav: Path  # interviewer on the left channel, candidate on the right (sox -M)
    stereo_webm: Path  # the same, as WebM/Opus
    live_webm: Path  # WebM/Opus written to a pipe, like MediaRecorder: no cues, no duration
    fragments: tuple[Path, ...]  # live_webm's bytes cut at arbitrary places: continuation fragments
    independent: dict[str, tuple[Path, ...]]  # "ogg", "wav", "mp4", "webm": one complete file every 5 s

    @property
    def reference(self) -> str:
        return " ".join(turn.text for turn in self.turns)

    def to_json(self) -> str:
        return json.dumps(asdict(self), default=str)

    @classmethod
    def from_json(cls, text: str) -> "Interview":
        data = json.loads(text)
        paths = {key: Path(data[key]) for key in ("directory", "mono_wav", "stereo_wav", "stereo_webm", "live_webm")}
        return cls(
            **paths,
            turns=tuple(ScriptedTurn(**turn) for turn in data["turns"]),
            duration_s=data["duration_s"],
            fragments=tuple(map(Path, data["fragments"])),
            independent={kind: tuple(map(Path, chunks)) for kind, chunks in data["independent"].items()},
        )


def run(*args: str | Path) -> bytes:
    """Run a fixed command line (no shell) and return its standard output; fail loudly with its error output."""
    result = subprocess.run([str(arg) for arg in args], capture_output=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout


def ffmpeg(*args: str | Path) -> bytes:
    return run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args)


def seconds(wav: Path) -> float:
    return float(run("soxi", "-D", wav))


def segment(source: Path, directory: Path, fmt: str, *codec_args: str) -> tuple[Path, ...]:
    """Independent files of CHUNK_SECONDS each, as a desktop client would send them."""
    directory.mkdir()
    split = ["-f", "segment", "-segment_time", str(CHUNK_SECONDS), "-reset_timestamps", "1", "-segment_format", fmt]
    ffmpeg("-i", source, "-map", "0:a", *codec_args, *split, directory / "chunk-%03d.part")
    return tuple(sorted(directory.iterdir()))


def cut_bytes(source: Path, directory: Path, pieces: int) -> tuple[Path, ...]:
    """Cut a file's bytes into ``pieces`` at places that follow no structure, as MediaRecorder's timeslices do."""
    directory.mkdir()
    data = source.read_bytes()
    size = len(data) // pieces + 7  # an odd size, so the cuts land inside clusters and blocks
    paths = []
    for number, offset in enumerate(range(0, len(data), size)):
        path = directory / f"chunk-{number:03d}.part"
        path.write_bytes(data[offset : offset + size])
        paths.append(path)
    return tuple(paths)


@contextmanager
def exclusive(lock_path: Path):
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once_per_run(
    request,
    tmp_path_factory,
    name: str,
    produce: Callable[[Path], T],
    dump: Callable[[T], str],
    load: Callable[[str], T],
) -> T:
    """``produce(directory)`` once per test run: under pytest-xdist the first worker stores it as JSON in the run's
    shared temporary directory and the other workers read it (the pattern pytest-xdist documents)."""
    if not hasattr(request.config, "workerinput"):
        return produce(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # one per run; each worker's own base is inside it
    stored = shared / f"{name}.json"
    with exclusive(shared / f"{name}.lock"):
        if stored.exists():
            return load(stored.read_text())
        directory = shared / name
        directory.mkdir()
        value = produce(directory)
        stored.write_text(dump(value))
        return value


@pytest.fixture(scope="session")
def spoken_interview(request, tmp_path_factory) -> Interview:
    missing = [f"{tool} ({install})" for tool, install in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the audio tests need {', '.join(missing)} to synthesize the interview")
    return once_per_run(request, tmp_path_factory, "interview", build_interview, Interview.to_json, Interview.from_json)


def build_interview(directory: Path) -> Interview:
    gap = directory / "gap.wav"
    run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", gap, "trim", "0", str(GAP_SECONDS))

    spoken, silent, turns = [], [], []
    clock = 0.0
    for number, (speaker, voice, text) in enumerate(SCRIPT):
        raw = directory / f"turn{number}-raw.wav"
        run("flite", "-voice", voice, "-t", text, "-o", raw)
        wav = directory / f"turn{number}.wav"
        run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", wav)
        quiet = directory / f"turn{number}-silent.wav"
        run("sox", wav, quiet, "vol", "0")  # silence exactly as long as the turn
        length = seconds(wav)
        if turns:
            clock += GAP_SECONDS
        turns.append(ScriptedTurn(speaker, text, clock, clock + length))
        clock += length
        spoken.append(wav)
        silent.append(quiet)

    def timeline(parts: list[Path], name: str) -> Path:
        path = directory / name
        run("sox", *[item for i, part in enumerate(parts) for item in ([gap, part] if i else [part])], path)
        return path

    mono = timeline(spoken, "interview-mono.wav")
    sides = list(zip(spoken, silent, turns, strict=True))
    left = timeline([said if turn.speaker == "interviewer" else quiet for said, quiet, turn in sides], "left.wav")
    right = timeline([said if turn.speaker == "candidate" else quiet for said, quiet, turn in sides], "right.wav")
    stereo = directory / "interview-stereo.wav"
    run("sox", "-M", left, right, stereo)
    stereo_webm = directory / "interview-stereo.webm"
    ffmpeg("-i", stereo, "-c:a", "libopus", "-b:a", "64k", stereo_webm)

    live = directory / "interview-live.webm"
    live.write_bytes(ffmpeg("-i", mono, "-c:a", "libopus", "-b:a", "24k", "-f", "webm", "-"))
    pieces = max(2, round(seconds(mono) / CHUNK_SECONDS))
    opus = ("-c:a", "libopus", "-b:a", "24k")
    return Interview(
        directory=directory,
        turns=tuple(turns),
        duration_s=seconds(mono),
        mono_wav=mono,
        stereo_wav=stereo,
        stereo_webm=stereo_webm,
        live_webm=live,
        fragments=cut_bytes(live, directory / "fragments", pieces),
        independent={
            "ogg": segment(mono, directory / "ogg", "ogg", *opus),
            "webm": segment(mono, directory / "webm", "webm", *opus),
            "wav": segment(mono, directory / "wav", "wav", "-c:a", "pcm_s16le"),
            "mp4": segment(mono, directory / "mp4", "mp4", "-c:a", "aac", "-b:a", "48k"),
        },
    )


@pytest.fixture
def analysis(acme, invite, accept):
    """An analysis of an interview whose candidate consented, built directly (no pipeline run): review's and the
    draft count's tests add the scores and feedback they need."""
    from tests.ai_analysis.factories import AnalysisFactory
    from tests.hiring.factories import InterviewFactory

    invited = invite(acme.recruiter)
    accept(invited)
    interview = InterviewFactory(candidate=invited.candidate, interviewer=acme.interviewer)
    return AnalysisFactory(recording__interview=interview)
