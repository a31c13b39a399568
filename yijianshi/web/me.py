"""The applicant's own pages: my applications (list, detail with a timeline per item, documents, supplement,
withdraw), the receipt after submission, the licence wallet, who read my data. Every object comes through the
actor-scoped selectors: another person's application is a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods

from yijianshi.accounts.models import Role
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import selectors
from yijianshi.cases.material_states import MaterialState, asked_materials, material_states
from yijianshi.cases.models import Application, CaseEvent, EventType
from yijianshi.cases.permissions import application_scope, visible_documents
from yijianshi.cases.progress import (
    AFTER_CORRECTION,
    AFTER_SUPPLEMENT,
    application_progress,
    printed_respond_by,
)
from yijianshi.cases.services import application_supplement, application_withdraw
from yijianshi.cases.shared import earlier_entries
from yijianshi.cases.transitions import OPEN_CASE_STATES, AppStatus, CaseStatus
from yijianshi.catalog.models import DataSource, FieldKey
from yijianshi.core.errors import DomainError, ErrorDetail
from yijianshi.datahub.services import consent_grant, consent_revoke, party_file
from yijianshi.documents.kinds import DocumentKind
from yijianshi.ledger.selectors import ledger_entries_for_subject
from yijianshi.ledger.services import Purpose
from yijianshi.licenses.selectors import holder_ids_of, wallet
from yijianshi.licenses.services import qr_code
from yijianshi.mandates.selectors import mandate_agents
from yijianshi.uploads.accept import accept_hint
from yijianshi.uploads.handlers import oversize_fields
from yijianshi.uploads.services import limits, upload_receive
from yijianshi.uploads.validation import too_large

from .apply import errors_by_field
from .forms import WithdrawForm, form_errors
from .prefs import profile_of

PAGE_SIZE = 10


def applicant_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in (else to the sign-in page); the pages answer only for applicants (others: 404)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        profile = profile_of(request)
        if profile is None or profile.role != Role.APPLICANT:
            raise Http404("only applicants have these pages")
        return view(request, *args, **kwargs)

    return wrapper


def _mine(request: HttpRequest, number: str) -> Application:
    app = selectors.applications_for(actor_of(request.user)).filter(number=number).first()
    if app is None:
        raise Http404("no such application of yours")
    return app


@require_GET
@applicant_required
def my_applications(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_for(actor_of(request.user)).prefetch_related(
        selectors.case_statuses()
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"app": a, "progress": application_progress(a)} for a in page.object_list]
    return render(request, "web/me_list.html", {"page": page, "rows": rows})


def _timeline(app: Application, documents: list[Any]) -> list[dict[str, Any]]:
    history = list(selectors.application_history(app))
    cases = list(app.item_cases.select_related("department").order_by("position", "pk"))
    rows = []
    for case in cases:
        rows.append(
            {
                "case": case,
                "status": CaseStatus.of(case.status),
                "events": [e for e in history if e.item_case_id == case.pk],
                # the clock that runs: acceptance while pending, the decision once accepted; none when paused or done
                "deadline": case.accept_deadline
                if case.status == CaseStatus.PENDING_ACCEPTANCE
                else case.decide_deadline
                if case.status in (CaseStatus.ACCEPTED, CaseStatus.PRE_REVIEW)
                else None,
                "respond_by": _respond_by(history, case.pk) if case.status == CaseStatus.CORRECTION else None,
                "documents": [d for d in documents if d.item_case_id == case.pk],
            }
        )
    return rows


def _respond_by(history: list[CaseEvent], item_case_id: int | None) -> datetime | None:
    """The date the last notice asking for something (一次告知, or the item's 补正) gave the applicant, as printed
    on it (cases/progress.py)."""
    asking = (EventType.DEFICIENT, EventType.CORRECTION_REQUESTED)
    last = next(
        (e for e in reversed(history) if e.type in asking and e.item_case_id == item_case_id),
        None,
    )
    return printed_respond_by(last)


def _supplement_materials(app: Application) -> list[dict[str, Any]]:
    """What a supplement brings (issue 18 point 5): the materials the deficiency notice asked for, missing ones
    first, then those judged 需补正 with the reason (cases/material_states.py `asked_materials`), and nothing
    else. A notice that named no material (only the clerk's own lines): the missing and the provided ones, which
    can be handed in again."""
    if app.status != AppStatus.DEFICIENT:
        return []
    rows = asked_materials(app) or [
        {**m.as_dict(), "correction": ""}
        for m in material_states(app)
        if m.state in (MaterialState.MISSING, MaterialState.PROVIDED)
    ]
    return [
        {**m, "hint": accept_hint(m["code"])}
        for m in sorted(rows, key=lambda m: m["state"] != MaterialState.MISSING)
    ]


def _detail_context(request: HttpRequest, app: Application) -> dict[str, Any]:
    history = list(selectors.application_history(app))
    deficiency = next((e for e in reversed(history) if e.type == EventType.DEFICIENT), None)
    # an agent sees the documents their mandate lets them (no results without "receive"): the one rule
    documents = list(
        application_scope(actor_of(request.user), app).documents(app).order_by("issued_at", "pk")
    )
    return {
        "app": app,
        "progress": application_progress(app),
        "respond_by": _respond_by(history, None) if app.status == AppStatus.DEFICIENT else None,
        "after_supplement": AFTER_SUPPLEMENT,
        "after_correction": AFTER_CORRECTION,
        "timeline": _timeline(app, documents),
        "shown_documents": {d.pk for d in documents},
        "app_events": [e for e in history if e.item_case_id is None],
        "event_labels": {e.value: e.label(get_language() or "zh-hans") for e in EventType},
        "documents": [{"doc": d, "label": DocumentKind.of(d.kind)} for d in documents],
        "deficiency": deficiency,
        "supplement_materials": _supplement_materials(app),
        "materials": [m.as_dict() for m in material_states(app)],
        "can_withdraw": app.status in ("submitted", "deficient", "received"),
        "errors": {},
        "values": {},
    }


@require_GET
@applicant_required
def my_application(request: HttpRequest, number: str) -> HttpResponse:
    return render(request, "web/me_detail.html", _detail_context(request, _mine(request, number)))


@require_GET
@applicant_required
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    app = _mine(request, number)
    return render(
        request,
        "web/receipt.html",
        {"app": app, "receipt": app.documents.filter(kind="receipt").order_by("-issued_at").first()},
    )


def _withdraw_page(
    request: HttpRequest,
    app: Application,
    *,
    reason: str = "",
    error: ErrorDetail | None = None,
    status: int = 200,
) -> HttpResponse:
    """The confirmation step of 撤回: what will happen (the items still open end, every department is told, a
    withdrawal notice is issued; it cannot be undone), then the form that does it."""
    cases = list(app.item_cases.select_related("department").order_by("position"))
    return render(
        request,
        "web/me_withdraw.html",
        {
            "app": app,
            "status": AppStatus.of(app.status),
            "ending": [c for c in cases if c.status in OPEN_CASE_STATES],
            "decided": [c for c in cases if c.status not in OPEN_CASE_STATES],
            "can_withdraw": app.status in ("submitted", "deficient", "received"),
            "reason": reason,
            "error": error,
            "errors": {"withdraw": error} if error else {},
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@applicant_required
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """撤回申请 in two steps (issue 18 point 6): GET (or a POST without `confirm`) shows what will happen; the
    POST with `confirm=yes` from that page withdraws. No single click withdraws."""
    app = _mine(request, number)
    if request.method == "GET":
        return _withdraw_page(request, app)
    form = WithdrawForm(request.POST)
    if not form.is_valid():  # control or direction-override characters, or too long: named next to the field
        return _withdraw_page(
            request,
            app,
            reason=str(request.POST.get("reason", ""))[:300],
            error=form_errors(form)["reason"],
            status=400,
        )
    reason = form.cleaned_data["reason"]
    if request.POST.get("confirm") != "yes":
        return _withdraw_page(request, app, reason=reason)
    try:
        application_withdraw(
            application=app,
            actor=actor_of(request.user),
            reason=reason,
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        app.refresh_from_db()
        return _withdraw_page(request, app, reason=reason, error=exc.detail, status=exc.status)
    return HttpResponseRedirect(f"/me/applications/{app.number}/?done=withdrawn")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_http_methods(["POST"])
@applicant_required
def supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补齐补正 after a deficiency notice: upload what it asks for, back to intake."""
    app = _mine(request, number)
    errors: dict[str, ErrorDetail] = {}
    ids = []
    files = request.FILES  # parses the body: a file past the limit is dropped while it streams in
    dropped = oversize_fields(request)
    deficient = app.status == AppStatus.DEFICIENT  # else the service answers (409: no notice to answer)
    asked = {m["code"] for m in _supplement_materials(app)}
    for m in app.snapshot.get("materials", []):
        if (
            deficient
            and m["code"] not in asked
            and (f"file:{m['code']}" in files or f"file:{m['code']}" in dropped)
        ):
            errors[""] = ErrorDetail(  # not on the page: only a hand-made request sends it
                "material_not_asked",
                f"一次告知书未要求补正“{m['name']}”，请只提交所列材料",
                f"The notice does not ask for '{m['name']}': send only the materials it lists",
                field=f"file:{m['code']}",
            )
            continue
        if f"file:{m['code']}" in dropped:  # dropped while it streamed in: say so, not "nothing sent"
            errors[m["code"]] = too_large(limits().max_bytes).detail
            continue
        file = files.get(f"file:{m['code']}")
        if file is None:
            continue
        try:
            ids.append(
                str(
                    upload_receive(
                        actor=actor_of(request.user),
                        bundle_code=app.bundle.code,
                        material_key=m["code"],
                        file=file,
                    ).pk
                )
            )
        except DomainError as exc:
            errors[m["code"]] = exc.detail
    if not errors:
        try:
            application_supplement(
                application=app,
                actor=actor_of(request.user),
                uploads=ids,
                expected_version=_int(request.POST.get("version")),
            )
        except DomainError as exc:
            errors = errors_by_field(exc) or {"": exc.detail}
            if "materials" in errors:  # the supplement as a whole (nothing of what was asked): at the top
                errors[""] = errors.pop("materials")
    if errors:
        ctx = _detail_context(request, app)
        ctx["errors"] = errors
        return render(request, "web/me_detail.html", ctx, status=400)
    return HttpResponseRedirect(f"/me/applications/{app.number}/")


@require_GET
@login_required
def document_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """A document of one of my applications (receipt, notices, decisions), for the session-signed-in user."""
    doc = visible_documents(actor_of(request.user)).filter(number=number).first()
    if doc is None:
        raise Http404("no such document of yours")
    response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
    return response


@require_GET
@applicant_required
def my_licences(request: HttpRequest) -> HttpResponse:
    rows, seen = [], set()
    for holder in holder_ids_of(actor_of(request.user)):
        for licence in wallet(holder_id=holder):
            if licence.pk not in seen:
                seen.add(licence.pk)
                rows.append({"licence": licence, "qr": qr_code(licence, kind="svg", scale=2).decode()})
    return render(request, "web/me_licences.html", {"rows": rows})


@require_GET
@applicant_required
def my_data_reads(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request)
    assert profile is not None  # noqa: S101 - applicant_required
    rows = ledger_entries_for_subject(profile.id_number, profile.enterprise_uscc)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    agents = mandate_agents(
        numbers=[e.mandate_number for e in entries],
        principal_ids=[i for i in (profile.id_number, profile.enterprise_uscc) if i],
    )
    return render(
        request,
        "web/me_reads.html",
        {
            "page": page,
            "rows": [{"e": e, "agent": agents.get(e.mandate_number, "")} for e in entries],
            "sources": dict(DataSource.objects.values_list("code", "name")),
        },
    )


def _party_id(request: HttpRequest) -> str:
    party = actor_of(request.user).party
    return party.id if party else ""


@require_http_methods(["GET", "POST"])
@applicant_required
def my_file(request: HttpRequest) -> HttpResponse:
    """一人一档 / 一企一档: what the sources hold on me, each value with its source (every read in the ledger);
    and my consent to reuse what I typed in earlier applications (POST grants or withdraws it)."""
    party_id = _party_id(request)
    if request.method == "POST":
        if request.POST.get("consent") == "grant":
            consent_grant(party_id=party_id, actor=actor_of(request.user))
        elif request.POST.get("consent") == "revoke":
            consent_revoke(party_id=party_id, actor=actor_of(request.user))
        return HttpResponseRedirect("/me/file/")
    file = party_file(
        subject_id=party_id,
        purpose=Purpose("party_file", f"self:{request.user.pk}"),
        actor=actor_of(request.user),
        earlier=earlier_entries,
    )
    names = dict(DataSource.objects.values_list("code", "name"))
    labels = dict(FieldKey.objects.values_list("key", "label_zh"))
    return render(
        request,
        "web/me_file.html",
        {
            "file": file,
            "names": names,
            "labels": labels,
            "by_source": [
                (names.get(code, code), [(labels.get(k, k), v) for k, v in values.items()])
                for code, values in file.by_source().items()
            ],
        },
    )
