#!/usr/bin/env python
"""The cost of the access log (LOG-1): the authenticated candidate page, the candidate API retrieve and the candidate
API list (a page of 25: one ``ListRead`` row in the request, settled afterwards into one entry per candidate on it),
p95 with logging on against logging off, on PostgreSQL.
Target: the p95 with logging on within 10 % of the p95 with it off.

How an entry is never lost: ``hiring.access_log`` (``record_view``, ``record_listed``) inserts the rows in the
request, in autocommit (requests are not wrapped in a transaction), in one statement, before the view returns its
response: the commit is acknowledged before the first byte of the candidate's data leaves the server, streamed files
and audio included (their bodies are produced after the view returned). If the insert fails the request answers 500
and shows nothing. So there is no window between response and write to lose an entry in: a crash before the commit
means the data was not shown; a crash after it leaves the entry. That is simpler to prove than batching after the
response, and this bench measures what it costs: one indexed insert and its commit per view or list page.

Part of that cost is the commit's wait for the WAL flush (an fsync). ``ACCESS_LOG_SYNCHRONOUS_COMMIT`` (default on)
keeps it; off, the log's rows are written through the ``access_log`` database alias, a connection whose session has
``synchronous_commit`` off (one INSERT in autocommit, by the ORM, SEC-ORM): the row is still committed before the
response, so an application crash loses nothing, but a crash of the database server can lose the last ~0.6 s of
entries (3 x ``wal_writer_delay``). The bench measures both settings, and times the flush apart: bare one-row commits
with the wait, on a session without it, and, for comparison, with ``BEGIN; SET LOCAL synchronous_commit TO OFF;
INSERT; COMMIT`` (four round trips, the way the log skipped the wait before).

What it does (only 127.0.0.1 is contacted):

1. drops and creates the PostgreSQL database ``--database`` (default ``ia_access``; 127.0.0.1:5432, user
   ``postgres``) and migrates it;
2. seeds one organization: an admin, a hiring with criteria, ``--candidates`` candidates (at least 25) added through
   the consent service (each with a consent request), three interviews on the measured candidate, and ``--prior``
   access log rows already in the table (the inserts maintain indexes of a table that is not empty);
3. signs the admin in (a real session) and issues a real access token (``accounts.tokens.issue_tokens``);
4. times ``--requests`` requests per endpoint and mode through Django's full middleware stack in this process
   (``django.test.Client``, DEBUG off) in three modes: logging off, on, and on with ``ACCESS_LOG_SYNCHRONOUS_COMMIT``
   off; the modes interleaved request by request (their order rotating) so that drift of the machine falls on all
   alike, after ``--warmup`` requests of each;
5. prints median and p95 per endpoint and mode, the p95 ratio of each logging mode to off, and checks that exactly
   one row was written per object shown with logging on and none with it off (counted once at the end, so no count
   query runs between the timed requests); then times ``record_view`` alone (outside a request) for both settings,
   and 300 bare commits of one row into a scratch table three ways (above), the part of the cost the disk decides;
   settles the list reads the requests left (``settle_list_reads``, what the periodic job does) and times that;
6. unless ``--no-http``: the same endpoints through three gunicorn servers with production settings
   (``deploy/gunicorn.conf.py``, 2 workers each), one per mode, each request sent to all three in turn over
   keep-alive HTTP connections: what a client sees, network and WSGI server included;
7. drops the database unless ``--keep-db``.

In-process timing leaves out the network and the WSGI server; through gunicorn both are in, on both sides of the
ratio. It prints figures; its exit status does not depend on them.

    .venv/bin/python bench/bench_access_log.py
    .venv/bin/python bench/bench_access_log.py --requests 100 --prior 10000   # a quicker run
    .venv/bin/python bench/bench_access_log.py --database ia_access_mine      # a database of your own
"""

import argparse
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):  # the project, and bench_hiring's server and client for the HTTP part
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

HOST = "127.0.0.1"
DB_NAME = "ia_access"
TARGET = 1.10
# logging off; on with ACCESS_LOG_SYNCHRONOUS_COMMIT on (the default: the commit waits for the WAL flush); on, it off
MODES = ("off", "on", "on, no flush wait")
SETTINGS = {"off": (False, True), "on": (True, True), "on, no flush wait": (True, False)}
LIST_PAGE = 25  # the API's default page size


