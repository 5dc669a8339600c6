"""The acting member of a request (ORG-1): the one path by which pages and the admin learn who acts."""

from django.utils import translation

from accounts.models import Membership

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization"


class ActingMemberMiddleware:
    """Sets ``request.member``: the membership the signed-in user acts through (ORG-1), or ``None``.

    API requests authenticated by token or API key replace it with the credential's membership.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = None
        if request.user.is_authenticated:
            request.member = Membership.objects.acting_for(
                request.user, request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
            )
        return self.get_response(request)


class UserLanguageMiddleware:
    """The signed-in user's own language (issue 14): after sign-in every page follows ``User.language`` when it is
    set, whatever the browser asks for; a blank choice leaves LocaleMiddleware's pick (Accept-Language) in place.
    Sits after AuthenticationMiddleware; LocaleMiddleware's response step then sends the matching Content-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
