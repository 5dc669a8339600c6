"""The embedded default holds concurrent use (DEP-1): SQLite in one file, the threaded server and the in-process
Dramatiq worker writing at once.

A live server on a real file-backed SQLite database (the suite's own test database is in memory, which locks
differently), eight clients writing 25 times each at the same moment (half through the JSON API with bearer tokens,
half through the server-rendered forms with a session and CSRF token), while a Dramatiq worker runs the analysis
pipeline's structure, score and feedback steps on a stored transcript. No request may answer 5xx, every write must
be stored exactly once, and the pipeline must finish. Without the SQLite options in settings (WAL, IMMEDIATE
transactions, a busy timeout) many of these writes answer 500 "database is locked".

PostgreSQL (CI's other database) needs none of this, so the module runs on SQLite only.
"""

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import dramatiq
import pytest
import requests
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from dramatiq.errors import QueueJoinTimeout
from pytest_django.live_server_helper import LiveServer

from ai_analysis import actors
from ai_analysis.models import Analysis, AnalysisStep, Score, Step
from hiring import services as hiring_services
from hiring.models import Candidate, Criterion, Hiring
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.factories import AnalysisFactory, RecordingFactory, TurnFactory
from tests.factories import PASSWORD
from tests.sqlite_file import on_a_file

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the embedded default's SQLite locking; PostgreSQL has row locks and needs none of this",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 8
WRITES_PER_THREAD = 25
REQUEST_TIMEOUT = 60  # seconds; far beyond the 20 s busy timeout, so a stuck request fails the test, never hangs it
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# The scripted interview of the audio tests, as a transcript already stored: structure and score need no audio.
TRANSCRIPT = [
    ("interviewer", "Can you tell me about a project where you worked with a team to solve a difficult problem?"),
    ("candidate", "I led a small team that rebuilt our billing system. We planned the work together and tested it."),
    ("interviewer", "How did you handle disagreements about the design?"),
    ("candidate", "We wrote down the options, compared the costs, and the team agreed on a simple plan."),
]


@pytest.fixture(scope="module", autouse=True)
def sqlite_file_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """Point the default database at a file for this module (tests/sqlite_file.py)."""
    with on_a_file(django_db_blocker, tmp_path_factory.mktemp("embedded") / "db.sqlite3") as path:
        yield path


@pytest.fixture(scope="module")
def live_server(sqlite_file_database):
    """pytest-django's live server, started on the file database: no connection is handed to the server, so each
    request thread opens its own and closes it after the request, as ``runserver`` does."""
    server = LiveServer("localhost")
    assert not server.thread.connections_override
    yield server
    server.stop()


@pytest.fixture
def lone_worker(broker, worker):
    """The ``worker`` fixture's Dramatiq worker, the only one taking jobs. A worker started earlier in this process
    and still running (the in-process one starts when a test imports the WSGI module) keeps its threads' connections
    to the in-memory test database and would run these jobs there; it is paused meanwhile."""
    others = [
        middleware.worker
        for middleware in broker.middleware
        if isinstance(getattr(middleware, "worker", None), dramatiq.Worker)
        and middleware.worker is not worker
        and any(thread.is_alive() for thread in middleware.worker.workers)
    ]
    for other in others:
        other.pause()
    yield worker
    for other in others:
        other.resume()


@dataclass
class Outcome:
    statuses: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)  # (method, path, status, start of the body)
    sent: dict = field(default_factory=lambda: {"hiring": [], "criterion": [], "candidate": []})
    failures: list = field(default_factory=list)  # a client that could not go on (sign-in refused, ...)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: requests.Response) -> None:
        with self.lock:
            for answer in (*response.history, response):
                self.statuses[answer.status_code] += 1
                if answer.status_code >= 500:
                    path = answer.request.path_url
                    self.server_errors.append((answer.request.method, path, answer.status_code, answer.text[:200]))

    def sending(self, kind: str, value: str) -> None:
        with self.lock:
            self.sent[kind].append(value)


