#!/usr/bin/env python
"""Hiring dashboard and candidate list API latency, as ratios to a trivial authenticated endpoint (PostgreSQL).

The issue's requirement: seed 10,000 candidates across 50 hirings in one organization plus 10 other organizations,
and report median and p95 latency of the hiring dashboard and the candidate list API next to a trivial authenticated
endpoint measured in the same run. Targets, as ratios to the trivial endpoint in the same run on PostgreSQL:

* candidate list API median <= 3x the trivial endpoint's median;
* hiring dashboard p95 <= 6x the trivial endpoint's p95, and its median <= 4x the trivial median (issue 17);
* the same ratios with 10x the data (the cost must not grow with the data).

What it does, all on this machine (only 127.0.0.1 is contacted):

1. drops and creates the PostgreSQL database ``ia_bench`` (127.0.0.1:5432, user postgres), runs ``manage.py migrate``
   (and ``collectstatic`` into a temporary directory with production settings);
2. seeds with ``bulk_create``: the measured organization (50 hirings, 10,000 candidates in realistic stages,
   interviews, decisions) and 10 other organizations (10 hirings, 1,000 candidates each), then ``VACUUM ANALYZE``;
3. serves the project with gunicorn (``deploy/gunicorn.conf.py``, 2 workers) with ``DJANGO_ENV=production``;
4. authenticates the API with real access tokens (``accounts.tokens.issue_tokens``) and the pages with a real session
   (signed in through the login form), warms up, then times N interleaved requests per endpoint over keep-alive
   ``http.client`` connections and prints median, p95 and the ratios to ``GET /api/v1/me``;
5. grows the data 10x (to 500 hirings / 100,000 candidates in the measured organization, 10,000 in each other one),
   measures again and prints how each ratio grew;
6. stops gunicorn and drops the database (unless ``--keep-db``), also on errors.

It prints figures; it is not a test and its exit status does not depend on the targets.

    .venv/bin/python bench/bench_hiring.py            # base, then 10x
    .venv/bin/python bench/bench_hiring.py --quick    # 1/10 of the base data, fewer requests: a smoke run
    .venv/bin/python bench/bench_hiring.py --help
"""

import argparse
import contextlib
import http.client
import http.cookies
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"  # the only host this benchmark talks to: PostgreSQL and the gunicorn it starts
PG_PORT = 5432
PG_USER = "postgres"
DB_NAME = "ia_bench"  # --database NAME changes it (two runs at once on one server need two names)
DATABASE_URL = f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{DB_NAME}"

# Base data (scale 1): the issue's figures.
BASE_HIRINGS = 50
BASE_CANDIDATES = 10_000
OTHER_ORGANIZATIONS = 10
BASE_OTHER_HIRINGS = 10
BASE_OTHER_CANDIDATES = 1_000

# Targets, as ratios to the trivial endpoint measured in the same phase.
TARGET_LIST_MEDIAN_RATIO = 3.0
TARGET_DASHBOARD_P95_RATIO = 6.0
TARGET_DASHBOARD_MEDIAN_RATIO = 4.0  # issue 17: the whole dashboard page, median as well as p95

PAGE_SIZE = 25
RECRUITER_EMAIL = "recruiter@bench-measured.test"
MANAGER_EMAIL = "manager@bench-measured.test"
SEED = 20260611

STAGE_WEIGHTS = {
    "applied": 40,
    "screening": 20,
    "interview": 15,
    "offer": 3,
    "hired": 2,
    "rejected": 17,
    "withdrawn": 3,
}
HIRING_STATUS_WEIGHTS = {"open": 70, "on_hold": 10, "draft": 8, "closed": 12}
FIRST_NAMES = (  # noqa: SIM905
    "Maria Jonas Amira Lukas Sofia Noah Elin Oskar Anna Erik Fatima Ali Lea Hugo Sara Omar Ida Liam Nora Aron "
    "Wei Yuki Priya Mateo Zoe Emil Alva Felix Maja Leo"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Lindqvist Berg Haddad Novak Rossi Eriksson Dahl Holm Nilsson Svensson Khan Garcia Müller Dubois Kowalski "
    "Andersson Larsen Virtanen Costa Silva Chen Tanaka Patel Okafor Jensen"
).split()
JOB_TITLES = (
    "Backend engineer",
    "Frontend engineer",
    "Data engineer",
    "Product designer",
    "Customer success manager",
    "Account executive",
    "Site reliability engineer",
    "Recruiter",
    "Product manager",
    "Support specialist",
)
CITIES = ("Stockholm", "Gothenburg", "Malmö", "Remote", "Berlin", "Amsterdam")


def log(message: str = "") -> None:
    print(message, flush=True)


# --- Database and environment ---------------------------------------------------------------------------------------


