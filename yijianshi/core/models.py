"""Holiday data an administrator enters when the State Council publishes a year's holidays before the
chinesecalendar package knows them (the notice comes out in Oct-Dec; the package follows in a later release).

Read only through `core.calendar.work_calendar()`; the rules of what may be entered are in
`core.workdays.holiday_entry_problem` and enforced by the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock


class HolidayYear(models.Model):
    """One year's holiday arrangement; `complete` declares every holiday and make-up day of the notice entered."""

    year = models.PositiveSmallIntegerField(
        _("年份 Year"),
        unique=True,
        validators=[MinValueValidator(1949), MaxValueValidator(2150)],
        error_messages={"unique": _("这一年度已经存在 / This year already exists")},
    )
    complete = models.BooleanField(
        _("已完整录入 Complete"),
        default=False,
        help_text=_(
            "该年度通知中的放假日和调休上班日已全部录入；未勾选时，其余日期仍仅按周末计算。 / Every holiday "
            "and make-up working day of the notice is entered; until then the other dates count weekends only."
        ),
    )
    source = models.CharField(
        _("依据 Source"),
        max_length=200,
        blank=True,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知 / e.g. the State Council's notice"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人 Entered by"),
    )
    entered_at = models.DateTimeField(_("录入时间 Entered at"), default=clock.now)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日年度 Holiday year")
        verbose_name_plural = _("节假日年度 Holiday years")

    def __str__(self) -> str:
        return f"{self.year}"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假 Holiday")
    WORKDAY = "workday", _("调休上班 Make-up working day")


class HolidayDate(models.Model):
    year = models.ForeignKey(
        HolidayYear, on_delete=models.CASCADE, related_name="dates", verbose_name=_("年度 Year")
    )
    date = models.DateField(
        _("日期 Date"),
        unique=True,
        error_messages={"unique": _("这一天已经登记过 / This date is already entered")},
    )
    kind = models.CharField(_("类型 Kind"), max_length=10, choices=HolidayKind.choices)
    name = models.CharField(
        _("名称 Name"), max_length=60, blank=True, help_text=_("如：春节 / e.g. Spring Festival")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日日期 Holiday date")
        verbose_name_plural = _("节假日日期 Holiday dates")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
