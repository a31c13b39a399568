"""API authentication: DRF's token scheme, reading the token, its user and the user's profile in one query.

An API request needs all three — the user to authenticate, the profile for the actor's role, department and
service point — so the profile comes with the token and is remembered for the request (`roles.remember_profile`)
instead of being read by a second query."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .roles import remember_profile


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's: an unknown key or an inactive user is refused (401)."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        try:
            token = Token.objects.select_related("user__profile").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        try:
            profile = user.profile
        except ObjectDoesNotExist:  # an account without a profile (an administrator, say)
            profile = None
        remember_profile(user.pk, profile)
        return user, token
