"""`{% tr "中文" "English" %}`: the text in the request's language (zh-hans default, English available).

Pages carry both languages inline rather than through gettext catalogues, so that every label is reviewed in
both languages at the place it is written and nothing depends on compiled message files.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

register = template.Library()


def is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.simple_tag
def tr(zh: str, en: str) -> str:
    return en if is_english() else zh


@register.filter
def pct(value: float) -> str:
    return f"{value * 100:.0f}%"


@register.filter
def label(obj: Any, prefix: str = "label") -> str:
    """obj.label_zh / obj.label_en (or question_zh/en with prefix='question')."""
    return str(getattr(obj, f"{prefix}_en" if is_english() else f"{prefix}_zh", ""))
