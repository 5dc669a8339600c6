"""Refusals a service raises and every edge answers alike (pages, API, actors).

Services know nothing of HTTP. A ``Refused`` is Django's ``PermissionDenied`` with a code a client can act on (the
API answers 403 ``{"detail", "code"}``); a ``Conflict`` is a write that contradicts what is stored (409). Apps
subclass them with their own codes, e.g. consent's ``ConsentRequired`` (CON-4) and a recording's ``ChunkConflict``.
"""

from django.core.exceptions import PermissionDenied


class Refused(PermissionDenied):
    code = "permission_denied"


class Conflict(Exception):
    code = "conflict"
