"""The OpenAPI schema is complete enough for a schema-driven fuzzer and honest about errors (TST-1, SEC-VAL; issue 15).

``interview_analyzer.openapi.postprocess`` adds, for every operation, links that supply object ids and the error
responses the API really answers. Checked here over the schema the application serves (so an endpoint added
anywhere is checked the day it exists), and against real error responses produced through the test client, which
must validate against the schema the operation documents for their status.
"""

import re

import pytest
from django.test import Client
from jsonschema import Draft7Validator
from rest_framework.test import APIClient

from accounts import services as account_services
from billing.models import Plan
from hiring import services as hiring_services
from tests.hiring.factories import CandidateFactory, HiringFactory

SCHEMA_URL = "/api/v1/schema/?format=json"
PARAMETER = re.compile(r"\{([^}/]+)\}")
UNSAFE = {"post", "put", "patch", "delete"}
METHODS = UNSAFE | {"get"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get(SCHEMA_URL)
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield path, method, operation


def by_id(schema) -> dict[str, tuple[str, str, dict]]:
    return {operation["operationId"]: (path, method, operation) for path, method, operation in operations(schema)}


def resolved(schema: dict, node):
    """A schema with every ``$ref`` into components replaced by its target (the error schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return resolved(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
        return {key: resolved(schema, value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolved(schema, value) for value in node]
    return node


def documented(schema: dict, path: str, method: str, status: int) -> dict:
    response = schema["paths"][path][method]["responses"][str(status)]
    return resolved(schema, response["content"]["application/json"]["schema"])


def assert_conforms(schema: dict, path: str, method: str, response) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    errors = list(Draft7Validator(documented(schema, path, method, response.status_code)).iter_errors(response.json()))
    assert not errors, (response.status_code, response.json(), [error.message for error in errors])


def api(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


# --- Links ------------------------------------------------------------------------------------------------------


def test_every_operation_with_a_path_parameter_is_the_target_of_a_link_from_another_operation(schema):
    targets: dict[str, set[str]] = {}
    for _path, _method, operation in operations(schema):
        for response in operation["responses"].values():
            for link in response.get("links", {}).values():
                targets.setdefault(link["operationId"], set()).add(operation["operationId"])
    unreachable = [
        operation["operationId"]
        for path, _method, operation in operations(schema)
        if PARAMETER.search(path) and not (targets.get(operation["operationId"], set()) - {operation["operationId"]})
    ]
    assert unreachable == []
    assert len([path for path, _m, _o in operations(schema) if PARAMETER.search(path)]) >= 40  # the check has teeth


def test_every_link_names_a_real_operation_and_supplies_its_path_parameters_from_real_places(schema):
    known = by_id(schema)
    checked = 0
    for source_path, _method, source in operations(schema):
        for status, response in source["responses"].items():
            for name, link in response.get("links", {}).items():
                target_path, _target_method, _target = known[link["operationId"]]
                assert set(link.get("parameters", {})) <= set(PARAMETER.findall(target_path)), name
                for parameter, expression in link.get("parameters", {}).items():
                    if expression.startswith("$request.path."):
                        assert expression.removeprefix("$request.path.") in PARAMETER.findall(source_path)
                    else:
                        assert expression.startswith("$response.body#/"), expression
                        assert status.startswith("2")
                        node = resolved(schema, response["content"]["application/json"]["schema"])
                        for part in expression.removeprefix("$response.body#/").split("/"):
                            node = node["items"] if part.isdigit() else node["properties"][part]
                        assert node["type"] == "string", (name, parameter)
                    checked += 1
    assert checked > 100


def test_a_create_is_linked_from_the_objects_its_body_refers_to(schema):
    """Body fields described "Public id of …" get their values from a list of those objects (or of the create's
    own collection, whose rows name them too), so a fuzzer's creates are valid enough to create something."""
    known = by_id(schema)
    supplied: dict[str, set[str]] = {}
    for source_path, _method, source in operations(schema):
        for response in source["responses"].values():
            for link in response.get("links", {}).values():
                if "requestBody" not in link:
                    continue
                target_path, target_method, target = known[link["operationId"]]
                body = resolved(schema, next(iter(target["requestBody"]["content"].values()))["schema"])
                row = resolved(schema, response["content"]["application/json"]["schema"])["properties"]["results"]
                for field, expression in link["requestBody"].items():
                    assert body["properties"][field]["description"].startswith("Public id of")
                    assert not body["properties"][field].get("readOnly")
                    pointer = expression.removeprefix("$response.body#/results/0/")
                    assert row["items"]["properties"][pointer]["type"] == "string", (source_path, field)
                    supplied.setdefault(f"{target_method.upper()} {target_path}", set()).add(field)
    assert supplied["POST /api/v1/interviews/"] == {"candidate", "interviewer"}
    assert supplied["POST /api/v1/recordings/"] == {"interview"}
    assert supplied["POST /api/v1/decisions/"] == {"candidate"}
    assert {"hiring"} <= supplied["POST /api/v1/criteria/"] and {"hiring"} <= supplied["POST /api/v1/candidates/"]
    assert "POST /api/v1/hirings/" not in supplied  # its owner is read-only, never a client's to name


def test_a_create_and_a_list_link_to_the_object_by_its_public_id(schema):
    create = schema["paths"]["/api/v1/interviews/"]["post"]["responses"]["201"]["links"]
    assert create["InterviewsRetrieve"] == {
        "operationId": "interviews_retrieve",
        "parameters": {"public_id": "$response.body#/id"},
        "description": "The public_id of the object this response returns.",
    }
    assert {"InterviewsCompleteCreate", "InterviewsCancelCreate", "InterviewsPartialUpdate"} <= set(create)
    listed = schema["paths"]["/api/v1/interviews/"]["get"]["responses"]["200"]["links"]
    assert listed["InterviewsRetrieve"]["parameters"] == {"public_id": "$response.body#/results/0/id"}
    upsert = schema["paths"]["/api/v1/ats/candidates/{external_id}"]["put"]["responses"]["201"]["links"]
    assert upsert["AtsCandidatesRetrieve"]["parameters"] == {"external_id": "$request.path.external_id"}


@pytest.mark.django_db
def test_following_the_links_reaches_the_object(schema, acme):
    """The runtime expressions, evaluated on real responses, give ids the target operations answer 200 for."""
    client = api(acme.admin)
    created = client.post("/api/v1/hirings/", {"title": "Data engineer"}, format="json")
    assert created.status_code == 201, created.content
    link = schema["paths"]["/api/v1/hirings/"]["post"]["responses"]["201"]["links"]["HiringsRetrieve"]
    pointer = link["parameters"]["public_id"].removeprefix("$response.body#/")
    public_id = created.json()[pointer]
    path = by_id(schema)[link["operationId"]][0]
    assert client.get(path.replace("{public_id}", public_id)).json()["id"] == public_id

    listed = client.get("/api/v1/hirings/")
    link = schema["paths"]["/api/v1/hirings/"]["get"]["responses"]["200"]["links"]["HiringsPartialUpdate"]
    results, index, field = link["parameters"]["public_id"].removeprefix("$response.body#/").split("/")
    first = listed.json()[results][int(index)][field]
    path = by_id(schema)[link["operationId"]][0]
    renamed = client.patch(path.replace("{public_id}", first), {"title": "Renamed"}, format="json")
    assert renamed.status_code == 200, renamed.content


# --- Error responses --------------------------------------------------------------------------------------------


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = []
    for path, method, operation in operations(schema):
        expected = set()
        if "requestBody" in operation:
            expected |= {"400", "413", "415"}
        if operation.get("security"):
            expected |= {"401", "403", "429"}
        if PARAMETER.search(path) or any(p["name"] == "page" for p in operation.get("parameters", [])):
            expected.add("404")
        if any(p["in"] == "query" and p["name"] not in {"page", "page_size"} for p in operation.get("parameters", [])):
            expected.add("400")
        absent = expected - set(operation["responses"])
        if absent:
            missing.append((method.upper(), path, sorted(absent)))
    assert missing == []


def test_statuses_an_operation_cannot_answer_are_not_documented(schema):
    me = schema["paths"]["/api/v1/me"]["get"]["responses"]
    assert "404" not in me and "400" not in me and "409" not in me
    retrieve = schema["paths"]["/api/v1/hirings/{public_id}/"]["get"]["responses"]
    assert "409" not in retrieve and "413" not in retrieve and "400" not in retrieve
    # 409 where the code raises a Conflict: closing an interview twice, a chunk stored with other bytes.
    assert "409" in schema["paths"]["/api/v1/interviews/{public_id}/complete/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/recordings/{public_id}/chunks/{index}/"]["put"]["responses"]
    # The public token endpoint is throttled and refuses bad credentials with 401, but has no object to 404.
    token = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"400", "401", "429"} <= set(token) and "404" not in token


