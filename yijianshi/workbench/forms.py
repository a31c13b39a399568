"""Workbench forms: they read and shape the input; every rule is checked by the case services, whose bilingual
errors are put back next to the field they name (`attach`). Every free-text field is a `CleanTextField`
(core/fields.py): control and direction-override characters are refused next to the field, names also refuse
invisible characters, and what is kept is NFC."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from yijianshi.cases.models import DeliveryMethod
from yijianshi.cases.transitions import CaseAction
from yijianshi.core.errors import DomainError
from yijianshi.core.fields import CleanTextField
from yijianshi.core.identifiers import credit_code, resident_id

REQUIRED = {"required": "必填 / Required"}
BAD_NUMBER = {"required": "必填 / Required", "invalid": "应为整数 / Must be a whole number"}
# how the clerk verified the walk-in before anything is read about them (issue 17 point 3: purpose-bound access)
VERIFICATIONS = [
    ("id_card_read", "本人到场，身份证读卡核验 / In person, ID card read"),
    ("face_check", "本人到场，人脸识别核验 / In person, face check"),
    (
        "paper_authorisation",
        "代办人持授权委托书及委托人身份证件 / An agent with a letter of authorisation and the "
        "principal's ID card",
    ),
]

AUTHORISATIONS = [
    ("in_person", "当面核验身份（本人到场） / Identity checked in person"),
    ("letter", "授权委托书 / Letter of authorisation"),
]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:50]


class IntakeForm(forms.Form):
    decision = forms.ChoiceField(
        label="收件决定 / Decision",
        error_messages=REQUIRED,
        choices=[
            ("accept", "材料齐全，收件并出具回执 / Complete: receive and print the receipt"),
            ("deficient", "出具一次告知书 / Issue the deficiency notice"),
        ],
        widget=forms.RadioSelect,
    )
    confirmed = forms.MultipleChoiceField(
        label="申请人列明到窗口提交的材料：已收取并核验 / Listed to hand in at the window: received and checked",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "不在待核验材料中：%(value)s / Not listed to hand in: %(value)s"},
    )
    problems = CleanTextField(
        label="需补正的其他内容（每行一项） / Other things to correct (one per line)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=BAD_NUMBER, min_value=1)

    def __init__(self, *args: Any, to_present: Sequence[dict[str, Any]] = (), **kwargs: Any) -> None:
        """`to_present`: the materials the applicant listed to hand in at the window (one checkbox each,
        labelled with the material's name)."""
        super().__init__(*args, **kwargs)
        field = self.fields["confirmed"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m["code"], f"{m['name']}（{m['code']}）") for m in to_present]
        if not to_present:
            del self.fields["confirmed"]

    def clean_problems(self) -> list[str]:
        return _lines(self.cleaned_data.get("problems", ""))


