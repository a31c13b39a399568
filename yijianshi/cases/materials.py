"""An application's material files: where cases meets uploads (docs/uploads.md; docs/architecture.md).

uploads stores and checks files and knows nothing of applications; cases decides what they mean for one:

- a file for an open application (a clerk's scan at the window, the applicant's supplement) is attached at once
  (`application_material_receive`): the actor must be its applicant, agent or a clerk of its service point
  (404 out of scope, 403 in scope but not theirs), the application must still take materials and need this
  one; in the transaction that stores the file the application is locked, the material marked provided and a
  history row (`material_provided`) written — never a write without its history;
- who sees which upload (`visible_uploads`, the one scoping rule every face uses): one's own, and those attached
  to an application the actor sees (cases/permissions.py); an officer only the materials of their own
  department's items. Anything else answers 404, the same as an upload that does not exist;
- a read of an application's file by staff (every view, their own scans too) or by anyone but its uploader
  goes to the access ledger, with the application as its purpose (`upload_content`).

Uploads submitted with an application or a supplement are claimed by those services (cases/services/, through
uploads' `uploads_claim`) and attached here (`uploads_link`): the link is cases' own row (ApplicationUpload);
uploads only knows that an upload was attached, and when.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q, QuerySet

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import Actor
from yijianshi.core import clock
from yijianshi.core.errors import Conflict, DomainError
from yijianshi.ledger.models import AccessMode, Outcome, PurposeKind
from yijianshi.ledger.services import Purpose, ledger_append
from yijianshi.uploads.models import Upload, UploadChannel
from yijianshi.uploads.services import upload_receive, uploads_attach

from . import permissions
from .models import Application, ApplicationUpload, CaseEvent, EventType, ItemCase
from .transitions import AppStatus

OPEN_FOR_MATERIALS = frozenset({AppStatus.SUBMITTED, AppStatus.DEFICIENT, AppStatus.RECEIVED})


# ------------------------------------------------------------------------------------------------ writes


def _check_open(application: Application, material_key: str) -> None:
    if application.status not in OPEN_FOR_MATERIALS:
        raise Conflict(
            "application_closed",
            "该办件已办结、撤回或归档，不能再上传材料",
            "This application is finished, withdrawn or archived; no more materials",
            field="application",
        )
    if material_key not in {m["code"] for m in application.snapshot["materials"]}:
        raise DomainError(
            "unknown_material",
            f"本件不需要材料“{material_key}”",
            f"'{material_key}' is not a material of this application",
            field="material",
        )


@dataclass(frozen=True)
class _OpenApplication:
    """An open application as what an upload is attached to (uploads.services.AttachTo)."""

    application: Application

    @property
    def bundle_code(self) -> str:
        return self.application.bundle.code

    def check(self, *, actor: Actor, material_key: str) -> None:
        permissions.require_owner_or_clerk(actor, self.application)  # 404 out of scope, 403 not theirs
        _check_open(self.application, material_key)

    def attach(self, *, upload: Upload, actor: Actor) -> None:
        app = Application.objects.select_for_update().get(pk=self.application.pk)
        _check_open(app, upload.material_key)
        ApplicationUpload.objects.create(application=app, upload=upload)
        provided = sorted(set(app.materials_provided) | {upload.material_key})
        if provided != list(app.materials_provided):
            app.materials_provided = provided
            app.version += 1
            app.save(update_fields=["materials_provided", "version"])
        CaseEvent.objects.create(
            application=app,
            type=EventType.MATERIAL_PROVIDED,
            actor=actor.user,
            actor_role=actor.role or "",
            at=clock.now(),
            data={"materials": [upload.material_key], "upload": str(upload.pk), "channel": upload.channel},
        )


def uploads_link(*, application: Application, uploads: list[Upload], actor: Actor) -> None:
    """Attach uploads claimed for a submission or a supplement to `application` (in the caller's transaction,
    which records their materials as provided and writes the history row)."""
    if uploads:
        uploads_attach(uploads=uploads, actor=actor)
        ApplicationUpload.objects.bulk_create(
            [ApplicationUpload(application=application, upload=u) for u in uploads]
        )


def application_of(upload: Upload) -> Application | None:
    """The application `upload` is attached to, if any."""
    link = ApplicationUpload.objects.select_related("application").filter(upload=upload).first()
    return link.application if link is not None else None


def application_material_receive(
    *,
    actor: Actor,
    application: Application,
    bundle_code: str,
    material_key: str,
    file: UploadedFile,
    channel: str = UploadChannel.ONLINE,
) -> Upload:
    """Check, then store one material file for an open application, attached to it at once: the material is
    marked provided there and the history row written, in the transaction that stores the file."""
    return upload_receive(
        actor=actor,
        bundle_code=bundle_code,
        material_key=material_key,
        file=file,
        channel=channel,
        attach_to=_OpenApplication(application),
    )


# ------------------------------------------------------------------------------------------------ reads


def visible_uploads(actor: Actor) -> QuerySet[Upload]:
    qs = Upload.objects.all()
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.user_id is None or actor.role is None:
        return qs.none()
    # one's own uploads not yet part of an application; once attached, they follow the application's rule (an
    # agent whose mandate ended no longer sees what they uploaded for the principal)
    return qs.filter(
        Q(owner_id=actor.user_id, attached_at__isnull=True)
        | Q(attached_to__in=permissions.visible_applications(actor))
    )


def _officer_materials(actor: Actor, application: Application) -> set[str]:
    refs = set(
        ItemCase.objects.filter(application=application, department_id=actor.department_id or 0).values_list(
            "ref", flat=True
        )
    )
    return {m["code"] for m in application.snapshot["materials"] if refs & set(m["items"])}


def uploads_for_application(*, application: Application, actor: Actor) -> QuerySet[Upload]:
    info = actor
    if not permissions.visible_applications(info).filter(pk=application.pk).exists():
        raise permissions._not_found()
    qs = Upload.objects.filter(attached_to=application).order_by("created_at", "id")
    if info.role == Role.OFFICER:
        qs = qs.filter(material_key__in=_officer_materials(info, application))
    return qs


def upload_for_actor(*, actor: Actor, upload_id: Any) -> Upload:
    try:
        pk = upload_id if isinstance(upload_id, uuid.UUID) else uuid.UUID(str(upload_id))
    except ValueError:
        raise permissions._not_found() from None
    info = actor
    upload = visible_uploads(info).filter(pk=pk).first()
    if upload is None:
        raise permissions._not_found()
    if info.role == Role.OFFICER:
        app = application_of(upload)
        if app is not None and upload.material_key not in _officer_materials(info, app):
            raise permissions._not_found()
    return upload


def upload_content(*, actor: Actor, upload_id: Any, face: str = "api") -> tuple[Upload, File]:
    """The file of an upload the actor may see, opened for reading. A read of a file that is part of an
    application goes to the access ledger (the applicant sees it under "who read my data"), with the
    application as its purpose, whenever the reader is staff (a clerk, an officer, an administrator, an
    auditor: every view, their own scans too) or anyone but its uploader. `face` says where it was opened
    (api, workbench), written in the row's detail."""
    upload = upload_for_actor(actor=actor, upload_id=upload_id)
    app = application_of(upload)
    if app is not None and (upload.owner_id != actor.user_id or actor.role != Role.APPLICANT):
        mandate = permissions.acting_mandate(actor, app)  # an agent reads for the principal under it
        ledger_append(
            actor=actor,
            subject_id=app.party_id,
            source="uploads",
            purpose=Purpose(PurposeKind.APPLICATION, app.number, mandate=mandate.number if mandate else ""),
            fields=[upload.material_key],
            mode=AccessMode.QUERY,
            outcome=Outcome.OK,
            detail=f"upload {upload.pk} ({face})",
        )
    return upload, upload.file.open("rb")
