"""Catalogue models (DESIGN.md §2). Business rules live in services.py and the pure engine, not here.

A bundle has versions. A draft version is edited through its rows (items, dependencies, situations); publishing
freezes a complete snapshot of the bundle definition — every item's fields, materials and limits as they were —
into `BundleVersion.snapshot`. Everything computed for a published version is computed from that snapshot, so
editing an item later never changes an earlier version (STYLE.md: snapshot, don't reference).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县（区）")
    TOWN = "town", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


class Region(models.Model):
    """An administrative division by its official code (GB/T 2260; 9/12 digits below county)."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Department(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(_("部门编码"), max_length=60)
    name = models.CharField(_("名称"), max_length=200)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("部门类别"), max_length=40)
    # The full official name (e.g. 陵川县人力资源和社会保障局), printed on its documents and around its seal; `name`
    # is the short form the region's document uses (人力资源和社会保障部门, 县人社局).
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    consult_phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    supervise_phone = models.CharField(_("监督电话"), max_length=40, blank=True)
    illustrative = models.JSONField(
        _("示例性要素"), default=list, blank=True, help_text=_("仅作示例、未经核实的要素（如电话号码）")
    )

    class Meta:
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="department_unique_code")]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name

    @property
    def official_name(self) -> str:
        """The name printed on documents and around the seal: the full name, else the short one."""
        return self.full_name or self.name


class ServicePointKind(models.TextChoices):
    HALL = "hall", _("政务服务中心")
    TOWN_CENTRE = "town_centre", _("乡镇便民服务中心")
    VILLAGE_POINT = "village_point", _("村（社区）便民服务站")
    KIOSK = "kiosk", _("自助终端")
    BANK_BRANCH = "bank_branch", _("银行网点")


class ServicePoint(models.Model):
    """综合窗口 / 服务场所: where applications are taken in."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="service_points")
    located_in = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("编码"), max_length=60)
    name = models.CharField(_("名称"), max_length=200)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=ServicePointKind.choices)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    hours = models.CharField(_("办公时间"), max_length=100, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=40, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True, help_text=_("WGS 84，十进制度"))
    lng = models.FloatField(_("经度"), null=True, blank=True, help_text=_("WGS 84，十进制度"))
    operator = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_points_run",
        verbose_name=_("运营部门"),
        help_text=_("其收件回执、告知书加盖该部门的电子印章"),
    )

    class Meta:
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="service_point_unique_code")]
        verbose_name = _("服务场所")
        verbose_name_plural = _("服务场所")

    def __str__(self) -> str:
        return self.name


class DataSource(models.Model):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    provider_kind = models.CharField(_("提供部门类别"), max_length=40)
    mode = models.CharField(
        _("共享方式"), max_length=10, choices=[("query", _("查询")), ("verify", _("核验"))]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("数据源")
        verbose_name_plural = _("数据源")

    def __str__(self) -> str:
        return self.name


class LicenceType(models.Model):
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    issuer_kind = models.CharField(_("发证部门类别"), max_length=40)
    type_code = models.CharField(_("证照类型代码"), max_length=30, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")

    def __str__(self) -> str:
        return self.name


class FieldKey(models.Model):
    """One semantic key of the shared form vocabulary (e.g. `person.id_number`)."""

    key = models.CharField(_("语义键"), max_length=80, unique=True)
    label_zh = models.CharField(_("中文名称"), max_length=100)
    label_en = models.CharField(_("英文名称"), max_length=100)
    # the English of each of `validation["choices"]`, in order (shown in the English view; the value kept is the
    # Chinese choice)
    choices_en = models.JSONField(_("选项英文名称"), default=list, blank=True)
    type = models.CharField(_("类型"), max_length=20)
    validation = models.JSONField(_("校验规则"), default=dict, blank=True)
    source = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("数据来源")
    )

    class Meta:
        ordering = ["key"]
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段词汇表")

    def __str__(self) -> str:
        return f"{self.key}（{self.label_zh}）"


class ItemType(models.TextChoices):
    LICENSING = "01", _("行政许可")
    PENALTY = "02", _("行政处罚")
    COERCION = "03", _("行政强制")
    LEVY = "04", _("行政征收")
    BENEFIT = "05", _("行政给付")
    INSPECTION = "06", _("行政检查")
    CONFIRMATION = "07", _("行政确认")
    REWARD = "08", _("行政奖励")
    ADJUDICATION = "09", _("行政裁决")
    OTHER_POWER = "10", _("其他行政权力")
    PUBLIC_SERVICE = "20", _("公共服务")


class Item(models.Model):
    """政务服务事项: one standard procedure of one department, with its standard elements."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="items")
    ref = models.SlugField(_("事项键"), max_length=80)
    code = models.CharField(_("事项编码"), max_length=100, unique=True)
    name = models.CharField(_("事项名称"), max_length=300)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    item_type = models.CharField(_("事项类型"), max_length=2, choices=ItemType.choices)
    service_object = models.JSONField(_("服务对象"), default=list)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="items", verbose_name=_("实施部门")
    )
    level = models.CharField(
        _("实施层级"), max_length=10, choices=RegionLevel.choices, default=RegionLevel.COUNTY
    )
    legal_basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    legal_limit_days = models.PositiveIntegerField(_("法定办结时限（工作日）"))
    promised_limit_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"))
    fee = models.CharField(_("收费"), max_length=200, blank=True, default="不收费")
    # the document that sets the fee (or waives it); blank: the guide says the window's notice decides
    fee_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    result = models.CharField(_("办理结果"), max_length=200, blank=True)
    issues_licence = models.ForeignKey(
        LicenceType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("出具证照类型")
    )
    visits = models.PositiveSmallIntegerField(_("到办事现场次数"), default=1)
    steps = models.PositiveSmallIntegerField(_("办理环节数"), default=4)
    online_depth = models.PositiveSmallIntegerField(_("网办深度"), default=3)
    requires = models.JSONField(_("前置事项"), default=list, blank=True)
    illustrative = models.JSONField(
        _("示例性要素"), default=list, blank=True, help_text=_("未取自官方办事指南、仅作示例的要素")
    )

    class Meta:
        ordering = ["region__code", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["region", "ref"], name="item_unique_ref"),
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="item_promised_within_legal",
            ),
        ]
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")

    def __str__(self) -> str:
        return self.name


