"""Scale-out check (issue 17; DEP-2, OPS-2, SEC-RL): several instances on real services, under load and faults.

    .venv/bin/python deploy/scaleout_check.py --broker redis      # and --broker rabbitmq

On this machine, without Docker, it starts two gunicorn web instances and two Dramatiq workers against one PostgreSQL
database (created for the run, dropped after) and one broker — a private Redis it can restart, or the machine's
RabbitMQ — and then:

1. **Load**: locust, headless, a bounded number of users for a bounded time, spread over both web instances
   (deploy/locustfile.py). Every answer must be the expected one: zero 5xx, zero errors.
2. **Rate limits across instances**: wrong-password token requests for one account, alternating between the two
   instances; the number let through must be exactly the per-account limit, as on one instance (the counters are in
   the shared database, SEC-RL).
3. **Jobs under faults**: several interviews (real speech from espeak-ng) are uploaded in chunks through both
   instances; while they are analysed, one worker is killed with SIGKILL mid-step and restarted, and (Redis) the
   broker is restarted mid-run. Every analysis must finish, each step done exactly once in effect (one transcript,
   one score per criterion, every step record done), nothing lost.

It prints its figures (requests, p50/p95 per endpoint as ratios to ``/healthz``, errors, rate-limit counts, jobs,
re-run steps, timings) as text and, with ``--json``, as JSON, and exits non-zero on any violation, printing a
progress line per phase to stderr. Locust comes from its own virtual environment (``--locust``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHUNK_BYTES = 24_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A child in its own process group, so a SIGKILL takes the whole tree (rundramatiq forks its workers)."""

    def __init__(self, name: str, command: list[str], env: dict, work: Path):
        self.name, self.command, self.env = name, command, env
        self.log_path = work / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(  # noqa: S603 - our own commands, no shell
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def signal(self, number: int) -> None:
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, number)

    def stop(self, timeout: float = 15) -> None:
        if not self.popen or self.popen.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


def http(method: str, url: str, *, body: dict | bytes | None = None, headers: dict | None = None, timeout=30):
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
    if isinstance(body, dict):
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback instances
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def progress(message: str) -> None:
    """One line per phase on stderr, so a run stopped from outside (a CI timeout) still shows where it was."""
    print(f"[scaleout {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", file=sys.stderr, flush=True)


def require(condition, detail) -> None:
    if not condition:
        raise RuntimeError(f"unexpected answer: {detail}")


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def ready(base: str) -> bool:
    try:
        return http("GET", f"{base}/readyz", timeout=3)[0] == 200
    except OSError:
        return False


# --- Setup ------------------------------------------------------------------------------------------------------------


def create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def spoken_interview(work: Path) -> bytes:
    """A short two-voice interview from espeak-ng, as one WebM/Opus stream (what the browser recorder sends)."""
    turns = [
        ("en-us+m3", "Thank you for joining. Can you tell me about a project where you worked with a team?"),
        ("en-us+f2", "Last year I led a small team that rebuilt our billing system. We planned the work together."),
        ("en-us+m3", "How did you handle disagreements about the design?"),
        ("en-us+f2", "We wrote down the options, compared the costs and agreed on a simple plan."),
    ]
    parts = []
    for number, (voice, text) in enumerate(turns):
        wav = work / f"turn{number}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(wav), text], check=True)  # noqa: S603,S607
        parts.append(wav)
    joined = work / "interview.wav"
    subprocess.run(["sox", *map(str, parts), str(joined)], check=True)  # noqa: S603,S607
    webm = work / "interview.webm"
    subprocess.run(  # noqa: S603
        ["ffmpeg", "-loglevel", "error", "-y", "-i", str(joined), "-c:a", "libopus", "-b:a", "32k", str(webm)],  # noqa: S607
        check=True,
    )
    return webm.read_bytes()


# --- The checks -------------------------------------------------------------------------------------------------------


