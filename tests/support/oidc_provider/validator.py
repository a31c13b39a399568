"""The claims the test provider sends: each user's own (the config file's `users`), the enterprise ones only when
the `enterprise` scope was granted, and — for a user marked `userinfo_only` — the personal ones only from the
userinfo endpoint, not in the ID token (as some services do)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator

PERSONAL = ("id_number", "name", "acr")
ENTERPRISE = ("enterprise_uscc", "enterprise_name", "enterprise_role")


def _user(username: str) -> dict[str, Any]:
    entry: dict[str, Any] = settings.CONFIG["users"].get(username, {})
    return entry


class ClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "id_number": "profile",
        "acr": "openid",
        **{claim: "enterprise" for claim in ENTERPRISE},
    }

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        entry = _user(request.user.username)
        return {**entry.get("claims", {}), **entry.get("enterprise", {})}

    def get_id_token_dictionary(
        self, token: Any, token_handler: Any, request: Any
    ) -> tuple[dict[str, Any], Any]:
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        if _user(request.user.username).get("userinfo_only"):
            claims = {k: v for k, v in claims.items() if k not in PERSONAL}
        return claims, expiration
