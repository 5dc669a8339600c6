"""The locks (DEP-4): every requirement is installed at its pinned version with the SHA-256 of its files
(``pip install --require-hashes``, in `make install`, CI and the image). A requirement added or re-pinned without
`make lock` fails here, before it fails an install."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;#]+)")


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[normalized(match.group(1))] = match.group(2)
    return found


def locked(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of every package in a pip-compile lock."""
    entries, current = {}, None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = normalized(match.group(1))
            entries[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif not line.startswith((" ", "\t")):
            current = None
    return entries


@pytest.mark.parametrize(
    ("requirements", "lock"),
    [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")],
)
def test_every_requirement_is_locked_at_its_pin_with_hashes(requirements, lock):
    entries = locked(ROOT / lock)
    assert entries, f"{lock} holds no package"
    unhashed = sorted(name for name, (_version, hashes) in entries.items() if hashes == 0)
    assert unhashed == [], f"{lock}: packages without hashes: {unhashed}"
    wanted = pins(ROOT / requirements)
    if requirements == "requirements-dev.txt":
        wanted |= pins(ROOT / "requirements.txt")
    mismatched = {name: (version, entries.get(name, ("missing", 0))[0]) for name, version in wanted.items()}
    mismatched = {name: pair for name, pair in mismatched.items() if pair[0] != pair[1]}
    assert mismatched == {}, f"run `make lock`: {lock} differs from {requirements} (pinned, locked): {mismatched}"


def test_the_locks_agree_with_the_constraints():
    constraints = pins(ROOT / "constraints.txt")
    for lock in ("requirements.lock", "requirements-dev.lock"):
        differ = {
            name: (constraints[name], version)
            for name, (version, _hashes) in locked(ROOT / lock).items()
            if name in constraints and constraints[name] != version
        }
        assert differ == {}, f"run `make lock`: {lock} differs from constraints.txt: {differ}"


def test_the_runtime_lock_is_inside_the_development_lock():
    runtime, development = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    assert {name: v for name, (v, _h) in runtime.items()} == {
        name: development[name][0] for name in runtime if name in development
    }
    assert set(runtime) <= set(development)


def test_installs_use_the_lock_with_hashes():
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / "Makefile").read_text()
    assert "--require-hashes -r requirements.lock" in (ROOT / "Dockerfile").read_text()
