#!/usr/bin/env python
"""Erasure throughput (RET-4, RET-8) on PostgreSQL: the retention sweep erasing expired candidates with everything
they hold, against a raw SQL cascade delete of the same kind of rows in the same run, and the sweep's memory.

The issue's requirement: erase 10,000 expired candidates with full artefacts on PostgreSQL; report candidates per
second against a raw SQL cascade delete of the same rows in the same run (target >= 0.25x of raw) and peak memory
(flat in the count).

What it does, all on this machine (only PostgreSQL on 127.0.0.1 is contacted):

1. drops and creates the database ``ia_bench_erasure``, migrates it, stores files under a temporary directory;
2. seeds two identical sets of N expired candidates each (``--candidates``, 10,000 by default) through
   ``consent.services.add_candidates`` (consent request, link, events) plus, per candidate, a decision, a CV
   document, an interview, a recording with two chunks and merged audio (three stored files: set A only), an
   analysis with its five steps, six transcript turns, two question/answer pairs, two scores with evidence, two
   feedback drafts, the retention clock (expired) and one retention event; then ``VACUUM ANALYZE``;
3. **raw**: deletes set B candidate by candidate, one transaction each, with hand-shaped SQL: one ``DELETE`` per
   table, children first, each ``WHERE <key> IN (SELECT …)`` down to the candidate (the statements are generated
   once from ``retention.graph``'s lookups, so they cover exactly the erasure's tables), no ORM, no files;
4. **erasure**: ``retention.sweep.run()`` on set A, as the scheduled sweep does: per candidate one transaction with
   the row locked, every row of the graph, references cleared, a deletion record, pending deletions, then the three
   files deleted and confirmed after the commit;
5. prints candidates per second of both and their ratio, the rows and files removed, and the process's resident
   memory (sampled every 0.1 s) before, in the first tenth and over the whole sweep: flat means the last is no
   higher than the first;
6. drops the database (unless ``--keep-db``), also on errors.

It prints figures; it is not a test and its exit status does not depend on the target.

    .venv/bin/python bench/bench_erasure.py                    # 2 x 10,000 candidates
    .venv/bin/python bench/bench_erasure.py --candidates 1000  # a smaller run
"""

import argparse
import os
import platform
import shutil
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PG_PORT = 5432
PG_USER = "postgres"
DB_NAME = "ia_bench_erasure"
BATCH = 500
TURNS = 6


def log(message: str = "") -> None:
    print(message, flush=True)  # noqa: T201 - a benchmark prints its figures


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:  # noqa: PTH123
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1_048_576


class MemorySampler:
    """Resident memory every 0.1 s while running, with the time of each sample."""

    def __init__(self):
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), rss_mb()))
            self._stop.wait(0.1)

    def __enter__(self):
        self.start = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.end = time.perf_counter()

    def peak(self, until_fraction: float = 1.0) -> float:
        limit = self.start + (self.end - self.start) * until_fraction
        return max(mb for at, mb in self.samples if at <= limit)


# --- Seeding --------------------------------------------------------------------------------------------------------


class World:
    def __init__(self, name: str):
        from allauth.account.models import EmailAddress

        from accounts.models import Membership, Organization, User
        from interview_analyzer.roles import Role

        self.organization = Organization.objects.create(name=name, plan="business")
        slug = name.lower().replace(" ", "-")
        user = User.objects.create_user(email=f"recruiter@{slug}.test", full_name=f"Recruiter {name}")
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        self.recruiter = Membership.objects.create(organization=self.organization, user=user, role=Role.RECRUITER)


