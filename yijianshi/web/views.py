"""Pages. Thin: read the request, call a selector, render (DESIGN.md §3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import segno
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yijianshi.accounts.limits import verification_limited
from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.guide import guide_compute
from yijianshi.cases.seals import document_seal_check
from yijianshi.cases.verification import document_for_verification
from yijianshi.catalog import engine
from yijianshi.catalog.engine.figures import TARGETS
from yijianshi.catalog.models import Bundle, DataSource, Region, ServicePoint
from yijianshi.catalog.selectors import (
    bundle_definition,
    bundle_guide,
    bundle_rows,
    regions_with_bundles,
    totals,
)
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask, mask_name
from yijianshi.core.verification import looks_like_code, public_url
from yijianshi.documents.kinds import DocumentKind
from yijianshi.ledger.services import Purpose

from .catalogue import LIFE_EVENTS, chosen_region, event_of, search_catalogue, search_scope
from .charts import reductions_chart
from .guide import asked_answers, guide_bundle, included_context
from .prefs import FLAGS, display_toggle
from .search import Hit


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "bundles": Bundle.objects.count()})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Search, then life events for persons and enterprises in the chosen region (remembered in the session)."""
    region = chosen_region(request)
    bundles = list(region.bundles.order_by("seq")) if region else []
    events: list[dict[str, Any]] = []
    placed: set[str] = set()
    for event in LIFE_EVENTS:
        mine = [b for b in bundles if event_of(b) == event]
        placed.update(b.code for b in mine)
        if mine:
            events.append({"event": event, "bundles": mine})
    others = {
        "person": [b for b in bundles if b.code not in placed and b.subject == "person"],
        "enterprise": [b for b in bundles if b.code not in placed and b.subject != "person"],
    }
    return render(
        request,
        "web/home.html",
        {
            "region": region,
            "regions": regions_with_bundles(),
            "others": others,
            "person_events": [e for e in events if e["event"].subject == "person"],
            "enterprise_events": [e for e in events if e["event"].subject == "enterprise"],
        },
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    region = search_scope(request)
    regions = list(regions_with_bundles())
    hits: list[Hit] = []
    searched = region.code if region else None
    if query:
        hits, searched = search_catalogue(query, searched)
    return render(
        request,
        "web/search.html",
        {
            "q": query,
            "hits": hits,
            "region": region,
            "regions": regions,
            # the region the results come from when it is not the one chosen (the query named another, or the
            # chosen one had nothing): None with `elsewhere` means every region
            "elsewhere": bool(query and hits and region and searched != region.code),
            "searched_region": next((r for r in regions if r.code == searched), None),
        },
    )


def qr_svg(url: str) -> str:
    """An inline SVG QR code of a URL (for print and phone cameras)."""
    return str(segno.make(url, error="m").svg_inline(scale=3, dark="#000", light="#fff", omitsize=False))


@require_GET
def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    bundle, version = guide_bundle(code)
    definition = bundle_definition(version)
    answers = asked_answers(request, version)
    error = None
    actor = actor_of(request.user)
    who = actor.party if actor.role == Role.APPLICANT else None
    try:
        engine.resolve_answers(definition, answers)
    except DomainError as exc:
        error = exc.detail
        answers = {}
    # the waivers the signed-in applicant's licences and data checks earn (reads in the ledger)
    computed = guide_compute(
        version=version,
        answers=answers,
        actor=actor,
        party=who,
        purpose=Purpose("prefill", code) if who else None,
    )
    result, chosen, party = computed.result, computed.answers, computed.party
    guide = bundle_guide(version)
    names = {it.ref: it.name for it in definition.items}
    items = [
        {
            "def": it,
            "guide": guide["items"].get(it.ref, {}),
            "plan": result.schedule.get(it.ref),
            "needs": [names.get(r, r) for r in result.schedule.get(it.ref).requires],
        }
        for it in definition.items
        if it.ref in result.included
    ]
    url = public_url(reverse("bundle-guide", args=[bundle.code]))
    return render(
        request,
        "web/bundle.html",
        {
            "bundle": bundle,
            "version": version,
            "definition": definition,
            "result": result,
            "items": items,
            **included_context(computed),
            "answers": chosen,
            # the answers carried to the simple guide, the print view and the application
            "answers_qs": urlencode(chosen) if not error else "",
            "error": error,
            "guide": guide,
            "needs": computed.needs(),
            "sources": dict(DataSource.objects.values_list("code", "name")),
            "simple": request.GET.get("view") == "simple",
            "personal": party is not None,
            "qr": qr_svg(url),
            "url": url,
            "lead": bundle.lead_department,
            "points": ServicePoint.objects.filter(region=bundle.region).order_by("kind", "code"),
        },
        status=400 if error else 200,
    )


@require_POST
def display_toggle_view(request: HttpRequest) -> HttpResponse:
    """The header's 大字版 / 高对比 buttons (a plain form post; back to the page it came from)."""
    flag = request.POST.get("toggle", "")
    if flag not in FLAGS:
        return HttpResponse(
            "未知的显示选项 / unknown display option", status=400, content_type="text/plain; charset=utf-8"
        )
    display_toggle(request, flag)
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    if region and not Region.objects.filter(code=region).exists():
        raise Http404("no such region")
    from yijianshi.cases.figures import measured_figures

    rows = bundle_rows(region=region)
    total = totals(rows) if rows else None
    chart = reductions_chart(total) if total else ""
    return render(
        request,
        "web/figures.html",
        {
            "rows": rows,
            "total": total,
            "chart": chart,
            "targets": TARGETS,
            "region": region,
            "measured": measured_figures(region=region),  # the same figures measured on real applications
            "regions": Region.objects.filter(bundles__isnull=False).distinct().order_by("code"),
            "met": {k: sum(1 for r in rows if getattr(r.figures, k) >= t) for k, t in TARGETS.items()},
        },
    )


@require_http_methods(["GET", "POST"])
@verification_limited  # each face of verification, one budget per address (accounts/limits.py)
def verify_document(request: HttpRequest, code: str = "") -> HttpResponse:
    """The page a document's QR code opens (/verify/<code>): what the document is, who issued it and when,
    whether it is still in force, the applicant masked. Found by its verification code only; anything else
    (a number, a guess) gets one and the same "not found" (cases/verification.py). /verify/ asks for the code
    (or the whole link) printed on the paper. A POST with a PDF checks the file someone holds against the
    document the code names: its seal, and that the seal is this document's (nothing of the file is kept)."""
    if not code:
        typed = (request.GET.get("code") or "").strip().rstrip("/").rsplit("/", 1)[-1]  # a code, or a link
        if typed and looks_like_code(typed):
            return HttpResponseRedirect(reverse("verify-document", args=[typed]))
        status = 404 if typed else 200
        return render(request, "web/verify.html", {"asked": bool(typed), "found": False}, status=status)
    check = document_for_verification(code)
    if check is None:
        return render(request, "web/verify.html", {"asked": True, "found": False}, status=404)
    doc = check.document
    application = doc.application
    held, status = None, 200
    if request.method == "POST":
        held, status = _held_file_check(request, doc.number)
    return render(
        request,
        "web/verify.html",
        {
            "asked": True,
            "found": True,
            "doc": doc,
            "title": DocumentKind.of(doc.kind),
            "standing": check.standing,
            "in_force": check.in_force,
            "seal": check.seal,
            "held": held,
            "held_limit_mb": HELD_FILE_LIMIT // 2**20,
            "party": mask(application.party_id),
            "applicant": mask_name(application.party_name),
        },
        status=status,
    )


HELD_FILE_LIMIT = 10 * 2**20  # a sealed notice or decision is tens of kilobytes


def _held_file_check(request: HttpRequest, number: str) -> tuple[dict[str, str], int]:
    """The seal of the PDF a visitor uploaded, checked against document `number`: (what to show, status)."""
    upload = request.FILES.get("pdf")
    if upload is None:
        return {"ok": "", "zh": "请选择要核验的 PDF 文件", "en": "Choose the PDF file to check"}, 400
    if upload.size is not None and upload.size > HELD_FILE_LIMIT:
        return {
            "ok": "",
            "zh": f"文件过大：不超过 {HELD_FILE_LIMIT // 2**20} MB",
            "en": f"File too large: at most {HELD_FILE_LIMIT // 2**20} MB",
        }, 400
    seal = document_seal_check(upload.read(HELD_FILE_LIMIT + 1), number=number)
    return {"ok": "yes" if seal.ok else "", "zh": seal.zh, "en": seal.en}, 200
