"""`{% tr "中文" "English" %}`: the text in the request's language (zh-hans default, English available).

Pages carry both languages inline rather than through gettext catalogues, so that every label is reviewed in
both languages at the place it is written and nothing depends on compiled message files.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext

from yijianshi.catalog.selectors import english_names

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


# ------------------------------------------------------------------------------ catalogue names
# Names in the catalogue (bundles, items, materials, departments, service points, regions, form choices) are
# Chinese; the packs give most an English rendering of our own (`en`), not an official name — the English view
# says so once per page (base.html). A name with no English is shown in Chinese, marked, never left out.

UNTRANSLATED_NAME = "Chinese name only"
UNTRANSLATED_TEXT = "in Chinese only"

ITEM_TYPES_EN = {
    "01": "Administrative licensing",
    "02": "Administrative penalty",
    "03": "Administrative coercion",
    "04": "Administrative levy",
    "05": "Administrative benefit",
    "06": "Administrative inspection",
    "07": "Administrative confirmation",
    "08": "Administrative reward",
    "09": "Administrative adjudication",
    "10": "Other administrative power",
    "20": "Public service",
}
POINT_KINDS_EN = {
    "hall": "government service centre",
    "town_centre": "town service centre",
    "village_point": "village (community) service point",
    "kiosk": "self-service kiosk",
    "bank_branch": "bank branch",
}
# free texts of the catalogue that are common enough to have an English wording
TEXTS_EN = {"不收费": "Free of charge"}


def _chinese(text: str, marker: str) -> SafeString:
    return format_html(
        '<span lang="zh-Hans">{}</span> <small class="untranslated">({})</small>', text, marker
    )


def english_name(name: str, kind: str) -> str | None:
    """The English of a catalogue name of this kind (any kind when not found there), or None."""
    names = english_names()
    found = names.get(kind, {}).get(name)
    if found is None:
        found = next((table[name] for table in names.values() if name in table), None)
    return found


def _english_of(value: Any, name: str, kind: str) -> str | None:
    """The English of a catalogue name: an object's own `name_en`, else looked up by its Chinese."""
    return getattr(value, "name_en", "") or english_name(name, kind)


@register.filter
def cname(value: Any, kind: str = "") -> str:
    """A catalogue name in the page's language: `{{ i.def.name|cname:"item" }}`, `{{ bundle|cname:"bundle" }}`
    (an object's own `name_en` first). In English, a name with no English is its Chinese, marked."""
    name = str(getattr(value, "name", value) or "")
    if not name or not is_english():
        return name
    return _english_of(value, name, kind) or _chinese(name, UNTRANSLATED_NAME)


@register.filter
def cnames(values: Any, kind: str = "") -> str:
    """A list of catalogue names, each as `cname` gives it, joined as the language joins them."""
    parts = [cname(v, kind) for v in values or ()]
    if not is_english():
        return "、".join(str(p) for p in parts)
    return format_html_join(", ", "{}", ((p,) for p in parts))


@register.filter
def zh_text(value: Any) -> str:
    """A free text of the catalogue that exists in Chinese only (a legal basis, conditions, a fee, an address):
    itself in Chinese; in English its Chinese marked as such (or the English of a common wording)."""
    text = str(value or "")
    if not text or not is_english():
        return text
    return TEXTS_EN.get(text) or _chinese(text, UNTRANSLATED_TEXT)


@register.filter
def item_type(code: Any, label: str = "") -> str:
    """An item's type (事项类型) by its code, in the page's language."""
    if not is_english():
        return label or str(code)
    return ITEM_TYPES_EN.get(str(code), label or str(code))


@register.filter
def point_kind(point: Any) -> str:
    """A service point's kind in the page's language."""
    return POINT_KINDS_EN.get(point.kind, point.kind) if is_english() else point.get_kind_display()


@register.simple_tag
def counted(n: Any, zh: str, en_one: str, en_many: str) -> str:
    """`{% counted 2 "个工作日" "working day" "working days" %}`: 2个工作日 / 2 working days / 1 working day —
    the English noun in the singular or plural as the count asks (ngettext's rule for English)."""
    count = int(n)
    if is_english():
        return f"{count} {ngettext(en_one, en_many, count)}"
    return f"{count}{zh}"


@register.filter
def cname_plain(value: Any, kind: str = "") -> str:
    """`cname` as plain text, for where markup cannot go (an <option>, a title): an untranslated name is its
    Chinese followed by the marker in brackets."""
    name = str(getattr(value, "name", value) or "")
    if not name or not is_english():
        return name
    return _english_of(value, name, kind) or f"{name} ({UNTRANSLATED_NAME})"
