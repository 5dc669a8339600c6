#!/usr/bin/env python
"""Recording pipeline: chunk merge throughput and peak memory against ffmpeg, and offline transcription quality,
speed and memory for every speech engine.

The requirement:

* merging a 60-minute recording uploaded in 5-second chunks runs at >= 0.5x the throughput of
  ``ffmpeg -f concat -safe 0 -i list.txt -c copy`` on the same chunks, measured in the same run, with a peak
  resident memory < 100 MB;
* local transcription (the default engine, whisper-base): WER <= 0.10 on noisy human speech, real-time factor <= 0.3
  on one core, peak memory <= 600 MB for a 60-minute file (measured at several lengths to show it stays flat).

What it does, all on this machine (no network):

1. synthesizes a short scripted interview with Debian's ``flite`` (voices ``slt`` and ``rms``), encodes 5 minutes of it
   looped to WebM/Opus with ffmpeg and copies that, looped, into one N-minute WebM written to a pipe (no cues and no
   duration, like the browser's MediaRecorder);
2. chunks it both ways the product receives it: *browser fragments* (the stream's bytes cut every ~5 s of audio, only
   the first carries the header) and *independent files* (one complete WebM every 5 s, ffmpeg's segment muxer);
3. in each of R rounds, times in separate processes: ``ffmpeg -f concat -c copy`` over the independent files,
   ``ffmpeg -i concat:...`` (byte concatenation) over the fragments, and ``ai_analysis.audio.merge_chunks`` over
   each; a process's time is its whole wall time (interpreter start and imports included) and its peak memory is
   its maximum resident set size from ``wait4``;
4. transcribes, with every engine (whisper-base, whisper-tiny-en, pocketsphinx; one CPU thread, one process each),
   clean flite speech, the same with 15 dB white noise, espeak-ng speech, and real human speech (LibriVox recordings
   from Debian's ``pocketsphinx-testdata``, read from /usr/share; never copied into the repository) clean and with
   15 dB noise, and prints WER and real-time factor side by side;
5. transcribes the flite speech looped to 5, 10 and 20 minutes (WebM/Opus) with whisper-base and prints each
   process's peak resident memory, which must not grow with the length.

It prints figures; it is not a test and its exit status does not depend on the targets.

    .venv/bin/python bench/bench_audio.py            # 60 minutes in 5 s chunks, 3 rounds, every engine, 5/10/20 min
    .venv/bin/python bench/bench_audio.py --quick    # 10 minutes, 1 round, long files of 1 and 2 minutes: a smoke run
    .venv/bin/python bench/bench_audio.py --skip-merge --long-minutes 60   # transcription only, one 60-minute file
    .venv/bin/python bench/bench_audio.py --help
"""

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_THROUGHPUT_RATIO = 0.5  # merge_chunks throughput / ffmpeg -f concat -c copy throughput
TARGET_PEAK_RSS_MB = 100
TARGET_RTF = 0.3  # transcription, one core
TARGET_WER = 0.10  # noisy human speech
TARGET_ASR_RSS_MB = 600  # one transcribing process, whatever the length
NOISE_SNR_DB = 15
SCRIPT = (
    ("slt", "Thank you for joining us today. Can you tell me about a project you are proud of?"),
    (
        "rms",
        "Last year I led a small team that rebuilt our billing system. We planned the work together and "
        "finished two weeks early.",
    ),
    ("slt", "What was the hardest part of that project?"),
    (
        "rms",
        "Moving the old customer records without stopping the service. We wrote a plan, tested it twice, and "
        "moved one region every night.",
    ),
    ("slt", "How did you handle disagreements about the design?"),
    ("rms", "We wrote down the options, compared the costs, and asked the customers what they needed most."),
    ("slt", "What would you do differently next time?"),
    (
        "rms",
        "I would share the plan with the support team earlier, because they answer the first questions from "
        "the customers.",
    ),
    ("slt", "Thank you. Do you have any questions for us?"),
    ("rms", "Yes. How does the team decide what to build next, and how often do you release?"),
)
GAP_SECONDS = 0.8


