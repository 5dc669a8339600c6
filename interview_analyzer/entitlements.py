"""What an organization's plan entitles it to, asked by a lower floor and answered by billing (BIL-2, KEY-1, KEY-7).

``accounts`` enforces three plan gates in its services: API keys need an eligible plan (KEY-1), each key's rate limit
comes from the plan's tier (KEY-7), and seats limit members and invitations (BIL-2). The plans themselves are
billing's data, and billing stands above accounts (ARCHITECTURE, "Dependency direction"), so accounts cannot import
them. The dependency is inverted here: billing registers the one answerer in its ``AppConfig.ready()``, accounts asks
``for_organization(organization)`` and imports nothing of billing. Without an answerer (a project set up without
billing) every question fails closed: no API keys, no requests, no seats beyond the first admin.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entitlements:
    plan: str  # the plan's code, e.g. "team"
    plan_name: str
    api_keys: bool
    api_requests_per_minute: int
    seats: int
    monthly_credits: int


NOTHING = Entitlements(plan="", plan_name="", api_keys=False, api_requests_per_minute=0, seats=1, monthly_credits=0)

_answerer: Callable[[object], Entitlements] | None = None


def register(answerer: Callable[[object], Entitlements]) -> None:
    """Billing's ``ready()`` names the function that reads an organization's plan (it may run twice in tests)."""
    global _answerer
    _answerer = answerer


def for_organization(organization) -> Entitlements:
    if _answerer is None:
        return NOTHING
    return _answerer(organization)
