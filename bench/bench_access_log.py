#!/usr/bin/env python
"""The cost of the access log (LOG-1): the authenticated candidate page and the candidate API retrieve, p95 with
logging on against logging off, on PostgreSQL. Target: the p95 with logging on within 10 % of the p95 with it off.

How an entry is never lost: ``hiring.access_log.record_view`` inserts the row in the request, in autocommit (requests
are not wrapped in a transaction), before the view returns its response; PostgreSQL has made the row durable (WAL
flushed at commit, ``synchronous_commit`` on) before the first byte of the candidate's data leaves the server, streamed
files and audio included (their bodies are produced after the view returned). If the insert fails the request answers
500 and shows nothing. So there is no window between response and write to lose an entry in: a crash before the commit
means the data was not shown; a crash after it leaves the entry. That is simpler to prove than batching after the
response, and this bench measures what it costs: one indexed insert and its commit per view. Most of that cost is the
commit's wait for the WAL flush (an fsync), which the bench also times on its own, outside any request.

What it does (only 127.0.0.1 is contacted):

1. drops and creates the PostgreSQL database ``ia_access`` (127.0.0.1:5432, user ``postgres``) and migrates it;
2. seeds one organization: an admin, a hiring with criteria, ``--candidates`` candidates added through the consent
   service (each with a consent request), three interviews and two decisions-worth of rows on the measured candidate,
   and ``--prior`` access log rows already in the table (the inserts maintain indexes of a table that is not empty);
3. signs the admin in (a real session) and issues a real access token (``accounts.tokens.issue_tokens``);
4. times ``--requests`` requests per endpoint and mode through Django's full middleware stack in this process
   (``django.test.Client``, DEBUG off), the modes interleaved request by request so that drift of the
   machine falls on both alike, after ``--warmup`` requests of each;
5. prints median and p95 per endpoint and mode, the p95 ratio on/off, and checks that exactly one row was written per
   request with logging on and none with it off (counted once at the end, so no count query runs between the timed
   requests); then times 300 bare commits of one row into a scratch table with
   and without the WAL flush wait (``synchronous_commit``), the part of the cost the disk decides; drops the
   database unless ``--keep-db``.

In-process timing leaves out the network and the WSGI server, so the log's share of each request is larger here than
behind gunicorn: a stricter measure of the same target. It prints figures; its exit status does not depend on them.

    .venv/bin/python bench/bench_access_log.py
    .venv/bin/python bench/bench_access_log.py --requests 100 --prior 10000   # a quicker run
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
DB_NAME = "ia_access"
DATABASE_URL = f"postgres://postgres@{HOST}:5432/{DB_NAME}"
TARGET = 1.10
MODES = ("off", "on")


def log(message: str = "") -> None:
    print(message, flush=True)


def admin_sql(statement: str) -> None:
    command = ["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", statement]
    subprocess.run(command, check=True)  # noqa: S603, S607 (fixed argv: this script's own statements, local server)


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(candidates: int, prior: int):
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.models import Membership, Organization, User
    from consent import services as consent_services
    from hiring import services
    from hiring.access_log import AccessKind, AccessLogEntry, candidate_digest
    from interview_analyzer.roles import Role

    organization = Organization.objects.create(name="Bench Access")
    user = User.objects.create_user(email="admin@bench-access.test", password=None)  # signs in by force_login
    user.full_name = "Bench Admin"
    user.save(update_fields=["full_name"])
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    admin = Membership.objects.create(organization=organization, user=user, role=Role.ADMIN)
    hiring = services.create_hiring(actor=admin, title="Backend engineer", description="<p>APIs.</p>")
    for name in ("System design", "Data protection", "Communication"):
        services.add_criterion(actor=admin, hiring=hiring, name=name, weight=2)
    people = [
        consent_services.add_candidate(
            actor=admin, hiring=hiring, name=f"Candidate {n}", email=f"candidate{n}@mail.test", language="en"
        )
        for n in range(candidates)
    ]
    measured = people[0]
    for days in (1, 2, 3):
        services.schedule_interview(
            actor=admin,
            candidate=measured,
            interviewer=admin,
            scheduled_at=timezone.now() + timezone.timedelta(days=days),
        )
    rows = [
        AccessLogEntry(
            organization=organization,
            kind=AccessKind.CANDIDATE,
            object_ref=person.public_id,
            member=admin,
            actor_ref=admin.public_id,
            actor_name="Bench Admin",
            actor_role=Role.ADMIN,
            candidate=person,
            candidate_digest=candidate_digest(person.public_id),
            client_ip="127.0.0.1",
        )
        for n in range(prior)
        for person in (people[n % len(people)],)
    ]
    AccessLogEntry.objects.bulk_create(rows, batch_size=5000)
    return admin, measured


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(admin, candidate, *, requests: int, warmup: int) -> dict:
    from django.conf import settings
    from django.test import Client

    from accounts.tokens import issue_tokens
    from hiring.access_log import AccessLogEntry

    page = Client()
    page.force_login(admin.user, backend="django.contrib.auth.backends.ModelBackend")
    token = issue_tokens(user=admin.user, membership=admin, request_ip=HOST, user_agent="bench_access_log")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token.access_token}")
    endpoints = {
        "candidate page": (page, f"/candidates/{candidate.public_id}/"),
        "candidate API retrieve": (api, f"/api/v1/candidates/{candidate.public_id}/"),
    }
    timings = {(name, mode): [] for name in endpoints for mode in MODES}
    rows_before = AccessLogEntry.objects.for_operators().count()
    for round_number in range(warmup + requests):
        for name, (client, path) in endpoints.items():
            shift = round_number % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                settings.ACCESS_LOG_ENABLED = mode != "off"
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
                if round_number >= warmup:
                    timings[(name, mode)].append(elapsed)
    settings.ACCESS_LOG_ENABLED = True
    written = AccessLogEntry.objects.for_operators().count() - rows_before
    return {"timings": timings, "written": written, "endpoints": list(endpoints), "rounds": warmup + requests}


def bare_commits(count: int = 300) -> dict:
    """Median and p95 ms of committing one small row, with and without the commit's wait for the WAL flush: the part
    of the log's cost that is the disk's, not the application's."""
    from django.db import connection

    figures = {}
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit (id bigserial PRIMARY KEY, note text)")
        for setting in ("on", "off", "on", "off"):
            cursor.execute(f"SET synchronous_commit TO {setting}")
            values = []
            for _ in range(count):
                started = time.perf_counter()
                cursor.execute("INSERT INTO bench_commit (note) VALUES (%s)", ["x" * 60])
                values.append((time.perf_counter() - started) * 1000)
            figures.setdefault(setting, []).extend(values)
        cursor.execute("SET synchronous_commit TO on")
        cursor.execute("DROP TABLE bench_commit")
    return {setting: (statistics.median(v), percentile(v, 0.95)) for setting, v in figures.items()}


