"""One uploaded material file. The file lives under MEDIA_ROOT with a random server-side name; the name the
user gave is kept, cleaned, for display only. `attached_at` says it became part of something (an application,
when it is submitted with it, or when a clerk or the applicant during supplement uploads it for one); what it is
attached to is recorded by its owner (cases.ApplicationUpload), not here."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadChannel(models.TextChoices):
    ONLINE = "online", _("网上上传")
    COUNTER_SCAN = "counter_scan", _("窗口扫描")


class Upload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="uploads", verbose_name=_("上传人")
    )
    material_key = models.CharField(_("材料编码"), max_length=80)
    bundle_code = models.CharField(_("一件事编码"), max_length=40)
    original_name = models.CharField(_("原文件名（仅显示）"), max_length=255)
    file = models.FileField(_("存储文件"), max_length=200)
    content_type = models.CharField(_("内容类型（按内容识别）"), max_length=40)
    size = models.PositiveBigIntegerField(_("字节数"))
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(_("PDF 页数"), null=True, blank=True)
    channel = models.CharField(
        _("渠道"), max_length=16, choices=UploadChannel.choices, default=UploadChannel.ONLINE
    )
    created_at = models.DateTimeField(_("上传时间"))
    attached_at = models.DateTimeField(_("关联办件时间"), null=True, blank=True)  # NULL: not attached yet
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["owner", "attached_at"], name="upload_owner_attached_idx"),
            models.Index(fields=["attached_at", "created_at"], name="upload_unattached_idx"),
        ]
        verbose_name = _("上传材料")
        verbose_name_plural = _("上传材料")

    def __str__(self) -> str:
        return f"{self.material_key}: {self.original_name}"
