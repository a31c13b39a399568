"""POST /api/auth/token/: a username and password for an API token, behind the same sign-in rate limit as the
sign-in page. The token is in this answer only (the platform keeps its digest: services.api_token_issue) and
expires (accounts/authentication.py); signing in again gives a new one.

A staff account (accounts/otp.py) also gives the current code of its authenticator (`otp_token`) while the second
factor is required: a token is as good as a verified session, so it is never issued on a password alone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.core.errors import DomainError

from .otp import totp_code_check
from .roles import needs_second_factor
from .services import TooManyAttempts, api_token_issue, client_ip, signin_attempt_check, signin_attempt_record

TOKEN_IN = inline_serializer(
    "TokenIn",
    {
        "username": serializers.CharField(),
        "password": serializers.CharField(),
        "otp_token": serializers.CharField(
            required=False, help_text="staff: the current code of their authenticator"
        ),
    },
)


class TokenObtainApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []  # the sign-in rate limit (services.signin_attempt_check) instead

    @extend_schema(
        request=TOKEN_IN,
        responses=inline_serializer(
            "TokenOut", {"token": serializers.CharField(help_text="shown once: keep it; it expires")}
        ),
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = str(request.data.get("username") or "")[:150]
        ip = client_ip(request._request)
        signin_attempt_check(username=username, ip=ip)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        second_factor: DomainError | None = None
        if valid:
            user: User = serializer.validated_data["user"]
            if needs_second_factor(user):
                try:
                    # digits only, checked by totp_code_check
                    totp_code_check(user=user, code=str(request.data.get("otp_token") or "")[:16])
                except TooManyAttempts:
                    raise
                except DomainError as exc:
                    second_factor = exc
        signin_attempt_record(username=username, ip=ip, succeeded=valid and second_factor is None)
        if not valid:
            raise ValidationError(serializer.errors)
        if second_factor is not None:
            raise second_factor
        return Response({"token": api_token_issue(user=user)})
