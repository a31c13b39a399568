"""The staff's second factor: a time-based code (TOTP, django-otp) after the password.

Who: every staff account — a clerk, an officer, an administrator, an auditor, and any Django staff or superuser
account — while `settings.YIJIANSHI_STAFF_OTP` is on (the default; roles.needs_second_factor). Applicants sign
in through the identity service or with a password and are not asked.

How:
- after the password, a staff member with a confirmed TOTP device is asked for a code (/accounts/otp/verify/);
  one without a device enrols first (/accounts/otp/setup/: a QR code of the secret for an authenticator app, then
  a code from the app to prove it works). Enrolling at the first password sign-in is trust on first use: an
  administrator who creates a staff account tells its holder to sign in at once, and resets a lost device by
  deleting it in the admin site (django-otp's TOTP devices).
- a session that passed is verified (django-otp's OTPMiddleware: `request.user.is_verified()`); its key changes at
  that moment.
- every staff entry point asks for it: the workbench (`second_factor_required` on its views), the admin site
  (`StaffAdminSite`) and the actor itself (roles.actor_of gives an unverified staff session no role, so the API
  refuses that session too). An API token is issued to staff only with a code (accounts/api.py).
- codes are throttled per device (django-otp: exponential back-off after each failure) and each is good once.

The demo's staff accounts get a device named `demo` (accounts/demo.py); `yijianshi otp-code <username>` prints
its current code, for those devices only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from yijianshi.core.errors import DomainError

from .roles import second_factor_missing
from .services import TooManyAttempts

DEMO_DEVICE = "demo"  # the name of the devices `yijianshi demo` gives its staff accounts


def totp_device_of(user: AbstractBaseUser | AnonymousUser) -> TOTPDevice | None:
    """The user's confirmed TOTP device (the newest, should there be several)."""
    if not user.is_authenticated:
        return None
    device: TOTPDevice | None = (
        TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()
    )
    return device


def second_factor_url(request: HttpRequest, next_url: str) -> str:
    """Where a staff member goes for the second factor: the code, or enrolment first without a device."""
    name = "otp-verify" if totp_device_of(request.user) is not None else "otp-setup"
    return reverse(name) + ("?" + urlencode({"next": next_url}) if next_url else "")


def second_factor_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A staff page: a staff session that has not passed the second factor goes to it first (and comes back)."""

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if second_factor_missing(request.user):
            return HttpResponseRedirect(second_factor_url(request, request.get_full_path()))
        return view(request, *args, **kwargs)

    return inner


def _code(value: str) -> str:
    code = "".join((value or "").split())
    if not code:
        raise DomainError(
            "required", "请输入动态验证码", "Enter the code from your authenticator app", field="otp_token"
        )
    if not code.isdigit() or len(code) not in (6, 8):
        raise DomainError("otp_invalid", "动态验证码应为 6 位数字", "The code is 6 digits", field="otp_token")
    return code


def _throttled(device: TOTPDevice) -> None:
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise TooManyAttempts(
            "otp_throttled",
            "验证码错误次数过多，请稍候再试",
            "Too many wrong codes; wait a moment and try again",
            field="otp_token",
        )


def totp_code_check(*, user: User, code: str) -> TOTPDevice:
    """The user's device, if `code` is its current code (each code is good once); else a DomainError (400), or
    TooManyAttempts (429) while the device is throttled after wrong codes."""
    device = totp_device_of(user)
    if device is None:
        raise DomainError(
            "second_factor_not_enrolled",
            "尚未设置动态验证码，请先在网页登录并完成设置",
            "No authenticator is set up yet: sign in on the web and set one up first",
            field="otp_token",
        )
    token = _code(code)
    _throttled(device)
    verified = django_otp.verify_token(user, device.persistent_id, token)
    if verified is None:
        raise DomainError(
            "otp_invalid",
            "动态验证码不正确或已使用",
            "The code is wrong or was already used",
            field="otp_token",
        )
    return verified


def second_factor_verify(request: HttpRequest, *, code: str) -> None:
    """The signed-in staff member's code: on success the session is verified (and its key changed)."""
    user = request.user
    assert isinstance(user, User)
    device = totp_code_check(user=user, code=code)
    django_otp.login(request, device)
    request.session.cycle_key()


@transaction.atomic
def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The device being set up (unconfirmed, made once); refused when the user already has a confirmed one: a
    password alone never adds a second device."""
    if totp_device_of(user) is not None:
        raise DomainError(
            "second_factor_enrolled",
            "已设置动态验证码；如需更换，请联系管理员",
            "An authenticator is already set up; ask an administrator to reset it",
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=False)
    return device


def totp_enrolment_confirm(request: HttpRequest, *, code: str) -> None:
    """The first code from the new device confirms it and verifies the session."""
    user = request.user
    assert isinstance(user, User)
    device = totp_enrolment_device(user=user)
    token = _code(code)
    _throttled(device)
    if not device.verify_token(token):  # a failure is counted (the throttle) and kept
        raise DomainError(
            "otp_invalid",
            "动态验证码不正确，请核对手机时间后重试",
            "The code is wrong; check the phone's clock and try again",
            field="otp_token",
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    request.session.cycle_key()
