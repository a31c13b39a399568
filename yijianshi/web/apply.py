"""The online application wizard (一表申请), five steps kept in the session, each a plain form post:

1. situation questions → the engine decides which items apply;
2. the merged form, prefilled for the applicant from the shared data (each value with its source; editable;
   a value can be disputed, which raises an objection with the provider department);
3. materials: the waived ones with why (an e-licence or a data check), the rest uploaded (checked and stored by
   the uploads service), or tolerated (容缺) / replaced by a commitment (告知承诺) where the catalogue allows;
4. the commitments to read and sign;
5. review and submit (`application_submit`, with an Idempotency-Key from a hidden form token, so a double
   click gives one application) → the receipt page.

No rule is decided here: the engine, `check_form`, the uploads service and `application_submit` decide, and
their errors are shown next to the field they name, with the values kept.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.formcheck import check_form
from yijianshi.cases.guide import Guide, guide_compute
from yijianshi.cases.services import application_submit
from yijianshi.catalog import engine
from yijianshi.catalog.engine.types import MaterialEntry
from yijianshi.catalog.models import Bundle, BundleVersion, DataSource
from yijianshi.catalog.selectors import bundle_definition, current_version
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError, ErrorDetail
from yijianshi.datahub.services import objection_raise
from yijianshi.ledger.services import Purpose
from yijianshi.uploads.accept import accept_hint
from yijianshi.uploads.handlers import oversize_fields
from yijianshi.uploads.services import limits, upload_receive
from yijianshi.uploads.validation import too_large

from .drafts import apply_draft_discard, apply_draft_get, apply_draft_save
from .forms import DisputeForm, form_errors
from .guide import included_context
from .prefs import profile_of

STEPS = (
    ("situation", "情形", "Situation"),
    ("form", "填表", "Form"),
    ("materials", "材料", "Materials"),
    ("commitments", "承诺", "Commitments"),
    ("review", "确认提交", "Review"),
)
STEP_NAMES = [s[0] for s in STEPS]
DECLARATION = "declaration"


@dataclass
class Wizard:
    bundle: Bundle
    version: BundleVersion
    definition: engine.BundleDef
    state: dict[str, Any]
    actor: Actor  # the signed-in applicant; their party (actor.party) is the application's

    @property
    def key(self) -> str:
        return f"apply:{self.bundle.code}"


def errors_by_field(exc: DomainError, prefix: str = "") -> dict[str, ErrorDetail]:
    """DomainError details keyed by their field without `prefix` (e.g. 'form.child.name' → 'child.name');
    a detail without a field goes under '' (shown at the top of the step)."""
    out: dict[str, ErrorDetail] = {}
    for d in exc.details:
        name = d.field or ""
        if prefix and name.startswith(prefix):
            name = name[len(prefix) :]
        out.setdefault(name, d)
    return out


def _load(request: HttpRequest, code: str) -> Wizard:
    bundle = Bundle.objects.select_related("region").filter(code=code).first()
    version = current_version(bundle) if bundle else None
    if bundle is None or version is None:
        raise Http404("no such bundle")
    profile = profile_of(request)
    if profile is None or profile.role != Role.APPLICANT:
        raise DomainError(
            "applicants_only",
            "只有申请人账户可以在线申请（工作人员请在窗口工作台代办）",
            "Only applicants apply online (staff use the window workbench)",
            field="actor",
        )
    # the session's draft, else the one kept from an earlier sign-in (web/drafts.py)
    state = request.session.get(f"apply:{code}") or apply_draft_get(user=request.user, bundle_code=code) or {}  # type: ignore[arg-type]
    if state.get("version") != version.pk:  # a new catalogue version: start again
        state = {
            "version": version.pk,
            "answers": {},
            "form": {},
            "prefill": None,
            "disputed": {},
            "uploads": {},
            "choices": {},
            "signed": [],
            "token": secrets.token_urlsafe(24),
        }
    return Wizard(
        bundle=bundle,
        version=version,
        definition=bundle_definition(version),
        state=state,
        actor=actor_of(request.user),
    )


def _save(request: HttpRequest, wiz: Wizard) -> None:
    request.session[wiz.key] = wiz.state
    request.session.modified = True
    apply_draft_save(user=request.user, bundle_code=wiz.bundle.code, state=wiz.state)  # type: ignore[arg-type]


def _prefill(request: HttpRequest, wiz: Wizard) -> dict[str, Any]:
    """Read the shared data once per wizard (every read in the access ledger, purpose 'prefill')."""
    if wiz.state.get("prefill") is None:
        data = guide_compute(
            version=wiz.version,
            answers=wiz.state["answers"],
            actor=wiz.actor,
            party=wiz.actor.party,
            purpose=Purpose("prefill", wiz.bundle.code),
        ).party
        if data is None:  # no identifier on the profile to prefill with: everything is typed, nothing waived
            # but what holds for anyone (known: no licences, no data checks)
            wiz.state.update(prefill={}, evidence={"licences": [], "data_checks": []}, failures={})
            _save(request, wiz)
            return {}
        wiz.state["prefill"] = {
            k: {**v.as_dict(), "subject_id": v.subject_id} for k, v in data.prefill.values.items()
        }
        wiz.state["evidence"] = {
            "licences": sorted(data.evidence.licences or ()),
            "data_checks": sorted(data.evidence.data_checks or ()),
        }
        wiz.state["failures"] = dict(data.prefill.failures)
        for key, value in data.prefill.values.items():
            wiz.state["form"].setdefault(key, "" if value.value is None else str(value.value))
        _save(request, wiz)
    return dict(wiz.state["prefill"])


def _guide(wiz: Wizard) -> Guide:
    """The guide for the wizard's answers, with the waivers the party's data gave at the first read."""
    ev = wiz.state.get("evidence")
    evidence = (
        engine.Evidence(licences=frozenset(ev["licences"]), data_checks=frozenset(ev["data_checks"]))
        if ev
        else None
    )
    return guide_compute(
        version=wiz.version, answers=wiz.state["answers"], actor=wiz.actor, evidence=evidence
    )


def _compute(wiz: Wizard) -> engine.Computation:
    return _guide(wiz).result


def _commit_materials(result: engine.Computation, wiz: Wizard) -> list[MaterialEntry]:
    return [m for m in result.materials.entries if wiz.state["choices"].get(m.code) == "commitment"]


def _steps(wiz: Wizard, current: str) -> list[dict[str, Any]]:
    return [
        {"name": n, "zh": zh, "en": en, "n": i + 1, "current": n == current}
        for i, (n, zh, en) in enumerate(STEPS)
    ]


def _render(
    request: HttpRequest, wiz: Wizard, step: str, ctx: dict[str, Any], status: int = 200
) -> HttpResponse:
    base: dict[str, Any] = {
        "bundle": wiz.bundle,
        "wizard": wiz.state,
        "step": step,
        "steps": _steps(wiz, step),
        "errors": {},
        "top_errors": [],
    }
    base.update(ctx)
    errors = base["errors"]
    base["top_errors"] = [e for k, e in errors.items() if k == ""] + list(base["top_errors"])
    return render(request, "web/apply.html", base, status=status)


def _redirect(code: str, step: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"/bundles/{code}/apply/?step={step}")


@login_required
@never_cache  # browser Back asks again: it shows the draft as it is now, never a stale step or error
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    try:
        wiz = _load(request, code)
    except DomainError as exc:
        return render(
            request,
            "web/message.html",
            {"title_zh": "不能在线申请", "title_en": "Cannot apply online", "error": exc.detail},
            status=403,
        )
    step = request.POST.get("step") or request.GET.get("step") or "situation"
    if step not in STEP_NAMES:
        step = "situation"
    handler = {
        "situation": _situation,
        "form": _form,
        "materials": _materials,
        "commitments": _commitments,
        "review": _review,
    }[step]
    return handler(request, wiz)


# --------------------------------------------------------------------------------------------------- steps


def _situation(request: HttpRequest, wiz: Wizard) -> HttpResponse:
    situations = wiz.definition.situations
    # the answers given on the guide (its "apply" link carries them) until the applicant chose here
    given = {
        s.code: request.GET[s.code] for s in situations if s.option(request.GET.get(s.code, "")) is not None
    }
    answers = {**(dict(wiz.state["answers"]) or {s.code: s.default for s in situations}), **given}
    errors: dict[str, ErrorDetail] = {}
    if request.method == "POST":
        answers = {s.code: request.POST.get(s.code, "") for s in situations}
        for s in situations:
            if s.option(answers[s.code]) is None:
                errors[s.code] = ErrorDetail(
                    "invalid_answer",
                    f"请选择：{s.question_zh}",
                    f"Choose an answer: {s.question_en}",
                    field=s.code,
                )
        if not errors:
            try:
                engine.compute(wiz.definition, answers)
            except DomainError as exc:
                errors.update(errors_by_field(exc, "answers."))
        if not errors:
            if answers != wiz.state["answers"]:
                wiz.state.update(answers=answers, prefill=None, evidence=None)
            _save(request, wiz)
            # without script, "update the items" comes back here to show them (with script they follow each
            # answer: web/guide.py `included`); either way after a redirect, so Back never posts again
            return _redirect(wiz.bundle.code, "situation" if request.POST.get("refresh") else "form")
    guide = guide_compute(version=wiz.version, answers=answers if not errors else None, actor=wiz.actor)
    return _render(
        request,
        wiz,
        "situation",
        {"situations": situations, "answers": answers, "errors": errors, **included_context(guide)},
        status=400 if errors else 200,
    )


def _form_rows(
    wiz: Wizard, result: engine.Computation, prefill: dict[str, Any], values: dict[str, Any]
) -> list[dict[str, Any]]:
    names = dict(DataSource.objects.values_list("code", "name"))
    rows = []
    for f in result.form.fields:
        p = prefill.get(f.key)
        rule = f.spec.validation_dict()
        rows.append(
            {
                "key": f.key,
                "id": "f_" + f.key.replace(".", "__"),
                "spec": f.spec,
                "value": values.get(f.key, ""),
                "choices": list(rule.get("choices") or ()),  # type: ignore[call-overload]
                "prefilled": p,
                "source_name": names.get(p["source"], p["source"]) if p else "",
                "changed": p is not None and str(values.get(f.key, "")) != str(p["value"]),
                "disputed": wiz.state["disputed"].get(f.key),
            }
        )
    return rows


def _form(request: HttpRequest, wiz: Wizard) -> HttpResponse:
    prefill = _prefill(request, wiz)
    guide = _guide(wiz)
    snapshot = guide.snapshot()
    result, fields = guide.result, snapshot["form"]
    values = dict(wiz.state["form"])
    errors: dict[str, ErrorDetail] = {}
    if request.method == "POST":
        values = {}
        for f in fields:
            raw = request.POST.get(f["key"], "")
            values[f["key"]] = raw.strip() if isinstance(raw, str) else raw
        try:
            check_form(
                fields, _typed(fields, values), checks=snapshot.get("checks", ()), answers=guide.answers
            )
        except DomainError as exc:
            errors = errors_by_field(exc, "form.")
        wiz.state["form"] = values
        _save(request, wiz)
        if not errors:
            return _redirect(wiz.bundle.code, "materials")
    return _render(
        request,
        wiz,
        "form",
        {
            "rows": _form_rows(wiz, result, prefill, values),
            "errors": errors,
            "failures": wiz.state.get("failures") or {},
        },
        status=400 if errors else 200,
    )


def _typed(fields: Sequence[Mapping[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Form posts are text; booleans become booleans, empty values are left out (the form check names them)."""
    kinds = {f["key"]: f["type"] for f in fields}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value in ("", None):
            continue
        out[key] = value in ("yes", "true", "on", "1") if kinds.get(key) == "boolean" else value
    return out