def seed_set(world: World, count: int, media: Path | None, tag: str) -> int:
    """``count`` expired candidates with full artefacts in ``world``; files written under ``media`` if given."""
    from django.db import transaction
    from django.utils import timezone

    from ai_analysis.models import (
        STEP_ORDER,
        Analysis,
        AnalysisStep,
        Evidence,
        Feedback,
        QuestionAnswer,
        Recording,
        RecordingChunk,
        Score,
        TranscriptTurn,
    )
    from consent import services as consent_services
    from hiring.models import Criterion, Decision, Document, Hiring, Interview
    from interview_analyzer.public_ids import new_public_id
    from retention.models import RetentionClock, RetentionEvent

    org = world.organization
    long_ago = timezone.now() - timedelta(days=800)
    hiring = Hiring.objects.create(organization=org, title=f"Bench hiring {tag}", owner=world.recruiter)
    criteria = [
        Criterion.objects.create(organization=org, hiring=hiring, name=f"Criterion {n}", weight=2) for n in range(2)
    ]
    audio = b"\x00\x01" * 2048

    def write(name: str, data: bytes) -> None:
        if media is not None:
            path = media / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    made = 0
    while made < count:
        size = min(BATCH, count - made)
        people = [
            {"name": f"Bench Person {tag}{made + n}", "email": f"p{made + n}.{tag}@bench.test"} for n in range(size)
        ]
        with transaction.atomic():
            candidates = consent_services.add_candidates(actor=world.recruiter, hiring=hiring, people=people)
            Decision.objects.bulk_create(
                Decision(
                    organization=org,
                    candidate=c,
                    outcome="rejected",
                    reason="Bench",
                    decided_by_email="r@bench.test",
                    decided_at=long_ago,
                )
                for c in candidates
            )
            documents = []
            for c in candidates:
                public_id = new_public_id("doc")
                name = f"documents/{org.public_id}/{public_id}.txt"
                write(name, f"CV of {c.name}".encode())
                documents.append(
                    Document(
                        public_id=public_id,
                        organization=org,
                        candidate=c,
                        file=name,
                        original_name="cv.txt",
                        content_type="text/plain",
                        extension="txt",
                        size=20,
                    )
                )
            Document.objects.bulk_create(documents)
            interviews = Interview.objects.bulk_create(
                Interview(organization=org, candidate=c, interviewer=world.recruiter, scheduled_at=long_ago)
                for c in candidates
            )
            recordings = []
            for interview in interviews:
                public_id = new_public_id("rec")
                merged = f"recordings/{org.public_id}/{public_id}/merged.wav"
                write(merged, audio)
                recordings.append(
                    Recording(
                        public_id=public_id,
                        organization=org,
                        interview=interview,
                        candidate_id=interview.candidate_id,
                        status="complete",
                        chunk_count=2,
                        merged=merged,
                        merged_format="wav",
                        merged_bytes=len(audio),
                    )
                )
            Recording.objects.bulk_create(recordings)
            chunks = []
            for recording in recordings:
                for index in range(2):
                    name = f"recordings/{org.public_id}/{recording.public_id}/chunk-{index:06d}.bin"
                    if index == 0:  # three stored files per candidate: the CV, one chunk and the merged audio
                        write(name, audio[:1024])
                    chunks.append(
                        RecordingChunk(
                            organization=org,
                            recording=recording,
                            index=index,
                            size=1024,
                            sha256="0" * 64,
                            file=name if index == 0 else "",
                        )
                    )
            RecordingChunk.objects.bulk_create(chunks)
            analyses = Analysis.objects.bulk_create(
                Analysis(
                    organization=org,
                    recording=r,
                    interview_id=r.interview_id,
                    status="done",
                    provider="local",
                    model="bench",
                    prompt_version="bench",
                    criteria_version=1,
                )
                for r in recordings
            )
            AnalysisStep.objects.bulk_create(
                AnalysisStep(organization=org, analysis=a, name=step, position=p, status="done")
                for a in analyses
                for p, step in enumerate(STEP_ORDER)
            )
            turns = TranscriptTurn.objects.bulk_create(
                TranscriptTurn(
                    organization=org,
                    analysis=a,
                    index=i,
                    speaker="candidate" if i % 2 else "interviewer",
                    machine_speaker="candidate" if i % 2 else "interviewer",
                    start_s=i * 10.0,
                    end_s=i * 10.0 + 8,
                    text=f"Turn {i}: we compared the options and chose the simpler design for the ledger.",
                )
                for a in analyses
                for i in range(TURNS)
            )
            QuestionAnswer.objects.bulk_create(
                QuestionAnswer(organization=org, analysis=a, index=q, question_turn=2 * q, answer_turns=[2 * q + 1])
                for a in analyses
                for q in range(2)
            )
            scores = Score.objects.bulk_create(
                Score(
                    organization=org,
                    analysis=a,
                    criterion=criterion,
                    criterion_name=criterion.name,
                    value=3,
                    rationale="Compared options.",
                    machine_value=3,
                    machine_rationale="Compared options.",
                )
                for a in analyses
                for criterion in criteria
            )
            answer_turn = {turn.analysis_id: turn for turn in turns if turn.index == 1}
            Evidence.objects.bulk_create(
                Evidence(
                    organization=org,
                    score=s,
                    turn=answer_turn[s.analysis_id],
                    quote="compared the options",
                    start_s=10.0,
                    end_s=18.0,
                )
                for s in scores
            )
            Feedback.objects.bulk_create(
                Feedback(organization=org, analysis=a, audience=audience, text="Thank you.", machine_text="Thank you.")
                for a in analyses
                for audience in ("recruiter", "candidate")
            )
            RetentionClock.objects.bulk_create(
                RetentionClock(
                    organization=org,
                    candidate=c,
                    decided_at=long_ago,
                    delete_after=long_ago + timedelta(days=365),
                )
                for c in candidates
            )
            RetentionEvent.objects.bulk_create(
                RetentionEvent(organization=org, candidate=c, kind="warned", details={}) for c in candidates
            )
        made += size
    return made


def row_count() -> int:
    from retention import graph

    return sum(edge.model._base_manager.count() for edge in graph.candidate_graph())


# --- The raw SQL baseline -------------------------------------------------------------------------------------------


