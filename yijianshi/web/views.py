"""Pages. Thin: read the request, call a selector, render (DESIGN.md §3)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from yijianshi.catalog import engine
from yijianshi.catalog.engine.figures import TARGETS
from yijianshi.catalog.models import Bundle, Region
from yijianshi.catalog.selectors import bundle_definition, bundle_guide, bundle_rows, current_version, totals
from yijianshi.core.errors import DomainError

from .charts import reductions_chart


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "bundles": Bundle.objects.count()})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    regions = []
    for region in Region.objects.filter(bundles__isnull=False).distinct().order_by("code"):
        bundles = list(region.bundles.order_by("seq"))
        regions.append({"region": region, "person": [b for b in bundles if b.subject == "person"],
                        "enterprise": [b for b in bundles if b.subject == "enterprise"]})
    return render(request, "web/home.html", {"regions": regions})


@require_GET
def bundle_page(request: HttpRequest, code: str) -> HttpResponse:
    bundle = Bundle.objects.select_related("region", "lead_department").filter(code=code).first()
    version = current_version(bundle) if bundle else None
    if bundle is None or version is None:
        raise Http404("no such bundle")
    definition = bundle_definition(version)
    answers = {s.code: request.GET[s.code] for s in definition.situations if s.code in request.GET}
    error = None
    try:
        result = engine.compute(definition, answers)
    except DomainError as exc:
        error = exc.detail
        answers = {}
        result = engine.compute(definition)
    chosen = engine.resolve_answers(definition, answers)
    guide = bundle_guide(version)
    items = [
        {"def": it, "guide": guide["items"].get(it.ref, {}), "plan": result.schedule.get(it.ref)}
        for it in definition.items if it.ref in result.included
    ]
    excluded = [it for it in definition.items if it.ref in result.excluded]
    return render(request, "web/bundle.html", {
        "bundle": bundle, "version": version, "definition": definition, "result": result, "items": items,
        "excluded": excluded, "answers": chosen, "error": error, "guide": guide,
        "names": {it.ref: it.name for it in definition.items},
    }, status=400 if error else 200)


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region") or None
    if region and not Region.objects.filter(code=region).exists():
        raise Http404("no such region")
    from yijianshi.cases.figures import measured_figures

    rows = bundle_rows(region=region)
    total = totals(rows) if rows else None
    chart = reductions_chart(total) if total else ""
    return render(request, "web/figures.html", {
        "rows": rows, "total": total, "chart": chart, "targets": TARGETS, "region": region,
        "measured": measured_figures(region=region),  # the same figures measured on real applications
        "regions": Region.objects.filter(bundles__isnull=False).distinct().order_by("code"),
        "met": {
            k: sum(1 for r in rows if getattr(r.figures, k) >= t) for k, t in TARGETS.items()
        },
    })


@require_GET
def verify_document(request: HttpRequest, number: str) -> HttpResponse:
    """The page a document's QR code opens: who issued what, when, and the fingerprint of the original."""
    from yijianshi.cases.models import Document
    from yijianshi.core.identifiers import mask

    doc = Document.objects.select_related("application").filter(number=number).first()
    if doc is None:
        return render(request, "web/verify.html", {"found": False, "number": number}, status=404)
    return render(request, "web/verify.html", {
        "found": True, "doc": doc, "party": mask(doc.application.party_id),
        "applicant": doc.application.party_name[:1] + "*" * max(0, len(doc.application.party_name) - 1),
    })
