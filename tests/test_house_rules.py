"""House rules checked by code (STYLE 15, SEC-ORM, SEC-HTML, SEC-SSRF).

Each rule walks the application source; a new file is covered the day it is written.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["interview_analyzer", "accounts", "hiring", "consent", "retention", "ai_analysis", "billing", "integrations"]


def python_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).exists() else []:
            if "migrations" not in path.parts:
                yield path


def template_sources():
    for path in sorted(ROOT.rglob("*.html")):
        if ".venv" not in path.parts and "node_modules" not in path.parts:
            yield path


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def calls_named(tree: ast.AST, names: set[str]):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in names:
                yield node


# Where marking HTML safe is allowed, and why.
SAFE_HTML_ALLOWLIST: set[str] = {
    "hiring/templatetags/hiring_tags.py",  # renders only nh3-sanitized rich text (SEC-HTML)
}
# csrf_exempt only on webhook receivers that verify a provider signature on the raw body (SEC-HOOK).
CSRF_EXEMPT_ALLOWLIST: set[str] = {"billing/webhooks.py"}
# Only the outbound wrapper talks HTTP directly.
HTTP_CLIENT_ALLOWLIST = {
    "interview_analyzer/outbound.py",
    # manage.py pentest's one HTTP helper: it talks only to the --target host (TST-2), never to the outside world.
    "interview_analyzer/management/pentest/target.py",
}


def test_no_print_in_application_code():
    offenders = [rel(p) for p in python_sources() if list(calls_named(ast.parse(p.read_text()), {"print"}))]
    assert offenders == []


def test_no_mark_safe_outside_the_allowlist():
    offenders = [
        rel(p)
        for p in python_sources()
        if rel(p) not in SAFE_HTML_ALLOWLIST and list(calls_named(ast.parse(p.read_text()), {"mark_safe"}))
    ]
    offenders += [rel(p) for p in template_sources() if re.search(r"\|\s*safe\b|{%\s*autoescape\s+off", p.read_text())]
    assert offenders == []


def test_csrf_exempt_only_on_signed_webhooks():
    offenders = [
        rel(p) for p in python_sources() if "csrf_exempt" in p.read_text() and rel(p) not in CSRF_EXEMPT_ALLOWLIST
    ]
    assert offenders == []


def test_raw_http_clients_only_in_the_outbound_wrapper():
    pattern = re.compile(r"^\s*(import|from)\s+(requests|httpx2?|httpcore2?|urllib3|urllib\.request|aiohttp)\b", re.M)
    offenders = [
        rel(p) for p in python_sources() if rel(p) not in HTTP_CLIENT_ALLOWLIST and pattern.search(p.read_text())
    ]
    assert offenders == []


def test_no_sql_built_from_strings():
    """SEC-ORM: no ``.raw``/``.extra``/``RawSQL``, and ``execute`` only with a constant string."""
    offenders = []
    for path in python_sources():
        tree = ast.parse(path.read_text())
        for node in calls_named(tree, {"raw", "extra", "RawSQL"}):
            offenders.append(f"{rel(path)}:{node.lineno}")
        for node in calls_named(tree, {"execute", "executemany"}):
            if not node.args or not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                offenders.append(f"{rel(path)}:{node.lineno}")
    assert offenders == []


def test_views_never_filter_tenant_models_by_hand():
    """Views and API views fetch through visible_to / get_visible_or_404, never ``Model.objects.get/filter``."""
    pattern = re.compile(r"\b[A-Z]\w+\.objects\.(get|filter|exclude|all)\(")
    offenders = []
    for path in python_sources():
        if path.name in {"views.py", "api.py"} or path.parent.name in {"views", "api"}:
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{rel(path)}:{number}")
    assert offenders == []


@pytest.mark.parametrize("rule", ["print", "mark_safe"])
def test_the_rules_catch_what_they_are_meant_to(rule):
    """The checker itself works: a snippet that breaks the rule is found."""
    snippet = {"print": "print('x')", "mark_safe": "from django.utils.safestring import mark_safe\nmark_safe(x)"}
    assert list(calls_named(ast.parse(snippet[rule]), {rule}))
