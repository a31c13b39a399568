"""Sign-in and sign-out pages. Thin: the rate limit is a service (services.py), the landing page follows the
role (an applicant to their applications, staff to their workbench).

- /accounts/login/: the password form; with real-name sign-in configured (accounts/oidc.py) also the way to the
  province's identity service, as a person or for an enterprise.
- /accounts/oidc/start/ and /accounts/oidc/callback/: real-name sign-in; a refusal is a bilingual page (400, 403;
  503 when the service cannot be reached).
- /accounts/otp/verify/ and /accounts/otp/setup/: the staff's second factor after the password (accounts/otp.py).
- /accounts/enterprise/staff/: an enterprise's legal representative names and removes its staff members (经办人)."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask

from . import oidc
from .models import AssuranceLevel, EnterpriseRole, EnterpriseStaff, PartyType, Profile, Role
from .otp import (
    DEMO_DEVICE,
    second_factor_url,
    second_factor_verify,
    totp_device_of,
    totp_enrolment_confirm,
    totp_enrolment_device,
)
from .roles import actor_of, needs_second_factor, second_factor_missing
from .services import (
    NotPermitted,
    TooManyAttempts,
    client_ip,
    enterprise_staff_name,
    enterprise_staff_remove,
    signin_attempt_check,
    signin_attempt_record,
)

ASSURANCE_SESSION_KEY = "assurance"  # the level of this session's sign-in (AssuranceLevel)

LANDING = {
    Role.APPLICANT: "/me/",
    Role.CLERK: "/workbench/window/",
    Role.OFFICER: "/workbench/department/",
    Role.ADMIN: "/workbench/admin/",
    Role.AUDITOR: "/workbench/admin/",
}


def landing_for(request: HttpRequest) -> str:
    return LANDING.get(actor_of(request.user).role or "", "/")  # type: ignore[call-overload]


def _safe_next(request: HttpRequest, value: str) -> str | None:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return None


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    values = {"username": "", "acting_as": "", "next": request.GET.get("next", "")}
    errors: dict[str, DomainError] = {}
    status = 200
    if request.method == "POST":
        values = {
            "username": request.POST.get("username", "").strip()[:150],
            "acting_as": request.POST.get("acting_as", ""),
            "next": request.POST.get("next", ""),
        }
        password = request.POST.get("password", "")
        ip = client_ip(request)
        try:
            if not values["username"]:
                raise DomainError("required", "请输入用户名", "Enter your username", field="username")
            if not password:
                raise DomainError("required", "请输入密码", "Enter your password", field="password")
            signin_attempt_check(username=values["username"], ip=ip)
            user = authenticate(request, username=values["username"], password=password)
            signin_attempt_record(username=values["username"], ip=ip, succeeded=user is not None)
            if user is None:
                raise DomainError(
                    "invalid_credentials",
                    "用户名或密码不正确",
                    "Wrong username or password",
                    field="password",
                )
            profile = Profile.objects.filter(user=user).first()
            if values["acting_as"] == PartyType.ENTERPRISE and (
                profile is None or profile.party_type != PartyType.ENTERPRISE
            ):
                raise DomainError(
                    "not_a_representative",
                    "该账户未登记为企业经办人，请以个人身份登录",
                    "This account does not represent an enterprise; sign in as a person",
                    field="acting_as",
                )
            if (
                values["acting_as"] == PartyType.PERSON
                and profile is not None
                and profile.party_type == PartyType.ENTERPRISE
            ):
                raise DomainError(
                    "enterprise_account",
                    "该账户是企业经办人账户，请选择“企业经办人”",
                    "This is an enterprise representative's account; choose 'enterprise'",
                    field="acting_as",
                )
            _login(request, user, profile, assurance=AssuranceLevel.PASSWORD)
            next_url = _safe_next(request, values["next"]) or ""
            if needs_second_factor(user):  # staff: the code before anything else
                return HttpResponseRedirect(second_factor_url(request, next_url))
            return HttpResponseRedirect(next_url or landing_for(request))
        except TooManyAttempts as exc:
            errors[exc.detail.field or "username"] = exc
            status = 429
        except DomainError as exc:
            errors[exc.detail.field or "username"] = exc
            status = 400
    return render(
        request,
        "accounts/login.html",
        {"values": values, "errors": {k: v.detail for k, v in errors.items()}, "realname": oidc.enabled()},
        status=status,
    )


def _login(request: HttpRequest, user: User, profile: Profile | None, *, assurance: str) -> None:
    carried = dict(request.session.get("display", {}))
    login(request, user)
    request.session[ASSURANCE_SESSION_KEY] = assurance
    if profile is not None and any(carried.values()):  # a visitor's display choices follow them in
        for flag in ("large_type", "high_contrast"):
            setattr(profile, flag, bool(carried.get(flag)) or getattr(profile, flag))
        profile.save(update_fields=["large_type", "high_contrast"])


def _refused(request: HttpRequest, exc: DomainError, *, sign_in: bool = True) -> HttpResponse:
    return render(
        request, "accounts/refused.html", {"error": exc.detail, "sign_in": sign_in}, status=exc.status
    )


# ------------------------------------------------------------------------------------------------ real-name sign-in


@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    """To the identity service: ?acting_as=person|enterprise, ?next= (a path of this site)."""
    if not oidc.enabled():
        raise Http404("real-name sign-in is not configured")
    acting_as = (
        PartyType.ENTERPRISE if request.GET.get("acting_as") == PartyType.ENTERPRISE else PartyType.PERSON
    )
    try:
        return oidc.signin_redirect(
            request, acting_as=acting_as, next_url=_safe_next(request, request.GET.get("next", "")) or ""
        )
    except DomainError as exc:
        return _refused(request, exc)


@require_GET
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity service: the claims checked, the account found or made, signed in."""
    if not oidc.enabled():
        raise Http404("real-name sign-in is not configured")
    try:
        done = oidc.signin_complete(request)
        user = authenticate(request, realname_claims=done.claims)
        if user is None:  # no backend took the claims: a settings mistake, said plainly rather than a 500
            raise DomainError(
                "realname_backend_missing", "实名登录未启用", "Real-name sign-in is not enabled"
            )
    except DomainError as exc:
        return _refused(request, exc)
    _login(request, user, Profile.objects.filter(user=user).first(), assurance=done.claims.assurance)
    return HttpResponseRedirect(_safe_next(request, done.next) or landing_for(request))


