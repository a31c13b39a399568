"""API authentication: DRF's token scheme (`Authorization: Token <token>`), reading the token, its user and the
user's profile in one query, with tokens that expire and are stored only as digests.

An API request needs all three — the user to authenticate, the profile for the actor's role, department and
service point — so the profile comes with the token and is remembered for the request (`roles.remember_profile`)
instead of being read by a second query.

The token sent is looked up by its SHA-256 digest (models.ApiToken; docs/security.md, finding 6): the database
never holds a token that could be used as it is.

A token is good for `YIJIANSHI_TOKEN_SECONDS` (settings: 12 hours unless set) from when it was issued, as a browser
session is for `YIJIANSHI_SESSION_SECONDS`: a token copied from a shared counter PC or a leaked log stops
working by itself. Signing in again (`POST /api/auth/token/`) issues a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken, token_digest
from .roles import remember_profile


def token_expired(token: ApiToken) -> bool:
    seconds = float(settings.YIJIANSHI_TOKEN_SECONDS)
    # real time, as for sessions and as `created` was stamped: not the platform's clock (which tests and demos set)
    return token.created + timedelta(seconds=seconds) <= timezone.now()


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's: an unknown key, an expired token or an inactive user is refused."""

    model = ApiToken  # DRF's default would import rest_framework.authtoken, which is not installed

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        try:
            token = ApiToken.objects.select_related("user__profile").get(digest=token_digest(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("The token has expired."), code="token_expired")
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        try:
            profile = user.profile
        except ObjectDoesNotExist:  # an account without a profile (an administrator, say)
            profile = None
        remember_profile(user.pk, profile)
        return user, token
