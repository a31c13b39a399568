"""Sign-in and sign-out pages. Thin: the rate limit is a service (services.py), the landing page follows the
role (an applicant to their applications, staff to their workbench)."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from yijianshi.core.errors import DomainError

from .models import PartyType, Profile, Role
from .roles import actor_of
from .services import TooManyAttempts, client_ip, signin_attempt_check, signin_attempt_record

LANDING = {Role.APPLICANT: "/me/", Role.CLERK: "/workbench/window/", Role.OFFICER: "/workbench/department/",
           Role.ADMIN: "/workbench/admin/", Role.AUDITOR: "/workbench/admin/"}


def landing_for(request: HttpRequest) -> str:
    return LANDING.get(actor_of(request.user).role or "", "/")  # type: ignore[call-overload]


def _safe_next(request: HttpRequest, value: str) -> str | None:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return value
    return None


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    values = {"username": "", "acting_as": "", "next": request.GET.get("next", "")}
    errors: dict[str, DomainError] = {}
    status = 200
    if request.method == "POST":
        values = {"username": request.POST.get("username", "").strip()[:150],
                  "acting_as": request.POST.get("acting_as", ""), "next": request.POST.get("next", "")}
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
                raise DomainError("invalid_credentials", "用户名或密码不正确", "Wrong username or password",
                                  field="password")
            profile = Profile.objects.filter(user=user).first()
            if values["acting_as"] == PartyType.ENTERPRISE and (
                    profile is None or profile.party_type != PartyType.ENTERPRISE):
                raise DomainError("not_a_representative", "该账户未登记为企业经办人，请以个人身份登录",
                                  "This account does not represent an enterprise; sign in as a person",
                                  field="acting_as")
            if values["acting_as"] == PartyType.PERSON and profile is not None \
                    and profile.party_type == PartyType.ENTERPRISE:
                raise DomainError("enterprise_account", "该账户是企业经办人账户，请选择“企业经办人”",
                                  "This is an enterprise representative's account; choose 'enterprise'",
                                  field="acting_as")
            carried = dict(request.session.get("display", {}))
            login(request, user)
            if profile is not None and any(carried.values()):  # a visitor's display choices follow them in
                for flag in ("large_type", "high_contrast"):
                    setattr(profile, flag, bool(carried.get(flag)) or getattr(profile, flag))
                profile.save(update_fields=["large_type", "high_contrast"])
            return HttpResponseRedirect(_safe_next(request, values["next"]) or landing_for(request))
        except TooManyAttempts as exc:
            errors[exc.detail.field or "username"] = exc
            status = 429
        except DomainError as exc:
            errors[exc.detail.field or "username"] = exc
            status = 400
    return render(request, "accounts/login.html", {
        "values": values, "errors": {k: v.detail for k, v in errors.items()}}, status=status)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect("/")
