"""The floors of ARCHITECTURE.md hold, and the check that says so can fail (issue "Ground floor").

``lint-imports`` (import-linter, contracts in ``pyproject.toml``) runs in ``make lint`` and ``.ci/run``; here it runs
on the tree as it is, then on a copy of the tree with one deliberately upward import added, which must break it.
The floor-0 module list is written twice in the contracts (a forbidden contract and an exhaustive layers contract,
which makes every new module of ``interview_analyzer`` name its floor); the test keeps the two lists equal.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = [
    "interview_analyzer",
    "accounts",
    "billing",
    "hiring",
    "consent",
    "ai_analysis",
    "retention",
    "integrations",
    "fairness",
]


def contracts() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own tool on our own tree
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__", "templates"))
    return tree


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return copy_of_the_tree(tmp_path_factory.mktemp("layering"))


def test_lint_imports_is_green_on_the_tree():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_at_most_one_listed_exception():
    listed = [line for contract in contracts().values() for line in contract.get("ignore_imports", [])]
    assert len(listed) <= 1, listed


@pytest.mark.parametrize(
    ("module", "upward_import"),
    [
        ("hiring/_probe.py", "from consent import services\n"),  # floor 3 reaching floor 4
        ("consent/_probe.py", "import ai_analysis.models\n"),  # floor 4 reaching floor 5
        ("ai_analysis/_probe.py", "from retention import selectors\n"),  # peers on floor 5
        ("accounts/_probe.py", "def later():\n    from hiring.models import Candidate\n"),  # even inside a function
        ("interview_analyzer/_probe.py", "from accounts.models import Membership\n"),  # floor 0 importing an app
    ],
)
def test_an_upward_import_breaks_the_contract(tmp_path, module, upward_import):
    tree = copy_of_the_tree(tmp_path)
    (tree / module).write_text(upward_import)
    result = lint_imports(tree)
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout or "broken" in result.stdout


def test_every_module_of_the_project_package_names_its_floor():
    floor0 = {name.removeprefix("interview_analyzer.") for name in contracts()["floor-0"]["source_modules"]}
    root_layer, floor0_layer = contracts()["composition-root"]["layers"]
    assert {name.strip() for name in floor0_layer.split(":")} == floor0
    composition_root = {name.strip() for name in root_layer.split(":")}
    on_disk = {p.stem for p in (ROOT / "interview_analyzer").iterdir() if p.name != "__init__.py"} - {"__pycache__"}
    assert on_disk == floor0 | composition_root
