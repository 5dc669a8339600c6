"""Authentication backends that load a signed-in user together with their memberships (issue 17, ORG-1, ID-6).

Every request of a browser session asks the session's backend for its user (``backend.get_user``), then the acting
member middleware for the membership, then the permission checks whether the address is verified: three queries
before the view runs, on every page and session API call. Here ``get_user`` reads the user's active memberships with
their organization, the user row and the verified-address flag in one query, and hands them to
``Membership.objects.acting_for`` through ``User.loaded_memberships``: the authenticated request path is the session
row and one membership query.

The two backends are Django's ``ModelBackend`` and allauth's ``AuthenticationBackend`` with only ``get_user``
changed: password checks, allauth's email login and its timing mitigation are theirs. Sessions store the path of the
backend that signed them in, so sessions created before these classes existed name the originals;
``upgrade_session_backend`` rewrites those paths on the session's next request, so an upgrade signs nobody out.
"""

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import BACKEND_SESSION_KEY, backends

from accounts.models import Membership, User

# Session backend paths written before issue 17 -> the class that replaces each.
LEGACY_BACKENDS = {
    "django.contrib.auth.backends.ModelBackend": "accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend",
}


def user_with_memberships(user_id) -> User | None:
    """The user of ``user_id`` with ``loaded_memberships`` set (oldest first), in one query when they have an
    active membership; a user without one (a new sign-up, an operator's superuser) costs a second, plain query."""
    memberships = list(
        Membership.objects.active()
        .filter(user_id=user_id)
        .select_related("user", "organization")
        .with_verified_flag()
        .order_by("created_at", "pk")
    )
    if memberships:
        user = memberships[0].user
        for membership in memberships:
            membership.user = user  # one user object, whichever membership acts
    else:
        user = User._default_manager.filter(pk=user_id).first()
        if user is None:
            return None
    user.loaded_memberships = memberships
    return user


class _LoadsMemberships:
    def get_user(self, user_id):
        user = user_with_memberships(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_LoadsMemberships, backends.ModelBackend):
    """Django's password backend; ``get_user`` loads the memberships with the user (issue 17)."""


class AuthenticationBackend(_LoadsMemberships, allauth_backends.AuthenticationBackend):
    """allauth's email-and-password backend; ``get_user`` loads the memberships with the user (issue 17)."""


def upgrade_session_backend(session) -> None:
    """Point a session signed in through an original backend at its replacement, so it stays signed in."""
    path = session.get(BACKEND_SESSION_KEY)
    if path in LEGACY_BACKENDS:
        session[BACKEND_SESSION_KEY] = LEGACY_BACKENDS[path]