def log(message: str = "") -> None:
    print(message, flush=True)


def run(*args: object, stdout: BinaryIO | None = None) -> bytes:
    """A fixed command line, no shell; its standard output (or written to ``stdout``)."""
    result = subprocess.run(  # noqa: S603 (fixed argv: a tool name and this benchmark's own arguments)
        [str(a) for a in args], stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr.decode(errors='replace')[-2000:]}")
    return result.stdout or b""


def ffmpeg(*args: object, stdout: BinaryIO | None = None) -> bytes:
    return run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args, stdout=stdout)


def seconds_of(path: Path) -> float:
    out = run("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path)
    return float(out.strip() or 0)


def measured(argv: list[str | Path], cwd: Path | None = None) -> tuple[float, float, bytes]:
    """Run a child process; its wall time in seconds, its peak resident memory in MB (``wait4``) and its stdout."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen([str(a) for a in argv], cwd=cwd, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
        stdout = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        child.stdout.close()
        if child.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{argv[0]} {argv[1]} failed: {errors.read().decode(errors='replace')[-3000:]}")
    return wall, usage.ru_maxrss / 1024, stdout  # ru_maxrss is in kB on Linux


# --- The recording --------------------------------------------------------------------------------------------------


def synthesize(tmp: Path) -> tuple[Path, str]:
    """The scripted interview as 16 kHz mono WAV, and what it says."""
    parts: list[Path] = []
    gap = tmp / "gap.wav"
    run("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", gap, "trim", "0", str(GAP_SECONDS))
    for number, (voice, text) in enumerate(SCRIPT):
        raw, wav = tmp / f"line{number}-raw.wav", tmp / f"line{number}.wav"
        run("flite", "-voice", voice, "-t", text, "-o", raw)
        run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", wav)
        parts.extend([gap, wav] if parts else [wav])
    speech = tmp / "speech.wav"
    run("sox", *parts, speech)
    return speech, " ".join(text for _, text in SCRIPT)


def long_recording(speech: Path, tmp: Path, minutes: float, bitrate: str) -> Path:
    """An N-minute WebM/Opus stream written to a pipe, like MediaRecorder's: 5 minutes are encoded once, then
    copied in a loop (cheap)."""
    base = tmp / "base.webm"
    base_seconds = min(300.0, minutes * 60)
    encode = ["-ac", "1", "-c:a", "libopus", "-b:a", bitrate]
    ffmpeg("-stream_loop", "-1", "-i", speech, "-t", base_seconds, *encode, base)
    loops = max(0, math.ceil(minutes * 60 / base_seconds) - 1)
    live = tmp / "recording.webm"
    with live.open("wb") as out:
        ffmpeg("-stream_loop", loops, "-i", base, "-t", minutes * 60, "-c", "copy", "-f", "webm", "-", stdout=out)
    return live


def browser_fragments(live: Path, directory: Path, pieces: int) -> list[Path]:
    """The stream's bytes cut into ``pieces`` (an odd size, so cuts land inside blocks), read and written in blocks."""
    directory.mkdir()
    size = live.stat().st_size // pieces + 7
    paths = []
    with live.open("rb") as source:
        while data := source.read(size):
            path = directory / f"chunk-{len(paths):05d}.part"
            path.write_bytes(data)
            paths.append(path)
    return paths


def independent_files(live: Path, directory: Path, chunk_seconds: float) -> list[Path]:
    directory.mkdir()
    split = ["-f", "segment", "-segment_time", f"{chunk_seconds}", "-reset_timestamps", "1", "-segment_format", "webm"]
    ffmpeg("-i", live, "-map", "0:a", "-c", "copy", *split, directory / "chunk-%05d.part")
    return sorted(directory.iterdir())


# --- Children -------------------------------------------------------------------------------------------------------


def child_merge(list_file: str, out_path: str) -> None:
    """Merge the chunks named in ``list_file`` (one path a line, read lazily) into ``out_path``."""
    from ai_analysis.audio import merge_chunks

    def chunks():
        with open(list_file) as names:
            for line in names:
                yield line.rstrip("\n")

    started = time.perf_counter()
    with open(out_path, "wb") as out:
        result = merge_chunks(chunks(), out)
    print(json.dumps({"seconds": time.perf_counter() - started, **asdict(result)}))


def child_transcribe(engine: str, path: str, reference_file: str, language: str = "en") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    import django

    django.setup()
    from ai_analysis.speech import transcribe, word_error_rate

    result = transcribe(path, engine=engine, language=language)
    reference = Path(reference_file).read_text()
    print(
        json.dumps(
            {
                "rtf": result.real_time_factor,
                "duration": result.duration_seconds,
                "words": len(result.words),
                "wer": word_error_rate(reference, result.text),
                "engine": f"{result.engine} {result.engine_version}",
            }
        )
    )


# --- Measuring ------------------------------------------------------------------------------------------------------


class Case:
    """One measured command; its output file is its last argument."""

    def __init__(self, key: str, label: str, chunks: int, argv: list, cwd: Path | None = None):
        self.key, self.label, self.chunks, self.argv, self.cwd = key, label, chunks, argv, cwd
        self.output = Path(argv[-1])
        self.walls: list[float] = []
        self.rss: list[float] = []
        self.inner: list[float] = []  # merge_chunks' own time, without interpreter start and imports

    def once(self) -> None:
        self.output.unlink(missing_ok=True)
        wall, rss, stdout = measured(self.argv, self.cwd)
        self.walls.append(wall)
        self.rss.append(rss)
        if stdout.strip():
            self.inner.append(json.loads(stdout)["seconds"])

    @property
    def median(self) -> float:
        return statistics.median(self.walls)


def merge_bench(args, tmp: Path, speech: Path) -> dict:
    log(
        f"\n== merge: {args.minutes:g} minutes of WebM/Opus ({args.bitrate}b/s mono) in {args.chunk_seconds:g} s chunks"
    )
    started = time.perf_counter()
    live = long_recording(speech, tmp, args.minutes, args.bitrate)
    pieces = max(2, round(args.minutes * 60 / args.chunk_seconds))
    fragments = browser_fragments(live, tmp / "fragments", pieces)
    independent = independent_files(live, tmp / "independent", args.chunk_seconds)
    source_seconds = seconds_of(live)
    log(
        f"  recording {source_seconds:.1f} s, {live.stat().st_size / 1e6:.1f} MB; {len(fragments)} browser fragments, "
        f"{len(independent)} independent files; prepared in {time.perf_counter() - started:.1f} s"
    )

    concat_list = tmp / "concat.txt"
    concat_list.write_text("".join(f"file '{path}'\n" for path in independent))
    fragment_list, independent_list = tmp / "fragments.txt", tmp / "independent.txt"
    fragment_list.write_text("".join(f"{path}\n" for path in fragments))
    independent_list.write_text("".join(f"{path}\n" for path in independent))
    quiet = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]
    this = [sys.executable, str(Path(__file__).resolve())]
    concat_argv = [*quiet, "-f", "concat", "-safe", "0", "-i", concat_list, "-c", "copy", tmp / "ffmpeg-concat.webm"]
    bytes_input = "concat:" + "|".join(path.name for path in fragments)  # names relative to cwd: a short command
    bytes_argv = [*quiet, "-i", bytes_input, "-c", "copy", "-f", "webm", tmp / "ffmpeg-bytes.webm"]
    cases = [
        Case("ffmpeg_concat", "ffmpeg -f concat -c copy (independent files)", len(independent), concat_argv),
        Case(
            "merge_independent",
            "merge_chunks (independent files)",
            len(independent),
            [*this, "--child", "merge", independent_list, tmp / "merge-independent.webm"],
        ),
        Case(
            "ffmpeg_bytes",
            "ffmpeg -i concat:... -c copy (browser fragments)",
            len(fragments),
            bytes_argv,
            tmp / "fragments",
        ),
        Case(
            "merge_fragments",
            "merge_chunks (browser fragments)",
            len(fragments),
            [*this, "--child", "merge", fragment_list, tmp / "merge-fragments.webm"],
        ),
    ]
    for round_number in range(1, args.rounds + 1):
        for case in cases:
            case.once()
        log(f"  round {round_number}/{args.rounds}: " + ", ".join(f"{c.key} {c.walls[-1]:.2f} s" for c in cases))

    by_key = {c.key: c for c in cases}
    baseline, bytes_baseline = by_key["ffmpeg_concat"], by_key["ffmpeg_bytes"]
    width = max(len(c.label) for c in cases)
    log("")
    log(
        f"  {'case':<{width}}  {'chunks':>6}  {'median s':>8}  {'best s':>6}  {'in-proc s':>9}  {'vs concat':>9}  "
        f"{'peak RSS MB':>11}  {'output s':>8}"
    )
    for c in cases:
        inner = f"{statistics.median(c.inner):.2f}" if c.inner else "-"
        log(
            f"  {c.label:<{width}}  {c.chunks:>6}  {c.median:>8.2f}  {min(c.walls):>6.2f}  {inner:>9}  "
            f"{baseline.median / c.median:>8.2f}x  {max(c.rss):>11.1f}  {seconds_of(c.output):>8.1f}"
        )
    verdicts = {}
    log("")
    for key, label in (("merge_independent", "independent files"), ("merge_fragments", "browser fragments")):
        case = by_key[key]
        ratio = baseline.median / case.median
        verdicts[key] = ratio >= TARGET_THROUGHPUT_RATIO
        log(
            f"  target: merge throughput ({label}) >= {TARGET_THROUGHPUT_RATIO:g}x ffmpeg -f concat -c copy: "
            f"{ratio:.2f}x  {'PASS' if verdicts[key] else 'FAIL'}"
        )
    fragments_case = by_key["merge_fragments"]
    log(
        f"          (browser fragments against ffmpeg's byte concatenation of the same fragments: "
        f"{bytes_baseline.median / fragments_case.median:.2f}x)"
    )
    peak = max(max(c.rss) for c in cases if c.key.startswith("merge"))
    verdict = "PASS" if peak < TARGET_PEAK_RSS_MB else "FAIL"
    log(f"  target: merge peak RSS < {TARGET_PEAK_RSS_MB} MB: {peak:.1f} MB  {verdict}")
    return verdicts


LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")  # Debian's pocketsphinx-testdata (BSD-2)
ENGINES = ("whisper-base", "whisper-tiny-en", "pocketsphinx")


def with_noise(clean: Path, out: Path, snr_db: float) -> None:
    """White Gaussian noise at ``snr_db`` below the speech's RMS (fixed seed, so every run hears the same noise)."""
    import wave

    import numpy as np

    with wave.open(str(clean)) as source:
        params = source.getparams()
        samples = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16).astype(np.float64)
    rms = float(np.sqrt(np.mean(samples**2)))
    noise = np.random.default_rng(15).normal(0.0, rms / 10 ** (snr_db / 20), len(samples))
    mixed = np.clip(samples + noise, -32768, 32767).astype(np.int16)
    with wave.open(str(out), "wb") as target:
        target.setparams(params)
        target.writeframes(mixed.tobytes())


def conditions(tmp: Path, speech: Path, script: str) -> list[tuple[str, Path, str]]:
    """(label, 16 kHz mono WAV, reference) for every condition this machine can produce."""
    found = [("flite, clean", speech, script)]
    flite_noisy = tmp / "flite-noisy.wav"
    with_noise(speech, flite_noisy, NOISE_SNR_DB)
    found.append((f"flite, {NOISE_SNR_DB:g} dB noise", flite_noisy, script))
    if shutil.which("espeak-ng"):
        text = " ".join(line for _, line in SCRIPT)
        raw, wav = tmp / "espeak-raw.wav", tmp / "espeak.wav"
        run("espeak-ng", "-v", "en-us", "-w", raw, text)
        run("sox", raw, "-r", "16000", "-c", "1", "-b", "16", wav)
        found.append(("espeak-ng en-us", wav, text))
    else:
        log("  (no espeak-ng: apt-get install espeak-ng)")
    if (LIBRIVOX / "transcription").exists():
        lines = (LIBRIVOX / "transcription").read_text().splitlines()
        texts, parts = [], []
        gap = tmp / "gap.wav"
        for line in lines:
            words, _, name = line.rpartition("(")
            texts.append(words.replace("<s>", "").replace("</s>", "").strip())
            parts.extend(
                [gap, LIBRIVOX / f"{name.strip(') ')}.wav"] if parts else [LIBRIVOX / f"{name.strip(') ')}.wav"]
            )
        human = tmp / "librivox.wav"
        run("sox", *parts, "-r", "16000", "-c", "1", "-b", "16", human)
        found.append(("human (LibriVox), clean", human, " ".join(texts)))
        human_noisy = tmp / "librivox-noisy.wav"
        with_noise(human, human_noisy, NOISE_SNR_DB)
        found.append((f"human (LibriVox), {NOISE_SNR_DB:g} dB noise", human_noisy, " ".join(texts)))
    else:
        log("  (no human speech: apt-get install pocketsphinx-testdata)")
    return found


