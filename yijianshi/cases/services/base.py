"""What every stage of a case shares: the history row, the documents, the notice after commit, the lock on an
application. Each stage's services are in their own module of this package (submission, intake, item cases,
delivery, commitments, sweep); `yijianshi.cases.services` exports them all."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from yijianshi.accounts.roles import profile_of
from yijianshi.catalog.models import Department, ServicePoint
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.notices import notice_send_on_commit
from yijianshi.core.notify import Notice
from yijianshi.core.statemachine import check_version, lock, transition
from yijianshi.core.verification import new_code
from yijianshi.core.workdays import BusinessHours
from yijianshi.documents.kinds import DocumentKind, document_title
from yijianshi.documents.render import DocumentData, render_pdf

from ..models import Application, CaseEvent, Document, ItemCase
from ..progress import ACCEPT_DAYS  # 004 annex 3: each department accepts or rejects within 1 working day
from ..seals import department_sealer, document_issuer
from ..transitions import APPLICATION, AppAction, AppStatus, CaseStatus
from ..verification import document_verify_url

INTAKE_HOURS = 2  # 004 annex 3: online applications are checked within 2 working hours
POST_CHECK_DAYS = (
    30  # a commitment is checked within 30 working days of intake (illustrative; configurable later)
)
DONE_FOR_DEPENDANTS = frozenset({CaseStatus.APPROVED, CaseStatus.DELIVERED})


def at_the_window(actor: Actor) -> bool:
    """Does this actor see paper materials with their own eyes? A clerk at the counter (or an administrator
    standing in) confirms a listed material as provided; an applicant's list is only a promise to hand it in at
    the window (issue 17 point 4: a material is provided only by an upload, a clerk's scan or confirmation)."""
    from yijianshi.accounts.models import Role

    return actor.role in (Role.CLERK, Role.ADMIN)


__all__ = [
    "ACCEPT_DAYS",
    "DONE_FOR_DEPENDANTS",
    "INTAKE_HOURS",
    "POST_CHECK_DAYS",
    "at_the_window",
    "check_version",
    "event_write",
    "document_issue",
    "hours_of",
    "lock_application",
    "notify_applicant",
    "set_app_status",
]


def event_write(
    application: Application,
    type: str,
    *,
    actor: Actor,
    item_case: ItemCase | None = None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    document: Document | None = None,
) -> CaseEvent:
    """The typed, append-only history row of a case, naming the actor (the system for sweeps and cascades)."""
    return CaseEvent.objects.create(
        application=application,
        item_case=item_case,
        type=type,
        actor_id=actor.user_id,
        actor_role=actor.history_role or "system",
        at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        document=document,
    )


def hours_of(point: ServicePoint) -> BusinessHours:
    return BusinessHours.parse(point.hours.split(";")[0] if point.hours else "")


def document_issue(
    application: Application,
    kind: DocumentKind,
    *,
    issued_by: Department | ServicePoint,
    lines: Sequence[tuple[str, str]] = (),
    items: Sequence[str] = (),
    item_case: ItemCase | None = None,
) -> Document:
    """A notice or decision: rendered to PDF with the QR code that verifies it, titled by the item's type,
    named by the issuing department's full name and sealed with its key (cases/seals.py), stored with its
    digest."""
    issuer, sealed_by = document_issuer(issued_by)
    title = document_title(kind, item_case.item.item_type if item_case is not None else "")
    count = Document.objects.filter(application=application, kind=kind).count()
    number = f"{application.number}-{kind.code}{count + 1:02d}"
    code = new_code()  # the QR code and the printed link carry it, never the number (cases/verification.py)
    issued = clock.now()
    content = {
        "kind": kind.value,
        "title": title[0],
        "number": number,
        "application_number": application.number,
        "issued_at": issued.isoformat(),
        "issuer": issuer,
        "applicant_name": application.party_name,
        "bundle_name": application.snapshot["bundle"]["name"],
        "lines": [[str(a), str(b)] for a, b in lines],
        "items": [str(x) for x in items],
    }
    pdf = render_pdf(
        DocumentData(
            kind=kind.value,
            number=number,
            application_number=application.number,
            issued_at=issued,
            issuer=issuer,
            applicant_name=application.party_name,
            bundle_name=application.snapshot["bundle"]["name"],
            lines=tuple((str(a), str(b)) for a, b in lines),
            items=tuple(items),
            verify_url=document_verify_url(code),
            title=title,
            seal=department_sealer(sealed_by) if sealed_by is not None else None,
        )
    )
    return Document.objects.create(
        number=number,
        application=application,
        item_case=item_case,
        kind=kind.value,
        issuer=issuer,
        issued_at=issued,
        content=content,
        pdf=pdf,
        digest=hashlib.sha256(pdf).hexdigest(),
        verification_code=code,
    )


def notify_applicant(application: Application, event: str, zh: str, en: str) -> None:
    """Tell the applicant, after the transaction commits (through the broker, or its fallback)."""
    profile = profile_of(application.applicant_id)
    notice = Notice(
        event=event,
        reference=application.number,
        subject_zh=f"【一件事】{application.snapshot['bundle']['name']}",
        subject_en="[yijianshi] " + application.snapshot["bundle"]["name"],
        body_zh=f"办件 {application.number}：{zh}",
        body_en=f"Application {application.number}: {en}",
        phone=profile.phone if profile else "",
        email=profile.email if profile else "",
        name=application.party_name,
    )
    notice_send_on_commit(notice)


def lock_application(application: Application | int) -> Application:
    """The application row, locked (always before its item cases: one order, no deadlock)."""
    return lock(Application, application.pk if isinstance(application, Application) else application)


def set_app_status(application: Application, action: AppAction, target: AppStatus | None = None) -> str:
    """The application's next status by the table, version + 1; the caller saves. Returns the old status."""
    return transition(application, APPLICATION, action, target=target, save=False)
