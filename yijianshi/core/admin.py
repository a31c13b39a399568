"""The admin for holiday data: a year (the State Council's notice) with its dates inline.

It refuses what `core.workdays.holiday_entry_problem` refuses (a date outside its year; a make-up working day on
a weekday, which is a working day anyway), a year declared complete without the notice it comes from or without
a single holiday, and shows on the list which years are not covered yet (`core.calendar.calendar_status`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from . import clock
from .calendar import calendar_status
from .models import HolidayDate, HolidayKind, HolidayYear
from .workdays import holiday_entry_problem, package_years


class HolidayYearForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = HolidayYear
        fields = ["year", "complete", "source"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("complete") and not (data.get("source") or "").strip():
            raise ValidationError(
                {
                    "source": ValidationError(
                        "标记为已完整录入时，请填写依据的通知 / A year marked complete needs the notice it comes from",
                        code="complete_without_source",
                    )
                }
            )
        return data


class HolidayDateFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def get_unique_error_message(self, unique_check: Any) -> str:
        return "同一日期不能登记两次 / The same date cannot be entered twice"

    def clean(self) -> None:
        # every problem at once: the rows' own, then the year's, then the duplicates Django finds
        parent: HolidayYear = self.instance
        problems: list[ValidationError] = []
        holidays = 0
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            day, kind = data.get("date"), data.get("kind")
            if day is None or not kind:
                continue
            if kind == HolidayKind.HOLIDAY:
                holidays += 1
            if parent.year:
                problem = holiday_entry_problem(parent.year, day, workday=kind == HolidayKind.WORKDAY)
                if problem is not None:
                    code, zh, en = problem
                    form.add_error("date", ValidationError(f"{zh} / {en}", code=code))
        if parent.complete and holidays == 0:
            problems.append(
                ValidationError(
                    "标记为已完整录入的年度至少要有一天放假 / A year marked complete needs its holidays",
                    code="complete_without_holidays",
                )
            )
        try:
            super().clean()
        except ValidationError as exc:
            problems.extend(exc.error_list)
        if problems:
            raise ValidationError(problems)


class HolidayDateInline(admin.TabularInline):  # type: ignore[type-arg]
    model = HolidayDate
    formset = HolidayDateFormSet
    fields = ["date", "kind", "name"]
    extra = 3


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = HolidayYearForm
    inlines = [HolidayDateInline]
    list_display = [
        "year",
        "complete",
        "source",
        "holiday_count",
        "workday_count",
        "entered_by",
        "entered_at",
    ]
    readonly_fields = ["entered_by", "entered_at"]
    fields = ["year", "complete", "source", "entered_by", "entered_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HolidayYear]:
        return super().get_queryset(request).select_related("entered_by").prefetch_related("dates")

    @admin.display(description="放假天数 Holidays")
    def holiday_count(self, obj: HolidayYear) -> int:
        return sum(1 for d in obj.dates.all() if d.kind == HolidayKind.HOLIDAY)

    @admin.display(description="调休上班天数 Make-up days")
    def workday_count(self, obj: HolidayYear) -> int:
        return sum(1 for d in obj.dates.all() if d.kind == HolidayKind.WORKDAY)

    def save_model(self, request: HttpRequest, obj: HolidayYear, form: Any, change: bool) -> None:
        obj.entered_by = request.user if request.user.is_authenticated else None
        obj.entered_at = clock.now()
        super().save_model(request, obj, form, change)
        if obj.year in package_years():
            messages.info(
                request,
                f"{obj.year}年的节假日 chinesecalendar 已有；此处录入的日期优先于它。 / "
                f"chinesecalendar already knows {obj.year}; the dates entered here take precedence.",
            )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        for warning in calendar_status(clock.local(clock.now()).date())["warnings"]:
            messages.warning(request, f"{warning['zh']} / {warning['en']}")
        return super().changelist_view(request, extra_context)