def client(writer, start: threading.Barrier, outcome: Outcome, **kwargs) -> None:
    """A writer's thread: what stops it is recorded, and breaks the start barrier so nobody waits for it."""
    try:
        writer(start=start, outcome=outcome, **kwargs)
    except BaseException as error:  # noqa: BLE001 - reported by the test, which cannot see this thread's exceptions
        with outcome.lock:
            outcome.failures.append(f"{threading.current_thread().name}: {error!r}")
        start.abort()


def api_writer(base: str, email: str, hiring_id: str, number: int, start: threading.Barrier, outcome: Outcome):
    """A script on the token API: hirings, criteria of the shared hiring, and candidates, in turn."""
    with requests.Session() as http:
        token = http.post(
            f"{base}/api/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=REQUEST_TIMEOUT
        )
        outcome.record(token)
        token.raise_for_status()
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        start.wait(timeout=60)
        for write in range(WRITES_PER_THREAD):
            name = f"api-{number}-{write}"
            if write % 3 == 0:
                outcome.sending("hiring", name)
                response = http.post(f"{base}/api/v1/hirings/", json={"title": name}, timeout=REQUEST_TIMEOUT)
            elif write % 3 == 1:
                outcome.sending("criterion", name)
                body = {"hiring": hiring_id, "name": name, "weight": 2}
                response = http.post(f"{base}/api/v1/criteria/", json=body, timeout=REQUEST_TIMEOUT)
            else:
                outcome.sending("candidate", name)
                body = {"hiring": hiring_id, "name": name, "email": f"{name}@mail.test"}
                response = http.post(f"{base}/api/v1/candidates/", json=body, timeout=REQUEST_TIMEOUT)
            outcome.record(response)


def page_writer(base: str, email: str, hiring_id: str, number: int, start: threading.Barrier, outcome: Outcome):
    """A person in the browser: signs in, then submits the hiring, criterion and candidate forms, in turn, and
    reads the page each one redirects to."""
    with requests.Session() as http:

        def csrf_token(path: str) -> str:
            page = http.get(f"{base}{path}", timeout=REQUEST_TIMEOUT)
            outcome.record(page)
            page.raise_for_status()
            return CSRF_INPUT.search(page.text).group(1)

        login = http.post(
            f"{base}/accounts/login/",
            data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": csrf_token("/accounts/login/")},
            headers={"Referer": f"{base}/accounts/login/"},
            timeout=REQUEST_TIMEOUT,
        )
        outcome.record(login)
        assert "sessionid" in http.cookies, f"sign-in refused ({login.status_code} at {login.url})"
        token = csrf_token("/hirings/new")  # signing in rotated it; it holds for the rest of the session
        start.wait(timeout=60)
        for write in range(WRITES_PER_THREAD):
            name = f"page-{number}-{write}"
            if write % 3 == 0:
                outcome.sending("hiring", name)
                path, form = "/hirings/new", {"title": name, "status": "open", "description": ""}
            elif write % 3 == 1:
                outcome.sending("criterion", name)
                path, form = f"/hirings/{hiring_id}/criteria/new", {"name": name, "weight": "2"}
            else:
                outcome.sending("candidate", name)
                path, form = f"/hirings/{hiring_id}/candidates/new", {"name": name, "email": f"{name}@mail.test"}
            response = http.post(
                f"{base}{path}",
                data={**form, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base}{path}"},
                timeout=REQUEST_TIMEOUT,
            )  # follows the redirect: a read of the new object's page beside the others' writes
            outcome.record(response)


def stored_transcript(world) -> Analysis:
    """An analysis whose merge and transcribe steps are done, with the transcript stored."""
    recording = RecordingFactory(interview=world.interview, duration_seconds=60.0)
    analysis = AnalysisFactory(recording=recording, criteria_version=world.hiring.criteria_version)
    steps = AnalysisStep.objects.for_operators().filter(analysis=analysis)
    steps.filter(name__in=[Step.MERGE, Step.TRANSCRIBE]).update(status=AnalysisStep.Status.DONE, attempts=1)
    for index, (speaker, text) in enumerate(TRANSCRIPT):
        TurnFactory(analysis=analysis, index=index, speaker=speaker, text=text)
    return analysis