def test_error_responses_share_two_schemas_with_headers(schema):
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail"}
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            if status in {"401", "403", "404", "409", "413", "415", "429"}:
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, status, ref)
            elif status == "400":
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ValidationError", (method, path, ref)
            if status == "429":
                assert "Retry-After" in response.get("headers", {}), (method, path)


@pytest.mark.django_db
def test_real_error_bodies_match_the_documented_schemas(schema, acme):
    admin = api(acme.admin)
    # 404: an object that does not exist (or is another organization's).
    missing = admin.get("/api/v1/hirings/hir_0000000000000000000000/")
    assert missing.status_code == 404
    assert_conforms(schema, "/api/v1/hirings/{public_id}/", "get", missing)
    # 404: a page past the end of a list.
    past = admin.get("/api/v1/hirings/", {"page": 999})
    assert past.status_code == 404
    assert_conforms(schema, "/api/v1/hirings/", "get", past)
    # 400: a body that fails validation, per field.
    invalid = admin.post("/api/v1/hirings/", {"title": "", "unknown": 1}, format="json")
    assert invalid.status_code == 400
    assert_conforms(schema, "/api/v1/hirings/", "post", invalid)
    # 400: a body that is not JSON at all.
    garbled = admin.post("/api/v1/hirings/", "{not json", content_type="application/json")
    assert garbled.status_code == 400
    assert_conforms(schema, "/api/v1/hirings/", "post", garbled)
    # 400: a query filter that is not a choice.
    bad_filter = admin.get("/api/v1/interviews/", {"status": "nonsense"})
    assert bad_filter.status_code == 400
    assert_conforms(schema, "/api/v1/interviews/", "get", bad_filter)
    # 401: no credentials.
    anonymous = APIClient().get("/api/v1/hirings/")
    assert anonymous.status_code == 401
    assert_conforms(schema, "/api/v1/hirings/", "get", anonymous)
    # 403: a role below the operation's.
    refused = api(acme.interviewer).post("/api/v1/hirings/", {"title": "Not mine to open"}, format="json")
    assert refused.status_code == 403
    assert_conforms(schema, "/api/v1/hirings/", "post", refused)
    # 413: a body over the limit, refused before parsing.
    huge = admin.post("/api/v1/hirings/", {"title": "x" * 1_100_000}, format="json")
    assert huge.status_code == 413
    assert_conforms(schema, "/api/v1/hirings/", "post", huge)
    # 415: a content type the endpoint does not parse.
    plain = admin.post("/api/v1/hirings/", "title=x", content_type="text/plain")
    assert plain.status_code == 415
    assert_conforms(schema, "/api/v1/hirings/", "post", plain)


