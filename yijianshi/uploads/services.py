"""Writes of uploads. An upload is checked in full (the material belongs to the bundle, the actor may upload
for it, the bytes pass validation.py) before a single byte is stored; the file and its row are written in one
transaction, and the file is removed again if that transaction fails, so a refusal leaves nothing behind.

Who may upload: an applicant or a window clerk (only a clerk scans at the counter). An upload is unattached
(for a later submission, by the applicant or by a clerk on the applicant's behalf) or attached at once to what
the caller names (`attach_to`).

uploads knows nothing of applications (docs/architecture.md): it stores and checks files, and keeps only
whether and when an upload was attached (`attached_at`). What it is attached to, whether an upload may go to an
application, marking its material provided there and the history row, are cases' (cases.ApplicationUpload,
yijianshi/cases/materials.py), which claims and attaches uploads through the services below.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from yijianshi.accounts.models import Role
from yijianshi.catalog.models import Bundle
from yijianshi.catalog.selectors import bundle_definition, current_version
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, Forbidden, NotFound

from .accept import accepted_types
from .models import Upload, UploadChannel
from .validation import Limits, check_content, clean_name, read_limited, too_large


class AttachTo(Protocol):
    """What an upload is attached to as it is stored (cases/materials.py: an open application, for a clerk's
    scan or a supplement). uploads marks the upload attached and knows nothing else of it."""

    @property
    def bundle_code(self) -> str: ...

    def check(self, *, actor: Actor, material_key: str) -> None:
        """May the actor add this material to it now? Raises a DomainError if not; before the file is read."""

    def attach(self, *, upload: Upload, actor: Actor) -> None:
        """Inside the transaction that stores `upload` (just saved): lock the owner, check again, record the
        link and that the material was provided. Raising stores nothing."""


def limits() -> Limits:
    return Limits(
        max_bytes=settings.UPLOAD_MAX_BYTES,
        max_pixels=settings.UPLOAD_MAX_PIXELS,
        max_pdf_pages=settings.UPLOAD_MAX_PDF_PAGES,
    )


def bundle_materials(bundle_code: str) -> dict[str, str]:
    """The material set of a bundle's published version (every item, whatever the situation): code -> name."""
    bundle = Bundle.objects.filter(code=str(bundle_code)[:40]).first()
    version = current_version(bundle) if bundle else None
    if bundle is None or version is None:
        raise NotFound(
            "unknown_bundle",
            f"“一件事”{bundle_code} 不存在或未发布",
            f"No published bundle '{bundle_code}'",
            field="bundle",
        )
    return {m.code: m.name for item in bundle_definition(version).items for m in item.materials}


def _may_upload(info: Actor, channel: str) -> None:
    if channel not in UploadChannel.values:
        raise DomainError(
            "invalid_channel", "上传渠道无效", f"Unknown upload channel '{channel}'", field="channel"
        )
    if info.role not in (Role.APPLICANT, Role.CLERK):
        raise Forbidden(
            "forbidden_role",
            "只有申请人或窗口工作人员可以上传材料",
            "Only applicants and window clerks can upload materials",
        )
    if channel == UploadChannel.COUNTER_SCAN and info.role != Role.CLERK:
        raise Forbidden(
            "forbidden",
            "只有窗口工作人员可以上传窗口扫描件",
            "Only window clerks upload counter scans",
            field="channel",
        )


def upload_receive(
    *,
    actor: Actor,
    bundle_code: str,
    material_key: str,
    file: UploadedFile,
    channel: str = UploadChannel.ONLINE,
    attach_to: AttachTo | None = None,
) -> Upload:
    """Check, then store one material file; attached at once to `attach_to` when given (cases/materials.py
    `application_material_receive`)."""
    material_key = str(material_key)
    materials = bundle_materials(bundle_code)
    if material_key not in materials:
        raise DomainError(
            "unknown_material",
            f"“一件事”{bundle_code} 不需要材料“{material_key[:80]}”",
            f"'{material_key[:80]}' is not a material of bundle '{bundle_code}'",
            field="material",
        )
    if attach_to is not None and attach_to.bundle_code != bundle_code:
        raise DomainError(
            "wrong_bundle",
            "该办件不属于所选“一件事”",
            "The application is not of this bundle",
            field="application",
        )
    _may_upload(actor, channel)
    if attach_to is not None:
        attach_to.check(actor=actor, material_key=material_key)
    name = clean_name(file.name or "")
    bound = limits()
    if file.size is not None and file.size > bound.max_bytes:
        raise too_large(bound.max_bytes)
    file.seek(0)
    data = read_limited(file.chunks(), limit=bound.max_bytes)
    checked = check_content(data, accept=accepted_types(material_key), limits=bound)
    now = clock.now()
    stored: str | None = None
    try:
        with transaction.atomic():
            upload = Upload(
                id=uuid.uuid4(),
                owner=actor.user,
                material_key=material_key,
                bundle_code=bundle_code,
                original_name=name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                pages=checked.pages,
                channel=channel,
                created_at=now,
            )
            if attach_to is not None:
                upload.attached_at, upload.attached_by = now, actor.user
            path = f"uploads/{clock.local(now):%Y/%m}/{secrets.token_hex(16)}.{checked.extension}"
            stored = default_storage.save(path, ContentFile(data))
            upload.file.name = stored
            upload.save(force_insert=True)
            if attach_to is not None:
                attach_to.attach(upload=upload, actor=actor)
    except BaseException:
        if stored is not None:
            default_storage.delete(stored)
        raise
    return upload


