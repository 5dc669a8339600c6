"""Rate limits on sign-in, signup, password reset, verification resend and the token API (SEC-RL).

django-ratelimit counts in the ``ratelimit`` cache alias: counters in a database table shared by every process and
instance that survive restarts, with atomic increments and no early eviction
(``interview_analyzer.rate_limit_cache``). Each flow has its own limits, one per client IP (from the shared
resolver, SEC-IP, so a forged ``X-Forwarded-For`` neither dodges a limit nor locks someone else out) and one per
account (the email the request names, casefolded), counted on POST only.
"""

from django.conf import settings
from django_ratelimit.core import get_usage

from interview_analyzer.client_ip import client_ip


def _ip_key(group, request):
    return client_ip(request)


def check(request, flow: str, account: str | None, *, methods: tuple[str, ...] = ("POST",)) -> int | None:
    """Count this request against ``flow``'s limits; return seconds to wait if any limit is exceeded, else None.

    Only requests with one of ``methods`` count (POST by default; chunk uploads count PUT).
    """
    rates = settings.RATE_LIMITS[flow]
    waits = []
    keys = [("ip", _ip_key)]
    if account:
        # casefold, not lower: "ſmith@" and "smith@" must share one counter, as the database's case-insensitive
        # lookup treats them as one account.
        normalized = account.strip().casefold()
        keys.append(("account", lambda group, request: normalized))
    for kind, key in keys:
        usage = get_usage(request, group=f"{flow}:{kind}", key=key, rate=rates[kind], method=methods, increment=True)
        if usage and usage["should_limit"]:
            waits.append(max(int(usage["time_left"]), 1))
    return max(waits) if waits else None


# --- Guessing one-time links (found from outside: unknown consent tokens were never limited, valid ones were) --------

LINK_GUESS_FLOW = "token_link"  # noqa: S105  (a rate-limit group name, not a secret)


def _guess_usage(request, *, increment: bool):
    rate = settings.RATE_LIMITS[LINK_GUESS_FLOW]["ip"]
    return get_usage(
        request, group=f"{LINK_GUESS_FLOW}:ip", key=_ip_key, rate=rate, method=get_usage.ALL, increment=increment
    )


def token_guessing_wait(request) -> int | None:
    """Seconds this client IP must wait before opening any token link (consent, portal, invitation), or None.

    Only unknown tokens count (``count_unknown_token``), GET and POST alike, per client IP from the shared resolver;
    once an IP has guessed ``RATE_LIMIT_TOKEN_LINK_IP`` unknown tokens it is refused every token link, known ones
    too, until the window ends — otherwise a guesser would learn which tokens exist from the refusal itself.
    A candidate reopening their own used or expired link never counts.
    """
    usage = _guess_usage(request, increment=False)
    if usage and usage["count"] >= usage["limit"]:
        return max(int(usage["time_left"]), 1)
    return None


def count_unknown_token(request) -> None:
    _guess_usage(request, increment=True)
