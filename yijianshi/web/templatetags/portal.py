"""Small filters for the portal's forms."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

INPUT_TYPES = {"date": "date", "phone": "tel", "email": "email", "number": "text", "money": "text"}


@register.filter
def get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def input_type(kind: str) -> str:
    return INPUT_TYPES.get(kind, "text")


@register.filter
def field_id(key: str, step: str) -> str:
    """The HTML id of a field's element on a wizard step (for the error summary's links)."""
    safe = str(key).replace(".", "__")
    return {"form": "f_", "materials": "m_"}.get(step, "q_" if step == "situation" else "c_") + safe


@register.filter
def anchor_for(key: str, anchors: str) -> str:
    """The id an error summary links to for an error's key, from "key=id key=id" (empty: no link)."""
    pairs = dict(pair.split("=", 1) for pair in str(anchors).split() if "=" in pair)
    return pairs.get(str(key), "")
