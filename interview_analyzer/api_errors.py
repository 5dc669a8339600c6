"""Every API error is a JSON body with a ``detail``; unauthenticated callers get 401, never 403.

Services raise Django's exceptions (they know nothing of DRF): a ``ValidationError`` becomes a 400 naming the fields
it names, ``PermissionDenied`` a 403 (with the ``code`` of a ``Refused``), a ``Conflict`` a 409 and ``Http404`` a
404, for every API view alike.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from interview_analyzer.errors import Conflict, Refused


def validation_detail(error: DjangoValidationError):
    """A service's ``ValidationError`` in the shape DRF answers with: per field when it names fields."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return error.messages


def exception_handler(exc, context):
    if isinstance(exc, Refused):
        # 403 with a code a client can act on, e.g. "consent_required": show it, do not retry.
        return Response({"detail": str(exc.args[0]) if exc.args else "", "code": exc.code}, status=403)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.args[0]) if exc.args else "", "code": exc.code}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response
