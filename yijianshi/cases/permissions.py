"""Object-level checks (standing rule 4): an applicant sees only their own cases (or those they act for), an
officer only their department's item cases, a clerk only their service point's applications; administrators
act on everything and auditors read everything.

What an actor may see *of* an application is decided here too, once, for every face (API, portal, workbench,
document downloads, PDFs): `application_scope(actor, app)` names the items whose part the actor sees — all of
them, except for an officer, who sees their own department's items: those items' form fields and prefill,
their materials and uploads, the application-level documents and history and their own items' ones; never
another item's decision, the full prefill or another department's uploads.

An agent (帮办代办) sees an application they filed for someone else only while a mandate from that principal in
force covers it (all, its bundle, or all its items: mandates.selectors.mandate_allows, asked once per request
for every application of a list) and grants the ability the read needs: "follow" (查看进度) for the
application, its items, history and notices; "receive" (领取结果) for its result documents (decisions, proof
of service); "apply" alone for the receipt they filed and nothing after. A revoked or expired mandate, or one
out of scope, leaves the agent nothing: 404, as for any object outside their scope. The principal (the
application's applicant) always sees their own.

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
from yijianshi.documents.kinds import DocumentKind
from yijianshi.mandates.models import Mandate
from yijianshi.mandates.selectors import MandatesInForce, mandates_in_force
from yijianshi.mandates.transitions import Ability

from .models import Application, CaseEvent, Document, ItemCase

# the results of a case, handed to whoever may receive them: the decisions and the proof of their service
RESULT_KINDS = frozenset(
    {
        DocumentKind.APPROVAL_DECISION,
        DocumentKind.DENIAL_DECISION,
        DocumentKind.REJECTION_DECISION,
        DocumentKind.DELIVERY_RECEIPT,
    }
)
FILED_KINDS = frozenset({DocumentKind.RECEIPT})  # what an agent who may only apply sees of what they filed


def _not_found() -> NotFound:
    return NotFound("not_found", "对象不存在", "Not found")


def _included(app: Application) -> list[str]:
    return list((app.snapshot or {}).get("included", ()))


def _grants(
    held: MandatesInForce, party_type: str, party_id: str, bundle: str, items: list[str]
) -> frozenset[str]:
    return frozenset(
        a
        for a in Ability
        if held.allows(
            principal_type=party_type, principal_id=party_id, ability=a, bundle_code=bundle, item_refs=items
        )
    )


def agent_grants(actor: Actor) -> dict[int, frozenset[str]]:
    """The applications `actor` filed as an agent for someone else, each with the abilities a mandate in force
    grants them on it now (only those with at least one): two queries, whatever the number of applications —
    the agent's mandates in force, then the applications they filed for those principals."""
    if actor.role != Role.APPLICANT or actor.user_id is None:
        return {}
    held = mandates_in_force(agent_user_id=actor.user_id)
    if not held:
        return {}
    parties = Q()
    for party_type, party_id in held.principals:
        parties |= Q(party_type=party_type, party_id=party_id)
    rows = (
        Application.objects.filter(parties, agent_id=actor.user_id)
        .exclude(applicant_id=actor.user_id)
        .values_list("pk", "party_type", "party_id", "bundle__code", "snapshot__included")
    )
    grants = {}
    for pk, party_type, party_id, bundle, included in rows:
        found = _grants(held, party_type, party_id, bundle, list(included or ()))
        if found:
            grants[pk] = found
    return grants


def _ids(grants: dict[int, frozenset[str]], *abilities: str) -> list[int]:
    return [pk for pk, found in grants.items() if found & set(abilities)]


def acting_mandate(actor: Actor, app: Application, ability: str = Ability.FOLLOW) -> Mandate | None:
    """The mandate under which `actor` reads `app` as its agent (for the access ledger), or None when they are
    not its agent or no mandate in force covers it for `ability`."""
    if actor.role != Role.APPLICANT or actor.user_id is None or app.agent_id != actor.user_id:
        return None
    if app.applicant_id == actor.user_id:
        return None
    return mandates_in_force(agent_user_id=actor.user_id).allows(
        principal_type=app.party_type,
        principal_id=app.party_id,
        ability=ability,
        bundle_code=app.bundle.code,
        item_refs=_included(app),
    )


def visible_applications(actor: Actor) -> QuerySet[Application]:
    qs = Application.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR) or actor.is_system:
        return qs
    if actor.role == Role.APPLICANT:
        followed = _ids(agent_grants(actor), Ability.FOLLOW)
        return qs.filter(Q(applicant_id=actor.user_id) | Q(pk__in=followed))
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
        followed = _ids(agent_grants(actor), Ability.FOLLOW)
        return qs.filter(Q(application__applicant_id=actor.user_id) | Q(application_id__in=followed))
    if actor.role == Role.CLERK:
        return qs.filter(application__service_point_id=actor.service_point_id)
    return qs.none()


def visible_documents(actor: Actor) -> QuerySet[Document]:
    """The documents an actor may open (any face: API, workbench, portal download): those of the applications
    they see; an officer's, only the application-level ones and their own department's items' ones; an agent's,
    by the abilities their mandate grants (module docstring): progress documents with "follow", results with
    "receive", the receipt with "apply" or "follow"."""
    if actor.role == Role.APPLICANT:
        grants = agent_grants(actor)
        results = Q(kind__in=RESULT_KINDS)
        return Document.objects.filter(
            Q(application__applicant_id=actor.user_id)
            | (Q(application_id__in=_ids(grants, Ability.FOLLOW)) & ~results)
            | (Q(application_id__in=_ids(grants, Ability.RECEIVE)) & results)
            | (Q(application_id__in=_ids(grants, Ability.APPLY)) & Q(kind__in=FILED_KINDS))
        )
    docs = Document.objects.filter(application__in=visible_applications(actor))
    if actor.role == Role.OFFICER:
        docs = docs.filter(Q(item_case__isnull=True) | Q(item_case__department_id=actor.department_id or 0))
    return docs


@dataclass(frozen=True)
class ApplicationScope:
    """What one actor sees of one application: `refs` None = all of it; else only these items' part. `hidden`:
    kinds of document left out (an agent without "receive": the results)."""

    refs: frozenset[str] | None
    hidden: frozenset[str] = frozenset()

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
        if self.hidden:
            qs = qs.exclude(kind__in=self.hidden)
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
    if actor.role == Role.APPLICANT and app.applicant_id != actor.user_id:
        receives = acting_mandate(actor, app, Ability.RECEIVE) is not None
        return WHOLE if receives else ApplicationScope(refs=None, hidden=RESULT_KINDS)
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
    if actor.role == Role.APPLICANT and actor.user_id == app.applicant_id:
        return
    if (
        actor.role == Role.APPLICANT
        and actor.user_id == app.agent_id
        and acting_mandate(actor, app, Ability.FOLLOW) is not None
    ):
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
