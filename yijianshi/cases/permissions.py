"""Object-level checks (standing rule 4): an applicant sees only their own cases (or those they act for), an
officer only their department's item cases, a clerk only their service point's applications; administrators
act on everything and auditors read everything.

What an actor may see *of* an application is decided here too, once, for every face (API, portal, workbench,
document downloads, PDFs): `application_scope(actor, app)` names the items whose part the actor sees — all of
them, except for an officer, who sees their own department's items: those items' form fields and prefill,
their materials and uploads, the application-level documents and history and their own items' ones; never
another item's decision, the full prefill or another department's uploads.

Reads outside a user's scope answer 404 — the same as an object that does not exist — so that no one learns
whether someone else's case exists. Writes by a role that could see the object but may not do this act answer 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Forbidden, NotFound

from .models import Application, CaseEvent, Document, ItemCase


def _not_found() -> NotFound:
    return NotFound("not_found", "对象不存在", "Not found")


def visible_applications(actor: Actor) -> QuerySet[Application]:
    qs = Application.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR) or actor.is_system:
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
    if actor.role in (Role.ADMIN, Role.AUDITOR) or actor.is_system:
        return qs
    if actor.role == Role.OFFICER:
        return qs.filter(department_id=actor.department_id or 0)
    if actor.role == Role.APPLICANT:
        return qs.filter(Q(application__applicant_id=actor.user_id) | Q(application__agent_id=actor.user_id))
    if actor.role == Role.CLERK:
        return qs.filter(application__service_point_id=actor.service_point_id)
    return qs.none()


def visible_documents(actor: Actor) -> QuerySet[Document]:
    """The documents an actor may open (any face: API, workbench, portal download): those of the applications
    they see; an officer's, only the application-level ones and their own department's items' ones."""
    docs = Document.objects.filter(application__in=visible_applications(actor))
    if actor.role == Role.OFFICER:
        docs = docs.filter(Q(item_case__isnull=True) | Q(item_case__department_id=actor.department_id or 0))
    return docs


@dataclass(frozen=True)
class ApplicationScope:
    """What one actor sees of one application: `refs` None = all of it; else only these items' part."""

    refs: frozenset[str] | None

    @property
    def whole(self) -> bool:
        return self.refs is None

    def sees_item(self, ref: str) -> bool:
        return self.refs is None or ref in self.refs

    def sees_entry(self, entry: dict[str, Any]) -> bool:
        """A form field or a material of the snapshot (each names its items)."""
        return self.refs is None or bool(self.refs & set(entry.get("items", ())))

    def form_keys(self, app: Application) -> set[str]:
        return {f["key"] for f in (app.snapshot or {}).get("form", []) if self.sees_entry(f)}

    def material_codes(self, app: Application) -> set[str]:
        return {m["code"] for m in (app.snapshot or {}).get("materials", []) if self.sees_entry(m)}

    def item_cases(self, cases: Iterable[ItemCase]) -> list[ItemCase]:
        return [c for c in cases if self.sees_item(c.ref)]

    def events(self, app: Application) -> QuerySet[CaseEvent]:
        qs = app.events.all()
        return (
            qs
            if self.refs is None
            else qs.filter(Q(item_case__isnull=True) | Q(item_case__ref__in=self.refs))
        )

    def documents(self, app: Application) -> QuerySet[Document]:
        qs = app.documents.all()
        return (
            qs
            if self.refs is None
            else qs.filter(Q(item_case__isnull=True) | Q(item_case__ref__in=self.refs))
        )

    def snapshot(self, app: Application) -> dict[str, Any]:
        """The application's snapshot as this actor may see it: an officer's holds their items' fields,
        materials, items and prefill only, and no evidence of other items."""
        snap = dict(app.snapshot or {})
        if self.refs is None:
            return snap
        keys = self.form_keys(app)
        snap["form"] = [f for f in snap.get("form", []) if f["key"] in keys]
        snap["materials"] = [m for m in snap.get("materials", []) if self.sees_entry(m)]
        snap["items"] = [it for it in snap.get("items", []) if it["ref"] in self.refs]
        snap["included"] = [r for r in snap.get("included", []) if r in self.refs]
        snap["prefill"] = {k: v for k, v in (snap.get("prefill") or {}).items() if k in keys}
        snap["prefill_changed"] = [k for k in snap.get("prefill_changed", []) if k in keys]
        snap["prefill_failures"] = {}
        snap.pop("evidence", None)
        snap.pop("excluded", None)
        return snap

    def form_data(self, app: Application) -> dict[str, Any]:
        if self.refs is None:
            return dict(app.form_data or {})
        keys = self.form_keys(app)
        return {k: v for k, v in (app.form_data or {}).items() if k in keys}


WHOLE = ApplicationScope(refs=None)


def application_scope(actor: Actor, app: Application) -> ApplicationScope:
    """The one rule of what an actor sees of an application they may see at all (`visible_applications`)."""
    if actor.role != Role.OFFICER:
        return WHOLE
    refs = app.item_cases.filter(department_id=actor.department_id or 0).values_list("ref", flat=True)
    return ApplicationScope(refs=frozenset(refs))


def _forbid(zh: str, en: str) -> Forbidden:
    return Forbidden("forbidden", zh, en)


def require_intake(actor: Actor, app: Application) -> None:
    if actor.is_system:
        return
    if actor.role == Role.ADMIN:
        return
    if actor.role == Role.CLERK and app.service_point_id == actor.service_point_id:
        return
    if not visible_applications(actor).filter(pk=app.pk).exists():
        raise _not_found()
    raise _forbid("只有本服务场所的窗口工作人员可以收件", "Only a clerk of this service point can take it in")


def require_clerk_of(actor: Actor, app: Application) -> None:
    require_intake(actor, app)


def require_owner_or_clerk(actor: Actor, app: Application) -> None:
    if actor.is_system:
        return
    if actor.role == Role.ADMIN:
        return
    if actor.role == Role.APPLICANT and actor.user_id in (app.applicant_id, app.agent_id):
        return
    if actor.role == Role.CLERK and app.service_point_id == actor.service_point_id:
        return
    if not visible_applications(actor).filter(pk=app.pk).exists():
        raise _not_found()
    raise _forbid(
        "只有申请人、代办人或本服务场所窗口可以操作",
        "Only the applicant, their agent or this service point's clerk can do this",
    )


def require_department(actor: Actor, case: ItemCase) -> None:
    if actor.role == Role.ADMIN or actor.is_system:
        return
    if actor.role == Role.OFFICER and case.department_id == actor.department_id:
        return
    if not visible_item_cases(actor).filter(pk=case.pk).exists():
        raise _not_found()
    raise _forbid(
        "只有该事项所属部门的工作人员可以办理", "Only an officer of this item's department can decide it"
    )