def transcribe_in_child(engine: str, path: Path, reference: str, tmp: Path) -> tuple[dict, float, float]:
    reference_file = tmp / f"reference-{abs(hash(reference))}.txt"
    reference_file.write_text(reference)
    wall, rss, stdout = measured(
        [sys.executable, Path(__file__).resolve(), "--child", "transcribe", engine, path, reference_file]
    )
    return json.loads(stdout), wall, rss


def asr_bench(args, tmp: Path, speech: Path, script: str) -> None:
    os.environ["SPEECH_CPU_THREADS"] = "1"  # the targets are per core
    log("\n== transcription: WER and real-time factor per engine and condition, one CPU thread, one process each")
    cases = conditions(tmp, speech, script)
    engines = args.engines.split(",")
    rows: dict[str, dict[str, dict]] = {}
    for label, path, reference in cases:
        for engine in engines:
            try:
                figures, wall, rss = transcribe_in_child(engine, path, reference, tmp)
            except RuntimeError as error:  # report it and go on: one engine's crash is a figure too
                rows.setdefault(label, {})[engine] = {"wer": float("nan"), "rtf": float("nan")}
                log(f"  {label:34} {engine:16} FAILED: {str(error).strip().splitlines()[-1]}")
                continue
            rows.setdefault(label, {})[engine] = figures
            log(
                f"  {label:34} {engine:16} audio {figures['duration']:6.1f} s  WER {figures['wer']:.3f}  "
                f"RTF {figures['rtf']:.3f}  process {wall:5.1f} s  peak RSS {rss:6.1f} MB"
            )
    log("\n  | condition | " + " | ".join(f"{e} WER / RTF" for e in engines) + " |")
    log("  |---|" + "---|" * len(engines))
    for label, by_engine in rows.items():
        cells = [f"{by_engine[e]['wer']:.3f} / {by_engine[e]['rtf']:.3f}" for e in engines]
        log(f"  | {label} | " + " | ".join(cells) + " |")
    noisy_human = next((v for k, v in rows.items() if k.startswith("human") and "noise" in k), None)
    if noisy_human and "whisper-base" in noisy_human:
        wer = noisy_human["whisper-base"]["wer"]
        log(
            f"  target: WER <= {TARGET_WER:g} on noisy human speech (whisper-base): {wer:.3f}  "
            f"{'PASS' if wer <= TARGET_WER else 'FAIL'}"
        )
    rtfs = [by_engine["whisper-base"]["rtf"] for by_engine in rows.values() if "whisper-base" in by_engine]
    if rtfs:
        log(
            f"  target: RTF <= {TARGET_RTF:g} on one core (whisper-base, worst condition): {max(rtfs):.3f}  "
            f"{'PASS' if max(rtfs) <= TARGET_RTF else 'FAIL'}"
        )
    if args.long_minutes:
        long_bench(args, tmp, speech, script)


