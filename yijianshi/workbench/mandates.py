"""窗口登记授权 (/workbench/window/mandates/): a clerk, having verified the principal in person — the ID card
read, a face check, or a paper letter of authorisation scanned — records a mandate: who the principal and the
agent are, what for and until when, how the principal was verified, with the evidence (the reader's or the face
check's result, the scanned letter's reference). The clerk and the service point are taken from the clerk's
account; every rule is in yijianshi/mandates/services.py, whose errors are put next to the field they name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from yijianshi.accounts.models import Role
from yijianshi.catalog.selectors import published_versions
from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.mandates.services import mandate_record_at_window
from yijianshi.mandates.transitions import Ability, AgentKind, Scope, Verification, choices

from .views import _actor, _error, staff

REQUIRED = {"required": "必填 / Required"}
FIELDS = {
    "principal.id_number": "principal_id_number",
    "principal.uscc": "principal_uscc",
    "principal.name": "principal_name",
    "principal.party_type": "principal_type",
    "verification": "verification",
    "evidence": "evidence",
    "agent.kind": "agent_kind",
    "agent.id_number": "agent_id_number",
    "agent.name": "agent_name",
    "agent": "agent_id_number",
    "agent.service_point": "agent_kind",
    "scope": "scope",
    "bundles": "bundles",
    "items": "items",
    "abilities": "abilities",
    "valid_from": "valid_from",
    "valid_to": "valid_to",
}


class MandateRecordForm(forms.Form):
    principal_type = forms.ChoiceField(
        label="委托人类型 / The principal is",
        initial="person",
        widget=forms.RadioSelect,
        choices=[("person", "个人 / a person"), ("enterprise", "企业 / an enterprise")],
    )
    principal_id_number = forms.CharField(
        label="委托人公民身份号码（个人） / Identity number (a person)",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    principal_uscc = forms.CharField(
        label="统一社会信用代码（企业） / Credit code (an enterprise)",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    principal_name = forms.CharField(
        label="委托人姓名或企业名称（与证件一致） / Name (as on the ID)",
        max_length=100,
        error_messages=REQUIRED,
    )
    verification = forms.ChoiceField(
        label="核验方式 / How the principal was verified",
        widget=forms.RadioSelect,
        choices=choices(Verification),
        error_messages=REQUIRED,
    )
    evidence = forms.CharField(
        label="核验依据（读卡或人脸核验结果、授权委托书扫描件编号） / Evidence (the check's "
        "result, the scanned letter's reference)",
        max_length=1000,
        error_messages=REQUIRED,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agent_kind = forms.ChoiceField(
        label="代理人 / The agent is",
        widget=forms.RadioSelect,
        initial="person",
        choices=choices(AgentKind),
        error_messages=REQUIRED,
    )
    agent_id_number = forms.CharField(
        label="代理人公民身份号码（个人代理人） / The agent's identity number",
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    agent_name = forms.CharField(label="代理人姓名 / The agent's name", max_length=50, required=False)
    scope = forms.ChoiceField(
        label="授权范围 / Scope",
        widget=forms.RadioSelect,
        initial="bundles",
        choices=choices(Scope),
        error_messages=REQUIRED,
    )
    bundles = forms.MultipleChoiceField(
        label="“一件事” / Bundles", required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    items = forms.CharField(
        label="事项键（以空格分隔） / Item refs (separated by spaces)", required=False, max_length=4000
    )
    abilities = forms.MultipleChoiceField(
        label="授权权限 / Abilities",
        widget=forms.CheckboxSelectMultiple,
        choices=choices(Ability),
        error_messages=REQUIRED,
        initial=[Ability.APPLY, Ability.FOLLOW],
    )
    valid_from = forms.DateField(
        label="生效日期（空白为今天） / First day (empty: today)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    valid_to = forms.DateField(
        label="截止日期（含当天） / Last day (included)",
        error_messages={**REQUIRED, "invalid": "日期格式应为 YYYY-MM-DD / Write the date as YYYY-MM-DD"},
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bundles"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [
            (v.bundle.code, f"{v.bundle.code} {v.bundle.name}")
            for v in published_versions().select_related("bundle")
        ]

    def attach(self, exc: DomainError) -> bool:
        """Put each of the service's errors next to its field; False when one is about nothing on the form."""
        placed = True
        for detail in exc.details:
            name = FIELDS.get(detail.field or "")
            if name is None:
                placed = False
                continue
            self.add_error(name, f"{detail.zh} / {detail.en}")
        return placed


@require_http_methods(["GET", "POST"])
@staff(Role.CLERK)
def mandate_record(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        until = clock.local(clock.now()).date() + timedelta(days=90)
        return render(
            request,
            "workbench/mandate_record.html",
            {"section": "mandates", "form": MandateRecordForm(initial={"valid_to": until})},
        )
    form = MandateRecordForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            mandate = mandate_record_at_window(
                actor=_actor(request),
                principal_type=data["principal_type"],
                principal_id_number=data["principal_id_number"],
                principal_uscc=data["principal_uscc"],
                principal_name=data["principal_name"],
                verification=data["verification"],
                evidence=data["evidence"],
                agent_kind=data["agent_kind"],
                agent_id_number=data["agent_id_number"],
                agent_name=data["agent_name"],
                scope=data["scope"],
                bundle_codes=data["bundles"],
                item_refs=data["items"].replace(",", " ").split(),
                abilities=data["abilities"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except DomainError as exc:
            if not form.attach(exc):
                error = _error(exc)
            status = exc.status
        else:
            return render(
                request, "workbench/mandate_record.html", {"section": "mandates", "recorded": mandate}
            )
    else:
        status = 400
    return render(
        request,
        "workbench/mandate_record.html",
        {"section": "mandates", "form": form, "error": error},
        status=status,
    )
