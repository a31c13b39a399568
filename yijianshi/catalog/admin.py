"""The Django admin for editing the catalogue. It refuses the mistakes the pack validator refuses (a bad
region code, a dependency on an item outside the version, a cycle, an item of another region) with a clear
message, and a published or retired version is read-only: to change a bundle, start a new draft and publish it.
A field key cannot be used with two types here: an item's field points at the one vocabulary entry.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from yijianshi.core.errors import DomainError

from .engine.schedule import dependency_edges, find_cycle
from .models import (
    Bundle,
    BundleDependency,
    BundleItem,
    BundleVersion,
    DataSource,
    Delegation,
    Department,
    FieldKey,
    Item,
    ItemField,
    ItemMaterial,
    LicenceType,
    Region,
    ServicePoint,
    Situation,
    SituationOption,
)
from .packs import region_code_problem
from .selectors import bundle_def_from_rows
from .services import bundle_version_new_draft, bundle_version_publish


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, level, parent = data.get("code"), data.get("level"), data.get("parent")
        if code and level:
            problem = region_code_problem(code, level, parent.code if parent else None)
            if problem:
                raise ValidationError({"code": f"{problem[0]} / {problem[1]}"})
        return data


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = RegionForm
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name", "code", "kind", "region"]
    list_filter = ["region", "kind"]
    search_fields = ["name", "full_name", "code"]


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "located_in", "operator", "hours"]
    list_filter = ["region", "kind"]


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provider_kind", "mode"]


@admin.register(LicenceType)
class LicenceTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "issuer_kind", "type_code"]


@admin.register(FieldKey)
class FieldKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "label_zh", "label_en", "type", "source"]
    list_filter = ["type", "source"]
    search_fields = ["key", "label_zh", "label_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: FieldKey | None = None) -> list[str]:
        # the type of a key in use is fixed: changing it would change every form that uses it
        return ["key", "type"] if obj is not None and obj.itemfield_set.exists() else []


class ItemFieldInline(admin.TabularInline):
    model = ItemField
    extra = 0
    autocomplete_fields = ["key"]


class ItemMaterialInline(admin.StackedInline):
    model = ItemMaterial
    extra = 0


class ItemForm(forms.ModelForm):
    class Meta:
        model = Item
        exclude: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        legal, promised = data.get("legal_limit_days"), data.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            raise ValidationError(
                {
                    "promised_limit_days": "承诺时限不得超过法定时限 / The promised limit must not "
                    "exceed the legal limit"
                }
            )
        region, dept = data.get("region"), data.get("department")
        if region and dept and dept.region_id != region.pk:
            raise ValidationError(
                {"department": "实施部门必须属于本地区 / The department must belong to the item's region"}
            )
        return data


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "item_type",
        "department",
        "legal_limit_days",
        "promised_limit_days",
        "region",
    ]
    list_filter = ["region", "item_type", "department__kind"]
    search_fields = ["name", "code", "ref"]
    inlines = [ItemFieldInline, ItemMaterialInline]

    form = ItemForm


class FrozenInlineMixin:
    """Inlines of a published or retired version are read-only."""

    def has_add_permission(self, request: HttpRequest, obj: BundleVersion | None = None) -> bool:
        return obj is None or not obj.is_frozen

    def has_change_permission(self, request: HttpRequest, obj: BundleVersion | None = None) -> bool:
        return obj is None or not obj.is_frozen

    def has_delete_permission(self, request: HttpRequest, obj: BundleVersion | None = None) -> bool:
        return obj is None or not obj.is_frozen


class BundleItemInline(FrozenInlineMixin, admin.TabularInline):
    model = BundleItem
    extra = 0
    fields = ["position", "item", "name", "department", "departments"]
    autocomplete_fields = ["item"]


class DependencyFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        version: BundleVersion = self.instance
        edges: dict[str, list[str]] = {}
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            item, requires = form.cleaned_data.get("item"), form.cleaned_data.get("requires")
            if item is None or requires is None:
                continue
            for bi in (item, requires):
                if bi.version_id != version.pk:
                    raise ValidationError(
                        f"依赖关系引用了不属于本版本的事项“{bi.name}” / The dependency names "
                        f"'{bi.name}', which is not an item of this version"
                    )
            if item.pk == requires.pk:
                raise ValidationError(f"事项“{item.name}”不能依赖自身 / An item cannot depend on itself")
            edges.setdefault(item.item.ref, []).append(requires.item.ref)
        # the declared edges as edited here, plus the ones the items imply (templates' requires, materials that
        # an earlier item's result stands in for)
        current = bundle_def_from_rows(version)
        declared = tuple((a, b) for a, bs in edges.items() for b in bs)
        cycle = find_cycle(dependency_edges(replace(current, dependencies=declared)))
        if cycle:
            path = " → ".join((*cycle, cycle[0]))
            raise ValidationError(f"事项依赖关系存在循环：{path} / The dependencies form a cycle: {path}")


class BundleDependencyInline(FrozenInlineMixin, admin.TabularInline):
    model = BundleDependency
    formset = DependencyFormSet
    fk_name = "version"
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        version_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name in ("item", "requires") and version_id:
            kwargs["queryset"] = BundleItem.objects.filter(version_id=version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SituationInline(FrozenInlineMixin, admin.TabularInline):
    model = Situation
    extra = 0
    show_change_link = True


@admin.register(BundleVersion)
class BundleVersionAdmin(admin.ModelAdmin):
    list_display = ["bundle", "number", "status", "effective_from", "effective_to", "published_at"]
    list_filter = ["status", "bundle__region"]
    search_fields = ["bundle__name", "bundle__code"]
    inlines = [BundleItemInline, BundleDependencyInline, SituationInline]
    actions = ["publish", "new_draft"]
    readonly_fields = ["status", "published_at", "published_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: BundleVersion | None = None) -> list[str]:
        if obj is not None and obj.is_frozen:
            return [
                "bundle",
                "number",
                "status",
                "effective_from",
                "effective_to",
                "regions",
                "published_at",
                "published_by",
            ]
        return list(self.readonly_fields)

    @admin.action(description="发布所选草稿版本 / Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[BundleVersion]) -> None:
        for version in queryset:
            try:
                bundle_version_publish(version=version, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc.detail.zh} / {exc.detail.en}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{version.bundle} v{version.number} 已发布 / published", messages.SUCCESS
                )

    @admin.action(description="基于所选版本新建草稿 / New draft from the selected versions")
    def new_draft(self, request: HttpRequest, queryset: QuerySet[BundleVersion]) -> None:
        for version in queryset:
            try:
                draft = bundle_version_new_draft(bundle=version.bundle, actor=request.user)  # type: ignore[arg-type]
            except DomainError as exc:
                self.message_user(
                    request, f"{version.bundle}: {exc.detail.zh} / {exc.detail.en}", messages.ERROR
                )
            else:
                self.message_user(
                    request, f"{version.bundle} v{draft.number} 草稿已创建 / draft created", messages.SUCCESS
                )


class BundleVersionInline(admin.TabularInline):
    model = BundleVersion
    extra = 0
    fields = ["number", "status", "effective_from", "effective_to", "published_at"]
    readonly_fields = ["number", "status", "effective_from", "effective_to", "published_at"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "subject", "stage", "lead_department", "region"]
    list_filter = ["region", "subject"]
    search_fields = ["code", "name"]
    inlines = [BundleVersionInline]


class SituationOptionInline(admin.TabularInline):
    model = SituationOption
    extra = 0


@admin.register(Situation)
class SituationAdmin(admin.ModelAdmin):
    list_display = ["code", "question_zh", "version"]
    inlines = [SituationOptionInline]

    def has_change_permission(self, request: HttpRequest, obj: Situation | None = None) -> bool:
        return obj is None or not obj.version.is_frozen


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["seq", "level", "item", "mode", "region"]
    list_filter = ["region", "level", "item__item_type"]
    search_fields = ["item__name"]