def log(message: str = "") -> None:
    print(message, flush=True)


def admin_sql(statement: str) -> None:
    command = ["psql", "-h", HOST, "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", statement]
    subprocess.run(command, check=True)  # noqa: S603, S607 (fixed argv: this script's own statements, local server)


def setup_django(db_name: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@{HOST}:5432/{db_name}"
    os.environ["DJANGO_DEBUG"] = "false"
    # One random key for this process and the gunicorn servers it starts (tokens issued here must verify there).
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(48))
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
    from hiring.access_log import AccessLogEntry, ListRead, settle_list_reads

    page = Client()
    page.force_login(admin.user, backend="accounts.backends.ModelBackend")
    token = issue_tokens(user=admin.user, membership=admin, request_ip=HOST, user_agent="bench_access_log")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token.access_token}")
    endpoints = {  # name: (client, path, rows logged per request)
        "candidate page": (page, f"/candidates/{candidate.public_id}/", 1),
        "candidate API retrieve": (api, f"/api/v1/candidates/{candidate.public_id}/", 1),
        f"candidate API list ({LIST_PAGE})": (api, "/api/v1/candidates/", LIST_PAGE),
    }
    timings = {(name, mode): [] for name in endpoints for mode in MODES}
    rows_before = AccessLogEntry.objects.for_operators().count()
    for round_number in range(warmup + requests):
        for name, (client, path, _rows) in endpoints.items():
            shift = round_number % len(MODES)
            for mode in MODES[shift:] + MODES[:shift]:
                settings.ACCESS_LOG_ENABLED, settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = SETTINGS[mode]
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
                if round_number >= warmup:
                    timings[(name, mode)].append(elapsed)
    settings.ACCESS_LOG_ENABLED, settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = True, True
    pending = ListRead.objects.for_operators().count()
    started = time.perf_counter()
    settled = settle_list_reads()  # what the periodic job (or a reader of the log) does, outside the requests
    settling_ms = (time.perf_counter() - started) * 1000
    written = AccessLogEntry.objects.for_operators().count() - rows_before
    logged_modes = sum(1 for mode in MODES if SETTINGS[mode][0])
    expected = (warmup + requests) * logged_modes * sum(rows for _client, _path, rows in endpoints.values())
    return {
        "timings": timings,
        "written": written,
        "expected": expected,
        "endpoints": list(endpoints),
        "settling": (pending, settled, settling_ms),
    }


def record_view_alone(admin, candidate, count: int = 300) -> dict:
    """Median and p95 ms of ``record_view`` itself, called outside a request, for each setting of
    ``ACCESS_LOG_SYNCHRONOUS_COMMIT``, interleaved: what the log adds to one view, without the view."""
    from django.conf import settings
    from django.test import RequestFactory

    from hiring.access_log import AccessKind, record_view

    request = RequestFactory().get("/", REMOTE_ADDR=HOST)
    request.member = admin
    figures = {True: [], False: []}
    for round_number in range(2 * count):
        synchronous = round_number % 2 == 0
        settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = synchronous
        started = time.perf_counter()
        record_view(request, candidate, AccessKind.CANDIDATE)
        figures[synchronous].append((time.perf_counter() - started) * 1000)
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = True
    return {key: (statistics.median(v), percentile(v, 0.95)) for key, v in figures.items()}