def wait_for_jobs(broker, worker, queue_name: str) -> str:
    """Wait (bounded) until the queue is empty and the worker idle; what a failed job raised, or ""."""
    try:
        broker.join(queue_name, timeout=60_000)  # the stub broker re-raises a dead-lettered job's exception
    except QueueJoinTimeout:
        raise
    except Exception as error:  # noqa: BLE001 - reported with the other figures, asserted below
        return repr(error)
    worker.join()
    return ""


def test_eight_writers_and_the_worker_at_once_lose_nothing_and_never_fail(
    live_server, acme, broker, lone_worker, capsys
):
    assert not connections[DEFAULT_DB_ALIAS].is_in_memory_db()
    world = pw.build(acme)  # a consented candidate with an interview, and its hiring's criteria
    analysis = stored_transcript(world)
    # Every writer adds criteria and candidates to this hiring (each criterion bumps its criteria version: one hot
    # row); the interview being analysed keeps its own three criteria.
    shared = hiring_services.create_hiring(actor=acme.recruiter, title="Shared by every writer").public_id
    base = live_server.url
    people = [acme.recruiter.user.email, acme.admin.user.email]
    start = threading.Barrier(THREADS + 1)
    outcome = Outcome()
    threads = [
        threading.Thread(
            target=client,
            args=(api_writer if number % 2 == 0 else page_writer, start, outcome),
            kwargs={"base": base, "email": people[number // 2 % 2], "hiring_id": shared, "number": number},
            name=f"writer-{number}",
            daemon=True,
        )
        for number in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=60)  # every client signed in: all write from here on
    except threading.BrokenBarrierError:
        for thread in threads:
            thread.join(timeout=60)
        pytest.fail(f"a client could not start: {outcome.failures}", pytrace=False)
    writes_began = datetime.now(UTC)
    actors.STEP_ACTORS[Step.STRUCTURE].send(analysis.public_id)  # structure → score → feedback, on the worker
    for thread in threads:
        thread.join(timeout=120)
    writes_ended = datetime.now(UTC)
    total = THREADS * WRITES_PER_THREAD
    assert not any(thread.is_alive() for thread in threads), "a writer did not finish"
    assert outcome.failures == []
    job_error = wait_for_jobs(broker, lone_worker, actors.STEP_ACTORS[Step.STRUCTURE].queue_name)

    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
    with capsys.disabled():
        print(
            f"\n[embedded] {total} writes from {THREADS} threads and the pipeline in "
            f"{(writes_ended - writes_began).total_seconds():.1f} s on SQLite ({journal}): "
            f"answers {dict(sorted(outcome.statuses.items()))}; pipeline job error: {job_error or 'none'}"
        )
    assert outcome.server_errors == [], (
        f"{len(outcome.server_errors)} 5xx answers of {outcome.statuses.total()}: {outcome.server_errors[:5]}"
    )
    assert sum(len(names) for names in outcome.sent.values()) == total
    for kind, model, column in (
        ("hiring", Hiring, "title"),
        ("criterion", Criterion, "name"),
        ("candidate", Candidate, "name"),
    ):
        names = outcome.sent[kind]
        rows = model.objects.for_operators().filter(**{f"{column}__in": names})
        stored = Counter(rows.values_list(column, flat=True))
        assert stored == Counter(names), f"{kind}: sent {len(names)}, stored {sum(stored.values())}"

    analysis.refresh_from_db()
    steps = {step.name: step for step in AnalysisStep.objects.for_operators().filter(analysis=analysis)}
    assert not job_error, f"a pipeline job failed: {job_error}"
    assert analysis.status == Analysis.Status.DONE, [(s.name, s.status, s.failure_reason) for s in steps.values()]
    assert Score.objects.for_operators().filter(analysis=analysis).count() == len(pw.CRITERIA)
    # The worker ran while the writers wrote, not after them.
    assert writes_began <= steps[Step.STRUCTURE].started_at < writes_ended
