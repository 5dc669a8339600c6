"""The security matrix, API-key rows (TST-1, KEY-4, ORG-5, ORG-6): every endpoint enumerated from the URL
configuration × an own-organization key per scope (``read``, ``write``, ``ats``) and a rival organization's keys.

- Own keys are held to their scopes on every API endpoint and every method: a request outside the key's scope is a
  403 with a JSON ``detail`` and stores nothing; inside its scope the key is never refused for its scope; never 5xx.
- A rival organization's key, with the first organization's object ids in every URL (and in every reference field
  of a body), gets exactly what a nonexistent id of the same kind gets (404 on object routes), never a body that
  carries the first organization's data; afterwards the first organization is exactly as before and nothing of the
  rival points at it.
- Pages are not the API: an API key header authenticates nothing there.

Each test walks the whole enumeration and names every unexpected outcome at once; each also asserts that it
reached every enumerated endpoint, so an endpoint that is skipped (or has no object to try) fails the matrix.
"""

import json
import re
from datetime import timedelta

from django.apps import apps
from django.db import models, transaction
from django.test import Client
from django.utils import timezone

from interview_analyzer.permissions import required_scope
from interview_analyzer.public_ids import PUBLIC_ID_REGEX, new_public_id
from tests.conftest import _build_org
from tests.security.tenant_world import (
    TenantWorldTestCase,
    build_tenant,
    object_id_for,
    routes_without_an_object,
    tenant_models,
    tenant_public_ids,
    tenant_snapshot,
)
from tests.security.test_anonymous_matrix import LOGIN_PAGES, is_public
from tests.security.urls_under_test import all_endpoints, path_with

ENDPOINTS = all_endpoints()
API = [e for e in ENDPOINTS if e.path.startswith("/api/")]
PAGES = [e for e in ENDPOINTS if not e.path.startswith("/api/")]
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OWN_KEYS = {"read": {"read"}, "write": {"write"}, "ats": {"ats"}}
PUBLIC_ID_TOKEN = re.compile(rf"\b{PUBLIC_ID_REGEX}\b")
ROUTE_PARAMETER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def declared_methods(endpoint) -> set[str]:
    """The methods an API endpoint's view answers (DRF view sets map them in ``actions``)."""
    actions = getattr(endpoint.view, "actions", None)
    if actions:
        return {m.upper() for m in actions}
    view_class = getattr(endpoint.view, "cls", None)
    return {m.upper() for m in getattr(view_class, "http_method_names", []) if hasattr(view_class, m)} - {
        "OPTIONS",
        "HEAD",
    }


def needed_scope(endpoint, method: str) -> str | None:
    """The API-key scope a request needs (KEY-4), None for a public endpoint (no credential needed)."""
    if is_public(endpoint):
        return None
    return required_scope(endpoint.view.cls, method)


def path_for(endpoint, tenant) -> str:
    """The endpoint's path with the tenant's own object in every parameter (a never-issued id where the tenant holds
    nothing of the kind: ``test_the_world_holds_an_object_for_every_object_route`` names those)."""
    values = {}
    for match in ROUTE_PARAMETER.finditer(endpoint.route):
        name = match["name"]
        if match["conv"] == "pid":
            values[name] = object_id_for(endpoint, tenant.organization)
        elif name == "external_id":
            model = endpoint.view.cls.model
            values[name] = (
                model.objects.for_operators()
                .filter(organization=tenant.organization)
                .values_list("external_id", flat=True)
                .first()
            )
        elif match["conv"] == "int":
            values[name] = "0"
    return path_with(endpoint, **{k: v for k, v in values.items() if v is not None})


