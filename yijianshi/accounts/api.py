"""POST /api/auth/token/: DRF's token endpoint behind the same sign-in rate limit as the sign-in page."""

from __future__ import annotations

from typing import Any

from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

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
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