@login_required
@require_http_methods(["GET", "POST"])
def dispute(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """有异议: dispute a prefilled value; the objection goes to the provider department, the field is flagged."""
    try:
        wiz = _load(request, code)
    except DomainError as exc:
        return render(
            request,
            "web/message.html",
            {"title_zh": "不能在线申请", "title_en": "Cannot apply online", "error": exc.detail},
            status=403,
        )
    prefilled = (wiz.state.get("prefill") or {}).get(key)
    if (
        prefilled is None or prefilled["source"] == "application"
    ):  # what she typed herself is corrected in the form
        raise Http404("no prefilled value for this field")
    result = _compute(wiz)
    label = next((f for f in result.form.fields if f.key == key), None)
    values = {"claimed_value": wiz.state["form"].get(key, ""), "reason": ""}
    errors: dict[str, ErrorDetail] = {}
    if request.method == "POST":
        values = {
            "claimed_value": request.POST.get("claimed_value", "").strip(),
            "reason": request.POST.get("reason", "").strip(),
        }
        form = DisputeForm(request.POST)
        if not form.is_valid():  # control or direction-override characters: named next to the field
            errors = form_errors(form)
        else:
            values = {
                "claimed_value": form.cleaned_data["claimed_value"],
                "reason": form.cleaned_data["reason"],
            }
            try:
                objection = objection_raise(
                    subject_id=prefilled["subject_id"],
                    source=prefilled["source"],
                    key=prefilled.get("record_key") or key,
                    claimed_value=values["claimed_value"],
                    reason=values["reason"],
                    form_key=key,
                    actor=wiz.actor,
                    reached=frozenset(
                        v["subject_id"]
                        for v in (wiz.state.get("prefill") or {}).values()
                        if v.get("subject_id")
                    ),
                )
            except DomainError as exc:
                errors = errors_by_field(exc)
            else:
                wiz.state["disputed"][key] = objection.number
                if values["claimed_value"]:
                    wiz.state["form"][key] = values["claimed_value"]
                _save(request, wiz)
                return _redirect(wiz.bundle.code, "form")
    names = dict(DataSource.objects.values_list("code", "name"))
    return render(
        request,
        "web/dispute.html",
        {
            "bundle": wiz.bundle,
            "key": key,
            "label": label.spec if label else None,
            "prefilled": prefilled,
            "source_name": names.get(prefilled["source"], prefilled["source"]),
            "values": values,
            "errors": errors,
            "top_errors": [e for k, e in errors.items() if k not in ("claimed_value", "reason")],
        },
        status=(409 if any(e.code == "objection_already_open" for e in errors.values()) else 400)
        if errors
        else 200,
    )


def _material_rows(wiz: Wizard, guide: Guide) -> list[dict[str, Any]]:
    """Each material with how a person reads it (`Guide.needs`: the same wording as the guide and its print)."""
    needs = {n.code: n for n in guide.needs()}
    return [
        {
            "m": m,
            "n": needs[m.code],
            "id": "m_" + m.code.replace(".", "__"),
            "upload": wiz.state["uploads"].get(m.code),
            "choice": wiz.state["choices"].get(m.code, "upload"),
            "hint": accept_hint(m.code),
        }
        for m in guide.result.materials.entries
    ]


def _materials(request: HttpRequest, wiz: Wizard) -> HttpResponse:
    _prefill(request, wiz)
    guide = _guide(wiz)
    result = guide.result
    errors: dict[str, ErrorDetail] = {}
    if request.method == "POST":
        request.FILES  # noqa: B018  (parses the body: a file past the limit is dropped while it streams in)
        dropped = oversize_fields(request)
        for m in result.materials.entries:
            if m.waiver:
                continue
            choice = request.POST.get(f"choice:{m.code}", "upload")
            if (choice == "tolerated" and not m.spec.tolerated) or (
                choice == "commitment" and not m.spec.commitment
            ):
                errors[m.code] = ErrorDetail(
                    "choice_not_allowed", "该材料不能这样处理", "Not allowed for this material", field=m.code
                )
                continue
            wiz.state["choices"][m.code] = choice
            if f"file:{m.code}" in dropped:  # dropped while it streamed in: say so
                errors[m.code] = too_large(limits().max_bytes).detail
                continue
            file = request.FILES.get(f"file:{m.code}")
            if file is not None and choice == "upload":
                try:
                    upload = upload_receive(
                        actor=wiz.actor,
                        bundle_code=wiz.bundle.code,
                        material_key=m.code,
                        file=file,
                    )
                except DomainError as exc:
                    errors[m.code] = exc.detail
                    continue
                wiz.state["uploads"][m.code] = {
                    "id": str(upload.pk),
                    "name": upload.original_name,
                    "size": upload.size,
                }
            if request.POST.get(f"remove:{m.code}") and choice == "upload" and file is None:
                wiz.state["uploads"].pop(m.code, None)
            if m.spec.required and choice == "upload" and m.code not in wiz.state["uploads"]:
                errors[m.code] = ErrorDetail(
                    "material_missing",
                    "请上传该材料"
                    + ("，或选择容缺后补/告知承诺" if m.spec.tolerated or m.spec.commitment else ""),
                    "Upload this material"
                    + (
                        ", or choose to provide it later / a commitment"
                        if m.spec.tolerated or m.spec.commitment
                        else ""
                    ),
                    field=m.code,
                )
        _save(request, wiz)
        if not errors:
            return _redirect(wiz.bundle.code, "commitments")
    return _render(
        request,
        wiz,
        "materials",
        {"materials": _material_rows(wiz, guide), "errors": errors},
        status=400 if errors else 200,
    )


def _commitments(request: HttpRequest, wiz: Wizard) -> HttpResponse:
    result = _compute(wiz)
    chosen = _commit_materials(result, wiz)
    errors: dict[str, ErrorDetail] = {}
    signed = set(wiz.state["signed"])
    if request.method == "POST":
        signed = set(request.POST.getlist("sign"))
        for code in [DECLARATION] + [m.code for m in chosen]:
            if code not in signed:
                errors[code] = ErrorDetail(
                    "not_signed", "请阅读并勾选签署", "Read and tick to sign", field=code
                )
        wiz.state["signed"] = sorted(signed)
        _save(request, wiz)
        if not errors:
            return _redirect(wiz.bundle.code, "review")
    return _render(
        request,
        wiz,
        "commitments",
        {"chosen": chosen, "signed": signed, "errors": errors},
        status=400 if errors else 200,
    )


STEP_OF_FIELD = (
    ("form.", "form"),
    ("tolerated", "materials"),
    ("commitments", "commitments"),
    ("materials", "materials"),
    ("uploads", "materials"),
    ("answers", "situation"),
)


def _review(request: HttpRequest, wiz: Wizard) -> HttpResponse:
    done = request.session.get("apply_done", {})
    token = request.POST.get("token", "")
    if request.method == "POST" and token in done:  # a second click after the first one finished
        return HttpResponseRedirect(f"/me/applications/{done[token]}/receipt/")
    prefill = _prefill(request, wiz)
    guide = _guide(wiz)
    result, snapshot = guide.result, guide.snapshot()
    top: list[ErrorDetail] = []
    if request.method == "POST":
        missing = [
            s
            for s in [DECLARATION] + [m.code for m in _commit_materials(result, wiz)]
            if s not in wiz.state["signed"]
        ]
        if token != wiz.state["token"]:
            top.append(
                ErrorDetail(
                    "stale_form",
                    "表单已过期，请核对后再次提交",
                    "This form is out of date; check and submit again",
                    field="token",
                )
            )
        elif missing:
            return _redirect(wiz.bundle.code, "commitments")
        else:
            choices = wiz.state["choices"]
            try:
                submission = application_submit(
                    actor=wiz.actor,
                    bundle_code=wiz.bundle.code,
                    form=_typed(snapshot["form"], wiz.state["form"]),
                    answers=wiz.state["answers"],
                    tolerated=[c for c, v in choices.items() if v == "tolerated"],
                    commitments=[c for c, v in choices.items() if v == "commitment"],
                    uploads=[
                        u["id"]
                        for c, u in wiz.state["uploads"].items()
                        if choices.get(c, "upload") == "upload"
                    ],
                    idempotency_key=wiz.state["token"],
                )
            except DomainError as exc:
                where = next((s for p, s in STEP_OF_FIELD if (exc.detail.field or "").startswith(p)), None)
                if where == "form":
                    return _form_after_submit(request, wiz, exc)
                top.extend(exc.details)
            else:
                number = submission.application.number
                request.session["apply_done"] = {**done, wiz.state["token"]: number}
                request.session.pop(wiz.key, None)
                apply_draft_discard(user=request.user, bundle_code=wiz.bundle.code)  # type: ignore[arg-type]
                return HttpResponseRedirect(f"/me/applications/{number}/receipt/")
    names = dict(DataSource.objects.values_list("code", "name"))
    return _render(
        request,
        wiz,
        "review",
        {
            "situations": [
                (s, s.option(wiz.state["answers"].get(s.code, s.default))) for s in wiz.definition.situations
            ],
            "rows": _form_rows(wiz, result, prefill, wiz.state["form"]),
            "materials": _material_rows(wiz, guide),
            "items": [it for it in wiz.definition.items if it.ref in result.included],
            "names": names,
            "top_errors": top,
            "total_days": result.schedule.total_days,
        },
        status=400 if top else 200,
    )


def _form_after_submit(request: HttpRequest, wiz: Wizard, exc: DomainError) -> HttpResponse:
    result = _compute(wiz)
    return _render(
        request,
        wiz,
        "form",
        {
            "rows": _form_rows(wiz, result, wiz.state.get("prefill") or {}, wiz.state["form"]),
            "errors": errors_by_field(exc, "form."),
            "failures": wiz.state.get("failures") or {},
        },
        status=400,
    )
