"""The authentication backend of real-name sign-in: `authenticate(request, realname_claims=…)` with the claims
accounts/oidc.py read from a verified ID token gives the account of that identity (accounts/services.py). It
answers nothing to a username and password (Django's ModelBackend does) and nothing without claims; a refusal
(an enterprise staff member not named, say) is raised as `SignInRefused` for the page to explain."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import User
from django.http import HttpRequest

from .realname import RealNameClaims
from .services import realname_signin_record


class RealNameBackend(BaseBackend):
    def authenticate(
        self, request: HttpRequest | None, realname_claims: RealNameClaims | None = None, **kwargs: Any
    ) -> User | None:
        if not isinstance(realname_claims, RealNameClaims):
            return None
        return realname_signin_record(claims=realname_claims)

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None  # a switched-off account's sessions end
