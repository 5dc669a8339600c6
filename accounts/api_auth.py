"""The token API (ID-2): ``POST /api/v1/auth/token``, ``/auth/refresh`` and ``/auth/logout``.

Public endpoints (the credential is in the body), so no authentication, permission or DRF throttle applies; the
token endpoint has its own per-IP and per-account limit (SEC-RL). The views validate and shape; ``accounts.tokens``
decides.
"""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import mfa, rate_limits, tokens
from interview_analyzer.client_ip import client_ip

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare (SEC-VAL)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class TokenRequestSerializer(StrictSerializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, write_only=True)
    otp = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=(
            "For an account with two-factor authentication (MFA-1): the current code from the authenticator app, "
            "or an unused recovery code (spent by this request). Without it such an account gets 401 with code "
            "`mfa_required`, a wrong code 401 `mfa_invalid`; a member who must set up two-factor authentication "
            "first gets 403 `mfa_enrolment_required`."
        ),
    )


class RefreshTokenSerializer(StrictSerializer):
    refresh_token = serializers.CharField(max_length=200, trim_whitespace=False, write_only=True)


class TokenPairSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField(default="Bearer")
    expires_in = serializers.IntegerField(help_text="Seconds until the access token expires.")
    refresh_token = serializers.CharField()


class PublicTokenView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


def _pair_response(pair: tokens.TokenPair) -> Response:
    body = {
        "access_token": pair.access_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "refresh_token": pair.refresh_token,
    }
    return Response(body, headers=NO_STORE)


def _user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


class TokenView(PublicTokenView):
    """Exchange an email and password for an access token and a refresh token (ID-2, ID-7)."""

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenPairSerializer}, auth=[])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email, password = serializer.validated_data["email"], serializer.validated_data["password"]
        wait = rate_limits.check(request, "token", email)  # before the password is looked at (SEC-RL)
        if wait is not None:
            raise Throttled(wait=wait)
        try:
            membership = tokens.membership_for_credentials(email=email, password=password)
        except tokens.TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        try:  # the password was right: a second factor where the account has one (MFA-1)
            mfa.check_token_second_factor(
                membership=membership, otp=serializer.validated_data.get("otp"), ip=client_ip(request)
            )
        except mfa.SecondFactorRefused as refused:
            if refused.status == status.HTTP_403_FORBIDDEN:
                raise mfa.EnrolmentRequired(str(refused)) from None
            raise AuthenticationFailed({"detail": str(refused), "code": refused.code}) from None
        pair = tokens.issue_tokens(
            user=membership.user,
            membership=membership,
            request_ip=client_ip(request),
            user_agent=_user_agent(request),
        )
        return _pair_response(pair)


class RefreshView(PublicTokenView):
    """Rotate a refresh token into a new pair; reuse of a rotated token revokes the session family (ID-2)."""

    @extend_schema(request=RefreshTokenSerializer, responses={200: TokenPairSerializer}, auth=[])
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pair = tokens.rotate(
                raw_refresh_token=serializer.validated_data["refresh_token"],
                request_ip=client_ip(request),
                user_agent=_user_agent(request),
            )
        except tokens.TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        return _pair_response(pair)


class LogoutView(PublicTokenView):
    """Revoke the refresh token's whole session family at once; 204 whether or not the token was known (ID-2)."""

    @extend_schema(
        request=RefreshTokenSerializer, responses={204: OpenApiResponse(description="Session revoked.")}, auth=[]
    )
    def post(self, request):
        serializer = RefreshTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens.revoke_session(raw_refresh_token=serializer.validated_data["refresh_token"])
        return Response(status=status.HTTP_204_NO_CONTENT)
