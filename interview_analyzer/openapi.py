"""The OpenAPI schema completed for clients and schema-driven fuzzers, in one place (SEC-VAL, SEC-SCHEMA, TST-1).

drf-spectacular describes what each view serializes; this postprocessing hook (``SPECTACULAR_SETTINGS
["POSTPROCESSING_HOOKS"]``) adds what it cannot see, for every operation alike, so an endpoint added anywhere is
covered the day it exists:

* **Links** (OpenAPI 3 ``links``): a create (``POST`` on a collection) links to every operation on the object it
  returns (``$response.body#/id`` → ``{public_id}``), a list to the same operations for its first row
  (``$response.body#/results/0/id``), and an operation on an object to the object's other operations
  (``$request.path.public_id``). A fuzzer's stateful phase, or a person reading the docs, reaches every object
  endpoint with real ids instead of guessed ones (found from outside: 15 operations were unreachable). A create
  whose body names other objects by public id (a body field described "Public id of …", e.g. an interview's
  ``candidate``) is linked from the lists of those objects, and from its own collection's list (whose rows name
  them too), with a ``requestBody`` whose values are runtime expressions: the fuzzer fills in the rest.
* **Error responses** in the shape ``api_errors.exception_handler`` answers (``Error``: ``detail`` and, for a
  refusal or a conflict, ``code``; ``ValidationError``: messages per field), each only where the operation can
  return it: 400 where it takes a body or query filters or where its code raises a validation error, 401, 403 and
  429 (the API key's per-minute limit, KEY-7) wherever a caller authenticates, 404 on object paths and paginated
  lists (a page past the end), 409 where its code raises a ``Conflict``, 413 (``RequestSizeLimitMiddleware``) and
  415 where it takes a body. Public operations (the token endpoints) get 401, 403 and 429 only where their code
  raises them.
* **Blank email addresses**: a read-only email field of a model that allows blank (an interview's
  ``closed_by_email`` while it is open) answers ``""``, which drf-spectacular documents as ``format: email``; every
  read-only email property is documented as an email address or blank (found by the stateful fuzz test).

Which exceptions an operation's code raises is read from the code itself: the view method and, through the names it
uses, the project's functions it calls (a few levels deep). Nothing here imports an app (floor 0).
"""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

from django.conf import settings
from django.core import exceptions as django_exceptions
from django.http import Http404
from rest_framework import exceptions as drf_exceptions

from interview_analyzer.errors import Conflict, Refused

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"
UNSAFE = {"post", "put", "patch", "delete"}
PAGINATION_PARAMETERS = {"page", "page_size"}
CALL_DEPTH = 6  # view method → service → helper …; deep enough for every service in the tree

DESCRIPTIONS = {
    "400": "The request is invalid: the body, a query parameter or the change it asks for (messages per field).",
    "401": "No valid credentials: a missing, expired, revoked or unknown token or API key.",
    "403": "Authenticated, but the role or the API key's scope does not allow this (ORG-3, KEY-4), or the "
    "organization's plan or consent does not (the ``code`` says which).",
    "404": "No such object among those the caller may see (another organization's object is the same 404), "
    "or a page past the end of a list.",
    "409": "The request contradicts the object's current state (for example an interview already closed or a chunk "
    "already stored with other bytes); the ``code`` says which.",
    "413": "The request body is larger than this endpoint accepts.",
    "415": "The body's Content-Type is not one this endpoint parses.",
    "429": "Too many requests (the API key's per-minute limit, or a per-endpoint limit); retry after ``Retry-After``.",
}

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error except a validation error: a human-readable ``detail`` and, for refusals and "
    "conflicts, a machine-readable ``code``.",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words a person can act on."},
        "code": {"type": "string", "description": "For a 403 refusal or a 409 conflict, e.g. consent_required."},
    },
    "required": ["detail"],
}
_MESSAGES = {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}}
VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "A 400: messages per field name (``non_field_errors`` for the body as a whole), or a ``detail`` "
    "(a body that is not valid JSON, nested too deep, or a bad header).",
    "additionalProperties": {"anyOf": [_MESSAGES, {"type": "string"}, {"type": "object"}]},
    "minProperties": 1,
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
WWW_AUTHENTICATE = {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}}

_PARAMETER = re.compile(r"\{([^}/]+)\}")


