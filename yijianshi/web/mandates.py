"""我的授权 (/me/mandates/): the mandates I gave (confirm or refuse a request, revoke one after a confirmation
step) and those I hold as agent; a form to grant one and a form to ask someone for one. The pages call the
services and selectors of yijianshi/mandates, like the API; every rule is theirs."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.selectors import published_versions
from yijianshi.core.errors import DomainError, ErrorDetail
from yijianshi.mandates import services
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.permissions import party_of, visible_mandates
from yijianshi.mandates.selectors import mandate_history, mandates_of_agent, mandates_of_principal
from yijianshi.mandates.transitions import (
    Ability,
    AgentKind,
    MandateEventType,
    MandateStatus,
    Scope,
    label,
)

from .apply import errors_by_field
from .me import applicant_required
from .prefs import profile_of

PERSON_AGENTS = (AgentKind.PERSON, AgentKind.ENTERPRISE_STAFF, AgentKind.VILLAGE_ASSISTANT)
DONE_KEY = "mandate_done"  # what the last POST did, shown once on the list (kept in the session, not the URL)
DONE = {
    "granted": ("已授权", "Mandate granted"),
    "requested": ("已发出授权申请，待对方确认", "Request sent; it awaits their confirmation"),
    "confirm": ("已确认授权", "Mandate confirmed"),
    "refuse": ("已拒绝授权申请", "Request refused"),
    "revoke": ("已撤销授权，代理人不能再代您办理", "Mandate revoked; the agent can no longer act for you"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - applicant_required
    return user


def _date(value: str, field: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(
            "invalid_date", "日期格式应为 YYYY-MM-DD", "A date is written YYYY-MM-DD", field=field
        ) from None


def _terms(post: Any) -> dict[str, Any]:
    return {
        "scope": post.get("scope", ""),
        "bundle_codes": post.getlist("bundles"),
        "item_refs": [r for r in (post.get("items") or "").replace(",", " ").split() if r],
        "abilities": post.getlist("abilities"),
        "valid_from": _date(post.get("valid_from", ""), "valid_from"),
        "valid_to": _date(post.get("valid_to", ""), "valid_to"),
    }


def _row(mandate: Mandate) -> dict[str, Any]:
    return {
        "m": mandate,
        "status": label(MandateStatus(mandate.status)),
        "scope": label(Scope(mandate.scope)),
        "abilities": [label(Ability(a)) for a in mandate.abilities],
        "agent_kind": label(AgentKind(mandate.agent_kind)),
    }


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    party = party_of(profile_of(request))
    given = mandates_of_principal(party_type=party[0], party_id=party[1]) if party else Mandate.objects.none()
    return {
        "given": [_row(m) for m in given],
        "held": [_row(m) for m in mandates_of_agent(user=_user(request))],
        "bundles": [(v.bundle.code, v.bundle.name) for v in published_versions().select_related("bundle")],
        "abilities": [(a.value, *label(a)) for a in Ability],
        "scopes": [(s.value, *label(s)) for s in Scope],
        "agent_kinds": [(k.value, *label(k)) for k in PERSON_AGENTS],
        "errors": {"grant": {}, "request": {}, "": None},
        "values": {"grant": {}, "request": {}},
        **extra,
    }


def _values(post: Any) -> dict[str, Any]:
    return {
        **{k: post.get(k, "") for k in post},
        "bundles": post.getlist("bundles"),
        "abilities": post.getlist("abilities"),
    }


def _failed(request: HttpRequest, form: str, exc: DomainError) -> HttpResponse:
    ctx = _context(request)
    ctx["errors"][form] = errors_by_field(exc)
    ctx["values"][form] = _values(request.POST)
    return render(request, "web/me_mandates.html", ctx, status=exc.status)


@require_GET
@applicant_required
def my_mandates(request: HttpRequest) -> HttpResponse:
    done = request.session.pop(DONE_KEY, None)
    return render(
        request,
        "web/me_mandates.html",
        _context(request, done=DONE.get(done[0]) if done else None, done_number=done[1] if done else ""),
    )


@require_POST
@applicant_required
def grant(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        mandate = services.mandate_grant(
            actor=actor_of(request.user),
            agent_kind=post.get("agent_kind", AgentKind.PERSON),
            agent_id_number=post.get("agent_id_number", ""),
            agent_name=post.get("agent_name", ""),
            **_terms(post),
        )
    except DomainError as exc:
        return _failed(request, "grant", exc)
    return _done(request, "granted", mandate)


@require_POST
@applicant_required
def ask(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        mandate = services.mandate_request(
            actor=actor_of(request.user),
            principal_type=post.get("principal_type", "person"),
            principal_id_number=post.get("principal_id_number", ""),
            principal_uscc=post.get("principal_uscc", ""),
            principal_name=post.get("principal_name", ""),
            agent_kind=post.get("agent_kind", AgentKind.PERSON),
            **_terms(post),
        )
    except DomainError as exc:
        return _failed(request, "request", exc)
    return _done(request, "requested", mandate)


def _done(request: HttpRequest, what: str, mandate: Mandate) -> HttpResponse:
    request.session[DONE_KEY] = [what, mandate.number]
    return HttpResponseRedirect("/me/mandates/")


def _visible(request: HttpRequest, number: str) -> Mandate:
    mandate = visible_mandates(actor_of(request.user)).filter(number=number).first()
    if mandate is None:
        raise Http404("no such mandate of yours")
    return mandate


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version") or "") or None
    except ValueError:
        return None


def _decide(request: HttpRequest, number: str, action: str) -> HttpResponse:
    mandate = _visible(request, number)
    try:
        if action == "confirm":
            services.mandate_confirm(
                mandate=mandate, actor=actor_of(request.user), expected_version=_version(request)
            )
        elif action == "refuse":
            services.mandate_refuse(
                mandate=mandate,
                actor=actor_of(request.user),
                reason=request.POST.get("reason", ""),
                expected_version=_version(request),
            )
        else:
            services.mandate_revoke(
                mandate=mandate,
                actor=actor_of(request.user),
                reason=request.POST.get("reason", ""),
                expected_version=_version(request),
            )
    except DomainError as exc:
        ctx = _context(request)
        ctx["errors"][""] = ErrorDetail(code=exc.code, zh=exc.detail.zh, en=exc.detail.en)
        return render(request, "web/me_mandates.html", ctx, status=exc.status)
    return _done(request, action, mandate)


@require_POST
@applicant_required
def confirm(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(request, number, "confirm")


@require_POST
@applicant_required
def refuse(request: HttpRequest, number: str) -> HttpResponse:
    return _decide(request, number, "refuse")


@require_http_methods(["GET", "POST"])
@applicant_required
def revoke(request: HttpRequest, number: str) -> HttpResponse:
    """GET: the confirmation step (what stops, from when); POST: revoke."""
    if request.method == "POST":
        return _decide(request, number, "revoke")
    mandate = _visible(request, number)
    return render(
        request,
        "web/me_mandate_revoke.html",
        {
            "row": _row(mandate),
            "history": [(e, label(MandateEventType(e.type))) for e in mandate_history(mandate)],
        },
    )
