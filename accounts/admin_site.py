"""The Django admin's site for operators (OPS-4), with its sign-in under the product's rate limits (SEC-RL).

Operator accounts see every tenant, so their sign-in must be at least as hard to guess as a recruiter's: every
POST to the admin's login counts against the same database-backed ``login`` limits as the product's sign-in, per
client IP (the shared resolver, SEC-IP) and per account (the email typed in). The two pages share the counters, so
alternating between them gains an attacker nothing. Found from outside: the admin sign-in had no limit at all.
"""

from django.contrib import admin

from accounts import rate_limits
from interview_analyzer.views import rate_limited


class OperatorsAdminSite(admin.AdminSite):
    site_header = "Interview Analyzer operations"
    site_title = "Interview Analyzer operations"

    def login(self, request, extra_context=None):
        if request.method == "POST":
            wait = rate_limits.check(request, "login", request.POST.get("username"))
            if wait:
                return rate_limited(request, None, retry_after=wait)
        return super().login(request, extra_context)
