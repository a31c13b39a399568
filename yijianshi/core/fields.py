"""The one normaliser of free text at the edge (docs/security.md, finding 2; the rule: yijianshi/core/text.py).

Every free-text field a request brings — a withdrawal or objection reason, an authorisation, a clerk's finding, a
note, an address, a name — goes through one of these two fields, so that a new field cannot forget it
(tests/security/test_free_text.py walks every request serializer and form):

- `CleanText`, a DRF `CharField`, in the API's request serializers;
- `CleanTextField`, a Django form `CharField`, in the workbench's and the portal's forms.

Both refuse, naming the field, control characters (NUL …) and the direction overrides, embeddings and isolates
(code `invalid_characters`); with `name=True` also line breaks and invisible format characters — zero-width
space, joiners, soft hyphen, direction marks (`invisible_characters`). What they take is kept in Unicode NFC,
stripped. The text as sent is checked before it is stripped, so nothing refused is stripped away unseen.
"""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import serializers
from rest_framework.fields import empty

from yijianshi.core.text import first_refused, free_text_normalised, free_text_problem

MESSAGES = {
    "invalid_characters": (
        "不能含有控制字符或文字方向控制字符",
        "may not contain control or text-direction characters",
    ),
    "invisible_characters": (
        "姓名不能含有零宽或不可见的格式字符",
        "a name may not contain zero-width or invisible formatting characters",
    ),
}


def _refusal(text: str, *, name: bool) -> tuple[str, str, str] | None:
    """(code, zh, en) naming the first refused character, or None when `text` may be taken."""
    code = free_text_problem(text, name=name)
    if code is None:
        return None
    zh, en = MESSAGES[code]
    where = first_refused(text, name=name)
    return code, f"{zh}（{where}）", f"{en[0].upper()}{en[1:]} ({where})"


class CleanText(serializers.CharField):
    """A free-text field of a request (module docstring). `name=True` for a person's or an enterprise's name."""

    def __init__(self, *, name: bool = False, **kwargs: Any) -> None:
        self.name = name
        super().__init__(**kwargs)

    def run_validation(self, data: Any = empty) -> Any:
        if isinstance(data, str):  # before DRF strips it or takes it as blank
            refused = _refusal(data, name=self.name)
            if (
                refused is not None
            ):  # the API's handler words the other language from the code (api/errors.py)
                raise serializers.ValidationError(refused[2], code=refused[0])
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return free_text_normalised(super().to_internal_value(data))


class CleanTextField(forms.CharField):
    """A free-text field of a page's form (module docstring); its messages are "中文 / English"."""

    def __init__(self, *, name: bool = False, **kwargs: Any) -> None:
        self.name = name
        kwargs["error_messages"] = {
            "max_length": "最多 %(limit_value)d 个字符（现有 %(show_value)d 个） / "
            "At most %(limit_value)d characters (it has %(show_value)d)",
            "required": "必填 / Required",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str):
            refused = _refusal(value, name=self.name)
            if refused is not None:
                raise forms.ValidationError(f"{refused[1]} / {refused[2]}", code=refused[0])
        text = super().to_python(value)
        return free_text_normalised(text) if text else text
