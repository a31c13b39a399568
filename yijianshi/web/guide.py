"""What the portal's guide offers besides its page (issue 18 point 1, guides for people; 003 三.3: a guide gives
the 申请书示范文本):

- the merged application form (一张表) for the answers given, as a blank PDF to fill in by hand and as a sample
  (样表) with illustrative values, set by the documents' PDF layer (documents/render.py `render_form_pdf`);
- "按当前回答需办理": the items the current situation answers need, as an HTML fragment that the guide and the
  application's first step fetch again when an answer changes (web/static/web/portal.js); without script the
  forms are submitted and the page shows the same fragment.

All three come from the one guide computation (`guide_compute`), for the published version and the answers in
the query string; an unknown answer is a 400 naming the situation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from yijianshi.accounts.roles import actor_of
from yijianshi.cases.guide import Guide, guide_compute
from yijianshi.cases.samples import sample_form
from yijianshi.catalog.models import Bundle, BundleVersion
from yijianshi.catalog.selectors import bundle_definition, current_version
from yijianshi.core.errors import DomainError
from yijianshi.core.verification import public_url
from yijianshi.documents.render import FormLine, FormSheet, form_title, render_form_pdf


def guide_bundle(code: str) -> tuple[Bundle, BundleVersion]:
    """The bundle and its current version: 404 when there is none."""
    bundle = Bundle.objects.select_related("region", "lead_department").filter(code=code).first()
    version = current_version(bundle) if bundle else None
    if bundle is None or version is None:
        raise Http404("no such bundle")
    return bundle, version


def asked_answers(request: HttpRequest, version: BundleVersion) -> dict[str, str]:
    """The situation answers in the query string (other parameters are ignored)."""
    definition = bundle_definition(version)
    return {s.code: request.GET[s.code] for s in definition.situations if s.code in request.GET}


def included_context(guide: Guide) -> dict[str, Any]:
    """What `web/_included.html` shows: the items the answers need and those they leave out."""
    result, items = guide.result, guide.definition.items
    return {
        "included": [it for it in items if it.ref in result.included],
        "excluded": [it for it in items if it.ref in result.excluded],
    }


def _bad_answers(exc: DomainError) -> HttpResponse:
    d = exc.detail
    return HttpResponse(
        f"{d.zh}（{d.field}）\n{d.en} ({d.field})\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def included(request: HttpRequest, code: str) -> HttpResponse:
    """The fragment "按当前回答需办理" for the answers in the query string."""
    _, version = guide_bundle(code)
    try:
        guide = guide_compute(
            version=version, answers=asked_answers(request, version), actor=actor_of(request.user)
        )
    except DomainError as exc:
        return render(request, "web/_included.html", {"included_error": exc.detail}, status=400)
    return render(request, "web/_included.html", included_context(guide))


# --- the form to download ---------------------------------------------------------------------------------------

PERSON_NAME = "张某某"  # a sample's person, plainly not anyone
NOT_PERSONS = ("enterprise.", "project.", "organisation.", "company.")


def _sample_values(form: list[dict[str, Any]]) -> dict[str, str]:
    """Illustrative values for every field (cases/samples.py), as a person would write them on paper."""
    names = {
        f["key"]: PERSON_NAME
        for f in form
        if f["key"].endswith(".name") and not f["key"].startswith(NOT_PERSONS)
    }
    values = sample_form(form, overrides=names)
    out: dict[str, str] = {}
    for f in form:
        value = values.get(f["key"], "")
        if isinstance(value, bool):
            text = "是" if value else "否"
        else:
            text = str(value)
        if text == f["label_zh"]:  # a free text: the sample says it is one
            text = f"示例{text}"
        out[f["key"]] = text
    return out


def form_sheet(guide: Guide, *, sample: bool) -> FormSheet:
    """The merged form of a guide as the PDF layer takes it: the fields in the form's order, each with the
    choices to tick (blank) or an illustrative value (sample)."""
    snapshot = guide.snapshot()
    form: list[dict[str, Any]] = [dict(f) for f in snapshot["form"]]
    values = _sample_values(form) if sample else {}
    lines = []
    for f in snapshot["form"]:
        choices = tuple(str(c) for c in (f["validation"].get("choices") or ()))
        if f["type"] == "boolean":
            choices = ("是", "否")
        lines.append(
            FormLine(
                label_zh=f["label_zh"],
                label_en=f["label_en"],
                required=bool(f["required"]),
                value=values.get(f["key"], ""),
                choices=choices,
            )
        )
    bundle = guide.bundle
    return FormSheet(
        bundle_code=bundle.code,
        bundle_name=bundle.name,
        region_name=bundle.region.name,
        version=guide.version.number,
        items=tuple(it["name"] for it in snapshot["items"]),
        lines=tuple(lines),
        sample=sample,
        guide_url=public_url(reverse("bundle-guide", args=[bundle.code])),
    )


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition that downloads as `filename` (RFC 6266 filename*, UTF-8), `fallback` (ASCII) for
    clients that only read filename."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _form_pdf(request: HttpRequest, code: str, *, sample: bool) -> HttpResponse:
    bundle, version = guide_bundle(code)
    try:
        guide = guide_compute(
            version=version, answers=asked_answers(request, version), actor=actor_of(request.user)
        )
    except DomainError as exc:
        return _bad_answers(exc)
    sheet = form_sheet(guide, sample=sample)
    response = HttpResponse(render_form_pdf(sheet), content_type="application/pdf")
    kind = "sample" if sample else "blank"
    response["Content-Disposition"] = attachment(
        f"{form_title(sheet)[0]}.pdf", f"{bundle.code}-form-{kind}.pdf"
    )
    return response


@require_GET
def form_blank(request: HttpRequest, code: str) -> HttpResponse:
    """下载空白申请表: the merged form for the answers in the query string, to fill in by hand."""
    return _form_pdf(request, code, sample=False)


@require_GET
def form_sample(request: HttpRequest, code: str) -> HttpResponse:
    """下载填写示例: the same form filled in with illustrative values, marked 样表."""
    return _form_pdf(request, code, sample=True)
