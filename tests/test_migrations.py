"""A fresh database migrated the way `make run` does it has every table, including the rate-limit counters (SEC-RL).

The test runner creates cache tables by itself, so only a real `migrate` proves the migrations do.
"""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_migrate_on_a_fresh_database_creates_the_rate_limit_table(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    tables = {row[0] for row in sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT name FROM sqlite_master")}
    assert "interview_analyzer_ratelimitcounter" in tables
    assert "ratelimit" not in tables and "ia_ratelimit_cache" not in tables


def test_no_model_change_is_missing_a_migration():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={**os.environ, "VAR_DIR": "/tmp/ia-makemigrations-check"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
