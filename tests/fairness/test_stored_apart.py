"""Self-identification is stored apart and nothing else has a way to it (FAIR-1).

``lint-imports`` keeps every lower floor from importing ``fairness`` (its contract names it on the top floor beside
``integrations``, and the two are independent). This test closes the other doors: no source file, template or
script of another app names the app, its models or its tables (no ``apps.get_model("fairness", …)``, no SQL on
``fairness_…``, no template including ``fairness/…``). Only the composition root wires it in (settings, root
urls). ``retention.graph`` finds the rows without naming them (it walks the model registry), which is how the
candidate's erasure and export reach them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OTHER_CODE = ["accounts", "billing", "hiring", "consent", "ai_analysis", "retention", "integrations",
              "interview_analyzer", "templates", "static"]  # fmt: skip
COMPOSITION_ROOT = {"interview_analyzer/settings.py", "interview_analyzer/urls.py"}
CODE = {".py", ".html", ".txt", ".js", ".sql"}  # code and templates, not data files (a tokenizer knows the word)
NAMES = re.compile(r"fairness|self.?identification", re.IGNORECASE)


def test_no_other_app_names_the_fairness_app_its_models_or_tables():
    naming = []
    for top in OTHER_CODE:
        for path in (ROOT / top).rglob("*"):
            relative = path.relative_to(ROOT).as_posix()
            if not path.is_file() or "__pycache__" in relative or relative in COMPOSITION_ROOT:
                continue
            if path.suffix not in CODE:
                continue
            if NAMES.search(path.read_text(errors="replace")):
                naming.append(relative)
    assert naming == []


def test_the_composition_root_only_installs_and_routes_it():
    settings = (ROOT / "interview_analyzer" / "settings.py").read_text()
    urls = (ROOT / "interview_analyzer" / "urls.py").read_text()
    assert [line.strip() for line in settings.splitlines() if NAMES.search(line)] == ['"fairness",']
    assert [line.strip() for line in urls.splitlines() if NAMES.search(line)] == ['path("", include("fairness.urls")),']
