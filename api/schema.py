"""How the OpenAPI schema describes the personal API tokens (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "hpregister.apitokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (hpr_…), made on the account page. It expires, can be revoked "
            "and may be read-only.",
        }