@pytest.mark.django_db
def test_a_real_conflict_matches_the_documented_schema(schema, acme):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    candidate = CandidateFactory(hiring=hiring, organization=acme.organization)
    interview = hiring_services.schedule_interview(
        actor=acme.recruiter,
        candidate=candidate,
        interviewer=acme.interviewer,
        scheduled_at=hiring.created_at.replace(year=hiring.created_at.year + 1),
    )
    path = "/api/v1/interviews/{public_id}/complete/"
    client = api(acme.recruiter)
    assert client.post(path.replace("{public_id}", interview.public_id)).status_code == 200
    again = client.post(path.replace("{public_id}", interview.public_id))
    assert again.status_code == 409
    assert again.json()["code"]
    assert_conforms(schema, path, "post", again)


@pytest.mark.django_db
def test_a_real_rate_limit_matches_the_documented_schema(schema, acme):
    acme.organization.plan = "team"
    acme.organization.save(update_fields=["plan"])
    Plan.objects.filter(code="team").update(api_requests_per_minute=2)
    _key, raw = account_services.create_api_key(actor=acme.admin, name="Fuzzer", scopes=["read"], allowed_cidrs=[])
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answers = [client.get("/api/v1/hirings/") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert_conforms(schema, "/api/v1/hirings/", "get", answers[-1])


# --- Found by fuzzing the running server ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["\x00", "hir_\x00" + "a" * 21, "cand\x00", "x" * 300])
def test_a_foreign_key_that_is_not_a_public_id_is_a_400_without_a_query(acme, value):
    """schemathesis sent ``{"candidate": "»\\x00…"}`` to POST /api/v1/decisions/: PostgreSQL refuses NUL bytes in text,
    so the lookup answered 500. A value not shaped like a public id now "does not exist" before any query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = api(acme.admin).post(
            "/api/v1/decisions/", {"candidate": value, "outcome": "hired", "reason": "Strong"}, format="json"
        )
    assert response.status_code == 400, response.content
    assert "does not exist" in response.json()["candidate"][0]
    assert not [query for query in queries.captured_queries if '"hiring_candidate"' in query["sql"]]


def test_a_read_only_email_is_documented_as_an_email_or_blank(schema):
    """An open interview's ``closed_by_email`` is ``""``; documented as ``format: email`` the stateful fuzz test
    found every list of open interviews violating its schema."""
    closed_by = schema["components"]["schemas"]["Interview"]["properties"]["closed_by_email"]
    assert closed_by["anyOf"] == [{"format": "email"}, {"maxLength": 0}] and "format" not in closed_by
    errors = Draft7Validator(closed_by, format_checker=Draft7Validator.FORMAT_CHECKER).iter_errors
    assert not list(errors("")) and not list(errors("kim@mail.test")) and list(errors("not an address"))


def test_starting_a_recording_again_is_documented(schema):
    """POST /api/v1/recordings/ for an interview that has its recording answers 200 with it (201 when it starts
    one); the stateful fuzz run against a live server found the 200 undocumented."""
    assert {"200", "201"} <= set(schema["paths"]["/api/v1/recordings/"]["post"]["responses"])
