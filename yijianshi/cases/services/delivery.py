"""Withdrawal, delivery and archive (004 annex 3 §5–7): 撤回 before any decision ends every open item case and
tells each department; 送达 all at once or item by item — pickup, free post (with a tracking number) or
electronic; 归档: the lead department keeps the originals."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError
from yijianshi.documents.kinds import DocumentKind

from .. import permissions
from ..models import Application, DeliveryMethod, EventType, ItemCase
from ..transitions import CASE, OPEN_CASE_STATES, AppAction, AppStatus, CaseAction, CaseStatus
from .base import (
    check_version,
    document_issue,
    event_write,
    lock_application,
    notify_applicant,
    set_app_status,
)
from .item_cases import end_case


@transaction.atomic
def application_withdraw(
    *, application: Application, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Application:
    """撤回 before decision: every open item case ends and every department involved is told."""
    app = lock_application(application)
    permissions.require_owner_or_clerk(actor, app)
    check_version(app, expected_version)
    cases = list(ItemCase.objects.select_for_update().filter(application=app))
    if app.status == AppStatus.RECEIVED and not any(c.status in OPEN_CASE_STATES for c in cases):
        raise Conflict(
            "nothing_to_withdraw",
            "各事项均已作出决定，不能撤回",
            "Every item is decided; nothing to withdraw",
        )
    old = set_app_status(app, AppAction.WITHDRAW)
    app.withdrawn_at = clock.now()
    app.save(update_fields=["status", "version", "withdrawn_at"])
    text = (reason or "申请人撤回申请").strip()[:500]
    for case in cases:
        if case.status in OPEN_CASE_STATES:
            end_case(app, case, CaseAction.WITHDRAW, text)
    doc = document_issue(
        app,
        DocumentKind.WITHDRAWAL_NOTICE,
        issued_by=app.service_point,
        items=[text],
        lines=[("办件编号", app.number)],
    )
    event_write(
        app,
        EventType.WITHDRAWN,
        actor=actor,
        from_status=old,
        to_status=app.status,
        reason=text,
        document=doc,
    )
    notify_applicant(
        app, "application.withdrawn", "申请已撤回，各部门已终止办理。", "withdrawn; every department stopped."
    )
    return app


@transaction.atomic
def application_deliver(
    *,
    application: Application,
    actor: Actor,
    method: str,
    tracking_number: str = "",
    address: str = "",
    item_cases: Sequence[int] | None = None,
    expected_version: int | None = None,
) -> Application:
    """送达: all at once, or item by item; pickup, free post (with a tracking number) or electronic."""
    app = lock_application(application)
    permissions.require_clerk_of(actor, app)
    check_version(app, expected_version)
    if method not in DeliveryMethod.values:
        raise DomainError(
            "invalid_delivery_method", "领取方式无效", f"Unknown delivery method '{method}'", field="method"
        )
    if method == DeliveryMethod.POST and not (tracking_number or "").strip():
        raise DomainError(
            "tracking_number_required",
            "邮寄送达须填写快递单号",
            "Delivery by post needs a tracking number",
            field="tracking_number",
        )
    if app.status not in (AppStatus.COMPLETED, AppStatus.RECEIVED):
        raise Conflict(
            "transition_not_allowed",
            "当前状态不能送达",
            f"Cannot deliver while '{app.status}'",
            field="action",
        )
    cases = {c.pk: c for c in ItemCase.objects.select_for_update().filter(application=app)}
    chosen = (
        [cases[i] for i in item_cases if i in cases]
        if item_cases
        else [c for c in cases.values() if c.status == CaseStatus.APPROVED]
    )
    if item_cases and len(chosen) != len(set(item_cases)):
        raise DomainError(
            "unknown_item_case",
            "所选事项不属于本办件",
            "An item case is not part of this application",
            field="item_cases",
        )
    now = clock.now()
    for case in chosen:
        old = case.status
        case.status = CASE.next(old, CaseAction.DELIVER)
        case.delivered_at = now
        case.version += 1
        case.save(update_fields=["status", "delivered_at", "version"])
        event_write(
            app,
            EventType.DELIVERED,
            actor=actor,
            item_case=case,
            from_status=old,
            to_status=case.status,
            data={"method": method},
        )
    app.delivery_method = method
    app.tracking_number = (tracking_number or "").strip()[:40]
    app.delivery_address = (address or "").strip()[:200]
    remaining = [c for c in cases.values() if c.status == CaseStatus.APPROVED]
    done = app.status == AppStatus.COMPLETED and not remaining
    old = (
        set_app_status(app, AppAction.DELIVER if done else AppAction.DELIVER_PARTIAL)
        if app.status == AppStatus.COMPLETED
        else app.status
    )
    if done:
        app.delivered_at = now
    app.save()
    doc = document_issue(
        app,
        DocumentKind.DELIVERY_RECEIPT,
        issued_by=app.service_point,
        items=[c.name for c in chosen],
        lines=[("领取方式", str(DeliveryMethod(method).label)), ("快递单号", app.tracking_number or "—")],
    )
    event_write(
        app,
        EventType.DELIVERED,
        actor=actor,
        from_status=old,
        to_status=app.status,
        data={"method": method, "item_cases": [c.pk for c in chosen]},
        document=doc,
    )
    notify_applicant(app, "application.delivered", "办理结果已送达。", "results delivered.")
    return app


@transaction.atomic
def application_archive(*, application: Application, actor: Actor) -> Application:
    """归档: the lead department keeps the originals; everyone else works from the electronic copies."""
    app = lock_application(application)
    permissions.require_clerk_of(actor, app)
    old = set_app_status(app, AppAction.ARCHIVE)
    app.archived_at = clock.now()
    app.save(update_fields=["status", "version", "archived_at"])
    event_write(
        app,
        EventType.ARCHIVED,
        actor=actor,
        from_status=old,
        to_status=app.status,
        data={"keeper": app.bundle.lead_department.name},
    )
    return app
