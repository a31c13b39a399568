"""POST /api/auth/token/: a username and password for an API token, behind the same sign-in rate limit as the
sign-in page. The token is in this answer only (the platform keeps its digest: services.api_token_issue) and
expires (accounts/authentication.py); signing in again gives a new one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .services import api_token_issue, client_ip, signin_attempt_check, signin_attempt_record


class TokenObtainApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []  # the sign-in rate limit (services.signin_attempt_check) instead

    @extend_schema(request=AuthTokenSerializer, responses=inline_serializer(
        "TokenOut", {"token": serializers.CharField(help_text="shown once: keep it; it expires")}))
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = str(request.data.get("username") or "")[:150]
        ip = client_ip(request._request)
        signin_attempt_check(username=username, ip=ip)
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        signin_attempt_record(username=username, ip=ip, succeeded=valid)
        if not valid:
            raise ValidationError(serializer.errors)
        return Response({"token": api_token_issue(user=serializer.validated_data["user"])})
