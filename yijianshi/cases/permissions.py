"""Object-level checks (standing rule 4): an applicant sees only their own cases (or those they act for), an
officer only their department's item cases, a clerk only their service point's applications; administrators
act on everything and auditors read everything.

Reads outside a user's scope answer 404 — the same as an object that does not exist — so that no one learns
whether someone else's case exists. Writes by a role that could see the object but may not do this act answer 403.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import Actor, actor_of
from yijianshi.core.errors import DomainError, NotFound

from .models import Application, ItemCase


class Forbidden(DomainError):
    status = 403


def _not_found() -> NotFound:
    return NotFound("not_found", "对象不存在", "Not found")


def visible_applications(actor: Actor) -> QuerySet[Application]:
    qs = Application.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.role == Role.APPLICANT:
        return qs.filter(Q(applicant_id=actor.user_id) | Q(agent_id=actor.user_id))
    if actor.role == Role.CLERK:
        return qs.filter(service_point_id=actor.service_point_id)
    if actor.role == Role.OFFICER:
        return qs.filter(item_cases__department_id=actor.department_id or 0).distinct()
    return qs.none()


def visible_item_cases(actor: Actor) -> QuerySet[ItemCase]:
    qs = ItemCase.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.role == Role.OFFICER:
        return qs.filter(department_id=actor.department_id or 0)
    if actor.role == Role.APPLICANT:
        return qs.filter(Q(application__applicant_id=actor.user_id) | Q(application__agent_id=actor.user_id))
    if actor.role == Role.CLERK:
        return qs.filter(application__service_point_id=actor.service_point_id)
    return qs.none()


def _forbid(zh: str, en: str) -> Forbidden:
    return Forbidden("forbidden", zh, en)


def require_intake(user: User, app: Application) -> None:
    actor = actor_of(user)
    if actor.role == Role.ADMIN:
        return
    if actor.role == Role.CLERK and app.service_point_id == actor.service_point_id:
        return
    if not visible_applications(actor).filter(pk=app.pk).exists():
        raise _not_found()
    raise _forbid("只有本服务场所的窗口工作人员可以收件", "Only a clerk of this service point can take it in")


def require_clerk_of(user: User, app: Application) -> None:
    require_intake(user, app)


def require_owner_or_clerk(user: User, app: Application) -> None:
    actor = actor_of(user)
    if actor.role == Role.ADMIN:
        return
    if actor.role == Role.APPLICANT and actor.user_id in (app.applicant_id, app.agent_id):
        return
    if actor.role == Role.CLERK and app.service_point_id == actor.service_point_id:
        return
    if not visible_applications(actor).filter(pk=app.pk).exists():
        raise _not_found()
    raise _forbid("只有申请人、代办人或本服务场所窗口可以操作", "Only the applicant, their agent or this service "
                  "point's clerk can do this")


def require_department(user: User | None, case: ItemCase) -> None:
    actor = actor_of(user) if user is not None else Actor(user_id=None, role=Role.ADMIN)
    if actor.role == Role.ADMIN:
        return
    if actor.role == Role.OFFICER and case.department_id == actor.department_id:
        return
    if not visible_item_cases(actor).filter(pk=case.pk).exists():
        raise _not_found()
    raise _forbid("只有该事项所属部门的工作人员可以办理", "Only an officer of this item's department can decide it")
