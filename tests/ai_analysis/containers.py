"""Short real recordings in every container a recruiter may upload, made with Debian's espeak-ng and ffmpeg.

One sentence is spoken by espeak-ng and encoded the way common tools write each container: WebM/Opus (a browser),
Ogg/Opus, MP3 (with and without its ID3 tag), M4A and MP4 with AAC (phones, video-call apps), and WAV.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

SENTENCE = "Last year I led a small team that rebuilt our billing system, and we finished two weeks early."
# name -> (file name, ffmpeg arguments after the input)
CONTAINERS = {
    "webm": ("speech.webm", ["-c:a", "libopus"]),
    "ogg": ("speech.ogg", ["-c:a", "libopus"]),
    "mp3": ("speech.mp3", ["-c:a", "libmp3lame"]),
    "mp3-no-tag": ("bare.mp3", ["-c:a", "libmp3lame", "-id3v2_version", "0", "-write_xing", "0"]),
    "m4a": ("speech.m4a", ["-c:a", "aac"]),
    "mp4": ("speech.mp4", ["-c:a", "aac", "-movflags", "+faststart"]),
    "wav": ("speech.wav", ["-c:a", "pcm_s16le", "-ar", "16000", "-ac", "1"]),
}
# What the merge writes for each (the container follows the upload's; packets are copied, not re-encoded).
MERGED_FORMAT = {
    "webm": "webm",
    "ogg": "ogg",
    "mp3": "mp3",
    "mp3-no-tag": "mp3",
    "m4a": "mp4",
    "mp4": "mp4",
    "wav": "wav",
}


def _run(*args) -> None:
    result = subprocess.run([str(arg) for arg in args], capture_output=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode(errors="replace")[-2000:])


def build(directory: Path) -> dict[str, Path]:
    spoken = directory / "spoken.wav"
    _run("espeak-ng", "-w", spoken, SENTENCE)
    files = {}
    for name, (file_name, arguments) in CONTAINERS.items():
        path = directory / file_name
        _run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", spoken, *arguments, path)
        files[name] = path
    return files


@pytest.fixture(scope="session")
def containers(tmp_path_factory) -> dict[str, Path]:
    missing = [tool for tool in ("espeak-ng", "ffmpeg") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"these tests need {', '.join(missing)} (apt-get install espeak-ng ffmpeg)")
    return build(tmp_path_factory.mktemp("containers"))
