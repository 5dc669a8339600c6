"""The README stays true: every environment variable the settings read is in its configuration table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Set by pytest-xdist itself, not by an operator.
INTERNAL = {"PYTEST_XDIST_WORKER"}


def test_every_setting_variable_is_documented():
    settings_source = (ROOT / "interview_analyzer" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z][A-Z0-9_]+)"', settings_source)) - INTERNAL
    readme = (ROOT / "README.md").read_text()
    assert len(names) > 30
    assert sorted(n for n in names if f"`{n}`" not in readme) == []


def test_readme_starts_with_the_two_commands():
    head = (ROOT / "README.md").read_text()[:400]
    assert "make run" in head and "make test" in head
