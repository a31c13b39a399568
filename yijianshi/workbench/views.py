"""Workbench pages. Thin: read the request, call a selector or a service, render (DESIGN.md §3).

Every page checks the actor: a clerk sees only their service point's applications and an officer only their
department's item cases, through the scoped querysets of cases/permissions.py — anything else answers 404, as
if it did not exist. A page for another role answers 403. A domain error from a service is shown on the page
with its status (400, 403, 404, 409); a stale version (409) says "已被他人处理，请刷新".
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, cast

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yijianshi.accounts.models import Role
from yijianshi.accounts.otp import second_factor_required
from yijianshi.accounts.roles import Actor, actor_of
from yijianshi.cases import selectors, services
from yijianshi.cases.audit import unusual_access
from yijianshi.cases.guide import guide_compute
from yijianshi.cases.material_states import (
    MaterialState,
    asked_materials,
    material_reviews,
    material_states,
)
from yijianshi.cases.models import Application, Channel, Commitment, EventType, ItemCase
from yijianshi.cases.permissions import (
    WHOLE,
    ApplicationScope,
    application_scope,
    visible_applications,
    visible_documents,
    visible_item_cases,
)
from yijianshi.cases.progress import application_progress, deficiency_notices, progress_of
from yijianshi.cases.shared import licence_preview
from yijianshi.cases.transitions import CASE, OPEN_CASE_STATES, AppStatus, CaseAction, CaseStatus
from yijianshi.catalog import engine
from yijianshi.catalog.models import Bundle
from yijianshi.catalog.selectors import bundle_definition, current_version
from yijianshi.core import clock
from yijianshi.core.actor import Party
from yijianshi.core.calendar import calendar_status
from yijianshi.core.errors import DomainError, ErrorDetail, NotFound
from yijianshi.core.identifiers import mask
from yijianshi.core.statemachine import check_version
from yijianshi.integrations.models import DepartmentIntegration, IntegrationMode
from yijianshi.ledger.services import Purpose

from . import forms
from .clock import case_clock, intake_clock

CONFIRM_FIRST = frozenset({CaseAction.APPROVE, CaseAction.REJECT, CaseAction.DENY})  # cannot be undone
STALE_ZH = "已被他人处理，请刷新"
STALE_EN = "Someone else handled this meanwhile; please reload"
PAGE_SIZE = 25
OFFICER_ACTIONS = (
    CaseAction.ACCEPT,
    CaseAction.REJECT,
    CaseAction.REQUEST_CORRECTION,
    CaseAction.RESUME,
    CaseAction.APPROVE,
    CaseAction.DENY,
    CaseAction.PROGRESS,
)

# ------------------------------------------------------------------------------------------------ plumbing


def staff(
    *roles: str, hide: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Signed in (else to the sign-in page), past the second factor (else to the code page: accounts/otp.py) and
    one of these roles: else 403 for a list page, 404 for a page about one object (`hide`), so that no one learns
    whether it exists."""

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @second_factor_required
        @wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            actor = actor_of(request.user)
            if actor.role not in roles and hide:
                raise Http404("not found")
            if actor.role not in roles:
                return render(
                    request,
                    "workbench/error.html",
                    {
                        "error": ErrorDetail(
                            "forbidden_role",
                            "您的角色不能使用此工作台",
                            "Your role cannot use this workbench",
                        )
                    },
                    status=403,
                )
            request.actor = actor  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return inner

    return wrap


def _user(request: HttpRequest) -> User:
    """The signed-in user (every workbench view is behind `staff`, so never anonymous)."""
    user = request.user
    assert isinstance(user, User)
    return user


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


def _error(exc: DomainError) -> dict[str, Any]:
    """A domain error for the page: the stale-version conflict gets the plain words officers expect."""
    stale = exc.code == "stale_version"
    return {
        "code": exc.code,
        "zh": STALE_ZH if stale else exc.detail.zh,
        "en": STALE_EN if stale else exc.detail.en,
        "detail_zh": exc.detail.zh if stale else "",
        "detail_en": exc.detail.en if stale else "",
        "status": exc.status,
        "field": exc.detail.field,
        "details": exc.details,
    }


def _place(form: Any, exc: DomainError, **fields: str) -> dict[str, Any] | None:
    """Put a service's error next to the form field it names (service field → form field); an error about
    anything else is for the page (returned)."""
    target = fields.get(exc.detail.field or "")
    if target is None:
        return _error(exc)
    form.add_error(target, f"{exc.detail.zh} / {exc.detail.en}")
    return None


def _app_for_clerk(request: HttpRequest, number: str) -> Application:
    return get_object_or_404(
        visible_applications(_actor(request)).select_related("bundle", "service_point", "applicant", "agent"),
        number=number,
    )


def _status(value: str) -> tuple[str, str]:
    """An application's or an item case's status in words (the labels on their enums)."""
    return AppStatus.of(value) if value in AppStatus.__members__.values() else CaseStatus.of(value)