class ItemField(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="fields")
    key = models.ForeignKey(FieldKey, on_delete=models.PROTECT, verbose_name=_("语义键"))
    required = models.BooleanField(_("必填"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="item_field_unique_key")]
        verbose_name = _("事项表单字段")
        verbose_name_plural = _("事项表单字段")

    def __str__(self) -> str:
        return self.key.key


class Channel(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")
    OTHER = "other", _("其他")


class MaterialForm(models.TextChoices):
    PAPER = "paper", _("纸质")
    ELECTRONIC = "electronic", _("电子")
    EITHER = "either", _("纸质或电子")


class ItemMaterial(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="materials")
    code = models.CharField(_("材料编码"), max_length=80)
    name = models.CharField(_("材料名称"), max_length=300)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    channel = models.CharField(
        _("来源渠道"), max_length=12, choices=Channel.choices, default=Channel.APPLICANT
    )
    licence = models.ForeignKey(
        LicenceType, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("可替代的电子证照")
    )
    data_check = models.ForeignKey(
        DataSource, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("可替代的数据核验")
    )
    item_result = models.SlugField(_("可替代的前序事项结果"), max_length=80, blank=True)
    form = models.CharField(
        _("材料形式"), max_length=12, choices=MaterialForm.choices, default=MaterialForm.EITHER
    )
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    required = models.BooleanField(_("必需"), default=True)
    tolerated = models.BooleanField(_("可容缺"), default=False)
    commitment = models.BooleanField(_("可告知承诺"), default=False)
    commitment_text = models.TextField(_("承诺书内容"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "code"], name="item_material_unique_code")]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")

    def __str__(self) -> str:
        return self.name


class Subject(models.TextChoices):
    PERSON = "person", _("个人")
    ENTERPRISE = "enterprise", _("企业")