def admin_sql(*statements: str) -> None:
    """Statements on the maintenance database ``postgres`` (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg

    with psycopg.connect(host=HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def drop_database() -> None:
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def bench_environment(tmp: Path, settings_mode: str, secret_key: str) -> dict:
    """The environment of the benchmark process, ``manage.py`` and gunicorn: one database, one secret key."""
    env = {
        "DATABASE_URL": DATABASE_URL,
        "VAR_DIR": str(tmp / "var"),
        "DJANGO_SECRET_KEY": secret_key,  # tokens issued here must verify in the server
        "DJANGO_ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",  # production requires an https:// SITE_URL; emails go to a dummy backend
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # the session cookie over plain HTTP on 127.0.0.1
        "DRAMATIQ_BROKER_URL": "",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "bench_settings",
    }
    if settings_mode == "production":
        env["DJANGO_ENV"] = "production"
        env["DJANGO_DEBUG"] = "false"
    else:
        env["DJANGO_ENV"] = "development"
        env["DJANGO_DEBUG"] = "false"  # DEBUG would record every query in the server and distort the figures
    return env


def write_settings_wrapper(tmp: Path) -> None:
    """The project's settings unchanged, except STATIC_ROOT in the temporary directory (production needs the
    collected static files and their manifest; the project's own ``staticfiles/`` is left alone)."""
    (tmp / "bench_settings.py").write_text(
        f"from interview_analyzer.settings import *  # noqa: F401,F403\nSTATIC_ROOT = {str(tmp / 'static')!r}\n"
    )


