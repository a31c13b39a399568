"""Applications (办件) and item cases (子件), their history, documents, tolerated materials and commitments.

Business rules are in services.py and transitions.py; these are the rows. An application pins the bundle
version it was made on and keeps, in `snapshot`, everything it showed the applicant (merged form, materials
with waivers, schedule), so that editing the catalogue never changes a case in flight (STYLE.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yijianshi.core.labels import Labelled, labels_set
from yijianshi.core.verification import new_code
from yijianshi.documents.kinds import DocumentKind

from .transitions import OPEN_CASE_STATES, AppStatus, CaseStatus

OPEN_STATES = sorted(s.value for s in OPEN_CASE_STATES)


def running_deadline() -> models.Case:
    """The clock that is running on an item case: acceptance while pending acceptance, decision after."""
    return models.Case(
        models.When(status=CaseStatus.PENDING_ACCEPTANCE.value, then=models.F("accept_deadline")),
        default=models.F("decide_deadline"),
    )


def queue_order() -> tuple[models.OrderBy, models.Case, models.F]:
    """A department's queue: overdue first, then the soonest running deadline (the index case_open_queue_idx
    holds the open item cases of each department in this order, so a page reads 50 rows however long the
    queue is)."""
    return models.F("overdue").desc(), running_deadline(), models.F("id")


class Channel(Labelled):
    """How an application came in."""

    ONLINE = "online"
    WINDOW = "window"
    KIOSK = "kiosk"
    MOBILE = "mobile"


labels_set(
    Channel,
    {
        "online": ("网上申请", "online"),
        "window": ("窗口申请", "at the window"),
        "kiosk": ("自助终端", "self-service kiosk"),
        "mobile": ("移动端", "mobile app"),
    },
)


class DeliveryMethod(models.TextChoices):
    PICKUP = "pickup", _("窗口领取")
    POST = "post", _("免费邮寄")
    ELECTRONIC = "electronic", _("电子送达")


class NumberAllocation(models.Model):
    """An application number is allocated before its row is written: the next value of this table's id (a
    sequence on PostgreSQL, no lock on any row; a rolled-back submission leaves a gap, as numbers may)."""

    class Meta:
        verbose_name = _("办件编号分配")

    def __str__(self) -> str:
        return str(self.pk)


class Application(models.Model):
    number = models.CharField(_("办件编号"), max_length=40, unique=True)
    bundle_version = models.ForeignKey(
        "catalog.BundleVersion", on_delete=models.PROTECT, related_name="applications"
    )
    bundle = models.ForeignKey("catalog.Bundle", on_delete=models.PROTECT, related_name="applications")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="applications")
    snapshot = models.JSONField(_("申请时快照"))
    answers = models.JSONField(_("情形回答"), default=dict)
    form_data = models.JSONField(_("表单数据"), default=dict)
    materials_provided = models.JSONField(_("已提交材料"), default=list)
    materials_to_present = models.JSONField(
        _("待窗口核验材料"), default=list, blank=True
    )  # listed by the applicant without a file: provided only once a clerk confirms them at intake
    tolerated = models.JSONField(_("申请容缺的材料"), default=list)
    commitments = models.JSONField(_("以告知承诺替代的材料"), default=list)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    party_type = models.CharField(_("办事主体类型"), max_length=12, default="person")
    party_id = models.CharField(_("主体证件号码"), max_length=18)
    party_name = models.CharField(_("主体名称"), max_length=100)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications_as_agent",
        verbose_name=_("代办人"),
    )
    authorisation = models.JSONField(_("授权信息"), default=dict, blank=True)
    channel = models.CharField(_("申请渠道"), max_length=10, choices=Channel.choices())
    service_point = models.ForeignKey(
        "catalog.ServicePoint", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=AppStatus.choices(), default=AppStatus.SUBMITTED
    )
    version = models.PositiveIntegerField(default=1)
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 - NULL = no key (partial unique index)
    request_digest = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    intake_deadline = models.DateTimeField(_("收件时限"))
    received_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    delivery_method = models.CharField(
        _("领取方式"), max_length=12, choices=DeliveryMethod.choices, blank=True
    )
    delivery_address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    tracking_number = models.CharField(_("快递单号"), max_length=40, blank=True)
    overdue = models.BooleanField(default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # the material files submitted with it, scanned at the window or added at a supplement: the link is cases'
    # (ApplicationUpload); uploads stores and checks files and knows nothing of applications
    uploads = models.ManyToManyField(
        "uploads.Upload", through="ApplicationUpload", related_name="attached_to", blank=True
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                name="application_idempotency",
                condition=models.Q(idempotency_key__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="app_applicant_idx"),
            models.Index(fields=["service_point", "status", "intake_deadline"], name="app_intake_queue_idx"),
        ]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")

    def __str__(self) -> str:
        return self.number


class ItemCase(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="item_cases")
    ref = models.CharField(_("事项键"), max_length=80)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="cases")
    name = models.CharField(_("事项名称"), max_length=300)
    department = models.ForeignKey("catalog.Department", on_delete=models.PROTECT, related_name="item_cases")
    position = models.PositiveSmallIntegerField(default=0)
    requires = models.JSONField(_("前置事项"), default=list)
    status = models.CharField(
        _("状态"), max_length=20, choices=CaseStatus.choices(), default=CaseStatus.PENDING_ACCEPTANCE
    )
    resume_status = models.CharField(max_length=20, blank=True)  # where a correction returns to
    version = models.PositiveIntegerField(default=1)
    promised_limit_days = models.PositiveIntegerField()
    accept_deadline = models.DateTimeField(_("受理时限"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    decide_deadline = models.DateTimeField(_("办结时限"), null=True, blank=True)
    paused_at = models.DateTimeField(_("补正开始"), null=True, blank=True)
    paused_workdays = models.PositiveIntegerField(default=0)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    result = models.JSONField(_("办理结果"), default=dict, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    progress_note = models.CharField(_("办理进度"), max_length=300, blank=True)
    overdue = models.BooleanField(default=False)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position"]
        constraints = [models.UniqueConstraint(fields=["application", "ref"], name="item_case_unique_ref")]
        indexes = [
            models.Index(fields=["department", "status", "decide_deadline"], name="case_dept_queue_idx"),
            models.Index(
                models.F("department"),
                *queue_order(),
                name="case_open_queue_idx",
                condition=models.Q(status__in=OPEN_STATES),
            ),
        ]
        verbose_name = _("子件")
        verbose_name_plural = _("子件")

    def __str__(self) -> str:
        return f"{self.application.number} / {self.name}"


class EventType(Labelled):
    """What happened to a case: the type of a history row."""

    SUBMITTED = "submitted"
    IDEMPOTENT_REPLAY = "idempotent_replay"
    RECEIVED = "received"
    DEFICIENT = "deficient"
    SUPPLEMENTED = "supplemented"
    FANNED_OUT = "fanned_out"
    ACCEPTED = "accepted"
    PRE_REVIEW = "pre_review"
    REJECTED = "rejected"
    CORRECTION_REQUESTED = "correction_requested"
    RESUMED = "resumed"
    PREREQUISITE_READY = "prerequisite_ready"
    APPROVED = "approved"
    DENIED = "denied"
    TERMINATED = "terminated"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    DELIVERED = "delivered"
    ARCHIVED = "archived"
    PROGRESS = "progress"
    OVERDUE = "overdue"
    ESCALATED = "escalated"
    TOLERATED_RECEIVED = "tolerated_received"
    COMMITMENT_SIGNED = "commitment_signed"
    POST_CHECK = "post_check"
    REVOKED = "revoked"
    NOTIFIED = "notified"
    MATERIAL_PROVIDED = "material_provided"  # a file attached to an open application


labels_set(
    EventType,
    {
        "submitted": ("提交申请", "submitted"),
        "idempotent_replay": ("重复提交（幂等）", "repeated submission (idempotent)"),
        "received": ("收件", "received"),
        "deficient": ("一次告知", "deficiency notice"),
        "supplemented": ("补齐补正", "supplemented"),
        "fanned_out": ("推送联办部门", "sent to the departments"),
        "accepted": ("受理", "accepted"),
        "pre_review": ("容缺预审", "pre-review"),
        "rejected": ("不予受理", "not accepted"),
        "correction_requested": ("补正告知", "correction requested"),
        "resumed": ("补正完成", "correction done"),
        "prerequisite_ready": ("前置结果到达", "prerequisite result arrived"),
        "approved": ("准予", "approved"),
        "denied": ("不予", "denied"),
        "terminated": ("终止", "terminated"),
        "withdrawn": ("撤回", "withdrawn"),
        "completed": ("办结", "completed"),
        "delivered": ("送达", "delivered"),
        "archived": ("归档", "archived"),
        "progress": ("进度更新", "progress noted"),
        "overdue": ("超期", "overdue"),
        "escalated": ("督办", "escalated"),
        "tolerated_received": ("容缺材料补交", "tolerated material handed in"),
        "commitment_signed": ("签署告知承诺", "commitment signed"),
        "post_check": ("承诺核查", "commitment checked"),
        "revoked": ("撤销", "revoked"),
        "notified": ("通知", "notified"),
        "material_provided": ("材料已提供", "material provided"),
    },
)


class CaseEvent(models.Model):
    """Append-only history: who did what to which case, when, from which state to which, and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    item_case = models.ForeignKey(
        ItemCase, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    type = models.CharField(max_length=24, choices=EventType.choices())
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=12, blank=True)  # "system" for sweeps and cascades
    at = models.DateTimeField()
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    document = models.ForeignKey(
        "Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("办件历史")
        verbose_name_plural = _("办件历史")

    def __str__(self) -> str:
        return f"{self.type} {self.from_status}→{self.to_status}"


class Document(models.Model):
    """A notice or decision issued as PDF, verifiable through the QR code it carries."""

    number = models.CharField(max_length=40, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    item_case = models.ForeignKey(
        ItemCase, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices())
    issuer = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    content = models.JSONField(default=dict)  # the data printed, so it can be re-rendered and verified
    pdf = models.BinaryField()
    digest = models.CharField(max_length=64)  # SHA-256 of the PDF
    # what the QR code and the printed verify link carry (core/verification.py): never the number
    verification_code = models.CharField(max_length=32, unique=True, default=new_code, editable=False)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("文书")
        verbose_name_plural = _("文书")

    def __str__(self) -> str:
        return self.number


class ApplicationUpload(models.Model):
    """An upload attached to an application (at most one: the upload is the key). Written by cases in the
    transaction that marks the material provided and writes its history row (cases/materials.py)."""

    upload = models.OneToOneField(
        "uploads.Upload", on_delete=models.PROTECT, primary_key=True, related_name="application_link"
    )
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="upload_links")

    class Meta:
        verbose_name = _("办件材料文件")
        verbose_name_plural = _("办件材料文件")

    def __str__(self) -> str:
        return f"{self.application_id}: {self.upload_id}"


class ToleratedMaterial(models.Model):
    """容缺受理: accepted with this material to follow by `due_at`; the item case ends if it never comes."""

    item_case = models.ForeignKey(ItemCase, on_delete=models.CASCADE, related_name="tolerated_materials")
    code = models.CharField(max_length=80)
    name = models.CharField(max_length=300)
    due_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    expired = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_case", "code"], name="tolerated_unique")]

    def __str__(self) -> str:
        return f"容缺 {self.name}"


class Commitment(models.Model):
    """告知承诺: a signed promise in place of a material, checked afterwards."""

    item_case = models.ForeignKey(ItemCase, on_delete=models.CASCADE, related_name="commitments")
    code = models.CharField(max_length=80)
    name = models.CharField(max_length=300)
    text = models.TextField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    check_method = models.CharField(max_length=100, default="data_check")
    check_due_at = models.DateTimeField()
    outcome = models.CharField(max_length=10, default="pending")  # pending | kept | false
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_case", "code"], name="commitment_unique")]

    def __str__(self) -> str:
        return f"承诺 {self.name}（{self.outcome}）"


class CreditRecord(models.Model):
    """A false commitment: the party may not use commitments for that item again."""

    party_id = models.CharField(max_length=18, db_index=True)
    item_ref = models.CharField(max_length=80)
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="credit_records")
    reason = models.TextField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"信用记录 {self.item_ref}"