def _materials(app: Application, scope: ApplicationScope = WHOLE) -> list[dict[str, Any]]:
    """Each material of the application (of the actor's items, for an officer) with its state
    (cases/material_states.py: provided, waived and why, tolerated, committed, missing or optional)."""
    return [row.as_dict() for row in material_states(app) if scope.sees_entry(row.spec)]


def _reviewable(app: Application) -> list[dict[str, Any]]:
    """The materials the clerk judges at intake (合格 / 需补正): the provided ones, and those the applicant
    listed to hand in at the window (judging one presents it)."""
    return [m for m in _materials(app) if m["state"] in (MaterialState.PROVIDED, MaterialState.TO_PRESENT)]


def _supplementable(app: Application) -> list[dict[str, Any]]:
    """What the clerk may record as handed in for a supplement at the counter: the materials the deficiency
    notice asked for (cases/material_states.py `asked_materials`), and only those; when it named none (only the
    clerk's own lines), any material not waived."""
    return asked_materials(app) or [m for m in _materials(app) if m["state"] != MaterialState.WAIVED]


def _fields(app: Application, scope: ApplicationScope) -> list[dict[str, Any]]:
    """The form's fields the actor sees, each with its value and where it came from: a source only while the
    applicant left the value unchanged; a changed one is marked for the clerk and the officer, and so is a
    field the last supplement changed (a subject's identity field most of all)."""
    prefill = app.snapshot.get("prefill", {})
    changed = set(app.snapshot.get("prefill_changed", []))
    last = app.events.filter(type=EventType.SUPPLEMENTED).order_by("-at", "-pk").first()
    supplemented = set((last.data or {}).get("changed", [])) if last else set()
    identity = set((last.data or {}).get("identity_changed", [])) if last else set()
    keys = scope.form_keys(app)
    return [
        {
            **f,
            "value": app.form_data.get(f["key"], ""),
            "changed": f["key"] in changed,
            "supplemented": f["key"] in supplemented,
            "identity_changed": f["key"] in identity,
            "source": "" if f["key"] in changed else prefill.get(f["key"], {}).get("source", ""),
        }
        for f in app.snapshot["form"]
        if f["key"] in keys
    ]


def _uploads_available() -> bool:
    """Attaching scans needs the uploads app (its service checks size and type before storing anything)."""
    return django_apps.is_installed("yijianshi.uploads")


def _uploads_for(app: Application, scope: ApplicationScope = WHOLE) -> list[Any]:
    if not _uploads_available():
        return []
    from yijianshi.uploads.models import Upload  # type: ignore[import-not-found,unused-ignore]

    rows = Upload.objects.filter(attached_to=app).order_by("created_at")
    return list(rows if scope.whole else rows.filter(material_key__in=scope.material_codes(app)))


def _upload_hint() -> Any:
    """The types and the size limit an upload control says (uploads/accept.py), if uploads are installed."""
    if not _uploads_available():
        return None
    from yijianshi.uploads.accept import accept_hint  # type: ignore[import-not-found,unused-ignore]

    return accept_hint("")


# ------------------------------------------------------------------------------------------------ window


@require_GET
@staff(Role.CLERK, Role.ADMIN)
def window_queue(request: HttpRequest) -> HttpResponse:
    """The online applications awaiting intake at the clerk's service point, by their 2-working-hour clock."""
    now = clock.now()
    rows = [
        {
            "app": app,
            "clock": intake_clock(app, now),
            "party": mask(app.party_id),
            "status": _status(app.status),
        }
        for app in selectors.intake_queue(_actor(request))[:200]
    ]
    deficient = list(selectors.applications_for(_actor(request), status="deficient")[:50])
    notices = deficiency_notices(deficient)
    received = selectors.applications_for(_actor(request), status="received")[:20]
    return render(
        request,
        "workbench/window_queue.html",
        {
            "section": "window",
            "rows": rows,
            "deficient": [
                {"app": a, "party": mask(a.party_id), "notice": notices.get(a.pk)} for a in deficient
            ],
            "received": [{"app": a, "party": mask(a.party_id)} for a in received],
            "now": now,
        },
    )


@require_GET
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_application(request: HttpRequest, number: str) -> HttpResponse:
    app = _app_for_clerk(request, number)
    return _render_intake(request, app)