def long_bench(args, tmp: Path, speech: Path, script: str) -> None:
    """Peak memory against length: the same speech looped to N minutes, WebM/Opus, whisper-base in one process."""
    log("\n== long recordings: peak resident memory of one transcribing process (whisper-base, one thread)")
    speech_seconds = seconds_of(speech)
    peaks = []
    for minutes in (float(m) for m in args.long_minutes.split(",")):
        copies = max(1, round(minutes * 60 / speech_seconds))
        looped, encoded = tmp / f"long-{minutes:g}.wav", tmp / f"long-{minutes:g}.webm"
        run("sox", *([speech] * copies), looped)
        ffmpeg("-i", looped, "-c:a", "libopus", "-b:a", "32k", encoded)
        looped.unlink()
        figures, wall, rss = transcribe_in_child("whisper-base", encoded, " ".join([script] * copies), tmp)
        peaks.append(rss)
        log(
            f"  {figures['duration'] / 60:5.1f} min  WER {figures['wer']:.3f}  RTF {figures['rtf']:.3f}  "
            f"process {wall:6.1f} s  peak RSS {rss:6.1f} MB"
        )
    log(
        f"  target: peak memory <= {TARGET_ASR_RSS_MB} MB, flat with length: max {max(peaks):.0f} MB, "
        f"spread {max(peaks) - min(peaks):.0f} MB  {'PASS' if max(peaks) <= TARGET_ASR_RSS_MB else 'FAIL'}"
    )


