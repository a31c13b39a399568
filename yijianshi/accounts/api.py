"""POST /api/auth/token/: DRF's token endpoint behind the same sign-in rate limit as the sign-in page; the token
it gives expires (accounts/authentication.py) and signing in after that gives a new one."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .authentication import token_expired
from .services import client_ip, signin_attempt_check, signin_attempt_record


class TokenObtainApi(ObtainAuthToken):
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        username = str(request.data.get("username") or "")[:150]
        ip = client_ip(request._request)
        signin_attempt_check(username=username, ip=ip)
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        signin_attempt_record(username=username, ip=ip, succeeded=valid)
        if not valid:
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        if token_expired(token):  # a new one (a new key) in its place
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key})
