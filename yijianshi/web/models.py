"""The portal's own data: the synonyms of its search (issue 18, point 2), edited by an administrator in the
Django admin and seeded from synonyms.yaml. The search reads them through `catalogue.current_synonyms()`."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

SEPARATORS = re.compile(r"[,，、;；\s]+")


class SearchSynonym(models.Model):
    """A word people type (生孩子, 开饭馆, 退修 …) and the catalogue's words it stands for (新生儿出生, 餐饮 …)."""

    term = models.CharField(
        _("群众用语"), max_length=40, unique=True, help_text=_("人们搜索时会输入的词，例如“开饭馆”“生孩子”")
    )
    means = models.CharField(
        _("对应的规范用语"),
        max_length=400,
        help_text=_("目录中使用的词，用顿号或逗号分隔，例如“餐饮、食品经营”"),
    )
    active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")

    def __str__(self) -> str:
        return f"{self.term} → {self.means}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.term = "".join(self.term.split())
        if len(self.term) < 2:
            raise ValidationError({"term": _("至少两个字：单个字会匹配到无关的事项。")})
        terms = self.official_terms()
        if not terms:
            raise ValidationError({"means": _("请至少填写一个规范用语。")})
        short = [t for t in terms if len(t) < 2]
        if short:
            raise ValidationError({"means": _("规范用语至少两个字：%(terms)s") % {"terms": "、".join(short)}})
        self.means = "、".join(terms)

    def official_terms(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for t in SEPARATORS.split(self.means) if t))
