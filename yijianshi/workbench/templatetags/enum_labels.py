"""Codes in words on the staff's pages: `{{ case.status|status_label }}`, `{{ e.type|event_label }}`,
`{{ done|action_label }}`, `{{ d.kind|document_label }}`, `{{ app.channel|channel_label }}`, in the request's
language. The words are the labels on the enums (core/labels.py `Labelled`: cases/transitions.py AppStatus,
CaseStatus and CaseAction, EventType and Channel in cases/models.py, documents/kinds.py DocumentKind); no page
shows a stored code (issue 18 point 4). An unknown stored value (an old row) shows as itself."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from yijianshi.cases.models import Channel, EventType
from yijianshi.cases.transitions import AppStatus, CaseAction, CaseStatus
from yijianshi.core.labels import Labelled
from yijianshi.documents.kinds import DocumentKind

register = template.Library()


def _word(enum: type[Labelled], value: Any) -> str:
    zh, en = enum.of(str(value or ""))
    return en if (get_language() or "zh-hans").startswith("en") else zh


@register.filter
def status_label(value: Any) -> str:
    """An application's or an item case's status (the two machines share no value but 'withdrawn', worded
    alike)."""
    return _word(AppStatus if str(value) in {s.value for s in AppStatus} else CaseStatus, value)


@register.filter
def event_label(value: Any) -> str:
    return _word(EventType, value)


@register.filter
def document_label(value: Any) -> str:
    return _word(DocumentKind, value)


@register.filter
def channel_label(value: Any) -> str:
    return _word(Channel, value)


@register.filter
def action_label(value: Any) -> str:
    """What an officer just did (`?done=` after a page's action: an action of the item case's table, or the
    commitment's post-check), in words; an unknown value is not shown at all: it came from the address bar."""
    for enum in (CaseAction, EventType):
        if str(value) in {m.value for m in enum}:
            return _word(enum, value)
    return ""
