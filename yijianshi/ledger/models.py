"""The access ledger's one table. Rows are written only by `services.ledger_append` and never changed; the
encoding and the chain are described in chain.py.

The actor is kept as a snapshot (user id and username, not a foreign key): a ledger row must outlive the
account, a deleted user must neither be blocked by the ledger (PROTECT) nor rewrite it (SET_NULL, CASCADE),
and the row can be written on a connection that does not see the caller's uncommitted work (services.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from yijianshi.core.identifiers import mask


class PurposeKind(models.TextChoices):
    APPLICATION = "application", _("办件 Application")
    INTAKE = "intake", _("收件 Intake")
    VERIFICATION = "verification", _("核验 Verification")
    PARTY_FILE = "party_file", _("一人一档/一企一档 Party file")
    OBJECTION = "objection", _("数据异议 Objection")
    PREFILL = "prefill", _("表单预填 Prefill")


class AccessMode(models.TextChoices):
    QUERY = "query", _("查询 Query")
    VERIFY = "verify", _("核验 Verify")


class Outcome(models.TextChoices):
    OK = "ok", _("成功 OK")
    ERROR = "error", _("失败 Error")
    REFUSED = "refused", _("拒绝 Refused")


class LedgerEntry(models.Model):
    """One read or verification of shared data (上链存证)."""

    seq = models.PositiveBigIntegerField(_("序号 Seq"), unique=True)
    at = models.DateTimeField(_("时间 At"))
    actor_id = models.BigIntegerField(_("操作人编号 Actor id"), null=True, blank=True)
    actor_name = models.CharField(_("操作人 Actor"), max_length=150, blank=True)
    actor_role = models.CharField(_("角色 Role"), max_length=32)
    subject_id = models.CharField(_("数据主体 Subject"), max_length=64)
    source = models.CharField(_("数据源 Source"), max_length=60)
    purpose_kind = models.CharField(_("用途 Purpose"), max_length=20, blank=True, choices=PurposeKind.choices)
    purpose_reference = models.CharField(_("用途依据 Reference"), max_length=128, blank=True)
    fields = models.JSONField(_("字段 Fields"), default=list)
    mode = models.CharField(_("方式 Mode"), max_length=8, choices=AccessMode.choices)
    outcome = models.CharField(_("结果 Outcome"), max_length=8, choices=Outcome.choices)
    detail = models.TextField(_("说明 Detail"), blank=True)
    prev_hash = models.CharField(_("前一哈希 Previous hash"), max_length=64)
    hash = models.CharField(_("哈希 Hash (SM3)"), max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["subject_id", "-seq"], name="ledger_subject_newest")]
        verbose_name = _("数据访问记录 Ledger entry")
        verbose_name_plural = _("数据访问存证 Access ledger")

    def __str__(self) -> str:
        return f"#{self.seq} {self.source} {self.subject_masked} {self.outcome}"

    def __repr__(self) -> str:  # never the full identity number
        return f"<LedgerEntry #{self.seq} {self.source} {self.subject_masked} {self.outcome}>"

    @property
    def subject_masked(self) -> str:
        return mask(self.subject_id)

    @property
    def mandate_number(self) -> str:
        """The mandate under which an agent read for the subject ("" for anyone else): services.ledger_append
        writes it first in the detail of a row whose role is "agent"."""
        if self.actor_role != "agent" or not self.detail.startswith("mandate="):
            return ""
        return self.detail.removeprefix("mandate=").split(";", 1)[0].strip()

    def content(self) -> dict[str, object]:
        """The row as it is hashed (chain.CONTENT_KEYS)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "actor_role": self.actor_role,
            "subject_id": self.subject_id,
            "source": self.source,
            "purpose_kind": self.purpose_kind,
            "purpose_reference": self.purpose_reference,
            "fields": list(self.fields),
            "mode": self.mode,
            "outcome": self.outcome,
            "detail": self.detail,
        }
