"""Every API error is a JSON body with a ``detail``; unauthenticated callers get 401, never 403."""

from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if isinstance(response.data, list):
        response.data = {"detail": response.data}
    return response