def manage(env: dict, *args: str, timeout: int = 900) -> None:
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (fixed argv: this interpreter, manage.py and the benchmark's own args)
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    log(f"  manage.py {args[0]}: {time.perf_counter() - started:.1f} s")


# --- Seeding --------------------------------------------------------------------------------------------------------


def split_counts(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` spread unevenly over ``parts`` (log-normal weights: a few big hirings, many small ones)."""
    if parts <= 0:
        return []
    weights = [rng.lognormvariate(0, 0.8) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    return counts


def ascii_email(address: str) -> str:
    """Names such as Müller give ASCII addresses (muller): the candidate form's email validation, which consent's
    bulk intake runs, takes no accents in the local part."""
    return unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode().lower()


def weighted(rng: random.Random, table: dict) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


class OrgSeed:
    """One organization's people, created with the real models and services; hirings and candidates are added
    in bulk by ``add_data`` (called again to grow the data)."""

    def __init__(self, name: str, slug: str, interviewers: int, *, login: bool):
        from allauth.account.models import EmailAddress
        from django.contrib.auth.models import Permission

        from accounts.models import Membership, Organization, User
        from accounts.services import accept_current_dpa
        from interview_analyzer.roles import Role

        self.organization = Organization.objects.create(name=name, plan="business")
        self.passwords = {}

        def person(email, full_name, role, password=None):
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            if password:
                self.passwords[email] = password
            return Membership.objects.create(organization=self.organization, user=user, role=role)

        def password():
            return "Bench-" + secrets.token_urlsafe(18)

        self.admin = person(f"admin@{slug}.test", f"Admin {name}", Role.ADMIN)
        self.recruiter = person(
            RECRUITER_EMAIL if login else f"recruiter@{slug}.test",
            f"Recruiter {name}",
            Role.RECRUITER,
            password() if login else None,
        )
        self.manager = person(
            MANAGER_EMAIL if login else f"manager@{slug}.test",
            f"Hiring manager {name}",
            Role.HIRING_MANAGER,
            password() if login else None,
        )
        self.interviewers = [
            person(f"interviewer{i}@{slug}.test", f"Interviewer {i} {name}", Role.INTERVIEWER)
            for i in range(interviewers)
        ]
        accept_current_dpa(actor=self.admin)
        self.view_hiring = Permission.objects.get(codename="view_hiring", content_type__app_label="hiring")
        self.hirings = 0
        self.candidates = 0

    @classmethod
    def existing(cls, name: str) -> "OrgSeed":
        """The organization ``name`` as an earlier run seeded it (``--reuse-db``): its people and its counts. The
        passwords were random and are gone, so the pages sign in with a session created in the database."""
        from django.contrib.auth.models import Permission

        from accounts.models import Membership, Organization
        from hiring.models import Candidate, Hiring
        from interview_analyzer.roles import Role

        self = cls.__new__(cls)
        self.organization = Organization.objects.get(name=name)
        members = Membership.objects.filter(organization=self.organization).select_related("user").order_by("pk")
        self.admin = members.filter(role=Role.ADMIN).first()
        self.recruiter = members.filter(role=Role.RECRUITER).first()
        self.manager = members.filter(role=Role.HIRING_MANAGER).first()
        self.interviewers = list(members.filter(role=Role.INTERVIEWER))
        self.passwords = {}
        self.view_hiring = Permission.objects.get(codename="view_hiring", content_type__app_label="hiring")
        self.hirings = Hiring.objects.for_operators().filter(organization=self.organization).count()
        self.candidates = Candidate.objects.for_operators().filter(organization=self.organization).count()
        return self

    def add_data(self, hirings: int, candidates: int, rng: random.Random) -> dict:
        """Add ``hirings`` hirings (3 criteria each) and ``candidates`` candidates spread over them, with interviews
        and decisions. The hiring manager owns one hiring in ten and is granted one in ten more (ORG-4)."""
        from django.db import transaction
        from django.test import override_settings
        from django.utils import timezone

        from consent import services as consent_services
        from hiring.models import (
            Criterion,
            Decision,
            Hiring,
            HiringUserObjectPermission,
            Interview,
            InterviewQuestion,
        )
        from interview_analyzer.public_ids import new_public_id
        from retention.models import RetentionClock

        now = timezone.now()
        org = self.organization
        rows = {"hirings": 0, "criteria": 0, "candidates": 0, "interviews": 0, "decisions": 0, "grants": 0}
        with transaction.atomic():
            new_hirings = []
            for i in range(hirings):
                n = self.hirings + i
                owner = self.manager if n % 10 == 3 else self.recruiter
                new_hirings.append(
                    Hiring(
                        organization=org,
                        public_id=new_public_id("hir"),
                        title=f"{JOB_TITLES[n % len(JOB_TITLES)]}, {CITIES[n % len(CITIES)]} #{n + 1}",
                        description="<p>Join the team and help us build a fair, structured hiring process.</p>",
                        status=weighted(rng, HIRING_STATUS_WEIGHTS),
                        owner=owner,
                        created_at=now - timedelta(days=rng.uniform(1, 365)),
                    )
                )
            Hiring.objects.bulk_create(new_hirings, batch_size=1000)
            rows["hirings"] = len(new_hirings)

            grants = [
                HiringUserObjectPermission(permission=self.view_hiring, user=self.manager.user, content_object=h)
                for i, h in enumerate(new_hirings)
                if (self.hirings + i) % 10 == 7
            ]
            HiringUserObjectPermission.objects.bulk_create(grants)
            rows["grants"] = len(grants)

            criteria = [
                Criterion(
                    organization=org,
                    public_id=new_public_id("crit"),
                    hiring=h,
                    name=name,
                    description=f"{name}: evidence from the interview.",
                    good_evidence="Concrete examples, trade-offs and outcomes.",
                    weight=weight,
                    position=position,
                )
                for h in new_hirings
                for position, (name, weight) in enumerate((("System design", 3), ("Collaboration", 2), ("Care", 1)))
            ]
            Criterion.objects.bulk_create(criteria, batch_size=2000)
            InterviewQuestion.objects.bulk_create(
                [
                    InterviewQuestion(
                        organization=org,
                        public_id=new_public_id("qst"),
                        criterion=c,
                        text=f"Tell me about a time you showed {c.name.lower()}.",
                    )
                    for c in criteria
                ],
                batch_size=2000,
            )
            rows["criteria"] = len(criteria)

            interviewers = [*self.interviewers, self.manager]

            def add(hiring, people):
                # Through consent's bulk intake, as any import: every candidate gets its consent request (CON-1).
                with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                    added = consent_services.add_candidates(actor=self.recruiter, hiring=hiring, people=people)
                interviews, decisions = [], []
                for cand in added:
                    interviews.extend(self._interviews_for(cand, interviewers, now, rng, new_public_id))
                    if cand.stage in Decision.Outcome.values:
                        decisions.append(
                            Decision(
                                organization=org,
                                public_id=new_public_id("dec"),
                                candidate=cand,
                                outcome=cand.stage,
                                reason="Recorded after the debrief against the hiring's criteria.",
                                decided_by=self.recruiter.user,
                                decided_by_email=self.recruiter.user.email,
                                decided_at=min(now, cand.created_at + timedelta(days=rng.uniform(3, 40))),
                            )
                        )
                Interview.objects.bulk_create(interviews, batch_size=2000)
                Decision.objects.bulk_create(decisions, batch_size=2000)
                # bulk_create sends no post_save, so retention's receiver does not start the clocks: start them
                # here with the retention service's own computation, as the product does per decision (RET-2).
                RetentionClock.objects.bulk_create(
                    [retention_clock(decision, org.retention_days) for decision in decisions], batch_size=2000
                )
                rows["candidates"] += len(added)
                rows["interviews"] += len(interviews)
                rows["decisions"] += len(decisions)

            for hiring, count in zip(new_hirings, split_counts(candidates, len(new_hirings), rng), strict=True):
                age = (now - hiring.created_at).total_seconds()
                people = []
                for _ in range(count):
                    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                    self.candidates += 1
                    people.append(
                        {
                            "name": f"{first} {last}",
                            "email": ascii_email(f"{first}.{last}.{self.candidates}@mail.test"),
                            "phone": f"+46 70 {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
                            if rng.random() < 0.6
                            else "",
                            "notes": "Referred by a colleague." if rng.random() < 0.1 else "",
                            "stage": weighted(rng, STAGE_WEIGHTS),
                            "created_at": now - timedelta(seconds=rng.uniform(0, age)),
                        }
                    )
                    if len(people) >= 5000:
                        add(hiring, people)
                        people = []
                if people:
                    add(hiring, people)
        self.hirings += hirings
        return rows

    def _interviews_for(self, cand, interviewers, now, rng, new_public_id):
        """Interviews in the shape the stage implies: upcoming, held, awaiting review (past but still scheduled),
        cancelled."""
        from hiring.models import Interview

        S = Interview.Status
        plan = []
        if cand.stage == "screening" and rng.random() < 0.1:
            plan = [(S.SCHEDULED, +1)]
        elif cand.stage == "interview":
            r = rng.random()
            plan = [(S.SCHEDULED, +1)] if r < 0.5 else [(S.COMPLETED, -1)] if r < 0.8 else [(S.SCHEDULED, -1)]
        elif cand.stage in ("offer", "hired"):
            plan = [(S.COMPLETED, -1), (S.COMPLETED, -1)]
        elif cand.stage == "rejected" and rng.random() < 0.4:
            plan = [(S.COMPLETED, -1)]
        elif cand.stage == "withdrawn" and rng.random() < 0.3:
            plan = [(S.CANCELLED, +1)]
        out = []
        for status, direction in plan:
            offset = (
                timedelta(hours=rng.uniform(1, 14 * 24)) if direction > 0 else -timedelta(days=rng.uniform(0.1, 60))
            )
            out.append(
                Interview(
                    organization=cand.organization,
                    public_id=new_public_id("intv"),
                    candidate=cand,
                    interviewer=rng.choice(interviewers),
                    scheduled_at=now + offset,
                    status=status,
                )
            )
        return out


def retention_clock(decision, organization_days: int):
    """The candidate's retention clock as ``retention.services.start_clock`` leaves it after this decision (each
    seeded candidate has one decision, so it is their latest): started at the decision, deletion date from the
    service's own ``_deletion_date`` (the organization's period; no override or extension yet)."""
    from retention.models import RetentionClock
    from retention.services import _deletion_date

    clock = RetentionClock(
        organization_id=decision.organization_id, candidate_id=decision.candidate_id, decided_at=decision.decided_at
    )
    clock.delete_after = _deletion_date(clock, organization_days)
    return clock


def seed(orgs: dict, targets: dict, rng: random.Random) -> None:
    """Bring every organization up to its target numbers of hirings and candidates."""
    total_rows: dict = {}
    started = time.perf_counter()
    for key, org in orgs.items():
        want_hirings, want_candidates = targets[key]
        add_h, add_c = want_hirings - org.hirings, want_candidates - org.candidates
        if add_h <= 0 and add_c <= 0:
            continue
        t0 = time.perf_counter()
        rows = org.add_data(max(add_h, 1), max(add_c, 0), rng)
        for name, value in rows.items():
            total_rows[name] = total_rows.get(name, 0) + value
        if key == "measured" or key.endswith("01") or key == list(orgs)[-1]:
            log(
                f"  {org.organization.name:<22} +{rows['hirings']:,} hirings, +{rows['candidates']:,} candidates, "
                f"+{rows['interviews']:,} interviews, +{rows['decisions']:,} decisions, +{rows['grants']} grants "
                f"({time.perf_counter() - t0:.1f} s)"
            )
    log(
        "  seeded "
        + ", ".join(f"{value:,} {name}" for name, value in total_rows.items())
        + f" in {time.perf_counter() - started:.1f} s"
    )
    t0 = time.perf_counter()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log(f"  VACUUM ANALYZE: {time.perf_counter() - t0:.1f} s")


def table_counts() -> str:
    from hiring.models import Candidate, Decision, Hiring, Interview
    from retention.models import RetentionClock

    return ", ".join(
        f"{model.objects.for_operators().count():,} {label}"
        for model, label in (
            (Hiring, "hirings"),
            (Candidate, "candidates"),
            (Interview, "interviews"),
            (Decision, "decisions"),
            (RetentionClock, "retention clocks"),
        )
    )


# --- Server ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the project's ``deploy/gunicorn.conf.py``, on 127.0.0.1 and a free port."""

    def __init__(self, env: dict, tmp: Path, workers: int):
        self.port = free_port()
        self.workers = workers
        self.log_path = tmp / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            **env,
            "GUNICORN_BIND": f"{HOST}:{self.port}",
            "GUNICORN_WORKERS": str(workers),
        }
        self.threads = int(self.env.get("GUNICORN_THREADS", "4"))
        self.process = None

    def start(self, timeout: float = 60) -> None:
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv: this interpreter running gunicorn)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "interview_analyzer.wsgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the master stops its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # the group this benchmark created for it
                self.process.wait(timeout=10)
        self._log.close()
        self.process = None


# --- Client ---------------------------------------------------------------------------------------------------------


class Connection:
    """One keep-alive ``http.client`` connection; a request is timed from sending to the last body byte."""

    def __init__(self, port: int, headers: dict):
        self.port = port
        self.headers = headers
        self.conn = None
        self.reconnects = 0

    def _open(self):
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=120)
        self.conn.connect()  # outside the timed part

    def get(self, path: str) -> tuple[int, bytes, float]:
        for attempt in range(2):
            if self.conn is None:
                self._open()
            try:
                started = time.perf_counter()
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - started
                if response.will_close:
                    self.close()
                return response.status, body, elapsed
            except (http.client.HTTPException, ConnectionError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once and time the retry only.
                self.close()
                self.reconnects += 1
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def cookies_from(response) -> dict:
    jar = {}
    for header in response.msg.get_all("Set-Cookie") or []:
        parsed = http.cookies.SimpleCookie()
        parsed.load(header)
        jar.update({name: morsel.value for name, morsel in parsed.items()})
    return jar


def login_session(port: int, email: str, password: str) -> tuple[str, str]:
    """A real browser session: GET the login form for its CSRF token, POST the credentials. Falls back to creating
    the session in the database if the form does not sign in. Returns (Cookie header value, how)."""
    from django.conf import settings

    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        page = response.read().decode("utf-8", "replace")
        jar = cookies_from(response)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if response.status == 200 and match and settings.CSRF_COOKIE_NAME in jar:
            body = urllib.parse.urlencode({"login": email, "password": password, "csrfmiddlewaretoken": match.group(1)})
            conn.request(
                "POST",
                "/accounts/login/",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"{settings.CSRF_COOKIE_NAME}={jar[settings.CSRF_COOKIE_NAME]}",
                    "Referer": f"http://{HOST}:{port}/accounts/login/",
                },
            )
            response = conn.getresponse()
            response.read()
            jar.update(cookies_from(response))
            if response.status in (302, 303) and jar.get(settings.SESSION_COOKIE_NAME):
                return f"{settings.SESSION_COOKIE_NAME}={jar[settings.SESSION_COOKIE_NAME]}", "login form"
    finally:
        conn.close()
    return direct_session(email), "session created in the database (the login form did not sign in)"


def direct_session(email: str) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


class Endpoint:
    """One measured URL with its own keep-alive connection; ``role`` is trivial, target or info."""

    def __init__(self, key, label, path, headers, port, check, role="trivial"):
        self.key, self.label, self.path = key, label, path
        self.connection = Connection(port, headers)
        self.check = check  # body -> error message or None, run on warm-up answers
        self.role = role
        self.samples: list[float] = []
        self.bytes = 0

    def fetch(self) -> tuple[float, bytes]:
        status, body, elapsed = self.connection.get(self.path)
        if status != 200:
            raise RuntimeError(f"{self.label}: HTTP {status}: {body[:300]!r}")
        self.bytes = len(body)
        return elapsed, body


def percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def measure(endpoints: list[Endpoint], warmup: int, requests: int, max_seconds: float, rng: random.Random) -> int:
    """Warm up, then ``requests`` rounds; each round calls every endpoint once in a shuffled order, so load drift
    and caching affect all endpoints alike. Bounded by ``max_seconds``. Returns the number of rounds completed."""
    for _ in range(warmup):
        for endpoint in endpoints:
            _, body = endpoint.fetch()
            problem = endpoint.check(body)
            if problem:
                raise RuntimeError(f"{endpoint.label}: {problem}")
    deadline = time.monotonic() + max_seconds
    rounds = 0
    order = list(endpoints)
    for _ in range(requests):
        if time.monotonic() > deadline:
            log(f"  time limit of {max_seconds:.0f} s reached after {rounds} rounds")
            break
        rng.shuffle(order)
        for endpoint in order:
            elapsed, _ = endpoint.fetch()
            endpoint.samples.append(elapsed)
        rounds += 1
    for endpoint in endpoints:
        endpoint.connection.close()
    return rounds


# --- One phase ------------------------------------------------------------------------------------------------------


def json_count(expected: int):
    from interview_analyzer.pagination import COUNT_LIMIT

    # The API counts up to COUNT_LIMIT (interview_analyzer.pagination): past it the count is the limit, not exact.
    counted, exact = min(expected, COUNT_LIMIT), expected <= COUNT_LIMIT

    def check(body: bytes):
        data = json.loads(body)
        # A paginator without a total (cursor pagination) is checked on the page alone.
        if "count" in data and (data["count"], data.get("count_exact", True)) != (counted, exact):
            return (
                f"count {data['count']} (exact: {data.get('count_exact')}) != expected {counted} (exact: {exact})"
                " (tenant or visibility filter is off)"
            )
        if len(data.get("results", [])) != min(PAGE_SIZE, expected):
            return f"{len(data.get('results', []))} results on the page"
        return None

    return check


def html_has(marker: bytes):
    def check(body: bytes):
        return None if marker in body else f"{marker!r} not in the page (not signed in?)"

    return check


def json_ok(body: bytes):
    data = json.loads(body)
    return None if isinstance(data, dict) and data else "empty answer"


def run_phase(title: str, orgs: dict, env: dict, tmp: Path, args, rng: random.Random) -> dict:
    from django.db.models import Count

    from accounts.tokens import issue_tokens
    from hiring.models import Candidate, Hiring

    measured = orgs["measured"]
    recruiter, manager = measured.recruiter, measured.manager
    expected_recruiter = Candidate.objects.visible_to(recruiter).count()
    expected_manager = Candidate.objects.visible_to(manager).count()
    largest = (
        Hiring.objects.visible_to(recruiter)
        .exclude(status=Hiring.Status.CLOSED)
        .annotate(n=Count("candidates"))
        .order_by("-n")
        .first()
    )
    log(f"\n== {title}")
    log(f"  database: {table_counts()} (all organizations)")
    log(
        f"  measured organization: {measured.hirings:,} hirings, {measured.candidates:,} candidates; "
        f"the hiring manager sees {expected_manager:,} candidates"
    )
    from django.conf import settings as django_settings

    from retention.selectors import expiring_soon

    log(
        f"  data expiring soon (within {django_settings.RETENTION_WARNING_DAYS} days): "
        f"{expiring_soon(recruiter).count():,} candidates for the recruiter, "
        f"{expiring_soon(manager).count():,} for the hiring manager"
    )

    server = Server(env, tmp, args.workers)
    try:
        t0 = time.perf_counter()
        server.start()
        log(
            f"  gunicorn on {HOST}:{server.port} ({server.workers} workers x {server.threads} threads), "
            f"up in {time.perf_counter() - t0:.1f} s"
        )
        tokens = {
            m.pk: issue_tokens(user=m.user, membership=m, request_ip=HOST, user_agent="bench_hiring").access_token
            for m in (recruiter, manager)
        }
        sessions, how = {}, set()
        for m in (recruiter, manager):
            password = measured.passwords.get(m.user.email)
            sessions[m.pk], method = (
                login_session(server.port, m.user.email, password)
                if password
                else (direct_session(m.user.email), "session created in the database (--reuse-db: no password)")
            )
            how.add(method)
        log(f"  API: access tokens from issue_tokens; pages: session from the {' / '.join(sorted(how))}")

        def api(member):
            return {"Authorization": f"Bearer {tokens[member.pk]}", "Accept": "application/json"}

        def page(member):
            return {"Cookie": sessions[member.pk], "Accept": "text/html"}

        port = server.port
        endpoints = [
            Endpoint("trivial", "GET /api/v1/me (trivial, recruiter)", "/api/v1/me", api(recruiter), port, json_ok),
            Endpoint(
                "list",
                f"GET /api/v1/candidates/?page_size={PAGE_SIZE} (recruiter)",
                f"/api/v1/candidates/?page_size={PAGE_SIZE}",
                api(recruiter),
                port,
                json_count(expected_recruiter),
                role="target",
            ),
            Endpoint(
                "dashboard",
                "GET /hirings/dashboard/ (recruiter)",
                "/hirings/dashboard/",
                page(recruiter),
                port,
                html_has(b"Pipeline dashboard"),
                role="target",
            ),
        ]
        if not args.no_extra:
            endpoints += [
                Endpoint(
                    "list_hm",
                    f"GET /api/v1/candidates/?page_size={PAGE_SIZE} (hiring manager)",
                    f"/api/v1/candidates/?page_size={PAGE_SIZE}",
                    api(manager),
                    port,
                    json_count(expected_manager),
                    role="info",
                ),
                Endpoint(
                    "dashboard_hm",
                    "GET /hirings/dashboard/ (hiring manager)",
                    "/hirings/dashboard/",
                    page(manager),
                    port,
                    html_has(b"Pipeline dashboard"),
                    role="info",
                ),
            ]
            if largest is not None:
                endpoints.append(
                    Endpoint(
                        "detail",
                        f"GET /hirings/<id>/ ({largest.n:,} candidates, recruiter)",
                        f"/hirings/{largest.public_id}/",
                        page(recruiter),
                        port,
                        html_has(largest.title.encode()),
                        role="info",
                    )
                )
        t0 = time.perf_counter()
        rounds = measure(endpoints, args.warmup, args.requests, args.max_seconds, rng)
        log(
            f"  {args.warmup} warm-up + {rounds} measured rounds of {len(endpoints)} endpoints in "
            f"{time.perf_counter() - t0:.1f} s; reconnects: {sum(e.connection.reconnects for e in endpoints)}"
        )
    finally:
        server.stop()

    result = report(endpoints)
    if args.profile:
        profile(orgs, tokens, largest)
    return result


def report(endpoints: list[Endpoint]) -> dict:
    stats = {}
    for e in endpoints:
        stats[e.key] = {
            "label": e.label,
            "n": len(e.samples),
            "median": statistics.median(e.samples) * 1000,
            "p95": percentile(e.samples, 95) * 1000,
            "max": max(e.samples) * 1000,
            "bytes": e.bytes,
            "role": e.role,
        }
    trivial = stats["trivial"]
    width = max(len(s["label"]) for s in stats.values())
    log("")
    log(
        f"  {'endpoint':<{width}}  {'n':>4}  {'median ms':>9}  {'p95 ms':>8}  {'max ms':>8}  "
        f"{'median/triv':>11}  {'p95/triv':>8}  {'bytes':>7}"
    )
    for s in stats.values():
        log(
            f"  {s['label']:<{width}}  {s['n']:>4}  {s['median']:>9.2f}  {s['p95']:>8.2f}  {s['max']:>8.1f}  "
            f"{s['median'] / trivial['median']:>10.2f}x  {s['p95'] / trivial['p95']:>7.2f}x  {s['bytes']:>7,}"
        )
    list_ratio = stats["list"]["median"] / trivial["median"]
    dash_ratio = stats["dashboard"]["p95"] / trivial["p95"]
    dash_median_ratio = stats["dashboard"]["median"] / trivial["median"]
    log("")
    log(
        f"  target: candidate list API median <= {TARGET_LIST_MEDIAN_RATIO:g}x trivial median: "
        f"{list_ratio:.2f}x  {'PASS' if list_ratio <= TARGET_LIST_MEDIAN_RATIO else 'FAIL'}"
    )
    log(
        f"  target: hiring dashboard p95   <= {TARGET_DASHBOARD_P95_RATIO:g}x trivial p95:    "
        f"{dash_ratio:.2f}x  {'PASS' if dash_ratio <= TARGET_DASHBOARD_P95_RATIO else 'FAIL'}"
    )
    log(
        f"  target: hiring dashboard median <= {TARGET_DASHBOARD_MEDIAN_RATIO:g}x trivial median: "
        f"{dash_median_ratio:.2f}x  {'PASS' if dash_median_ratio <= TARGET_DASHBOARD_MEDIAN_RATIO else 'FAIL'}"
    )
    return {
        "stats": stats,
        "list_ratio": list_ratio,
        "dashboard_ratio": dash_ratio,
        "dashboard_median_ratio": dash_median_ratio,
    }


def profile(orgs: dict, tokens: dict, largest) -> None:
    """In-process, through Django's test client: the SQL each measured view runs (count, time) and, for the
    slowest statements, PostgreSQL's EXPLAIN (ANALYZE, BUFFERS)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    measured = orgs["measured"]
    recruiter = measured.recruiter
    client = Client(HTTP_HOST=HOST)
    client.force_login(recruiter.user, backend="accounts.backends.ModelBackend")
    targets = [
        (
            "candidate list API",
            f"/api/v1/candidates/?page_size={PAGE_SIZE}",
            {"HTTP_AUTHORIZATION": f"Bearer {tokens[recruiter.pk]}"},
        ),
        ("dashboard", "/hirings/dashboard/", {}),
    ]
    if largest is not None:
        targets.append(("hiring detail", f"/hirings/{largest.public_id}/", {}))
    log("\n  profile (in-process, recruiter; the slowest statements with EXPLAIN ANALYZE):")
    for name, path, headers in targets:
        client.get(path, **headers)  # warm
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, **headers)
            elapsed = (time.perf_counter() - started) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        log(
            f"\n  -- {name}: HTTP {response.status_code}, {elapsed:.1f} ms, {len(queries)} queries, {sql_ms:.1f} ms SQL"
        )
        for q in queries[:3]:
            log(f"     {float(q['time']) * 1000:7.2f} ms  {q['sql'][:220]}")
        for q in queries[:2]:
            if float(q["time"]) * 1000 < 1.0:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                plan = [row[0] for row in cursor.fetchall()]
            log(f"     EXPLAIN ANALYZE of the {float(q['time']) * 1000:.2f} ms statement:")
            for line in plan:
                log(f"       {line}")


# --- Main -----------------------------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiplier of the base data (default 1: 50 hirings, "
        "10,000 candidates in the measured organization; 10 other organizations of 1,000)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: --scale 0.1, 10 warm-up, 60 requests")
    parser.add_argument(
        "--growth",
        type=float,
        default=10.0,
        help="second phase with this many times the data (default 10; 0 or 1 skips it)",
    )
    parser.add_argument("--requests", type=int, default=None, help="measured requests per endpoint (default 200)")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests per endpoint (default 20)")
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="time limit of each measuring loop (default 900)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--settings",
        choices=("production", "development"),
        default="production",
        help="DJANGO_ENV of the server (default production; DEBUG is off either way)",
    )
    parser.add_argument(
        "--no-extra",
        action="store_true",
        help="measure only the trivial endpoint, the candidate "
        "list and the dashboard (skip the hiring manager rows and the hiring detail page)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after each phase, show the SQL of each measured view and EXPLAIN ANALYZE of the slowest statements",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database in place at the end")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="measure the data already in --database (left by --keep-db or an interrupted run): no drop, no seeding",
    )
    parser.add_argument(
        "--database",
        default=DB_NAME,
        help=f"name of the database to drop, create and use (default {DB_NAME}; it is dropped at the start)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scale = 0.1 if args.scale == 1.0 else args.scale
        args.requests = 60 if args.requests is None else args.requests
        args.warmup = 10 if args.warmup is None else args.warmup
    args.requests = 200 if args.requests is None else args.requests
    args.warmup = 20 if args.warmup is None else args.warmup
    if args.requests < 20 or args.requests > 5000 or args.warmup < 0 or args.warmup > 500:
        parser.error("--requests must be 20..5000 and --warmup 0..500")
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", args.database):
        parser.error("--database must be a plain lower-case PostgreSQL name (letters, digits, underscores)")
    if not 0 < args.scale <= 20 or args.growth < 0 or args.scale * max(args.growth, 1) > 50:
        parser.error("--scale must be in (0, 20] and --scale x --growth at most 50")
    return args


def sizes(scale: float) -> dict:
    targets = {"measured": (max(1, round(BASE_HIRINGS * scale)), round(BASE_CANDIDATES * scale))}
    for i in range(1, OTHER_ORGANIZATIONS + 1):
        targets[f"other{i:02d}"] = (max(1, round(BASE_OTHER_HIRINGS * scale)), round(BASE_OTHER_CANDIDATES * scale))
    return targets


def main(argv=None) -> int:
    global DB_NAME, DATABASE_URL
    args = parse_args(argv)
    DB_NAME = args.database
    DATABASE_URL = f"postgres://{PG_USER}@{HOST}:{PG_PORT}/{DB_NAME}"
    rng = random.Random(SEED)
    tmp = Path(tempfile.mkdtemp(prefix="bench_hiring_"))
    (tmp / "var").mkdir()
    env = bench_environment(tmp, args.settings, secrets.token_urlsafe(48))
    write_settings_wrapper(tmp)
    os.environ.update(env)
    sys.path.insert(0, str(tmp))

    log("bench_hiring: hiring dashboard and candidate list API vs a trivial authenticated endpoint")
    log(
        f"  python {platform.python_version()}, {os.cpu_count()} CPUs, settings: DJANGO_ENV={env['DJANGO_ENV']} "
        f"(DEBUG off, SECURE_SSL_REDIRECT off, SECURE_COOKIES off), temp dir {tmp}"
    )
    results = {}
    database_created = False
    try:
        t0 = time.perf_counter()
        if args.reuse_db:
            log(f"  database {DB_NAME} on {HOST}:{PG_PORT} reused as it is (--reuse-db)")
        else:
            drop_database()
            admin_sql(f"CREATE DATABASE {DB_NAME}")
            database_created = True
            log(f"  database {DB_NAME} on {HOST}:{PG_PORT} created")
        manage(env, "migrate", "--noinput")
        if args.settings == "production":
            manage(env, "collectstatic", "--noinput", "-v", "0")

        import django

        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        log(f"  PostgreSQL {version}, Django {django.get_version()}; setup {time.perf_counter() - t0:.1f} s")

        if args.reuse_db:
            orgs = {"measured": OrgSeed.existing("Bench Measured")}
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # an interrupted run may have left it unanalyzed
            results["reused"] = run_phase("phase reused (the data as it is)", orgs, env, tmp, args, rng)
            return 0
        orgs = {"measured": OrgSeed("Bench Measured", "bench-measured", interviewers=8, login=True)}
        for i in range(1, OTHER_ORGANIZATIONS + 1):
            orgs[f"other{i:02d}"] = OrgSeed(f"Bench Other {i:02d}", f"bench-other-{i:02d}", interviewers=3, login=False)

        phases = [("base", args.scale)]
        if args.growth > 1:
            phases.append((f"{args.growth:g}x", args.scale * args.growth))
        for name, scale in phases:
            targets = sizes(scale)
            log(
                f"\n== seeding for phase {name} (scale {scale:g}): measured organization {targets['measured'][0]:,} "
                f"hirings / {targets['measured'][1]:,} candidates; {OTHER_ORGANIZATIONS} other organizations of "
                f"{targets['other01'][0]:,} hirings / {targets['other01'][1]:,} candidates"
            )
            seed(orgs, targets, rng)
            results[name] = run_phase(f"phase {name} (scale {scale:g})", orgs, env, tmp, args, rng)

        if len(results) == 2:
            (base_name, base), (grown_name, grown) = results.items()
            log(f"\n== growth of the ratios ({grown_name} data vs {base_name})")
            log(f"  {'ratio':<38} {base_name:>8} {grown_name:>8} {'growth':>8}  target")
            for label, key, target in (
                ("candidate list median / trivial median", "list_ratio", TARGET_LIST_MEDIAN_RATIO),
                ("dashboard p95 / trivial p95", "dashboard_ratio", TARGET_DASHBOARD_P95_RATIO),
                ("dashboard median / trivial median", "dashboard_median_ratio", TARGET_DASHBOARD_MEDIAN_RATIO),
            ):
                verdict = "PASS" if base[key] <= target and grown[key] <= target else "FAIL"
                log(
                    f"  {label:<38} {base[key]:>7.2f}x {grown[key]:>7.2f}x {grown[key] / base[key]:>7.2f}x  "
                    f"<= {target:g}x in both: {verdict}"
                )
            for key in base["stats"]:
                b, g = base["stats"][key], grown["stats"][key]
                log(
                    f"  {b['label']:<60} median {b['median']:7.2f} -> {g['median']:7.2f} ms, "
                    f"p95 {b['p95']:7.2f} -> {g['p95']:7.2f} ms"
                )
        return 0
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if database_created and not args.keep_db:
            try:
                drop_database()
                log(f"\n  database {DB_NAME} dropped")
            except Exception as error:  # noqa: BLE001 (report and go on: the run's figures are already printed)
                log(f"\n  could not drop {DB_NAME}: {error}")
        elif database_created:
            log(f"\n  database {DB_NAME} kept (--keep-db): DATABASE_URL={DATABASE_URL}")
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
