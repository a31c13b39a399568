"""容缺受理 and 告知承诺 after intake (004 annex 3; 001 §9): a tolerated material handed in later — recorded by
staff only (the applicant cannot mark it received) —, and the post-check of a signed commitment: a false one
revokes the result (or ends the open case), ends its dependants and writes a credit record."""

from __future__ import annotations

from django.db import transaction

from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, NotFound
from yijianshi.integrations.outbox import outbox_enqueue

from .. import permissions
from ..models import Application, Commitment, CreditRecord, EventType, ItemCase, ToleratedMaterial
from ..transitions import CASE, OPEN_CASE_STATES, CaseAction, CaseStatus
from .base import event_write, lock_application, notify_applicant
from .item_cases import complete_if_done, end_case, terminate_dependants


@transaction.atomic
def tolerated_material_receive(*, application: Application, actor: Actor, code: str) -> int:
    """A 容缺 material handed in at the window after acceptance: the clerk records it (staff only)."""
    app = lock_application(application)
    permissions.require_clerk_of(actor, app)
    rows = list(
        ToleratedMaterial.objects.select_for_update().filter(
            item_case__application=app, code=code, received_at__isnull=True, expired=False
        )
    )
    if not rows:
        raise NotFound(
            "no_tolerated_material",
            f"没有待补交的容缺材料“{code}”",
            f"No pending tolerated material '{code}'",
            field="code",
        )
    now = clock.now()
    for row in rows:
        row.received_at = now
        row.save(update_fields=["received_at"])
        event_write(
            app, EventType.TOLERATED_RECEIVED, actor=actor, item_case=row.item_case, data={"material": code}
        )
    app.materials_provided = sorted(set(app.materials_provided) | {code})
    app.save(update_fields=["materials_provided"])
    return len(rows)


@transaction.atomic
def commitment_post_check(*, commitment: Commitment, actor: Actor, kept: bool, note: str = "") -> Commitment:
    """事后核查: a false commitment revokes the result (or ends the open case) and writes a credit record."""
    app = lock_application(commitment.item_case.application_id)
    siblings = {c.ref: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    row = Commitment.objects.select_for_update().get(pk=commitment.pk)
    case = next(c for c in siblings.values() if c.pk == row.item_case_id)
    permissions.require_department(actor, case)
    if row.outcome != "pending":
        raise Conflict("already_checked", "该承诺已核查", "This commitment was already checked")
    if not kept and not (note or "").strip():
        raise DomainError(
            "reason_required", "认定承诺不实须说明理由", "A false commitment needs a reason", field="note"
        )
    now = clock.now()
    row.outcome = "kept" if kept else "false"
    row.checked_by_id, row.checked_at, row.note = actor.user_id, now, (note or "")[:2000]
    row.save()
    event_write(
        app,
        EventType.POST_CHECK,
        actor=actor,
        item_case=case,
        reason=row.note,
        data={"material": row.code, "outcome": row.outcome},
    )
    if not kept:
        CreditRecord.objects.create(
            party_id=app.party_id, item_ref=case.ref, commitment=row, reason=row.note, created_at=now
        )
        old = case.status
        if old in (CaseStatus.APPROVED, CaseStatus.DELIVERED):
            case.status = CASE.next(old, CaseAction.REVOKE)
            case.version += 1
            case.save(update_fields=["status", "version"])
            event_write(
                app,
                EventType.REVOKED,
                actor=actor,
                item_case=case,
                from_status=old,
                to_status=case.status,
                reason=f"告知承诺不实：{row.note}",
            )
            outbox_enqueue(
                topic="item_case.revoked",
                department=case.department,
                payload={"application": app.number, "item_case": case.pk, "item": case.ref},
                idempotency_key=f"{app.number}:{case.ref}:revoke",
            )
        elif old in OPEN_CASE_STATES:
            end_case(app, case, CaseAction.TERMINATE, f"告知承诺不实：{row.note}")
            terminate_dependants(app, case, siblings, f"前置事项“{case.name}”告知承诺不实，本事项终止")
            complete_if_done(app, siblings)
        notify_applicant(
            app,
            "commitment.false",
            f"“{case.name}”的告知承诺经核查不实，相关结果已撤销并记入信用记录。",
            f"the commitment for '{case.name}' was found false; the result is revoked.",
        )
    return row