class Bundle(models.Model):
    """高效办成一件事: a named set of items handled as one application, in one region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="bundles")
    code = models.CharField(_("编码"), max_length=20, unique=True)
    seq = models.PositiveSmallIntegerField(_("清单序号"))
    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    subject = models.CharField(_("服务对象"), max_length=12, choices=Subject.choices)
    stage = models.CharField(_("生命周期阶段"), max_length=40, blank=True)
    tier = models.CharField(_("分组"), max_length=40, blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="led_bundles", verbose_name=_("牵头部门")
    )

    class Meta:
        ordering = ["region__code", "seq"]
        constraints = [models.UniqueConstraint(fields=["region", "seq"], name="bundle_unique_seq")]
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")

    def __str__(self) -> str:
        return self.name


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    RETIRED = "retired", _("已停用")


class BundleVersion(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    snapshot = models.JSONField(_("发布快照"), null=True, blank=True, editable=False)
    # checks before submission, as the pack declares them (docs/catalog-packs.md "checks"); frozen in the snapshot
    checks = models.JSONField(_("提交前校验规则"), default=list, blank=True)
    published_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("发布人"),
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="bundle_versions", verbose_name=_("适用区划")
    )

    class Meta:
        ordering = ["bundle", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "number"], name="bundle_version_unique_number"),
            models.UniqueConstraint(
                fields=["bundle"], condition=models.Q(status="published"), name="bundle_one_published_version"
            ),
        ]
        verbose_name = _("一件事版本")
        verbose_name_plural = _("一件事版本")

    def __str__(self) -> str:
        return f"{self.bundle.name} v{self.number}（{self.get_status_display()}）"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class BundleItem(models.Model):
    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="bundle_items")
    name = models.CharField(_("清单中的事项名称"), max_length=300)
    # the English name the English view shows: our own rendering, not an official name (blank: not translated)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="handled_bundle_items", verbose_name=_("办理部门")
    )
    departments = models.ManyToManyField(
        Department, related_name="bundle_items", verbose_name=_("责任部门（全部）")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "item"], name="bundle_item_unique")]
        verbose_name = _("一件事所含事项")
        verbose_name_plural = _("一件事所含事项")

    def __str__(self) -> str:
        return self.name


class BundleDependency(models.Model):
    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="dependencies")
    item = models.ForeignKey(BundleItem, on_delete=models.CASCADE, related_name="requires")
    requires = models.ForeignKey(BundleItem, on_delete=models.CASCADE, related_name="required_by")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "requires"], name="bundle_dependency_unique")]
        verbose_name = _("事项依赖")
        verbose_name_plural = _("事项依赖")

    def __str__(self) -> str:
        return f"{self.item} ← {self.requires}"


class Situation(models.Model):
    version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="situations")
    code = models.SlugField(_("编码"), max_length=60)
    question_zh = models.CharField(_("问题"), max_length=300)
    question_en = models.CharField(_("问题（英文）"), max_length=300)
    default = models.CharField(_("默认回答"), max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="situation_unique_code")]
        verbose_name = _("情形")
        verbose_name_plural = _("情形")

    def __str__(self) -> str:
        return self.question_zh


class SituationOption(models.Model):
    situation = models.ForeignKey(Situation, on_delete=models.CASCADE, related_name="options")
    value = models.CharField(_("值"), max_length=60)
    label_zh = models.CharField(_("选项"), max_length=200)
    label_en = models.CharField(_("选项（英文）"), max_length=200)
    excludes = models.ManyToManyField(
        BundleItem, blank=True, related_name="excluded_by", verbose_name=_("排除事项")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["situation", "position"]
        constraints = [models.UniqueConstraint(fields=["situation", "value"], name="situation_option_unique")]
        verbose_name = _("情形选项")
        verbose_name_plural = _("情形选项")

    def __str__(self) -> str:
        return self.label_zh


class DelegationLevel(models.TextChoices):
    TOWN = "town", _("镇级")
    VILLAGE = "village", _("村级")


class Delegation(models.Model):
    """赋权清单: an item a town or village point may take in, and how far it handles it (003 annexes)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="delegations")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="delegations")
    level = models.CharField(_("层级"), max_length=10, choices=DelegationLevel.choices)
    seq = models.PositiveSmallIntegerField(_("序号"))
    mode = models.CharField(_("办理方式"), max_length=200, blank=True)
    scope = models.JSONField(_("办理范围"), default=list)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["region__code", "level", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["region", "level", "seq"], name="delegation_unique_seq")
        ]
        verbose_name = _("赋权事项")
        verbose_name_plural = _("赋权清单")

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.seq}. {self.item.name}"
