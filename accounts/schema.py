"""OpenAPI descriptions of the API's two bearer credentials, for drf-spectacular (SEC-SCHEMA: dev and tests only)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_key_auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An organization API key, `ia_live_…`, with scopes read, write or ats (KEY-*).",
        }


class AccessTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.token_auth.AccessTokenAuthentication"
    name = "accessToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "A 30-minute access token from POST /api/v1/auth/token (ID-2).",
        }
