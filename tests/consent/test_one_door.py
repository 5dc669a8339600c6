"""One door for candidates (CON-1): every path that creates a candidate creates its consent request with it.

Each public path is called as its user would — the page, the API, the bulk intake (imports, the bench), demo
seeding — and every candidate it made must have a pending request with a live link and an email. Then the source is
read: nothing outside ``consent/services.py`` constructs or creates a ``Candidate`` row, so a new path cannot skip
the request by calling something else (retention and the ATS connector will call ``add_candidate`` too).
"""

import ast
import re
import tomllib
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from consent import services
from consent.models import ConsentLink, ConsentRequest, ConsentStatus, LinkPurpose
from hiring import services as hiring_services
from hiring.models import Candidate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Every package of the product (the import-linter roots, so a new app is scanned without editing this list) and the
# bench, which bulk-creates candidates too.
APP_CODE = [*tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"], "bench"]
THE_DOOR = ROOT / "consent" / "services.py"


def assert_each_has_its_request(candidates):
    assert candidates
    for candidate in candidates:
        consent = ConsentRequest.objects.for_operators().get(candidate=candidate)
        assert consent.status == ConsentStatus.PENDING and consent.hiring_id == candidate.hiring_id
        assert ConsentLink.objects.for_operators().filter(request=consent, purpose=LinkPurpose.CONSENT).count() == 1


def test_the_page_adds_a_candidate_with_their_request(client, acme, django_capture_on_commit_callbacks):
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Analyst")
    client.force_login(acme.recruiter.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consent:candidate_add", args=[hiring.public_id]), {"name": "Page Person", "email": "p@mail.test"}
        )
    assert response.status_code == 302
    assert_each_has_its_request(Candidate.objects.for_operators().filter(name="Page Person"))
    assert [message.to for message in mail.outbox] == [["p@mail.test"]]


def test_the_api_adds_a_candidate_with_their_request(acme, django_capture_on_commit_callbacks):
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Analyst")
    api = APIClient()
    api.force_login(acme.recruiter.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/candidates/",
            {"hiring": hiring.public_id, "name": "Api Person", "email": "a@mail.test"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert response.json()["consent"]["status"] == "pending"
    assert_each_has_its_request(Candidate.objects.for_operators().filter(name="Api Person"))
    assert [message.to for message in mail.outbox] == [["a@mail.test"]]


def test_the_bulk_intake_adds_every_candidate_with_their_request(acme, django_capture_on_commit_callbacks):
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Analyst")
    people = [{"name": f"Bulk {n}", "email": f"bulk{n}@mail.test"} for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        added = services.add_candidates(actor=acme.recruiter, hiring=hiring, people=people)
    assert_each_has_its_request(added)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p["email"] for p in people)


def test_the_bulk_intake_refuses_a_bad_row_and_stores_nothing(acme):
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Analyst")
    people = [{"name": "Fine", "email": "fine@mail.test"}, {"name": "Broken", "email": "not an email"}]
    with pytest.raises(Exception, match="email"):
        services.add_candidates(actor=acme.recruiter, hiring=hiring, people=people)
    assert not Candidate.objects.for_operators().filter(hiring=hiring).exists()


def test_the_bulk_intake_is_for_those_who_manage_the_hiring(acme, globex):
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Analyst")
    for outsider in (acme.interviewer, globex.admin):
        with pytest.raises(PermissionDenied):
            services.add_candidates(actor=outsider, hiring=hiring, people=[{"name": "X", "email": "x@mail.test"}])
    assert not Candidate.objects.for_operators().filter(hiring=hiring).exists()


def test_demo_seeding_adds_every_candidate_with_their_request():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    candidates = Candidate.objects.for_operators().all()
    assert candidates.count() >= 10
    without = candidates.filter(consent__isnull=True)
    assert list(without) == []


def _creates_candidates(tree: ast.AST) -> list[int]:
    """Lines that construct ``Candidate(...)`` or call ``Candidate.objects.create/bulk_create/get_or_create/...``."""
    lines = []
    creating = {"create", "bulk_create", "get_or_create", "update_or_create"}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        constructs = isinstance(func, ast.Name) and func.id == "Candidate"
        creates = (
            isinstance(func, ast.Attribute)
            and func.attr in creating
            and re.search(r"\bCandidate\b", ast.unparse(func.value))
        )
        if constructs or creates:
            lines.append(node.lineno)
    return lines


def test_nothing_but_the_door_creates_a_candidate():
    offenders = []
    for package in APP_CODE:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path == THE_DOOR:
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{line}" for line in _creates_candidates(ast.parse(path.read_text()))
            ]
    assert offenders == []
    assert _creates_candidates(ast.parse(THE_DOOR.read_text())), "the door itself must still be found by the scan"


def test_hiring_offers_no_way_to_add_a_candidate():
    assert not hasattr(hiring_services, "add_candidate")