# ------------------------------------------------------------------------------------------------ second factor


def _after_second_factor(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(
        _safe_next(request, request.POST.get("next") or request.GET.get("next", "")) or landing_for(request)
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The code from the staff member's authenticator app, after the password."""
    if not second_factor_missing(request.user):
        return _after_second_factor(request)
    device = totp_device_of(request.user)
    if device is None:
        return HttpResponseRedirect(second_factor_url(request, request.GET.get("next", "")))
    error, status = None, 200
    if request.method == "POST":
        try:
            second_factor_verify(request, code=request.POST.get("otp_token", ""))
            return _after_second_factor(request)
        except DomainError as exc:
            error, status = exc.detail, exc.status
    return render(
        request,
        "accounts/otp_verify.html",
        {
            "error": error,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "demo": device.name == DEMO_DEVICE,
            "username": request.user.get_username(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: the secret as a QR code for an authenticator app, then its first code."""
    if not second_factor_missing(request.user):
        return _after_second_factor(request)
    if totp_device_of(request.user) is not None:
        return HttpResponseRedirect(second_factor_url(request, request.GET.get("next", "")))
    user = request.user
    assert isinstance(user, User)
    error, status = None, 200
    if request.method == "POST":
        try:
            totp_enrolment_confirm(request, code=request.POST.get("otp_token", ""))
            return _after_second_factor(request)
        except DomainError as exc:
            error, status = exc.detail, exc.status
    device = totp_enrolment_device(user=user)
    secret = _base32(device.bin_key)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "error": error,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP"),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=status,
    )


def _base32(key: bytes) -> str:
    return b32encode(key).decode().rstrip("=")


# ------------------------------------------------------------------------------------------------ enterprise staff


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_staff(request: HttpRequest) -> HttpResponse:
    """The legal representative's list of the enterprise's staff members (经办人): name one, remove one."""
    user = request.user
    assert isinstance(user, User)
    profile = Profile.objects.filter(user=user).first()
    if profile is None or profile.enterprise_role != EnterpriseRole.LEGAL_REPRESENTATIVE:
        return _refused(
            request,
            NotPermitted(
                "not_legal_representative",
                "只有企业的法定代表人可以管理经办人",
                "Only the enterprise's legal representative manages its staff members",
            ),
            sign_in=False,
        )
    errors: dict[str, Any] = {}
    values = {"id_number": "", "name": ""}
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "remove":
                try:
                    staff_id = int(request.POST.get("staff", ""))
                except ValueError:
                    staff_id = 0
                enterprise_staff_remove(actor=actor_of(user), staff_id=staff_id)
            else:
                values = {
                    "id_number": request.POST.get("id_number", "").strip()[:30],
                    "name": request.POST.get("name", "").strip()[:60],
                }
                enterprise_staff_name(
                    actor=actor_of(user), id_number=values["id_number"], name=values["name"]
                )
            return HttpResponseRedirect(request.path)
        except DomainError as exc:
            errors[exc.detail.field or "form"] = exc.detail
            status = exc.status
    staff = [
        {"pk": s.pk, "name": s.name, "id_number": mask(s.id_number), "named_at": s.named_at}
        for s in EnterpriseStaff.objects.filter(
            enterprise_uscc=profile.enterprise_uscc, active=True
        ).order_by("named_at")
    ]
    return render(
        request,
        "accounts/enterprise_staff.html",
        {"profile": profile, "staff": staff, "errors": errors, "values": values},
        status=status,
    )


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")