def bare_commits(count: int = 300) -> dict:
    """Median and p95 ms of committing one small row three ways, interleaved: in autocommit with the commit's wait for
    the WAL flush (the log's default); in autocommit on a connection whose session has ``synchronous_commit`` off
    (what the log does with ``ACCESS_LOG_SYNCHRONOUS_COMMIT`` off: the ``access_log`` alias); and, for comparison, in
    a transaction with ``SET LOCAL synchronous_commit TO OFF`` (BEGIN, SET, INSERT, COMMIT: four round trips, the
    earlier way). The part of the log's cost the disk decides."""
    from django.db import connections, transaction

    insert = "INSERT INTO bench_commit (note) VALUES (%s)"
    note = ["x" * 60]

    def flush_wait():
        with connections["default"].cursor() as cursor:
            cursor.execute(insert, note)

    def session_off():
        with connections["access_log"].cursor() as cursor:
            cursor.execute(insert, note)

    def set_local():
        with transaction.atomic(), connections["default"].cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(insert, note)

    ways = {
        "autocommit, flush wait (on, the default)": flush_wait,
        "autocommit, session without the flush wait (off)": session_off,
        "BEGIN; SET LOCAL off; INSERT; COMMIT": set_local,
    }
    figures = {name: [] for name in ways}
    with connections["default"].cursor() as cursor:
        cursor.execute("CREATE TABLE bench_commit (id bigserial PRIMARY KEY, note text)")
    for _round in range(4):
        for name, way in ways.items():
            for _ in range(count // 4):
                started = time.perf_counter()
                way()
                figures[name].append((time.perf_counter() - started) * 1000)
    with connections["default"].cursor() as cursor:
        cursor.execute("DROP TABLE bench_commit")
    return {name: (statistics.median(v), percentile(v, 0.95)) for name, v in figures.items()}


def measure_http(admin, candidate, *, database: str, requests: int, warmup: int) -> dict:
    """The same three endpoints through gunicorn (``deploy/gunicorn.conf.py``, production settings, 2 workers), over
    keep-alive HTTP connections: one server per mode (log off, on, on without the flush wait), against the same
    database, each request sent to all in turn (the order rotating), so that all see the same machine. What a client
    sees: the in-process figures above leave out HTTP and the WSGI server, which every real request also pays."""
    import tempfile

    import bench_hiring
    from django.conf import settings

    from accounts.tokens import issue_tokens

    token = issue_tokens(user=admin.user, membership=admin, request_ip=HOST, user_agent="bench_access_log")
    # The servers run with production settings, whose session cookie is named "__Host-sessionid".
    cookie = "__Host-sessionid=" + bench_hiring.direct_session(admin.user.email).split("=", 1)[1]
    paths = {
        "candidate page": ({"Cookie": cookie}, f"/candidates/{candidate.public_id}/"),
        "candidate API retrieve": (
            {"Authorization": f"Bearer {token.access_token}"},
            f"/api/v1/candidates/{candidate.public_id}/",
        ),
        f"candidate API list ({LIST_PAGE})": ({"Authorization": f"Bearer {token.access_token}"}, "/api/v1/candidates/"),
    }
    timings = {(name, mode): [] for name in paths for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-access-http-") as tmp_name:
        tmp = Path(tmp_name)
        env = bench_hiring.bench_environment(tmp, "production", settings.SECRET_KEY)
        env["DATABASE_URL"] = f"postgres://postgres@{HOST}:5432/{database}"
        bench_hiring.write_settings_wrapper(tmp)
        bench_hiring.manage(env, "collectstatic", "--noinput")
        servers = {
            mode: bench_hiring.Server(
                {
                    **env,
                    "ACCESS_LOG_ENABLED": str(SETTINGS[mode][0]).lower(),
                    "ACCESS_LOG_SYNCHRONOUS_COMMIT": str(SETTINGS[mode][1]).lower(),
                },
                tmp,
                2,
            )
            for mode in MODES
        }
        try:
            for server in servers.values():
                server.start()
            connections = {
                (name, mode): bench_hiring.Connection(servers[mode].port, headers)
                for name, (headers, _path) in paths.items()
                for mode in servers
            }
            for round_number in range(warmup + requests):
                shift = round_number % len(MODES)
                for name, (_headers, path) in paths.items():
                    for mode in MODES[shift:] + MODES[:shift]:
                        status, body, elapsed = connections[(name, mode)].get(path)
                        if status != 200:
                            raise SystemExit(f"{name} ({mode}, HTTP): {status} {body[:200]!r}")
                        if round_number >= warmup:
                            timings[(name, mode)].append(elapsed * 1000)
            for connection in connections.values():
                connection.close()
        finally:
            for server in servers.values():
                server.stop()
    return timings


def report_http(timings: dict) -> None:
    names = list(dict.fromkeys(name for name, _mode in timings))
    log(f"{'endpoint, through gunicorn':<34}{'mode':<20}{'median ms':>11}{'p95 ms':>10}")
    for name in names:
        for mode in MODES:
            values = timings[(name, mode)]
            log(f"{name:<34}{mode:<20}{statistics.median(values):>11.2f}{percentile(values, 0.95):>10.2f}")
    log()
    for name in names:
        off = percentile(timings[(name, "off")], 0.95)
        for mode in MODES[1:]:
            ratio = percentile(timings[(name, mode)], 0.95) / off
            verdict = "within" if ratio <= TARGET else "OVER"
            log(f"{name}, through gunicorn, logging {mode}: p95 / p95 off = {ratio:.3f} ({verdict} the {TARGET:.2f})")


def report(result: dict) -> None:
    timings = result["timings"]
    log(f"{'endpoint':<28}{'mode':<20}{'median ms':>11}{'p95 ms':>10}")
    for name in result["endpoints"]:
        for mode in MODES:
            values = timings[(name, mode)]
            log(f"{name:<28}{mode:<20}{statistics.median(values):>11.2f}{percentile(values, 0.95):>10.2f}")
    log()
    for name in result["endpoints"]:
        off = percentile(timings[(name, "off")], 0.95)
        for mode in MODES[1:]:
            ratio = percentile(timings[(name, mode)], 0.95) / off
            verdict = "within" if ratio <= TARGET else "OVER"
            log(f"{name}, logging {mode}: p95 / p95 off = {ratio:.3f} ({verdict} the {TARGET:.2f} target)")
    log(
        f"rows written: {result['written']}; one per object shown per request with logging on "
        f"(warm-up included) is {result['expected']}"
    )
    pending, settled, settling_ms = result["settling"]
    log(
        f"list reads settled after the requests: {pending} rows into {settled} entries in {settling_ms:.0f} ms "
        f"({settling_ms / max(pending, 1):.2f} ms per list page, outside any request)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="measured requests per endpoint and mode")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--candidates", type=int, default=50, help=f"at least {LIST_PAGE}: the list shows a full page")
    parser.add_argument("--prior", type=int, default=100_000, help="access log rows already in the table")
    parser.add_argument("--database", default=DB_NAME, help="the PostgreSQL database to drop, create and use")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--no-http", action="store_true", help="skip the measurement through gunicorn (a server per mode)"
    )
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        parser.error("--database: a plain lower-case name")
    if args.candidates < LIST_PAGE:
        parser.error(f"--candidates: at least {LIST_PAGE}")

    admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
    admin_sql(f"CREATE DATABASE {args.database}")
    try:
        setup_django(args.database)
        from django.core.management import call_command
        from django.db import connection

        log(f"PostgreSQL {args.database}: migrating")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        admin, candidate = seed(args.candidates, args.prior)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        seconds = time.perf_counter() - started
        log(f"seeded {args.candidates} candidates and {args.prior} prior log rows in {seconds:.1f} s")
        modes = " / ".join(MODES)
        log(f"{args.requests} requests per endpoint and mode after {args.warmup} warm-up, interleaved: {modes}")
        log()
        result = measure(admin, candidate, requests=args.requests, warmup=args.warmup)
        report(result)
        log()
        for synchronous, (median, p95) in record_view_alone(admin, candidate).items():
            setting = "on" if synchronous else "off"
            log(f"record_view alone, ACCESS_LOG_SYNCHRONOUS_COMMIT {setting}: median {median:.2f} ms, p95 {p95:.2f} ms")
        for way, (median, p95) in bare_commits().items():
            log(f"a bare one-row commit, {way}: median {median:.2f} ms, p95 {p95:.2f} ms")
        if not args.no_http:
            log()
            log(f"through gunicorn: {args.requests} requests per endpoint and server after {args.warmup} warm-up")
            report_http(
                measure_http(admin, candidate, database=args.database, requests=args.requests, warmup=args.warmup)
            )
        connection.close()
    finally:
        if not args.keep_db:
            admin_sql(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")


if __name__ == "__main__":
    main()