class MaterialReviewForm(forms.Form):
    """收件审查 of each provided material: 合格 or 需补正 with the reason (printed in the deficiency notice).
    Posted with the intake decision; a material left unmarked is not judged. Fields `review:<code>` and
    `reason:<code>`; the reason is required for 需补正 by the intake service (cases/services/intake.py)."""

    VERDICTS = [("accepted", "合格 / Accepted"), ("needs_correction", "需补正 / Needs correction")]

    def __init__(self, *args: Any, materials: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.materials = materials
        for m in materials:
            self.fields[f"review:{m['code']}"] = forms.ChoiceField(
                label=m["name"], choices=self.VERDICTS, required=False, widget=forms.RadioSelect
            )
            self.fields[f"reason:{m['code']}"] = CleanTextField(
                label=f"{m['name']}：需补正的原因 / why it needs correction",
                required=False,
                max_length=500,
            )

    def rows(self) -> list[dict[str, Any]]:
        """For the template: each material with its two bound fields."""
        return [
            {"m": m, "verdict": self[f"review:{m['code']}"], "reason": self[f"reason:{m['code']}"]}
            for m in self.materials
        ]

    def reviews(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            m["code"]: (data[f"review:{m['code']}"], data.get(f"reason:{m['code']}", ""))
            for m in self.materials
            if data.get(f"review:{m['code']}")
        }

    def needs_correction(self) -> bool:
        return any(verdict == "needs_correction" for verdict, _ in self.reviews().values())


class UploadForm(forms.Form):
    material = forms.ChoiceField(label="材料 / Material", error_messages=REQUIRED)
    file = forms.FileField(
        label="扫描件 / Scanned file",
        error_messages={
            "required": "请选择文件 / Choose a file",
            "empty": "文件为空 / The file is empty",
            "invalid": "不是文件 / Not a file",
        },
    )

    def __init__(self, *args: Any, materials: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["material"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m["code"], m["name"]) for m in materials]


class SupplementForm(forms.Form):
    materials = forms.MultipleChoiceField(
        label="申请人已补交的材料 / Materials now handed in",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=BAD_NUMBER, min_value=1)

    def __init__(self, *args: Any, materials: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["materials"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m["code"], m["name"]) for m in materials]


class CounterStartForm(forms.Form):
    id_number = CleanTextField(
        label="公民身份号码 / Identity number",
        max_length=18,
        error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    name = CleanTextField(
        name=True,
        label="姓名（与身份证一致） / Name (as on the ID card)",
        max_length=50,
        error_messages=REQUIRED,
    )
    phone = CleanTextField(label="联系电话 / Phone", max_length=20, required=False)
    bundle = forms.ChoiceField(label="一件事 / Bundle", error_messages=REQUIRED)
    verified = forms.ChoiceField(
        label="身份核验方式（查询共享数据前必填） / How the identity was verified (before any "
        "shared data is read)",
        choices=VERIFICATIONS,
        error_messages=REQUIRED,
        widget=forms.RadioSelect,
    )

    uscc = CleanTextField(
        label="统一社会信用代码（办理企业事项时） / Unified social credit code (for an enterprise's bundle)",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    enterprise_name = CleanTextField(
        label="企业名称（与营业执照一致） / Enterprise name (as on the business licence)",
        max_length=200,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        bundles: list[tuple[str, str]],
        enterprise_bundles: frozenset[str] = frozenset(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise_bundles = enterprise_bundles
        field = self.fields["bundle"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *bundles]

    def clean_id_number(self) -> str:
        try:
            return resident_id(self.cleaned_data["id_number"], field="id_number")
        except DomainError as exc:
            raise forms.ValidationError(f"{exc.detail.zh} / {exc.detail.en}") from None

    def clean(self) -> dict[str, Any]:
        """An enterprise's bundle is applied for by a person (its legal representative, or staff with a letter):
        the enterprise's code and name are then required and checked; a person's bundle ignores them."""
        data = super().clean() or {}
        if data.get("bundle") not in self.enterprise_bundles:
            data["uscc"] = data["enterprise_name"] = ""
            return data
        if not data.get("uscc"):
            self.add_error(
                "uscc", "办理企业事项须填写统一社会信用代码 / An enterprise's bundle needs its credit code"
            )
        else:
            try:
                data["uscc"] = credit_code(data["uscc"], field="uscc")
            except DomainError as exc:
                self.add_error("uscc", f"{exc.detail.zh} / {exc.detail.en}")
        if not data.get("enterprise_name"):
            self.add_error(
                "enterprise_name", "办理企业事项须填写企业名称 / An enterprise's bundle needs its name"
            )
        return data


class CounterApplyForm(forms.Form):
    """The merged form (fields `f.<key>`), the paper materials received, 容缺 and 告知承诺, and the authorisation."""

    authorisation = forms.ChoiceField(
        label="授权方式 / Authorisation",
        choices=AUTHORISATIONS,
        error_messages=REQUIRED,
        widget=forms.RadioSelect,
    )
    authorisation_ref = CleanTextField(
        label="授权委托书编号或说明 / Letter reference", max_length=200, required=False
    )

    def __init__(self, *args: Any, snapshot: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        for f in snapshot["form"]:
            label = f"{f['label_zh']} / {f['label_en']}"
            attrs = {"aria-required": "true"} if f["required"] else {}
            if f["type"] == "boolean":
                field: forms.Field = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), ("true", "是 / Yes"), ("false", "否 / No")],
                )
            elif f["type"] == "choice" and f["validation"].get("choices"):
                field = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—")] + [(c, c) for c in f["validation"]["choices"]],
                )
            else:
                kind = {"date": "date", "phone": "tel", "email": "email"}.get(f["type"], "text")
                field = CleanTextField(
                    label=label,
                    required=False,
                    max_length=5000,
                    name=f["key"].endswith(".name"),
                    widget=forms.TextInput(attrs={**attrs, "type": kind}),
                )
            field.widget.attrs.update(attrs)
            self.fields[f"f.{f['key']}"] = field
        open_materials = [m for m in snapshot["materials"] if not m["waiver"]]
        self.fields["materials"] = forms.MultipleChoiceField(
            label="已当场收取的材料 / Materials handed in",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(m["code"], m["name"]) for m in open_materials],
        )
        self.fields["tolerated"] = forms.MultipleChoiceField(
            label="容缺受理（后补） / Tolerated (to follow)",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(m["code"], m["name"]) for m in open_materials if m["tolerated"]],
        )
        self.fields["commitments"] = forms.MultipleChoiceField(
            label="以告知承诺替代 / Replaced by a signed commitment",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[(m["code"], m["name"]) for m in open_materials if m["commitment"]],
        )

    def form_field_names(self) -> list[str]:
        return [f"f.{f['key']}" for f in self.snapshot["form"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("authorisation") == "letter" and not (data.get("authorisation_ref") or "").strip():
            self.add_error("authorisation_ref", "请填写授权委托书编号或说明 / Give the letter's reference")
        return data

    def form_values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.snapshot["form"]:
            value = self.cleaned_data.get(f"f.{f['key']}")
            if value in (None, ""):
                continue
            out[f["key"]] = (
                {"true": True, "false": False}.get(value, value) if f["type"] == "boolean" else value
            )
        return out

    def authorisation_text(self) -> str:
        kind = dict(AUTHORISATIONS)[self.cleaned_data["authorisation"]].split(" / ")[0]
        ref = (self.cleaned_data.get("authorisation_ref") or "").strip()
        return f"{kind}：{ref}" if ref else kind

    def attach(self, exc: DomainError) -> None:
        """Put each problem the service named next to its field (the rest stay with the page's message)."""
        for detail in exc.details:
            name = detail.field or ""
            target = f"f.{name[5:]}" if name.startswith("form.") else name
            if target in self.fields:
                self.add_error(target, f"{detail.zh} / {detail.en}")


class TransitionForm(forms.Form):
    action = forms.ChoiceField(
        label="操作 / Action",
        error_messages=REQUIRED,
        choices=[
            (a.value, a.value)
            for a in (
                CaseAction.ACCEPT,
                CaseAction.REJECT,
                CaseAction.REQUEST_CORRECTION,
                CaseAction.RESUME,
                CaseAction.APPROVE,
                CaseAction.DENY,
                CaseAction.PROGRESS,
            )
        ],
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=BAD_NUMBER, min_value=1)
    reason = CleanTextField(
        label="理由 / 进度说明 · Reason / progress note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    corrections = CleanTextField(
        label="需补正的内容（每行一项） / What to correct (one per line)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    result_summary = CleanTextField(label="办理结果 / Result", required=False, max_length=300)
    result_number = CleanTextField(label="证照或文书编号 / Certificate number", required=False, max_length=60)

    def clean_corrections(self) -> list[str]:
        return _lines(self.cleaned_data.get("corrections", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == CaseAction.REQUEST_CORRECTION and not data.get("corrections"):
            self.add_error("corrections", "请列出需补正的内容 / List what must be corrected")
        return data


class PostCheckForm(forms.Form):
    commitment_id: int | None = None  # which commitment a bound form was posted for
    outcome = forms.ChoiceField(
        label="核查结论 / Outcome",
        error_messages=REQUIRED,
        widget=forms.RadioSelect,
        choices=[("kept", "承诺属实 / Kept"), ("false", "承诺不实 / False")],
    )
    note = CleanTextField(
        label="核查说明 / Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliverForm(forms.Form):
    method = forms.ChoiceField(
        label="领取方式 / Delivery",
        error_messages=REQUIRED,
        widget=forms.RadioSelect,
        choices=[(m.value, f"{m.label}") for m in DeliveryMethod],
    )
    tracking_number = CleanTextField(
        label="快递单号（邮寄时必填） / Tracking number (for post)", required=False, max_length=40
    )
    address = CleanTextField(label="邮寄地址 / Postal address", required=False, max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, error_messages=BAD_NUMBER, min_value=1)
