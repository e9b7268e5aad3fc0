"""OpenAPI description of our authentication classes (found by drf-spectacular on import)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.BearerAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`bsk_…`, from POST /api/v1/auth/tokens) or, when OIDC is configured, "
            "an OIDC JWT from the identity provider.",
        }
