"""Reads of uploads, scoped to the actor: one's own uploads, and those attached to an application the actor may
see (cases/permissions.py); an officer sees only the materials of their own department's items. Anything else
answers 404, the same as an upload that does not exist."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import Actor, actor_of
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.permissions import _not_found, visible_applications
from yijianshi.ledger.models import AccessMode, Outcome, PurposeKind
from yijianshi.ledger.services import Purpose, ledger_append

from .models import Upload


def visible_uploads(actor: Actor) -> QuerySet[Upload]:
    qs = Upload.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.user_id is None or actor.role is None:
        return qs.none()
    return qs.filter(Q(owner_id=actor.user_id) | Q(application__in=visible_applications(actor)))


def _officer_materials(actor: Actor, application: Application) -> set[str]:
    refs = set(ItemCase.objects.filter(application=application, department_id=actor.department_id or 0)
               .values_list("ref", flat=True))
    return {m["code"] for m in application.snapshot["materials"] if refs & set(m["items"])}


def uploads_for_application(*, application: Application, actor: User) -> QuerySet[Upload]:
    info = actor_of(actor)
    if not visible_applications(info).filter(pk=application.pk).exists():
        raise _not_found()
    qs = Upload.objects.filter(application=application).order_by("created_at", "id")
    if info.role == Role.OFFICER:
        qs = qs.filter(material_key__in=_officer_materials(info, application))
    return qs


def upload_for_actor(*, actor: User, upload_id: Any) -> Upload:
    try:
        pk = upload_id if isinstance(upload_id, uuid.UUID) else uuid.UUID(str(upload_id))
    except ValueError:
        raise _not_found() from None
    info = actor_of(actor)
    upload = visible_uploads(info).select_related("application").filter(pk=pk).first()
    if upload is None:
        raise _not_found()
    if (info.role == Role.OFFICER and upload.application is not None
            and upload.material_key not in _officer_materials(info, upload.application)):
        raise _not_found()
    return upload


def upload_content(*, actor: User, upload_id: Any) -> tuple[Upload, File]:
    """The file of an upload the actor may see, opened for reading. A read by anyone but its uploader of a
    file that is part of an application goes to the access ledger (the applicant sees it under "who read my
    data"), with the application as its purpose."""
    upload = upload_for_actor(actor=actor, upload_id=upload_id)
    app = upload.application
    if app is not None and upload.owner_id != actor.pk:
        ledger_append(actor=actor, actor_role=actor_of(actor).role or "", subject_id=app.party_id,
                      source="uploads", purpose=Purpose(PurposeKind.APPLICATION, app.number),
                      fields=[upload.material_key], mode=AccessMode.QUERY, outcome=Outcome.OK,
                      detail=f"upload {upload.pk}")
    return upload, upload.file.open("rb")