def upload_discard(*, actor: Actor, upload: Upload) -> None:
    """Delete an upload that is not attached to an application (the uploader only). The caller found `upload`
    in the actor's scope (cases/materials.py `upload_for_actor`)."""
    with transaction.atomic():
        row = Upload.objects.select_for_update().filter(pk=upload.pk).first()
        if row is None:
            raise NotFound("not_found", "对象不存在", "Not found")
        if actor.user_id is None or row.owner_id != actor.user_id:
            raise Forbidden(
                "forbidden",
                "只有上传人可以删除未提交的材料",
                "Only the uploader can delete an unsubmitted upload",
            )
        if row.attached_at is not None:
            raise Conflict(
                "upload_attached",
                "该材料已随申请提交，不能删除",
                "This upload is part of a submitted application; it cannot be deleted",
            )
        name = row.file.name or ""
        row.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


# ------------------------------------------------------------------------------------------------ submission


def uploads_claim(
    *, actor: Actor, bundle_code: str, upload_ids: Iterable[Any], materials: Mapping[str, Any]
) -> list[Upload]:
    """For a submission (inside its transaction): lock the actor's unattached uploads of this bundle whose
    material the application asks for. Anything else is refused, naming the field `uploads`."""
    ids: list[uuid.UUID] = []
    for raw in upload_ids:
        try:
            ids.append(raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw)))
        except ValueError:
            raise DomainError(
                "invalid_upload", "上传材料编号格式有误", "An upload id is not a valid id", field="uploads"
            ) from None
    if len(set(ids)) != len(ids):
        raise DomainError(
            "duplicate_upload", "同一上传材料不能重复提交", "An upload is listed twice", field="uploads"
        )
    if not ids:
        return []
    rows = {u.pk: u for u in Upload.objects.select_for_update().filter(pk__in=ids, owner_id=actor.user_id)}
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            raise DomainError(
                "unknown_upload", "上传材料不存在或不属于您", "No such upload of yours", field="uploads"
            )
        if row.attached_at is not None:
            raise Conflict(
                "upload_attached",
                "该上传材料已随另一份申请提交",
                "This upload already belongs to an application",
                field="uploads",
            )
        if row.bundle_code != bundle_code:
            raise DomainError(
                "upload_wrong_bundle",
                "该上传材料不是为本“一件事”上传的",
                "This upload was made for another bundle",
                field="uploads",
            )
        if row.material_key not in materials:
            raise DomainError(
                "unknown_material",
                f"本件不需要材料“{row.material_key}”",
                f"'{row.material_key}' is not a material of this application",
                field="uploads",
            )
    return [rows[pk] for pk in ids]


def uploads_attach(*, uploads: Iterable[Upload], actor: Actor) -> None:
    """Mark claimed uploads attached (in the caller's transaction: cases' submission or supplement, which links
    them to the application and records their materials as provided)."""
    now = clock.now()
    ids = [u.pk for u in uploads]
    if ids:
        Upload.objects.filter(pk__in=ids, attached_at__isnull=True).update(
            attached_at=now, attached_by=actor.user
        )


def uploads_sweep(*, older_than_days: int = 7, now: datetime | None = None) -> int:
    """Remove uploads never submitted with an application, `older_than_days` after they were made (the
    applicant abandoned the form); the rows go in one transaction, the files after it commits. Returns the
    number removed."""
    cutoff = (now or clock.now()) - timedelta(days=max(0, older_than_days))
    with transaction.atomic():
        rows = list(
            Upload.objects.select_for_update(skip_locked=True).filter(
                attached_at__isnull=True, created_at__lt=cutoff
            )[:1000]
        )
        names = [r.file.name for r in rows if r.file.name]
        Upload.objects.filter(pk__in=[r.pk for r in rows], attached_at__isnull=True).delete()
        transaction.on_commit(lambda: _delete_files(names))
    return len(rows)


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)
