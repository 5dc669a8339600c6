"""The production scheduler process (DEP-2, RET-8): ``manage.py scheduler`` runs periodiq over every discovered
actors module, so every periodic actor (the retention sweep first) is scheduled by the one process."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path, **extra) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "interview_analyzer.settings",
        "VAR_DIR": str(tmp_path),
        **extra,
    }


def test_the_scheduler_needs_a_real_broker(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "scheduler"], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode != 0 and "DRAMATIQ_BROKER_URL" in result.stderr


def test_the_scheduler_registers_every_periodic_actor(tmp_path):
    env = _env(tmp_path, DRAMATIQ_BROKER_URL="redis://127.0.0.1:6379/13", DRAMATIQ_NAMESPACE="scheduler-test")
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "scheduler"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = b""
    try:
        deadline = time.monotonic() + 60
        while b"retention_sweep" not in output and time.monotonic() < deadline and process.poll() is None:
            output += process.stdout.read1(65536)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert b"retention.actors:retention_sweep@retention" in output, output[-2000:]