def raw_statements() -> list[str]:
    """One DELETE per table of the graph, children first, each narrowing by nested ``IN (SELECT …)`` down to the
    candidate id (``%s``): the SQL one would write by hand for a cascade, built from the graph's lookups."""
    from retention import graph

    statements = []
    for edge in sorted(graph.candidate_graph(), key=lambda edge: -edge.depth):
        model = edge.model
        if edge.lookup == "pk":
            # Names from the models' metadata, the value a parameter: no input reaches the SQL text.
            statements.append(f'DELETE FROM "{model._meta.db_table}" WHERE "{model._meta.pk.column}" = %s')  # noqa: S608
            continue
        hops, current = [], model
        for name in edge.lookup.split("__"):  # e.g. analysis -> interview -> candidate
            field = current._meta.get_field(name)
            hops.append((current, field))
            current = field.related_model
        condition = f'"{hops[-1][1].column}" = %s'
        for (_owner, field), (target, _next) in reversed(list(zip(hops, hops[1:], strict=False))):
            condition = (
                f'"{field.column}" IN (SELECT "{target._meta.pk.column}" FROM "{target._meta.db_table}" '  # noqa: S608
                f"WHERE {condition})"
            )
        statements.append(f'DELETE FROM "{model._meta.db_table}" WHERE {condition}')  # noqa: S608
    return statements


def raw_delete(candidate_ids: list[int]) -> float:
    from django.db import connection, transaction

    statements = raw_statements()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for candidate_id in candidate_ids:
            with transaction.atomic():
                for statement in statements:
                    cursor.execute(statement, [candidate_id])
    return time.perf_counter() - started


# --- Main -----------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=10_000, help="candidates per set (default 10,000)")
    parser.add_argument("--keep-db", action="store_true", help=f"keep the database {DB_NAME} afterwards")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench_erasure_"))
    media = tmp / "var" / "media"
    media.mkdir(parents=True)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "interview_analyzer.settings",
            "DATABASE_URL": f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{DB_NAME}",
            "VAR_DIR": str(tmp / "var"),
            "EMAIL_URL": "dummymail://",
            "DRAMATIQ_INPROCESS_WORKER": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    log("bench_erasure: the retention sweep vs a raw SQL cascade delete, PostgreSQL")
    log(f"  python {platform.python_version()}, {os.cpu_count()} CPUs, {args.candidates:,} candidates per set")
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)", f"CREATE DATABASE {DB_NAME}")
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from hiring.models import Candidate
        from retention import sweep
        from retention.models import DeletionRecord, PendingDeletion

        call_command("migrate", "--noinput", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            log(f"  PostgreSQL {cursor.fetchone()[0]}, Django {django.get_version()}")

        started = time.perf_counter()
        erased_world, raw_world = World("Bench Erased"), World("Bench Raw")
        seed_set(erased_world, args.candidates, media, "a")
        seed_set(raw_world, args.candidates, None, "b")
        connection.close()
        admin_sql_db = f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{DB_NAME}"
        import psycopg

        with psycopg.connect(admin_sql_db, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        rows_before = row_count()
        files_before = sum(1 for p in media.rglob("*") if p.is_file())
        log(
            f"  seeded 2 x {args.candidates:,} candidates, {rows_before:,} rows of candidate data, {files_before:,} "
            f"stored files, in {time.perf_counter() - started:.0f} s"
        )

        raw_ids = list(
            Candidate.objects.for_operators().filter(organization=raw_world.organization).values_list("pk", flat=True)
        )
        raw_seconds = raw_delete(raw_ids)
        raw_rate = len(raw_ids) / raw_seconds
        left = Candidate.objects.for_operators().filter(organization=raw_world.organization).count()
        log(f"\n  raw SQL cascade   {len(raw_ids):,} candidates in {raw_seconds:7.1f} s  {raw_rate:8.1f} candidates/s")
        rows_after_raw = row_count()

        before = rss_mb()
        with MemorySampler() as memory:
            sweep_started = time.perf_counter()
            report = sweep.run()
            sweep_seconds = time.perf_counter() - sweep_started
        rate = report.erased_expired / sweep_seconds
        files_after = sum(1 for p in media.rglob("*") if p.is_file())
        log(
            f"  retention sweep   {report.erased_expired:,} candidates in {sweep_seconds:7.1f} s  {rate:8.1f} "
            f"candidates/s  ({rate / raw_rate:.2f}x raw; target >= 0.25x)"
        )
        log(
            f"  rows: {rows_before:,} before, {rows_after_raw:,} after raw, {row_count():,} after the sweep; "
            f"stored files {files_before:,} -> {files_after:,}; deletion records {DeletionRecord.objects.count():,}; "
            f"pending deletions {PendingDeletion.objects.count()}; raw left {left}; sweep failures {report.failed}"
        )
        log(
            f"  resident memory: {before:.0f} MB before the sweep, peak {memory.peak(0.1):.0f} MB in its first tenth, "
            f"{memory.peak(0.5):.0f} MB by half, {memory.peak():.0f} MB over the whole sweep"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