def report(result: dict, requests: int) -> None:
    timings = result["timings"]
    log(f"{'endpoint':<26}{'mode':<20}{'median ms':>11}{'p95 ms':>10}")
    for name in result["endpoints"]:
        for mode in MODES:
            values = timings[(name, mode)]
            log(f"{name:<26}{mode:<20}{statistics.median(values):>11.2f}{percentile(values, 0.95):>10.2f}")
    log()
    for name in result["endpoints"]:
        off = percentile(timings[(name, "off")], 0.95)
        for mode in MODES[1:]:
            ratio = percentile(timings[(name, mode)], 0.95) / off
            verdict = "within" if ratio <= TARGET else "OVER"
            log(f"{name}, logging {mode}: p95 / p95 off = {ratio:.3f} ({verdict} the {TARGET:.2f} target)")
    expected = result["rounds"] * len(result["endpoints"])
    log(f"rows written: {result['written']}; one per request with logging on (warm-up included) is {expected}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="measured requests per endpoint and mode")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--prior", type=int, default=100_000, help="access log rows already in the table")
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    try:
        setup_django()
        from django.core.management import call_command
        from django.db import connection

        log(f"PostgreSQL {DB_NAME}: migrating")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        admin, candidate = seed(args.candidates, args.prior)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        log(f"seeded {args.candidates} candidates and {args.prior} prior log rows in {seconds:.1f} s")
        log(f"{args.requests} requests per endpoint and mode after {args.warmup} warm-up, interleaved on/off")
        log()
        result = measure(admin, candidate, requests=args.requests, warmup=args.warmup)
        report(result, args.requests)
        log()
        for setting, (median, p95) in bare_commits().items():
            log(f"a bare one-row commit, synchronous_commit {setting}: median {median:.2f} ms, p95 {p95:.2f} ms")
        connection.close()
    finally:
        if not args.keep_db:
            admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