# --- Main -----------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=None, help="length of the merged recording (default 60)")
    parser.add_argument("--chunk-seconds", type=float, default=5.0, help="audio per chunk (default 5)")
    parser.add_argument("--rounds", type=int, default=None, help="measured rounds of every merge case (default 3)")
    parser.add_argument("--bitrate", default="32k", help="Opus bitrate of the recording (default 32k)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help=f"speech engines to compare (default {','.join(ENGINES)})"
    )
    parser.add_argument(
        "--long-minutes", default=None, help="lengths for the memory run, comma-separated (default 5,10,20; '' skips)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 minutes, 1 round, long files 1,2 min")
    parser.add_argument("--skip-merge", action="store_true", help="only the transcription")
    parser.add_argument("--skip-asr", action="store_true", help="only the merge")
    parser.add_argument("--keep", action="store_true", help="leave the temporary directory in place")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)  # internal: the measured child processes
    args = parser.parse_args(argv)
    args.minutes = args.minutes or (10 if args.quick else 60)
    args.rounds = args.rounds or (1 if args.quick else 3)
    if args.long_minutes is None:
        args.long_minutes = "1,2" if args.quick else "5,10,20"
    if not 0 < args.minutes <= 600 or not 1 <= args.chunk_seconds <= 60 or not 1 <= args.rounds <= 20:
        parser.error("--minutes must be in (0, 600], --chunk-seconds 1..60 and --rounds 1..20")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        {"merge": child_merge, "transcribe": child_transcribe}[args.child[0]](*args.child[1:])
        return 0
    missing = [tool for tool in ("flite", "sox", "ffmpeg", "ffprobe") if shutil.which(tool) is None]
    if missing:
        log(f"bench_audio needs {', '.join(missing)} (apt-get install flite sox ffmpeg)")
        return 2
    import importlib.metadata

    import av

    ffmpeg_version = run("ffmpeg", "-version").decode().splitlines()[0]
    log("bench_audio: chunk merge against ffmpeg, and offline transcription speed")
    log(
        f"  python {platform.python_version()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
        f"PyAV {av.__version__} (libavformat {'.'.join(map(str, av.library_versions['libavformat']))}), "
        f"pocketsphinx {importlib.metadata.version('pocketsphinx')}, "
        f"faster-whisper {importlib.metadata.version('faster-whisper')}, "
        f"ctranslate2 {importlib.metadata.version('ctranslate2')}; {ffmpeg_version}"
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench_audio_"))
    try:
        speech, script = synthesize(tmp)
        log(f"  synthesized interview: {seconds_of(speech):.1f} s, {len(SCRIPT)} lines, flite voices slt and rms")
        if not args.skip_merge:
            merge_bench(args, tmp, speech)
        if not args.skip_asr:
            asr_bench(args, tmp, speech, script)
        return 0
    finally:
        if args.keep:
            log(f"\n  temporary files kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
