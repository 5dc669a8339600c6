"""Every URL of the project, enumerated from the URL configuration (TST-1), with a concrete sample path each.

Nothing here is a hand list: a new ``path()`` or DRF route appears in ``all_endpoints()`` the day it is added.
"""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from interview_analyzer.public_ids import new_public_id

SAMPLE_VALUES = [new_public_id("xx"), "1", "abc", "abc-123", str(uuid.uuid4()), "MTIz-set-password"]


@dataclass(frozen=True)
class Endpoint:
    route: str  # the pattern as written, for messages
    path: str  # a concrete path that resolves to it
    name: str | None
    view: object

    @property
    def label(self) -> str:
        return self.name or self.route


def _sample_for(regex: str) -> str:
    for value in SAMPLE_VALUES:
        if re.fullmatch(regex, value):
            return value
    if re.fullmatch(r"[\w|]+", regex):  # an alternation of literals, e.g. the admin's app labels
        return regex.split("|")[0]
    raise AssertionError(f"No sample value matches {regex!r}: add one to SAMPLE_VALUES")


def _concrete(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)

        def replace(match):
            converter = pattern.converters[match.group("name")]
            return _sample_for(converter.regex)

        return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", replace, route)
    if isinstance(pattern, RegexPattern):
        regex = str(pattern.regex.pattern)
        depth_safe = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))+)\)", lambda m: _sample_for(m.group(1)), regex)
        return depth_safe.lstrip("^").replace("\\Z", "").rstrip("$").replace("\\", "")
    raise TypeError(type(pattern))


def _walk(patterns, prefix="", route_prefix="", namespace=""):
    for entry in patterns:
        piece = _concrete(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + piece, route_prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield Endpoint(
                route=route_prefix + str(entry.pattern),
                path="/" + prefix + piece,
                name=f"{namespace}{entry.name}" if entry.name else None,
                view=entry.callback,
            )


def _shape(route: str) -> str:
    return re.sub(r"<[^>]+>", "<>", route)


def all_endpoints() -> list[Endpoint]:
    endpoints = []
    for endpoint in _walk(get_resolver().url_patterns):
        match = resolve(endpoint.path)
        if match.func != endpoint.view:
            # Shadowed by an earlier pattern for the same path (our rate-limited wrappers of allauth's views, and its
            # passkey pages by reference instead of <int:pk>, ORG-6): unreachable, and the pattern that answers is
            # enumerated itself. Same route text, up to the converters and names of its parameters.
            assert _shape(match.route) == _shape(endpoint.route.lstrip("/")), f"{endpoint.path} resolves elsewhere"
            continue
        endpoints.append(endpoint)
    return endpoints


def path_with(endpoint: Endpoint, **values: str) -> str:
    """The endpoint's sample path with the named route parameters replaced, e.g. ``path_with(e, public_id=...)``;
    parameters not named keep their sample value."""
    route_parts = endpoint.route.split("/")
    path_parts = endpoint.path.lstrip("/").split("/")
    if len(route_parts) != len(path_parts):  # a regular-expression route: only its samples
        return endpoint.path
    parts = []
    for route_part, path_part in zip(route_parts, path_parts, strict=True):
        match = re.fullmatch(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", route_part)
        parts.append(values[match["name"]] if match and match["name"] in values else path_part)
    return "/" + "/".join(parts)