def reference_body(tenant) -> dict:
    """A body naming the tenant's objects in every reference field an input serializer may have (``hiring``,
    ``candidate``, ``interviewer``…), with plausible values for the common plain fields; fields a serializer does
    not take are dropped after its first 400 (``StrictInput`` names them)."""
    body = {}
    for model in tenant_models():
        public_id = (
            model.objects.for_operators()
            .filter(organization=tenant.organization)
            .order_by("pk")
            .values_list("public_id", flat=True)
            .first()
        )
        if public_id:
            body[model._meta.model_name] = public_id
    body["interviewer"] = body["author"] = body["membership"]
    body["turn"] = body.get("turn")
    return {
        **{k: v for k, v in body.items() if v},
        "name": "Probe",
        "title": "Probe",
        "outcome": "rejected",
        "reason": "Probe",
        "email": "probe@mail.test",
        "text": "Probe",
        "scheduled_at": (timezone.now() + timedelta(days=3)).isoformat(),
        "chunk_count": 1,
    }


def call(client, method: str, path: str, body=None):
    if method == "GET":
        return client.get(path)
    data = json.dumps(body if body is not None else {})
    return client.generic(method, path, data, content_type="application/json")


def unknown_fields(response) -> set[str]:
    if response.status_code != 400 or "json" not in response.get("Content-Type", ""):
        return set()
    detail = response.json()
    if not isinstance(detail, dict):
        return set()
    return {k for k, v in detail.items() if isinstance(v, list) and "This field cannot be written." in map(str, v)}


def json_detail(response) -> bool:
    try:
        return "detail" in response.json()
    except (ValueError, TypeError):
        return False


