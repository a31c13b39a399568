"""The portal's forms for free text (the merged application form is checked by the case services): a withdrawal's
reason and a dispute of a prefilled value. Their fields are `CleanTextField`s (core/fields.py): control and
direction-override characters are refused next to the field; what is kept is NFC, stripped."""

from __future__ import annotations

from django import forms

from yijianshi.core.errors import ErrorDetail
from yijianshi.core.fields import CleanTextField
from yijianshi.core.text import MAX_TEXT


class WithdrawForm(forms.Form):
    reason = CleanTextField(max_length=300, required=False)


class DisputeForm(forms.Form):
    claimed_value = CleanTextField(max_length=MAX_TEXT, required=False)
    reason = CleanTextField(max_length=2000, required=False)


def form_errors(form: forms.Form) -> dict[str, ErrorDetail]:
    """The first error of each field, as the pages show errors ({% tr e.zh e.en %}): "中文 / English" split."""
    out: dict[str, ErrorDetail] = {}
    for name, errors in form.errors.as_data().items():
        error = errors[0]
        zh, _, en = next(iter(error.messages), "").partition(" / ")
        out[name] = ErrorDetail(code=error.code or "invalid", zh=zh, en=en or zh, field=name)
    return out