def run_load(locust: str, hosts: list[str], token: str, users: int, run_time: str, work: Path) -> dict:
    prefix = work / "locust"
    env = {**os.environ, "IA_HOSTS": ",".join(hosts), "IA_TOKEN": token}
    subprocess.run(  # noqa: S603
        [
            locust, "-f", str(ROOT / "deploy" / "locustfile.py"), "--headless", "--users", str(users),
            "--spawn-rate", str(users), "--run-time", run_time, "--csv", str(prefix), "--only-summary",
            "--stop-timeout", "5", "--exit-code-on-error", "0",
        ],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoints = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            endpoints[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
            }
    failures = []
    if Path(f"{prefix}_failures.csv").exists():
        with open(f"{prefix}_failures.csv", newline="") as handle:
            failures = [dict(row) for row in csv.DictReader(handle)]
    total = endpoints.pop("Aggregated", {"requests": 0, "failures": 0})
    base = endpoints.get("/healthz", {"p50_ms": 1, "p95_ms": 1})
    for figures in endpoints.values():
        figures["p50_ratio"] = round(figures["p50_ms"] / max(base["p50_ms"], 1), 1)
        figures["p95_ratio"] = round(figures["p95_ms"] / max(base["p95_ms"], 1), 1)
    return {"requests": total["requests"], "failures": total["failures"], "endpoints": endpoints, "errors": failures}


def check_rate_limits(hosts: list[str], email: str, attempts: int, limit: int) -> dict:
    statuses = []
    for number in range(attempts):
        status, _ = http("POST", f"{hosts[number % 2]}/api/v1/auth/token", body={"email": email, "password": "wrong"})
        statuses.append(status)
    allowed = sum(1 for status in statuses if status != 429)
    return {"attempts": attempts, "allowed": allowed, "limit": limit, "statuses": sorted(set(statuses))}


def setup_django(env: dict):
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_analyzer.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_interviews(count: int) -> list:
    """Candidates who consented, each with an interview assigned to the demo interviewer (Acme)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Membership
    from consent import services as consent_services
    from hiring import services as hiring_services

    recruiter = Membership.objects.get(user__email="recruiter@acme.example")
    interviewer = Membership.objects.get(user__email="interviewer@acme.example")
    hiring = hiring_services.create_hiring(actor=recruiter, title="Scale-out check")
    for name, description in [
        ("Teamwork", "Works with a team to plan the work and solve problems together."),
        ("Handling disagreement", "Handles disagreements by comparing options and costs."),
    ]:
        hiring_services.add_criterion(
            actor=recruiter, hiring=hiring, name=name, description=description, good_evidence=description, weight=2
        )
    interviews = []
    for number in range(count):
        candidate = consent_services.add_candidate(
            actor=recruiter, hiring=hiring, name=f"Load Candidate {number}", email=f"load{number}@candidates.test"
        )
        consent_services.accept(candidate.consent.raw_token)
        interviews.append(
            hiring_services.schedule_interview(
                actor=recruiter,
                candidate=candidate,
                interviewer=interviewer,
                scheduled_at=timezone.now() + timedelta(hours=1 + number),
                duration_minutes=30,
            )
        )
    return interviews


def upload(hosts: list[str], token: str, interview_id: str, audio: bytes, number: int) -> str:
    import hashlib

    headers = {"Authorization": f"Bearer {token}"}
    host = hosts[number % 2]
    status, body = http("POST", f"{host}/api/v1/recordings/", body={"interview": interview_id}, headers=headers)
    require(status in (200, 201), (status, body[:300]))
    recording = json.loads(body)["id"]
    chunks = [audio[i : i + CHUNK_BYTES] for i in range(0, len(audio), CHUNK_BYTES)]
    for index, chunk in enumerate(chunks):
        chunk_headers = {
            **headers,
            "Content-Type": "application/octet-stream",
            "X-Chunk-SHA256": hashlib.sha256(chunk).hexdigest(),
        }
        # Chunks alternate between the instances too: the recording is assembled from shared storage.
        status, body = http(
            "PUT",
            f"{hosts[index % 2]}/api/v1/recordings/{recording}/chunks/{index}/",
            body=chunk,
            headers=chunk_headers,
        )
        require(status in (200, 201), (status, body[:300]))
    status, body = http(
        "POST", f"{host}/api/v1/recordings/{recording}/complete/", body={"chunk_count": len(chunks)}, headers=headers
    )
    require(status in (200, 201, 202), (status, body[:300]))
    return json.loads(body)["id"]


def analysis_state(analysis_ids: list[str]) -> dict:
    from django.db import close_old_connections

    from ai_analysis.models import Analysis, AnalysisStep, Score, TranscriptTurn

    close_old_connections()
    state = {}
    for analysis in Analysis.objects.for_operators().filter(public_id__in=analysis_ids):
        steps = list(
            AnalysisStep.objects.for_operators().filter(analysis=analysis).values("name", "status", "attempts")
        )
        state[analysis.public_id] = {
            "status": analysis.status,
            "failure": getattr(analysis, "failure_reason", ""),
            "steps": steps,
            "transcripts": TranscriptTurn.objects.for_operators().filter(analysis=analysis).count(),
            "scores": Score.objects.for_operators().filter(analysis=analysis).count(),
            "criteria": analysis.interview.candidate.hiring.criteria.count(),
        }
    return state


def running_step(analysis_ids: list[str]) -> tuple[str, str] | None:
    """(analysis public id, step name) of a step running now, or None."""
    from django.db import close_old_connections

    from ai_analysis.models import AnalysisStep

    close_old_connections()
    running = AnalysisStep.objects.for_operators().filter(
        analysis__public_id__in=analysis_ids, status=AnalysisStep.Status.RUNNING
    )
    return running.values_list("analysis__public_id", "name").first()


def worker_running(workers: list[Process], analysis_id: str, step: str) -> Process | None:
    """The worker whose log says it started this step (the step runner logs "step started" with the job's id)."""
    for worker in workers:
        for line in worker.log_path.read_text(errors="replace").splitlines():
            if '"step started"' in line and analysis_id in line and f".{step}" in line:
                return worker
    return None


def finished(analysis_ids: list[str]) -> bool:
    state = analysis_state(analysis_ids)
    return len(state) == len(analysis_ids) and all(s["status"] in ("done", "failed") for s in state.values())


# --- Main -------------------------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--broker", choices=["redis", "rabbitmq"], default="redis")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="admin URL")
    parser.add_argument("--rabbitmq-url", default="amqp://guest:guest@127.0.0.1:5672/%2F")
    parser.add_argument("--locust", default=shutil.which("locust") or "locust", help="the locust executable")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--run-time", default="20s")
    parser.add_argument("--analyses", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which(args.locust) and not Path(args.locust).exists():
        parser.error(f"locust not found ({args.locust}): pip install locust==2.47.0 (any venv) and pass --locust")

    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    database = f"ia_scaleout_{args.broker}"
    create_database(args.postgres, database)
    processes: list[Process] = []
    redis: Process | None = None
    problems: list[str] = []
    report: dict = {"broker": args.broker}
    try:
        if args.broker == "redis":
            redis_port = free_port()
            redis_command = [
                "redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(work),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            ]  # fmt: skip
            redis = Process("redis", redis_command, dict(os.environ), work).start()
            broker_url = f"redis://127.0.0.1:{redis_port}/0"
            time.sleep(0.5)
        else:
            broker_url = args.rabbitmq_url
        base_db = args.postgres.rsplit("/", 1)[0]
        env = {
            key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_", "GUNICORN_"))
        }
        env.update(
            {
                "DATABASE_URL": f"{base_db}/{database}",
                "DRAMATIQ_BROKER_URL": broker_url,
                "DRAMATIQ_NAMESPACE": f"scaleout-{os.getpid()}",
                "VAR_DIR": str(work / "var"),
                "DJANGO_DEBUG": "false",
                "SITE_URL": "http://127.0.0.1",
                "SPEECH_ENGINE": os.environ.get("SPEECH_ENGINE", "whisper-tiny-en"),
                # A killed worker's message comes back 10 s after its last heartbeat (production: 60 s).
                "DRAMATIQ_REDIS_HEARTBEAT_TIMEOUT_MS": "10000",
                "PYTHONUNBUFFERED": "1",
            }
        )
        migrate = [PYTHON, "manage.py", "migrate", "--noinput"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
        seeded = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "seed_demo", "--json"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        logins = {login["email"]: login for login in json.loads(seeded.stdout[seeded.stdout.index("[") :])}

        ports = [free_port(), free_port()]
        hosts = [f"http://127.0.0.1:{port}" for port in ports]
        gunicorn = str(Path(PYTHON).parent / "gunicorn")
        for number, port in enumerate(ports):
            web_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "4"}
            command = [gunicorn, "-c", "deploy/gunicorn.conf.py", "interview_analyzer.wsgi:application"]
            processes.append(Process(f"web{number + 1}", command, web_env, work).start())
        workers = [
            Process(f"worker{n}", [PYTHON, "manage.py", "rundramatiq", "--processes", "1", "--threads", "2"], env, work)
            for n in (1, 2)
        ]
        processes += [worker.start() for worker in workers]
        for host in hosts:
            wait_until(lambda host=host: ready(host), 90, f"{host}/readyz")

        def token_for(email: str) -> str:
            status, body = http(
                "POST", f"{hosts[0]}/api/v1/auth/token", body={"email": email, "password": logins[email]["password"]}
            )
            require(status == 200, (status, body[:300]))
            return json.loads(body)["access_token"]

        progress("instances ready; load")
        # 1. Load through both instances.
        started = time.monotonic()
        load = run_load(args.locust, hosts, token_for("recruiter@acme.example"), args.users, args.run_time, work)
        load["seconds"] = round(time.monotonic() - started, 1)
        report["load"] = load
        if load["failures"] or load["errors"]:
            problems.append(f"load: {load['failures']} failed requests: {load['errors'][:5]}")
        if load["requests"] == 0:
            problems.append("load: no request was made")

        progress(f"load done: {load['requests']} requests, {load['failures']} failures; rate limits")
        # 2. Rate limits hold across instances (the token flow's per-account limit, 10 per 10 minutes).
        from_settings = subprocess.run(  # noqa: S603
            [PYTHON, "-c", "import django,json;django.setup();from django.conf import settings as s;"
             "print(s.RATE_LIMITS['token']['account'].split('/')[0])"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "interview_analyzer.settings"},
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        limit = int(from_settings.stdout.strip().splitlines()[-1])
        rate = check_rate_limits(hosts, "hiring.manager@acme.example", limit + 10, limit)
        report["rate_limit"] = rate
        if rate["allowed"] != limit:
            problems.append(f"rate limit: {rate['allowed']} attempts let through over two instances, limit {limit}")

        progress(f"rate limit: {rate['allowed']} let through; jobs")
        # 3. Jobs under a killed worker and (Redis) a restarted broker.
        setup_django(env)
        audio = spoken_interview(work)
        interviewer_token = token_for("interviewer@acme.example")
        interviews = create_interviews(args.analyses)
        started = time.monotonic()
        analysis_ids = [
            upload(hosts, interviewer_token, interview.public_id, audio, number)
            for number, interview in enumerate(interviews)
        ]
        # Kill the worker that is running a step, in the middle of it, then start it again.
        analysis_id, step = wait_until(lambda: running_step(analysis_ids), 180, "a step to be running", interval=0.05)
        victim = wait_until(lambda: worker_running(workers, analysis_id, step), 30, "the worker running it", 0.05)
        victim.signal(signal.SIGKILL)
        progress(f"killed {victim.name} during {step} of {analysis_id}")
        elapsed = round(time.monotonic() - started, 1)
        report["killed"] = {"worker": victim.name, "during_step": step, "analysis": analysis_id, "at_s": elapsed}
        time.sleep(1)
        victim.start()
        if redis is not None:
            wait_until(lambda: running_step(analysis_ids), 180, "another step to be running", interval=0.05)
            redis.stop()
            time.sleep(2)
            redis.start()
            report["broker_restarted_at_s"] = round(time.monotonic() - started, 1)
        # A killed worker's message comes back after the broker's heartbeat timeout (Redis, set to 10 s here) or at
        # once (RabbitMQ: the connection closed); the step runner then re-runs the step that was interrupted.
        progress("waiting for every analysis to finish")
        wait_until(lambda: finished(analysis_ids), 300, "every analysis to finish", interval=1)
        state = analysis_state(analysis_ids)
        jobs = {"analyses": len(analysis_ids), "seconds": round(time.monotonic() - started, 1), "re_run_steps": 0}
        for public_id, analysis in state.items():
            if analysis["status"] != "done":
                problems.append(f"{public_id}: {analysis['status']} ({analysis['failure']})")
            steps = analysis["steps"]
            if len({s["name"] for s in steps}) != len(steps) or any(s["status"] != "done" for s in steps):
                problems.append(f"{public_id}: step records {steps}")
            if analysis["transcripts"] == 0:
                problems.append(f"{public_id}: no transcript")
            if analysis["scores"] != analysis["criteria"]:
                problems.append(f"{public_id}: {analysis['scores']} scores for {analysis['criteria']} criteria")
            jobs["re_run_steps"] += sum(1 for s in steps if s["attempts"] > 1)
        jobs["completed"] = sum(1 for analysis in state.values() if analysis["status"] == "done")
        killed = report["killed"]
        killed_step = next(
            (s for s in state.get(killed["analysis"], {}).get("steps", []) if s["name"] == killed["during_step"]), None
        )
        if killed_step is None or killed_step["attempts"] < 2:
            problems.append(f"the step interrupted by the kill was not run again: {killed_step}")
        report["jobs"] = jobs
    except Exception as error:  # noqa: BLE001 - reported with the processes' logs, then a non-zero exit
        problems.append(f"{type(error).__name__}: {error}")
        if isinstance(error, subprocess.CalledProcessError):  # a setup command: what it said is the reason
            said = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else error.stderr or ""
            problems.append("its last lines:\n" + "\n".join(said.strip().splitlines()[-15:]))
        for process in [*processes, *([redis] if redis else [])]:
            print(f"--- {process.name} (last lines)\n{process.tail()}", file=sys.stderr)
    finally:
        for process in processes:
            process.stop()
        if redis is not None:
            redis.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may never have been set up
            pass
        drop_database(args.postgres, database)
        if problems:
            print(f"(logs kept in {work})", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    report["problems"] = problems
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 1 if problems else 0


def print_report(report: dict) -> None:
    print(f"Scale-out check: 2 web instances, 2 workers, broker {report['broker']}")
    load = report.get("load")
    if load:
        print(f"  load: {load['requests']} requests in {load['seconds']} s, {load['failures']} failures")
        for name, figures in sorted(load["endpoints"].items()):
            p50 = f"p50 {figures['p50_ms']:>6.0f} ms ({figures['p50_ratio']}x)"
            p95 = f"p95 {figures['p95_ms']:>6.0f} ms ({figures['p95_ratio']}x)"
            print(f"    {name:<22} {figures['requests']:>6} req  {p50}  {p95}")
    rate = report.get("rate_limit")
    if rate:
        let_through = f"{rate['allowed']} of {rate['attempts']} let through (limit {rate['limit']})"
        print(f"  rate limit across instances: {let_through}")
    if "killed" in report:
        killed = report["killed"]
        print(f"  killed {killed['worker']} (SIGKILL) during step {killed['during_step']} at {killed['at_s']} s")
    if "broker_restarted_at_s" in report:
        print(f"  broker restarted at {report['broker_restarted_at_s']} s")
    jobs = report.get("jobs")
    if jobs:
        print(
            f"  jobs: {jobs['completed']}/{jobs['analyses']} analyses done in {jobs['seconds']} s, "
            f"{jobs['re_run_steps']} step(s) re-run after the faults"
        )
    print("  OK" if not report["problems"] else "  PROBLEMS:\n    " + "\n    ".join(report["problems"]))


if __name__ == "__main__":
    sys.exit(main())