class ApiKeyMatrix(TenantWorldTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.acme = build_tenant(_build_org("Acme"), tag="acmeq7z")
        cls.globex = build_tenant(_build_org("Globex"), tag="globexk3w")

    def _client(self, raw_key: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}", raise_request_exception=False)

    def _assert_matrix(self, reached: set, problems: list, endpoints) -> None:
        """Zero unexpected outcomes, and every enumerated endpoint reached (one without an object to try is a gap
        in ``tenant_world.build_tenant``, not a pass)."""
        missing = sorted(e.route for e in endpoints if e.route not in reached)
        report = [*map(str, problems), *(f"not reached: {route}" for route in missing)]
        self.assertEqual(report, [], "\n".join(report))

    # --- own organization, one key per scope -------------------------------------------------------------------

    def _own_key_row(self, scope_name: str) -> None:
        scopes = OWN_KEYS[scope_name]
        client = self._client(self.acme.raw_keys[scope_name])
        problems, reached, refused_calls = [], set(), []
        before = tenant_snapshot(self.acme.organization)
        for endpoint in API:
            path = path_for(endpoint, self.acme)
            declared = declared_methods(endpoint)
            for method in METHODS:
                needed = needed_scope(endpoint, method)
                if needed is not None and needed not in scopes:
                    # Not rolled back: whatever a refused request stored shows in the snapshot after the row.
                    refused_calls.append((endpoint.route, method, path))
                    response = call(client, method, path)
                    if response.status_code != 403 or not json_detail(response):
                        problems.append((endpoint.route, method, response.status_code, f"outside scope {needed}"))
                    continue
                with transaction.atomic():  # a write the key may make is undone before the next request
                    response = call(client, method, path)
                    transaction.set_rollback(True)
                status = response.status_code
                if status >= 500:
                    problems.append((endpoint.route, method, status, "server error"))
                elif method == "GET" and "GET" in declared and needed is not None and status != 200:
                    # Its own organization's object, with the scope it needs: found (so the rival's 404 is the
                    # tenancy's, not a path that names nothing).
                    problems.append((endpoint.route, method, status, f"own object not read with scope {needed}"))
                elif needed is not None and status in (401, 403) and method in declared:
                    body = response.json() if json_detail(response) else {}
                    if "code" not in body:  # a service's refusal names its code; the scope's does not
                        problems.append((endpoint.route, method, status, f"refused inside scope {needed}"))
            reached.add(endpoint.route)
        if tenant_snapshot(self.acme.organization) != before:
            problems.append(
                ("a request outside the key's scope stored something", self._culprits(client, refused_calls))
            )
        self._assert_matrix(reached, problems, API)

    def _culprits(self, client, calls) -> list:
        """Which refused requests changed something: each again, alone, between two snapshots."""
        found = []
        for route, method, path in calls:
            with transaction.atomic():
                before = tenant_snapshot(self.acme.organization)
                call(client, method, path)
                if tenant_snapshot(self.acme.organization) != before:
                    found.append((route, method))
                transaction.set_rollback(True)
        return found

    def test_a_read_key_reads_and_never_writes(self):
        self._own_key_row("read")

    def test_a_write_key_writes_and_never_reads(self):
        self._own_key_row("write")

    def test_an_ats_key_reaches_only_the_ats_endpoints(self):
        self._own_key_row("ats")

    def test_the_world_holds_an_object_for_every_object_route(self):
        """Every ``<pid:…>`` route is tried with a real object of its kind, own and foreign: a route of a new kind
        needs a row of that kind in ``tenant_world.build_tenant`` (until then the rows above try a never-issued id)."""
        for tenant in (self.acme, self.globex):
            self.assertEqual(routes_without_an_object(ENDPOINTS, tenant.organization), [])

    def test_every_scope_is_in_the_matrix(self):
        """A new scope must get its own row here (KEY-4)."""
        from accounts.models import ApiKey

        self.assertEqual(set(OWN_KEYS), set(ApiKey.Scope.values))

    def test_a_write_is_refused_by_scope_not_by_its_body(self):
        """The read key's refusal is the scope's: the same request with the write key does what it asks (KEY-4)."""
        hiring = self.acme.candidate.hiring
        path = f"/api/v1/hirings/{hiring.public_id}/"
        body = {"title": "Renamed by a key"}
        refused = call(self._client(self.acme.raw_keys["read"]), "PATCH", path, body)
        self.assertEqual(refused.status_code, 403)
        self.assertIn("detail", refused.json())
        hiring.refresh_from_db()
        self.assertNotEqual(hiring.title, "Renamed by a key")
        allowed = call(self._client(self.acme.raw_keys["write"]), "PATCH", path, body)
        self.assertEqual(allowed.status_code, 200, allowed.content)
        hiring.refresh_from_db()
        self.assertEqual(hiring.title, "Renamed by a key")

    # --- a rival organization's keys -----------------------------------------------------------------------------

    def _acme_words(self) -> set[str]:
        ids = {pid for pids in tenant_public_ids(self.acme.organization).values() for pid in pids}
        return ids | set(self.acme.secrets) | {self.acme.organization.public_id}

    def test_a_rival_key_finds_nothing_of_another_organization(self):
        acme, globex = self.acme, self.globex
        before = tenant_snapshot(acme.organization)
        words = self._acme_words()
        keys = {"ats": self._client(globex.raw_keys["ats"]), "other": self._client(globex.raw_keys["all"])}
        body_template = reference_body(acme)
        problems, reached = [], set()
        for endpoint in API:
            path = path_for(endpoint, acme)
            client = keys["ats"] if needed_scope(endpoint, "GET") == "ats" else keys["other"]
            foreign_ids = PUBLIC_ID_TOKEN.findall(path)
            nonexistent_path = _with_fresh_ids(path)
            for method in METHODS:
                body = dict(body_template) if method != "GET" else None
                response = call(client, method, path, body)
                if method != "GET":
                    dropped = unknown_fields(response)
                    if dropped:
                        body = {k: v for k, v in body.items() if k not in dropped}
                        response = call(client, method, path, body)
                status = response.status_code
                if status >= 500:
                    problems.append((endpoint.route, method, status, "server error"))
                    continue
                sent = set(foreign_ids) | {v for v in (body or {}).values() if isinstance(v, str)}
                leaked = {w for w in words - sent if w in response.content.decode(errors="replace")}
                if leaked:
                    problems.append((endpoint.route, method, status, f"another organization's data: {leaked}"))
                if "<pid:" in endpoint.route and status != 404 and not is_public(endpoint):
                    problems.append((endpoint.route, method, status, "a foreign object answered other than 404"))
                if "external_id" in endpoint.route and method == "GET" and status != 404:
                    problems.append((endpoint.route, method, status, "a foreign external id answered other than 404"))
                named = sorted(
                    k for k, v in (body or {}).items() if isinstance(v, str) and PUBLIC_ID_TOKEN.fullmatch(v)
                )
                if 200 <= status < 300 and named:
                    problems.append((endpoint.route, method, status, f"accepted foreign objects in {named}"))
                if foreign_ids or named:
                    twin = call(client, method, nonexistent_path, _with_fresh_ids(body) if body else body)
                    if twin.status_code != status:
                        problems.append(
                            (endpoint.route, method, status, f"a nonexistent id answers {twin.status_code}")
                        )
            reached.add(endpoint.route)
        self.assertEqual(tenant_snapshot(acme.organization), before, "the rival changed the first organization")
        self.assertEqual(rival_rows_pointing_at(globex.organization, acme.organization), [])
        self._assert_matrix(reached, problems, API)

    # --- pages -------------------------------------------------------------------------------------------------

    def test_an_api_key_authenticates_no_page(self):
        """Keys are for the API only: on every page a key with every scope is no session, the page answers as it
        answers an anonymous caller (KEY-4)."""
        anonymous = Client(raise_request_exception=False)
        keyed = self._client(self.acme.raw_keys["all"])
        owner = self.acme.org.admin.user
        problems, reached = [], set()
        for endpoint in PAGES:
            path = path_for(endpoint, self.acme)
            response = get_through_aliases(keyed, path)
            status, location = response.status_code, response.get("Location", "")
            if is_public(endpoint):
                expected = get_through_aliases(anonymous, path)
                if (status, location) != (expected.status_code, expected.get("Location", "")):
                    problems.append((endpoint.route, status, location, "differs from an anonymous caller"))
            elif not (status == 302 and location.startswith(LOGIN_PAGES)):
                problems.append((endpoint.route, status, location, "not sent to sign in"))
            if owner.email.encode() in response.content:
                problems.append((endpoint.route, status, "the key owner's page"))
            reached.add(endpoint.route)
        self._assert_matrix(reached, problems, PAGES)


def get_through_aliases(client, path: str):
    response = client.get(path)
    if response.status_code == 301 and response["Location"].startswith("/"):
        response = client.get(response["Location"])  # allauth's legacy aliases, as in test_anonymous_matrix
    return response


def _with_fresh_ids(value):
    """``value`` (a path or a body) with every public id replaced by a never-issued id of the same kind."""
    if isinstance(value, dict):
        return {k: _with_fresh_ids(v) for k, v in value.items()}
    if isinstance(value, str):
        return PUBLIC_ID_TOKEN.sub(lambda m: new_public_id(m.group(0).split("_")[0]), value)
    return value


def rival_rows_pointing_at(rival, victim) -> list[str]:
    """Rows of ``rival`` whose foreign keys reach a tenant row of ``victim`` (a cross-tenant write, ORG-5)."""
    found = []
    for model in apps.get_models():
        if not any(f.name == "organization" for f in model._meta.fields):
            continue
        for field in model._meta.fields:
            target = field.related_model if isinstance(field, models.ForeignKey) else None
            if target is None or field.name == "organization":
                continue
            if not any(f.name == "organization" for f in target._meta.fields):
                continue
            manager = getattr(model.objects, "for_operators", None)
            rows = manager() if manager else model.objects.all()
            hits = rows.filter(organization=rival, **{f"{field.name}__organization": victim}).count()
            if hits:
                found.append(f"{model._meta.label}.{field.name}: {hits}")
    return found