def _render_intake(
    request: HttpRequest,
    app: Application,
    *,
    error: dict[str, Any] | None = None,
    intake_form: forms.IntakeForm | None = None,
    upload_form: Any = None,
    supplement_form: forms.SupplementForm | None = None,
    deliver_form: forms.DeliverForm | None = None,
    review_form: forms.MaterialReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:
    materials = _materials(app)
    missing = [m for m in materials if m["state"] == MaterialState.MISSING]
    to_present = [m for m in materials if m["state"] == MaterialState.TO_PRESENT]
    fields = _fields(app, WHOLE)
    uploadable = [m for m in materials if m["state"] in ("missing", "optional", "tolerated", "provided")]
    uploads_open = app.status in ("submitted", "deficient", "received")
    return render(
        request,
        "workbench/window_application.html",
        {
            "section": "window",
            "app": app,
            "party": mask(app.party_id),
            "materials": materials,
            "missing": missing,
            "fields": fields,
            "clock": intake_clock(app, clock.now()) if app.status == "submitted" else None,
            "progress": application_progress(app),
            "documents": app.documents.order_by("issued_at", "pk"),
            "events": selectors.application_history(app),
            "error": error,
            "to_present": to_present,
            "intake_form": intake_form
            or forms.IntakeForm(to_present=to_present, initial={"expected_version": app.version}),
            "review_form": review_form or forms.MaterialReviewForm(materials=_reviewable(app)),
            "reviews": material_reviews(app),
            "upload_form": upload_form
            or (forms.UploadForm(materials=uploadable) if _uploads_available() and uploads_open else None),
            "uploads": _uploads_for(app),
            "upload_hint": _upload_hint(),
            "tolerated_open": [m for m in materials if m["state"] == "tolerated"],
            "authorisation": app.authorisation,
            "item_cases": [
                {"c": c, "status": _status(c.status)} for c in app.item_cases.select_related("department")
            ],
            "can_intake": app.status == "submitted" and _actor(request).role in (Role.CLERK, Role.ADMIN),
            "deliver_form": deliver_form
            or (
                forms.DeliverForm(initial={"expected_version": app.version})
                if app.status in ("received", "completed")
                and app.item_cases.filter(status="approved").exists()
                else None
            ),
            "supplement_form": supplement_form
            or (
                forms.SupplementForm(
                    materials=_supplementable(app), initial={"expected_version": app.version}
                )
                if app.status == "deficient"
                else None
            ),
        },
        status=status,
    )


@require_POST
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_intake(request: HttpRequest, number: str) -> HttpResponse:
    """收件: accept (→ receipt) or the one deficiency notice listing everything missing (→ notice). The clerk
    ticks the materials the applicant listed to hand in at the window that they received and checked."""
    app = _app_for_clerk(request, number)
    form = forms.IntakeForm(
        request.POST, to_present=[m for m in _materials(app) if m["state"] == MaterialState.TO_PRESENT]
    )
    review = forms.MaterialReviewForm(request.POST, materials=_reviewable(app))
    if not (form.is_valid() & review.is_valid()):
        return _render_intake(request, app, intake_form=form, review_form=review, status=400)
    decision = form.cleaned_data["decision"]
    problems = form.cleaned_data["problems"]
    if decision == "accept" and review.needs_correction():
        form.add_error(
            "decision",
            "有材料需补正，不能收件：请出具一次告知书 / "
            "A material needs correction: issue the deficiency notice",
        )
        return _render_intake(request, app, intake_form=form, review_form=review, status=400)
    if decision == "accept" and problems:
        form.add_error(
            "problems",
            "收件时不应填写补正事项；如需一次告知请选择“出具一次告知书”"
            " / Leave this empty to accept; choose the deficiency notice to list problems",
        )
        return _render_intake(request, app, intake_form=form, status=400)
    if decision == "accept" and [m for m in _materials(app) if m["state"] == "missing"]:
        form.add_error(
            "decision",
            "材料不齐全，不能收件：请出具一次告知书，或先上传缺少的材料 / "
            "Materials are missing: issue the deficiency notice, or attach what is missing first",
        )
        return _render_intake(request, app, intake_form=form, status=400)
    confirmed = form.cleaned_data.get("confirmed", [])
    unconfirmed = [
        m
        for m in _materials(app)
        if m["state"] == MaterialState.TO_PRESENT and m.get("required") and m["code"] not in confirmed
    ]
    if (
        decision == "deficient"
        and not problems
        and not review.needs_correction()
        and not unconfirmed
        and not [m for m in _materials(app) if m["state"] == "missing"]
    ):
        form.add_error(
            "problems",
            "材料已齐全：出具一次告知书须写明需补正的内容 / Nothing is missing: list what must be corrected",
        )
        return _render_intake(request, app, intake_form=form, status=400)
    try:
        app = services.application_intake(
            application=app,
            actor=_actor(request),
            problems=problems,
            confirmed=confirmed,
            deficient=decision == "deficient",
            expected_version=form.cleaned_data["expected_version"],
            reviews=review.reviews(),
        )
    except DomainError as exc:
        app.refresh_from_db()
        field = exc.detail.field or ""
        placed = (
            _place(review, exc, **{field: field.replace("review:", "reason:", 1)})
            if field.startswith("review:") and field in review.fields
            else _place(form, exc, problems="problems", **{k: k for k in ("confirmed",) if k in form.fields})
        )
        return _render_intake(
            request, app, error=placed, intake_form=form, review_form=review, status=exc.status
        )
    return redirect(reverse("workbench:window-application", args=[app.number]) + "?done=" + app.status)


@require_POST
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Attach a scanned paper material (through the uploads service, which checks size and type)."""
    app = _app_for_clerk(request, number)
    if not _uploads_available():
        raise Http404("uploads are not installed")
    from yijianshi.cases.materials import application_material_receive
    from yijianshi.uploads.handlers import oversize_fields  # type: ignore[import-not-found,unused-ignore]
    from yijianshi.uploads.models import UploadChannel  # type: ignore[import-not-found,unused-ignore]
    from yijianshi.uploads.services import limits  # type: ignore[import-not-found,unused-ignore]
    from yijianshi.uploads.validation import too_large  # type: ignore[import-not-found,unused-ignore]

    uploadable = [
        m for m in _materials(app) if m["state"] in ("missing", "optional", "tolerated", "provided")
    ]
    form = forms.UploadForm(request.POST, request.FILES, materials=uploadable)
    if "file" in oversize_fields(request):  # dropped while streaming in: say why, not "no file"
        refused = too_large(limits().max_bytes)
        form.is_valid()
        form.errors.pop("file", None)
        form.add_error("file", f"{refused.detail.zh} / {refused.detail.en}")
        return _render_intake(request, app, upload_form=form, status=refused.status)
    if not form.is_valid():
        return _render_intake(request, app, upload_form=form, status=400)
    try:
        application_material_receive(
            actor=_actor(request),
            application=app,
            bundle_code=app.bundle.code,
            material_key=form.cleaned_data["material"],
            file=form.cleaned_data["file"],
            channel=UploadChannel.COUNTER_SCAN,
        )
    except DomainError as exc:
        app.refresh_from_db()
        return _render_intake(
            request,
            app,
            error=_place(form, exc, material="material", file="file"),
            upload_form=form,
            status=exc.status,
        )
    return redirect(reverse("workbench:window-application", args=[app.number]) + "?uploaded=1")


def _window_command(
    request: HttpRequest,
    number: str,
    *,
    form_key: str,
    make_form: Callable[[Application], Any],
    run: Callable[[Application, dict[str, Any]], Application],
    done: str,
    fields: dict[str, str] | None = None,
) -> HttpResponse:
    """A clerk's command on one application: bind the form, call the service, show its errors at their fields
    (or on the page), or go back to the application with what was done."""
    app = _app_for_clerk(request, number)
    form = make_form(app)
    if not form.is_valid():
        return _render_intake(request, app, status=400, **{form_key: form})
    try:
        app = run(app, form.cleaned_data)
    except DomainError as exc:
        app.refresh_from_db()
        return _render_intake(
            request, app, error=_place(form, exc, **(fields or {})), status=exc.status, **{form_key: form}
        )
    return redirect(reverse("workbench:window-application", args=[app.number]) + f"?done={done}")


@require_POST
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_supplement(request: HttpRequest, number: str) -> HttpResponse:
    """补齐补正 at the counter after the deficiency notice: back to intake with a fresh 2-working-hour clock."""
    return _window_command(
        request,
        number,
        form_key="supplement_form",
        done="supplemented",
        make_form=lambda app: forms.SupplementForm(request.POST, materials=_supplementable(app)),
        run=lambda app, data: services.application_supplement(
            application=app,
            actor=_actor(request),
            materials=data["materials"],
            expected_version=data["expected_version"],
        ),
    )


@require_POST
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_deliver(request: HttpRequest, number: str) -> HttpResponse:
    """送达 of the approved results (all, or those decided so far): pickup, free post, electronic."""
    return _window_command(
        request,
        number,
        form_key="deliver_form",
        done="delivered",
        fields={"method": "method", "tracking_number": "tracking_number"},
        make_form=lambda app: forms.DeliverForm(request.POST),
        run=lambda app, data: services.application_deliver(
            application=app,
            actor=_actor(request),
            method=data["method"],
            tracking_number=data["tracking_number"],
            address=data["address"],
            expected_version=data["expected_version"],
        ),
    )


@require_POST
@staff(Role.CLERK, Role.ADMIN, hide=True)
def window_tolerated(request: HttpRequest, number: str) -> HttpResponse:
    """A tolerated (容缺) material handed in at the counter after acceptance."""
    app = _app_for_clerk(request, number)
    try:
        services.tolerated_material_receive(
            application=app, actor=_actor(request), code=str(request.POST.get("code", ""))[:80]
        )
    except DomainError as exc:
        return _render_intake(request, app, error=_error(exc), status=exc.status)
    return redirect("workbench:window-application", number=app.number)


@require_GET
@login_required
@second_factor_required
def document_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """A notice or decision of a case the user may see (receipt, deficiency notice, acceptance …), to print."""
    actor = actor_of(request.user)
    if actor.role not in (Role.CLERK, Role.OFFICER, Role.ADMIN, Role.AUDITOR):
        raise Http404("no such document")
    doc = get_object_or_404(visible_documents(actor), number=number)
    response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
    return response


@require_GET
@staff(Role.CLERK, Role.OFFICER, Role.ADMIN, Role.AUDITOR, hide=True)
def upload_file(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An uploaded material of an application the actor may see, opened in the browser (PDF and images inline).
    Which uploads: the one rule of cases/permissions.py through `upload_for_actor` (an officer only the
    materials of their department's items, a clerk their service point's applications; else 404). Every
    view goes to the access ledger with the application as its purpose (`upload_content`)."""
    if not _uploads_available():
        raise Http404("uploads are not installed")
    from yijianshi.cases.materials import upload_content, upload_for_actor
    from yijianshi.uploads.api import upload_view  # type: ignore[import-not-found,unused-ignore]

    try:
        if upload_for_actor(actor=_actor(request), upload_id=pk).attached_at is None:
            raise Http404("not part of an application")  # a draft's file is its uploader's alone
        upload, content = upload_content(actor=_actor(request), upload_id=pk, face="workbench")
    except NotFound:
        raise Http404("no such upload") from None
    return cast(HttpResponse, upload_view(upload, content))  # a streamed FileResponse: `staff` passes it on


# ------------------------------------------------------------------------------------------------ counter


COUNTER_KEY = "workbench_counter"


@require_http_methods(["GET", "POST"])
@staff(Role.CLERK)
def counter_start(request: HttpRequest) -> HttpResponse:
    """A walk-in: the person's identity number and name (from their ID card) and the bundle they ask for; for an
    enterprise's bundle, also the enterprise they act for (its code and name, as on the business licence)."""
    bundles = (
        Bundle.objects.filter(region__service_points__pk=_actor(request).service_point_id or 0)
        .order_by("subject", "seq")
        .distinct()
    )
    published = [b for b in bundles if current_version(b) is not None]
    choices = [
        (b.code, f"{b.code} {b.name}{'（企业）' if b.subject == 'enterprise' else ''}") for b in published
    ]
    enterprise_bundles = frozenset(b.code for b in published if b.subject == "enterprise")
    if request.method == "POST":
        form = forms.CounterStartForm(request.POST, bundles=choices, enterprise_bundles=enterprise_bundles)
        if form.is_valid():
            request.session[COUNTER_KEY] = {
                "id_number": form.cleaned_data["id_number"],
                "name": form.cleaned_data["name"],
                "phone": form.cleaned_data["phone"],
                "bundle": form.cleaned_data["bundle"],
                "uscc": form.cleaned_data["uscc"],
                "enterprise_name": form.cleaned_data["enterprise_name"],
                "verified": form.cleaned_data["verified"],
                "reference": f"counter-{clock.local(clock.now()):%Y%m%d}-{secrets.token_hex(4)}"
                f"-{form.cleaned_data['verified']}",
            }
            return redirect("workbench:counter-form")
        return render(
            request, "workbench/counter_start.html", {"form": form, "section": "counter"}, status=400
        )
    return render(
        request,
        "workbench/counter_start.html",
        {
            "section": "counter",
            "form": forms.CounterStartForm(bundles=choices, enterprise_bundles=enterprise_bundles),
        },
    )


@require_http_methods(["GET", "POST"])
@staff(Role.CLERK)
def counter_form(request: HttpRequest) -> HttpResponse:
    """The same merged form the portal shows, prefilled for the walk-in (each read in the access ledger under
    the intake's purpose), the materials with their waivers, and applying on their behalf with their
    authorisation (channel: window)."""
    walk_in = request.session.get(COUNTER_KEY)
    if not walk_in or not walk_in.get("verified"):  # nothing is read before the clerk says how they verified
        return redirect("workbench:counter-start")
    bundle = get_object_or_404(Bundle.objects.select_related("region"), code=walk_in["bundle"])
    version = current_version(bundle)
    if version is None:
        raise Http404("bundle not published")
    definition = bundle_definition(version)
    source = request.POST if request.method == "POST" else request.GET
    answers = {
        q.code: str(source[f"answer.{q.code}"]) for q in definition.situations if f"answer.{q.code}" in source
    }
    error = None
    try:
        chosen = engine.resolve_answers(definition, answers)
    except DomainError as exc:
        error, chosen = _error(exc), engine.resolve_answers(definition, {})
    guide = guide_compute(
        version=version,
        answers=chosen,
        actor=_actor(request),
        party=_walk_in_party(walk_in),
        purpose=Purpose("intake", walk_in["reference"]),
    )
    snapshot = guide.snapshot()
    provenance = snapshot["prefill"]
    prefilled = guide.prefilled()
    form = forms.CounterApplyForm(
        request.POST if request.method == "POST" else None,
        snapshot=snapshot,
        initial={**{f"f.{k}": v for k, v in prefilled.items()}},
    )
    status = 200
    if request.method == "POST" and error is None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                submission = services.application_submit(
                    actor=_actor(request),
                    bundle_code=bundle.code,
                    form=form.form_values(),
                    answers=chosen,
                    channel=Channel.WINDOW,
                    materials=data["materials"],
                    tolerated=data["tolerated"],
                    commitments=data["commitments"],
                    on_behalf_of=_on_behalf_of(walk_in, form.authorisation_text()),
                    idempotency_key=f"{walk_in['reference']}",
                )
            except DomainError as exc:
                form.attach(exc)
                error, status = (None if form.errors else _error(exc)), exc.status
            else:
                request.session.pop(COUNTER_KEY, None)
                return redirect("workbench:window-application", number=submission.application.number)
        else:
            status = 400
    elif error is not None:
        status = 400
    return render(
        request,
        "workbench/counter_form.html",
        {
            "section": "counter",
            "walk_in": {
                **walk_in,
                "masked": mask(walk_in["id_number"]),
                "uscc_masked": mask(walk_in["uscc"]) if walk_in.get("uscc") else "",
            },
            "bundle": bundle,
            "form": form,
            "situations": [{"q": q, "value": chosen.get(q.code)} for q in definition.situations],
            "provenance": provenance,
            "failures": snapshot["prefill_failures"],
            "error": error,
            "materials": snapshot["materials"],
            "items": snapshot["items"],
            "form_rows": [
                {
                    "field": form[name],
                    "note": f"来源 / source: {provenance[name[2:]]['source']}"
                    if name[2:] in provenance
                    else "",
                }
                for name in form.form_field_names()
            ],
        },
        status=status,
    )


def _walk_in_party(walk_in: dict[str, Any]) -> Party:
    """Whom the walk-in applies for: themself, or the enterprise they act for."""
    if walk_in.get("uscc"):
        return Party(type="enterprise", id=walk_in["uscc"], name=walk_in["enterprise_name"])
    return Party(type="person", id=walk_in["id_number"], name=walk_in["name"])


def _on_behalf_of(walk_in: dict[str, Any], authorisation: str) -> dict[str, Any]:
    """The applicant the clerk names to the submission, and how the clerk established the right to act: for an
    enterprise, which person acted for it (name and masked identity number) and on what authority."""
    how = f"{authorisation}（{verified_label(walk_in)}）"
    if walk_in.get("uscc"):
        return {
            "party_type": "enterprise",
            "uscc": walk_in["uscc"],
            "name": walk_in["enterprise_name"],
            "phone": walk_in["phone"],
            "authorisation": f"企业经办人 {walk_in['name']}（{mask(walk_in['id_number'])}）：{how}",
        }
    return {
        "party_type": "person",
        "name": walk_in["name"],
        "id_number": walk_in["id_number"],
        "phone": walk_in["phone"],
        "authorisation": how,
    }


def verified_label(walk_in: dict[str, Any]) -> str:
    return dict(forms.VERIFICATIONS).get(walk_in.get("verified", ""), "").split(" / ")[0]


@require_POST
@staff(Role.CLERK)
def counter_cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(COUNTER_KEY, None)
    return redirect("workbench:window-queue")


# ------------------------------------------------------------------------------------------------ department


@require_GET
@staff(Role.OFFICER, Role.ADMIN, Role.AUDITOR)
def department_queue(request: HttpRequest) -> HttpResponse:
    """The department's item cases, open ones first, by deadline; overdue and near-deadline ones flagged."""
    actor = _actor(request)
    state = request.GET.get("status") or ""
    if state and state not in CaseStatus.__members__.values():
        state = ""
    overdue_only = request.GET.get("overdue") == "1"
    # open ones (overdue first, then by the running clock), or those in the chosen state
    qs = selectors.item_cases_for(actor, status=state or None, overdue=True if overdue_only else None)
    page = Paginator(qs.select_related("application__bundle"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    rows = [
        {
            "case": c,
            "clock": case_clock(c, now),
            "party": mask(c.application.party_id),
            "status": _status(c.status),
        }
        for c in page.object_list
    ]
    integration = (
        DepartmentIntegration.objects.filter(department_id=actor.department_id).first()
        if actor.department_id
        else None
    )
    return render(
        request,
        "workbench/department_queue.html",
        {
            "section": "department",
            "rows": rows,
            "page": page,
            "state": state,
            "overdue_only": overdue_only,
            "states": [(s.value, _status(s.value)) for s in CaseStatus],
            "integration": integration,
        },
    )


def _case_for(request: HttpRequest, pk: int) -> ItemCase:
    return get_object_or_404(
        visible_item_cases(_actor(request)).select_related(
            "application__bundle", "application__service_point", "department", "item"
        ),
        pk=pk,
    )


def _allowed_actions(case: ItemCase) -> list[dict[str, Any]]:
    return [
        {"value": a.value, "zh": a.zh, "en": a.en, "confirm": a in CONFIRM_FIRST}
        for a in OFFICER_ACTIONS
        if CASE.allows(case.status, a)
    ]


def _render_case(
    request: HttpRequest,
    case: ItemCase,
    *,
    form: forms.TransitionForm | None = None,
    check_form: forms.PostCheckForm | None = None,
    error: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    app = case.application
    scope = application_scope(_actor(request), app)
    if scope.whole:  # an administrator or an auditor reading one item case: that item's part
        scope = ApplicationScope(refs=frozenset({case.ref}))
    fields = _fields(app, scope)
    materials = _materials(app, scope)
    siblings = {c.ref: c for c in app.item_cases.select_related("department")}
    integration = DepartmentIntegration.objects.filter(department_id=case.department_id).first()
    actions = _allowed_actions(case) if _actor(request).role in (Role.OFFICER, Role.ADMIN) else []
    return render(
        request,
        "workbench/department_case.html",
        {
            "section": "department",
            "case": case,
            "app": app,
            "party": mask(app.party_id),
            "fields": fields,
            "materials": materials,
            "clock": case_clock(case, clock.now()),
            "status": _status(case.status),
            "progress": progress_of(app.status, [c.status for c in siblings.values()]),
            "requires": [siblings[r] for r in case.requires if r in siblings],
            "events": selectors.application_history(app, scope=scope),
            "uploads": _uploads_for(app, scope),
            "documents": case.documents.order_by("issued_at", "pk"),
            "actions": actions,
            "form": form or forms.TransitionForm(initial={"expected_version": case.version}),
            "error": error,
            "integration": integration,
            "own_system": integration is not None
            and integration.mode in (IntegrationMode.MANUAL, IntegrationMode.WEBHOOK),
            "tolerated": case.tolerated_materials.all(),
            "commitments": [
                {
                    "c": c,
                    "form": check_form
                    if check_form is not None and check_form.commitment_id == c.pk
                    else forms.PostCheckForm(auto_id=f"c{c.pk}_%s"),
                }
                for c in case.commitments.all()
            ],
            "read_only": _actor(request).role == Role.AUDITOR,
            "licence": licence_preview(case=case, application=app),
            "prerequisites_pending": [
                siblings[r]
                for r in case.requires
                if r in siblings and siblings[r].status not in ("approved", "delivered")
            ],
        },
        status=status,
    )


@require_GET
@staff(Role.OFFICER, Role.ADMIN, Role.AUDITOR, hide=True)
def department_case(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, _case_for(request, pk))


def _render_confirm(
    request: HttpRequest, case: ItemCase, action: CaseAction, data: dict[str, Any]
) -> HttpResponse:
    """The confirmation step before an irreversible decision (准予, 不予受理, 不予批准): what it will do — the
    document the applicant receives with the reason printed, the e-licence, the items that end (终止) with
    it — and the form that does it (the same fields, `confirm=yes`). Nothing is done until that is posted."""
    siblings = {c.ref: c for c in case.application.item_cases.select_related("department")}
    verb = services.VERBS[action]
    document = verb.document
    return render(
        request,
        "workbench/department_confirm.html",
        {
            "section": "department",
            "case": case,
            "app": case.application,
            "action": {"value": action.value, "zh": action.zh, "en": action.en},
            "document": {"zh": document.zh, "en": document.en} if document is not None else None,
            "data": data,
            "ending": services.dependants_to_end(case, siblings)
            if action in (CaseAction.REJECT, CaseAction.DENY)
            else [],
            "licence": licence_preview(case=case, application=case.application)
            if action == CaseAction.APPROVE
            else None,
        },
    )


@require_POST
@staff(Role.OFFICER, Role.ADMIN, Role.AUDITOR, hide=True)
def department_case_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One action from the transition table, with the version the officer saw (a stale one → 409)."""
    case = _case_for(request, pk)
    if _actor(request).role == Role.AUDITOR:
        return _render_case(
            request,
            case,
            error=_error(
                DomainError("read_only", "审计人员只读，不能办理", "Auditors read only; they cannot act")
            ),
            status=403,
        )
    form = forms.TransitionForm(request.POST)
    if not form.is_valid():
        return _render_case(request, case, form=form, status=400)
    data = form.cleaned_data
    action = CaseAction(data["action"])
    if (
        action in CONFIRM_FIRST
        and CASE.allows(case.status, action)  # else the service says why not
        and request.POST.get("confirm") != "yes"
    ):
        try:
            check_version(case, data["expected_version"])  # a stale page is told so before confirming
        except DomainError as exc:
            return _render_case(request, case, form=form, error=_error(exc), status=exc.status)
        if services.VERBS[action].reason_required and not data["reason"].strip():
            form.add_error("reason", "请说明理由 / A reason is required")
            return _render_case(request, case, form=form, status=400)
        return _render_confirm(request, case, action, data)
    result = (
        {"summary": data["result_summary"], "number": data["result_number"]}
        if action == CaseAction.APPROVE
        else None
    )
    try:
        services.item_case_transition(
            item_case=case,
            actor=_actor(request),
            action=data["action"],
            expected_version=data["expected_version"],
            reason=data["reason"],
            result=result,
            corrections=data["corrections"],
        )
    except DomainError as exc:
        case.refresh_from_db()
        return _render_case(
            request, case, form=form, error=_place(form, exc, reason="reason"), status=exc.status
        )
    return redirect(reverse("workbench:department-case", args=[case.pk]) + f"?done={data['action']}")


@require_POST
@staff(Role.OFFICER, Role.ADMIN, hide=True)
def department_commitment_check(request: HttpRequest, pk: int) -> HttpResponse:
    """事后核查 of a signed commitment: kept, or false (with the reason: the result is revoked, a credit record)."""
    commitment = get_object_or_404(
        Commitment.objects.filter(item_case__in=visible_item_cases(_actor(request))), pk=pk
    )
    case = _case_for(request, commitment.item_case_id)
    form = forms.PostCheckForm(request.POST, auto_id=f"c{commitment.pk}_%s")
    form.commitment_id = commitment.pk
    if not form.is_valid():
        return _render_case(request, case, check_form=form, status=400)
    try:
        services.commitment_post_check(
            commitment=commitment,
            actor=_actor(request),
            kept=form.cleaned_data["outcome"] == "kept",
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        case.refresh_from_db()
        return _render_case(
            request, case, check_form=form, error=_place(form, exc, note="note"), status=exc.status
        )
    return redirect(reverse("workbench:department-case", args=[case.pk]) + "?done=post_check")


# ------------------------------------------------------------------------------------------------ admin


@require_GET
@staff(Role.ADMIN, Role.AUDITOR)
def admin_overview(request: HttpRequest) -> HttpResponse:
    """Overdue and escalated item cases across departments, with counts per department."""
    qs = visible_item_cases(_actor(request)).filter(Q(overdue=True) | Q(escalation_level__gt=0))
    open_only = request.GET.get("all") != "1"
    if open_only:
        qs = qs.filter(status__in=list(OPEN_CASE_STATES))
    per_department = (
        qs.values("department__name", "department__region__name")
        .annotate(
            total=Count("pk"),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
            supervised=Count("pk", filter=Q(escalation_level__gte=2)),
        )
        .order_by("-total", "department__name")
    )
    page = Paginator(
        qs.select_related("application", "department").order_by(
            "-escalation_level", "decide_deadline", "accept_deadline", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    now = clock.now()
    overdue_intake = visible_applications(_actor(request)).filter(status="submitted", overdue=True).count()
    return render(
        request,
        "workbench/admin_overview.html",
        {
            "section": "admin",
            "per_department": per_department,
            "page": page,
            "open_only": open_only,
            "overdue_intake": overdue_intake,
            "calendar_warnings": calendar_status(clock.local(now).date())["warnings"],
            "rows": [
                {
                    "case": c,
                    "clock": case_clock(c, now),
                    "status": _status(c.status),
                    "party": mask(c.application.party_id),
                }
                for c in page.object_list
            ],
            "read_only": _actor(request).role == Role.AUDITOR,
        },
    )


@require_GET
@staff(Role.ADMIN, Role.AUDITOR)
def audit(request: HttpRequest) -> HttpResponse:
    """异常访问: unusual patterns of staff reads of shared data over the last `days` days (cases/audit.py)."""
    try:
        days = min(max(int(request.GET.get("days") or 7), 1), 92)
    except ValueError:
        days = 7
    until = clock.now()
    findings = unusual_access(since=until - timedelta(days=days), until=until)
    return render(
        request,
        "workbench/audit.html",
        {
            "section": "admin",
            "findings": findings,
            "days": days,
            "threshold": settings.AUDIT_OPENED_WITHOUT_APPLICATION,
            "office_hours": settings.AUDIT_OFFICE_HOURS,
        },
    )


@require_GET
@login_required
@second_factor_required
def home(request: HttpRequest) -> HttpResponse:
    """/workbench/: to the role's own workbench."""
    role = str(actor_of(request.user).role or "")
    target = {
        "clerk": "workbench:window-queue",
        "officer": "workbench:department-queue",
        "admin": "workbench:admin",
        "auditor": "workbench:admin",
    }.get(role)
    if target is None:
        return render(
            request,
            "workbench/error.html",
            {"error": ErrorDetail("forbidden_role", "工作台仅供工作人员使用", "The workbench is for staff")},
            status=403,
        )
    return redirect(target)
