"""Reads of uploads, scoped to the actor: one's own uploads, and those attached to an application the actor may
see (cases/permissions.py); an officer sees only the materials of their own department's items. Anything else
answers 404, the same as an upload that does not exist."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import Actor, actor_of
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.permissions import _not_found, visible_applications

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
