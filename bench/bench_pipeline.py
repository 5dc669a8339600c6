#!/usr/bin/env python
"""Time from ``complete`` to draft scores for a 10-minute interview, on the local (offline) provider.

What it does, on this machine only:

1. builds a 10-minute two-channel interview from the demo recording (``ai_analysis/demo/interview.webm``: real
   speech, flite voices) looped with ``ffmpeg``, encoded to WebM/Opus as a browser would, and cut into 5-second byte
   fragments like MediaRecorder's timeslices;
2. migrates a fresh SQLite database in a temporary directory (the embedded default), creates an organization, a
   hiring with the demo's criteria, a consented candidate and an interview;
3. uploads every chunk through ``ai_analysis.recordings.put_chunk`` (checksummed, as the API does), calls
   ``complete``, then runs every pipeline step in order in this process (what the Dramatiq workers do) and prints
   each step's wall time, the total from ``complete`` to draft scores, and the real-time factor.

It prints figures; it is not a test. ``--minutes`` changes the length.

    .venv/bin/python bench/bench_pipeline.py
"""

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "ai_analysis" / "demo" / "interview.webm"
CHUNK_SECONDS = 5


FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"


def build_audio(tmp: Path, minutes: float) -> tuple[Path, float]:
    loops = max(1, int(minutes * 60 // 53) + 1)
    wav = tmp / "long.wav"
    subprocess.run(  # noqa: S603 - fixed argument list
        [
            FFMPEG,
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-stream_loop",
            str(loops - 1),
            "-i",
            str(DEMO),
            "-t",
            str(minutes * 60),
            str(wav),
        ],
        check=True,
    )
    webm = tmp / "long.webm"
    subprocess.run(  # noqa: S603
        [
            FFMPEG,
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(wav),
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            "-f",
            "webm",
            str(webm),
        ],
        check=True,
    )
    return webm, minutes * 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    os.environ.update({"VAR_DIR": str(tmp / "var"), "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"})
    os.environ.pop("DRAMATIQ_BROKER_URL", None)
    os.environ["DRAMATIQ_INPROCESS_WORKER"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Membership, Organization, User
    from ai_analysis import pipeline, recordings
    from ai_analysis.models import STEP_ORDER
    from consent import services as consent_services
    from hiring import services as hiring_services
    from hiring.demo import HIRINGS
    from hiring.models import Interview
    from interview_analyzer.roles import Role

    webm, seconds = build_audio(tmp, args.minutes)
    data = webm.read_bytes()
    size = max(1, int(len(data) * CHUNK_SECONDS / seconds))
    chunks = [data[offset : offset + size] for offset in range(0, len(data), size)]

    org = Organization.objects.create(name="Bench")
    user = User.objects.create_user(email="recruiter@bench.test", password=None)
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    recruiter = Membership.objects.create(organization=org, user=user, role=Role.RECRUITER)
    hiring = hiring_services.create_hiring(actor=recruiter, title=HIRINGS[0]["title"])
    for name, description, evidence, weight, _questions in HIRINGS[0]["criteria"]:
        hiring_services.add_criterion(
            actor=recruiter, hiring=hiring, name=name, description=description, good_evidence=evidence, weight=weight
        )
    candidate = consent_services.add_candidate(actor=recruiter, hiring=hiring, name="Bench Candidate", email="c@b.test")
    consent_services.accept(candidate.consent.raw_token)  # as the candidate does, with the link's token
    from django.utils import timezone

    interview = Interview.objects.create(
        organization=org, candidate=candidate, interviewer=recruiter, scheduled_at=timezone.now()
    )
    recording, _ = recordings.start_recording(actor=recruiter, interview=interview)
    started = time.perf_counter()
    for index, chunk in enumerate(chunks):
        recordings.put_chunk(
            actor=recruiter, recording=recording, index=index, data=chunk, sha256=hashlib.sha256(chunk).hexdigest()
        )
    upload_s = time.perf_counter() - started

    began = time.perf_counter()
    analysis = recordings.complete(actor=recruiter, recording=recording, chunk_count=len(chunks))
    timings = []
    for step in STEP_ORDER:
        step_start = time.perf_counter()
        if not pipeline.run_step(analysis.public_id, step):
            raise SystemExit(f"step {step} did not finish: {analysis.steps.get(name=step).failure_reason}")
        timings.append((step, time.perf_counter() - step_start))
    total = time.perf_counter() - began
    analysis.refresh_from_db()
    scores = list(analysis.scores.all())

    print(
        f"\n  audio: {seconds / 60:.1f} min WebM/Opus, {len(data) / 1e6:.1f} MB in {len(chunks)} chunks "
        f"(upload through the service: {upload_s:.1f} s)"
    )
    print(f"  {'step':<12} {'seconds':>8}")
    for step, duration in timings:
        print(f"  {step:<12} {duration:>8.2f}")
    print(
        f"  {'total':<12} {total:>8.2f}   complete → draft scores ({analysis.turns.count()} turns, "
        f"{len(scores)} scores, {sum(s.evidence.count() for s in scores)} quotes)"
    )
    print(f"  real-time factor of the whole pipeline: {total / seconds:.3f}")
    print(
        f"  target (informational): draft scores for a 10-minute interview within 5 minutes on this machine: "
        f"{'PASS' if total <= 300 else 'FAIL'}"
    )


if __name__ == "__main__":
    main()