def postprocess(result, generator, request, public):
    """drf-spectacular's ``POSTPROCESSING_HOOKS`` entry: add error responses and links to every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR, ERROR_SCHEMA)
    schemas.setdefault(VALIDATION_ERROR, VALIDATION_ERROR_SCHEMA)
    _allow_blank_read_only_emails(schemas)
    raised = _raised_by_operation(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method in UNSAFE or method in {"get", "head", "options"}:
                statuses = _error_statuses(path, method, operation, raised.get((path, method), set()))
                _document_errors(operation, statuses)
    _add_links(result)
    return result


def _allow_blank_read_only_emails(schemas: dict) -> None:
    for component in schemas.values():
        for field in component.get("properties", {}).values():
            if field.get("readOnly") and field.get("format") == "email":
                del field["format"]
                field["anyOf"] = [{"format": "email"}, {"maxLength": 0}]


# --- Error responses ----------------------------------------------------------------------------------------------


def _error_statuses(path: str, method: str, operation: dict, raised: set[int]) -> set[int]:
    authenticated = bool(operation.get("security")) and {} not in operation.get("security", [])
    has_body = "requestBody" in operation
    filters = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"} - PAGINATION_PARAMETERS
    paginated = any(p.get("name") == "page" for p in operation.get("parameters", []))
    statuses = set(raised) & {400, 401, 403, 404, 409, 429}
    if has_body:
        statuses |= {400, 413, 415}
    if filters:
        statuses.add(400)
    if authenticated:
        statuses |= {401, 403, 429}
    if _PARAMETER.search(path) or paginated:
        statuses.add(404)
    return statuses


def _document_errors(operation: dict, statuses: set[int]) -> None:
    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        key = str(status)
        if key in responses:
            continue  # what a view documents itself stands
        schema = VALIDATION_ERROR if status == 400 else ERROR
        response = {
            "description": DESCRIPTIONS[key],
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        }
        if status == 429:
            response["headers"] = RETRY_AFTER
        elif status == 401:
            response["headers"] = WWW_AUTHENTICATE
        responses[key] = response


def _status_of(exception: type) -> int | None:
    """The status ``api_errors.exception_handler`` answers an exception class with, if it is an error the API maps."""
    if issubclass(exception, Conflict):
        return 409
    if issubclass(exception, Refused | django_exceptions.PermissionDenied):
        return 403
    if issubclass(exception, django_exceptions.ValidationError):
        return 400
    if issubclass(exception, Http404 | django_exceptions.ObjectDoesNotExist):
        return 404
    if issubclass(exception, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        return 401
    if issubclass(exception, drf_exceptions.APIException):
        return exception.status_code
    return None


def _raised_by_operation(generator) -> dict[tuple[str, str], set[int]]:
    """(schema path, method) → the error statuses the exceptions named in its code map to."""
    raised: dict[tuple[str, str], set[int]] = {}
    for path, _regex, method, view in getattr(generator, "endpoints", None) or []:
        view_class = getattr(view, "cls", None)
        if view_class is None:
            continue
        action = (getattr(view, "actions", None) or {}).get(method.lower(), method.lower())
        handler = getattr(view_class, action, None)
        if handler is None:
            continue
        schema_path = path if path.startswith("/") else "/" + path
        raised[(schema_path, method.lower())] = _statuses_named(handler, view_class)
    return raised


def _project_function(candidate) -> bool:
    if not inspect.isfunction(candidate):
        return False
    try:
        source = Path(inspect.getfile(candidate)).resolve()
    except (TypeError, OSError):
        return False
    base = Path(settings.BASE_DIR).resolve()
    return base in source.parents and "site-packages" not in source.parts


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):  # nested functions, comprehensions
            names |= _names(constant)
    return names


def _statuses_named(handler, view_class) -> set[int]:
    """Walk the handler and the project functions it names (module attributes, globals, the view's own methods) and
    collect the statuses of the exception classes they name. An over-approximation by name, never by running."""
    found: set[int] = set()
    seen: set[types.CodeType] = set()
    pending = [(inspect.unwrap(handler), 0)]
    while pending:
        function, depth = pending.pop()
        code = getattr(function, "__code__", None)
        if code is None or code in seen or depth > CALL_DEPTH:
            continue
        seen.add(code)
        names = _names(code)
        scope = getattr(function, "__globals__", {})
        objects = []
        for name in names:
            value = scope.get(name)
            if isinstance(value, types.ModuleType):
                objects.extend(getattr(value, attribute, None) for attribute in names)
            elif value is not None:
                objects.append(value)
            method = getattr(view_class, name, None) if depth == 0 else None
            if method is not None:
                objects.append(method)
        for value in objects:
            if isinstance(value, type) and issubclass(value, BaseException):
                status = _status_of(value)
                if status:
                    found.add(status)
                continue
            value = inspect.unwrap(value) if callable(value) else value
            if _project_function(value):
                pending.append((value, depth + 1))
    return found


# --- Links --------------------------------------------------------------------------------------------------------


def _object_prefix(path: str) -> str | None:
    """``/api/v1/recordings/{public_id}/chunks/{index}/`` → ``/api/v1/recordings/{public_id}``."""
    match = _PARAMETER.search(path)
    return path[: match.end()] if match else None


def _resolve(result: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = result["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _json_schema(result: dict, response: dict) -> dict:
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    return _resolve(result, schema) if schema else {}


def _id_pointer(result: dict, response: dict) -> str | None:
    """Where the object's public id is in a success response: ``/id`` of an object, ``/results/0/id`` of a page."""
    schema = _json_schema(result, response)
    properties = schema.get("properties", {})
    if "id" in properties:
        return "/id"
    results = properties.get("results")
    if results and results.get("type") == "array":
        row = _resolve(result, results.get("items", {}))
        if "id" in row.get("properties", {}):
            return "/results/0/id"
    return None


def _link_name(target: dict) -> str:
    return "".join(part.title() for part in target["operationId"].split("_"))


def _references(result: dict, operation: dict) -> list[str]:
    """The body fields of an operation that name another object by its public id (``PublicIdRelatedField``)."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = next(iter(content.values()), {}).get("schema")
    if not schema:
        return []
    properties = _resolve(result, schema).get("properties", {})
    return [
        name
        for name, field in properties.items()
        if field.get("description", "").startswith("Public id of") and not field.get("readOnly")
    ]


def _collection_of(paths: dict, prefix: str, name: str) -> str | None:
    """The collection whose objects a field named ``name`` refers to: ``candidate`` → ``{prefix}/candidates/``."""
    for plural in (f"{name}s", f"{name}es", f"{name[:-2]}a" if name.endswith("on") else None):
        if plural and f"{prefix}/{plural}/" in paths:
            return f"{prefix}/{plural}/"
    return None


def _add_reference_links(result: dict, paths: dict) -> None:
    """Links to every create from the objects its body refers to (see the module docstring)."""
    for path, operations in paths.items():
        create = operations.get("post")
        if create is None or _PARAMETER.search(path) or "operationId" not in create:
            continue
        references = _references(result, create)
        prefix = path.rstrip("/").rsplit("/", 1)[0]
        sources: dict[str, dict[str, str]] = {}  # collection → body field → where its id is in a row
        for name in references:
            collection = _collection_of(paths, prefix, name)
            if collection is not None:
                sources.setdefault(collection, {})[name] = "id"
        own = _json_schema(result, paths[path].get("get", {}).get("responses", {}).get("200", {}))
        row = _resolve(result, own.get("properties", {}).get("results", {}).get("items", {}))
        for name in references:
            if row.get("properties", {}).get(name, {}).get("type") == "string":
                sources.setdefault(path, {})[name] = name
        for collection, fields in sources.items():
            listed = paths[collection].get("get", {}).get("responses", {}).get("200")
            if listed is None or _id_pointer(result, listed) != "/results/0/id":
                continue
            listed.setdefault("links", {}).setdefault(
                _link_name(create),
                {
                    "operationId": create["operationId"],
                    "requestBody": {name: f"$response.body#/results/0/{at}" for name, at in fields.items()},
                    "description": "A new object referring to the first row of this list.",
                },
            )


def _add_links(result: dict) -> None:
    paths = result.get("paths", {})
    _add_reference_links(result, paths)
    by_prefix: dict[str, list[tuple[str, str, dict]]] = {}
    for path, operations in paths.items():
        prefix = _object_prefix(path)
        if prefix:
            for method, operation in operations.items():
                if "operationId" in operation:
                    by_prefix.setdefault(prefix, []).append((path, method, operation))
    for prefix, targets in by_prefix.items():
        parameter = _PARAMETER.search(prefix).group(1)
        collection = prefix[: prefix.rindex("{")]
        # From the collection: its create's object, or its list's first row.
        for method, source in paths.get(collection, {}).items():
            if method not in {"get", "post"}:
                continue
            for status, response in source.get("responses", {}).items():
                pointer = _id_pointer(result, response) if status.startswith("2") else None
                if pointer is None:
                    continue
                links = response.setdefault("links", {})
                for _path, _method, target in targets:
                    links.setdefault(
                        _link_name(target),
                        {
                            "operationId": target["operationId"],
                            "parameters": {parameter: f"$response.body#{pointer}"},
                            "description": f"The {parameter} of the object this response returns.",
                        },
                    )
        # From one operation on the object to its others, with the same path parameters.
        for source_path, source_method, source in targets:
            if source_method == "delete":
                continue  # nothing is left to link to
            source_parameters = set(_PARAMETER.findall(source_path))
            for status, response in source.get("responses", {}).items():
                if not status.startswith("2"):
                    continue
                links = response.setdefault("links", {})
                for target_path, target_method, target in targets:
                    if (target_path, target_method) == (source_path, source_method):
                        continue
                    shared = source_parameters & set(_PARAMETER.findall(target_path))
                    links.setdefault(
                        _link_name(target),
                        {
                            "operationId": target["operationId"],
                            "parameters": {name: f"$request.path.{name}" for name in sorted(shared)},
                            "description": "The same object.",
                        },
                    )
