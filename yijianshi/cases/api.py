"""The cases API (applications, item cases, documents, material uploads, the measured figures): parse, resolve the actor, scope the object through the one rule (permissions.py), call a
service or a selector, render. What an actor sees *of* an application (an officer: their items' part) is
`application_scope`, the same on every face."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import Region
from yijianshi.catalog.selectors import bundle_definition, published_versions
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError, Forbidden, NotFound
from yijianshi.core.fields import CleanText
from yijianshi.ledger.selectors import ledger_entries_for_subject
from yijianshi.ledger.services import Purpose
from yijianshi.mandates.selectors import mandate_agents
from yijianshi.uploads.api import upload_download, upload_request
from yijianshi.uploads.models import Upload, UploadChannel
from yijianshi.uploads.services import upload_discard, upload_receive

from . import materials, selectors, services
from . import serializers as s
from .figures import measured_figures
from .formcheck import EARLIEST, LATEST
from .guide import guide_compute, guide_version
from .models import Application, Channel, Commitment, ItemCase
from .permissions import application_scope, visible_applications, visible_documents, visible_item_cases


def _parse(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


def _actor(request: Request) -> Actor:
    return actor_of(request.user)


def _application(request: Request, number: str) -> Application:
    return get_object_or_404(visible_applications(_actor(request)), number=number)


def _detail(
    request: Request,
    app: Application,
    code: int = status.HTTP_200_OK,
    *,
    fresh: bool = False,
    uploads: bool = True,
) -> Response:
    """The application as ApplicationOut. `fresh`: the instance the service has just created and saved (its
    bundle and service point attached) is serialised as it is — it has no item cases yet (they are made at
    intake), and its uploads are read only if the request attached some (`uploads`); otherwise it is read
    back with what the answer shows."""
    if fresh:
        # what prefetch_related_objects() with these empty querysets leaves on the instance, without its
        # machinery (~0.7 ms a request); tests/perf/test_query_counts.py checks that neither list is read
        known: dict[str, Any] = {"item_cases": ItemCase.objects.none()}
        if not uploads:
            known["uploads"] = Upload.objects.none()
        app.__dict__.setdefault("_prefetched_objects_cache", {}).update(known)
    else:
        app = (
            Application.objects.select_related("bundle", "service_point")
            .prefetch_related("item_cases__department", "uploads")
            .get(pk=app.pk)
        )
    scope = application_scope(_actor(request), app)
    return Response(s.ApplicationOut(app, context={"scope": scope}).data, status=code)


class ApplicationListApi(GenericAPIView[Application]):
    serializer_class = s.ApplicationListOut

    @extend_schema(parameters=[OpenApiParameter("status", str)], responses=s.ApplicationListOut(many=True))
    def get(self, request: Request) -> Response:
        qs = selectors.applications_for(_actor(request), status=request.query_params.get("status") or None)
        page = self.paginate_queryset(qs.prefetch_related(selectors.case_statuses()))
        return self.get_paginated_response(s.ApplicationListOut(page, many=True).data)

    @extend_schema(
        request=s.SubmitRequest,
        responses={201: s.ApplicationOut},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        if actor.role not in (Role.APPLICANT, Role.CLERK):  # 403 before the body is judged
            raise Forbidden(
                "forbidden_role",
                "只有申请人或窗口工作人员可以提交申请",
                "Only applicants and window clerks can submit applications",
            )
        data = _parse(s.SubmitRequest, request)
        result = services.application_submit(
            actor=actor,
            bundle_code=data["bundle"],
            form=data["form"],
            answers=data.get("answers"),
            channel=Channel.WINDOW if actor.role == Role.CLERK else data["channel"],
            service_point=data.get("service_point") or None,
            materials=data.get("materials", []),
            tolerated=data.get("tolerated", []),
            commitments=data.get("commitments", []),
            on_behalf_of=data.get("on_behalf_of"),
            idempotency_key=request.headers.get("Idempotency-Key"),
            uploads=data.get("uploads", []),
        )
        response = _detail(
            request,
            result.application,
            status.HTTP_201_CREATED,
            fresh=not result.replayed,
            uploads=bool(data.get("uploads")),
        )
        if result.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class ApplicationDetailApi(APIView):
    @extend_schema(responses=s.ApplicationOut)
    def get(self, request: Request, number: str) -> Response:
        return _detail(request, _application(request, number))


class IntakeQueueApi(GenericAPIView[Application]):
    serializer_class = s.ApplicationListOut

    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.intake_queue(_actor(request)))
        return self.get_paginated_response(s.ApplicationListOut(page, many=True).data)


class ApplicationIntakeApi(APIView):
    @extend_schema(request=s.IntakeRequest, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.IntakeRequest, request)
        app = services.application_intake(
            application=_application(request, number),
            actor=_actor(request),
            problems=data.get("problems", []),
            confirmed=data.get("confirmed", []),
            deficient=data.get("deficient", False),
            expected_version=data.get("expected_version"),
        )
        return _detail(request, app)


class ApplicationSupplementApi(APIView):
    @extend_schema(request=s.SupplementRequest, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.SupplementRequest, request)
        app = services.application_supplement(
            application=_application(request, number),
            actor=_actor(request),
            form=data.get("form"),
            materials=data.get("materials", []),
            expected_version=data.get("expected_version"),
            uploads=data.get("uploads", []),
        )
        return _detail(request, app)


class ApplicationWithdrawApi(APIView):
    @extend_schema(request=s.WithdrawRequest, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.WithdrawRequest, request)
        app = services.application_withdraw(
            application=_application(request, number),
            actor=_actor(request),
            reason=data.get("reason", ""),
            expected_version=data.get("expected_version"),
        )
        return _detail(request, app)


class ApplicationDeliverApi(APIView):
    @extend_schema(request=s.DeliverRequest, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.DeliverRequest, request)
        app = services.application_deliver(
            application=_application(request, number),
            actor=_actor(request),
            method=data["method"],
            tracking_number=data.get("tracking_number", ""),
            address=data.get("address", ""),
            item_cases=data.get("item_cases"),
            expected_version=data.get("expected_version"),
        )
        return _detail(request, app)


class ApplicationArchiveApi(APIView):
    @extend_schema(request=None, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        return _detail(
            request,
            services.application_archive(application=_application(request, number), actor=_actor(request)),
        )


class ToleratedReceiveApi(APIView):
    @extend_schema(request=s.ToleratedRequest, responses=s.ApplicationOut)
    def post(self, request: Request, number: str) -> Response:
        data = _parse(s.ToleratedRequest, request)
        app = _application(request, number)
        services.tolerated_material_receive(application=app, actor=_actor(request), code=data["code"])
        return _detail(request, app)


class ApplicationHistoryApi(APIView):
    @extend_schema(responses=s.EventOut(many=True))
    def get(self, request: Request, number: str) -> Response:
        app = _application(request, number)
        scope = application_scope(_actor(request), app)
        history = selectors.application_history(app, scope=scope)
        return Response(s.EventOut(history, many=True, context={"scope": scope}).data)


class ApplicationDocumentsApi(APIView):
    @extend_schema(responses=s.DocumentOut(many=True))
    def get(self, request: Request, number: str) -> Response:
        app = _application(request, number)
        docs = application_scope(_actor(request), app).documents(app).order_by("issued_at", "pk")
        return Response(s.DocumentOut(docs, many=True).data)


class DocumentPdfApi(APIView):
    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request: Request, number: str) -> HttpResponse:
        doc = get_object_or_404(visible_documents(_actor(request)), number=number)
        response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{doc.number}.pdf"'
        return response


class ItemCaseListApi(GenericAPIView[ItemCase]):
    serializer_class = s.ItemCaseOut

    @extend_schema(
        parameters=[
            OpenApiParameter("overdue", bool),
            OpenApiParameter(
                "status",
                str,
                description="without it: the open item cases (the queue), overdue first, then by the running "
                "deadline; a state (e.g. approved): those in it, by decision deadline; 'all': every one, newest first",
            ),
        ],
        responses=s.ItemCaseOut(many=True),
    )
    def get(self, request: Request) -> Response:
        """A department's item cases (selectors.item_cases_for)."""
        overdue = request.query_params.get("overdue")
        qs = selectors.item_cases_for(
            _actor(request),
            overdue=None if overdue is None else overdue.lower() in ("1", "true", "yes"),
            status=request.query_params.get("status") or None,
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ItemCaseOut(page, many=True).data)


class ItemCaseDetailApi(APIView):
    @extend_schema(responses=s.ItemCaseOut)
    def get(self, request: Request, pk: int) -> Response:
        case = get_object_or_404(
            visible_item_cases(_actor(request)).select_related("application", "department"), pk=pk
        )
        return Response(s.ItemCaseOut(case).data)


class ItemCaseTransitionApi(APIView):
    @extend_schema(request=s.TransitionRequest, responses=s.ItemCaseOut)
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.TransitionRequest, request)
        case = get_object_or_404(visible_item_cases(_actor(request)), pk=pk)
        case = services.item_case_transition(
            item_case=case,
            actor=_actor(request),
            action=data["action"],
            expected_version=data["expected_version"],
            reason=data.get("reason", ""),
            result=data.get("result"),
            corrections=data.get("corrections", []),
        )
        return Response(
            s.ItemCaseOut(ItemCase.objects.select_related("application", "department").get(pk=case.pk)).data
        )


class CommitmentPostCheckApi(APIView):
    @extend_schema(request=s.PostCheckRequest, responses=s.ItemCaseOut)
    def post(self, request: Request, pk: int) -> Response:
        data = _parse(s.PostCheckRequest, request)
        cases = visible_item_cases(_actor(request))
        commitment = get_object_or_404(Commitment.objects.filter(item_case__in=cases), pk=pk)
        row = services.commitment_post_check(
            commitment=commitment, actor=_actor(request), kept=data["kept"], note=data.get("note", "")
        )
        return Response(
            s.ItemCaseOut(
                ItemCase.objects.select_related("application", "department").get(pk=row.item_case_id)
            ).data
        )


class BundleListApi(APIView):
    """The published bundles (public): code, name, region, subject."""

    permission_classes = [AllowAny]
    authentication_classes: list[type[Any]] = []

    def get(self, request: Request) -> Response:
        region = request.query_params.get("region")
        rows = published_versions(region=region or None).select_related("bundle__region")
        return Response(
            [
                {
                    "code": v.bundle.code,
                    "name": v.bundle.name,
                    "region": v.bundle.region.code,
                    "subject": v.bundle.subject,
                    "stage": v.bundle.stage,
                    "version": v.number,
                }
                for v in rows
            ]
        )


class BundleGuideApi(APIView):
    """One bundle's guide for given situation answers: the merged form, the materials with their waivers, the
    items and the schedule. Public; for a signed-in applicant the form comes prefilled from the data the
    government holds (each value with its source, each read in the access ledger) and the waivers reflect the
    licences in their wallet and the checks that passed."""

    permission_classes = [AllowAny]

    def get(self, request: Request, code: str) -> Response:
        version = guide_version(code)
        actor = _actor(request)
        asked = {q.code for q in bundle_definition(version).situations}
        answers = {k: v for k, v in request.query_params.items() if k in asked}
        party = actor.party if actor.role == Role.APPLICANT else None
        guide = guide_compute(
            version=version,
            answers=answers,
            actor=actor,
            party=party,
            purpose=Purpose("prefill", code) if party else None,
        )
        return Response(guide.public())


class MyDataReadsApi(GenericAPIView[Any]):
    """谁查看了我的数据: every read of shared data about the signed-in applicant (or their enterprise), newest
    first — who (role and department/name), when, which source and fields, for which purpose."""

    def get(self, request: Request) -> Response:
        actor = _actor(request)
        if actor.role != Role.APPLICANT:
            raise NotFound(
                "not_found", "仅申请人可查看本人数据的访问记录", "Only applicants have a data-access record"
            )
        profile = Profile.objects.get(user_id=actor.user_id or 0)
        rows = ledger_entries_for_subject(profile.id_number, profile.enterprise_uscc)
        page = self.paginate_queryset(rows) or []
        agents = mandate_agents(
            numbers=[e.mandate_number for e in page],
            principal_ids=[i for i in (profile.id_number, profile.enterprise_uscc) if i],
        )
        return self.get_paginated_response(
            [
                {
                    "seq": e.seq,
                    "at": e.at,
                    "actor": e.actor_name,
                    "role": e.actor_role,
                    "source": e.source,
                    "fields": e.fields,
                    "mode": e.mode,
                    "outcome": e.outcome,
                    "purpose": {"kind": e.purpose_kind, "reference": e.purpose_reference},
                    # read by an agent for you, under your mandate (由代理人依据授权查询)
                    "on_behalf": {"mandate": e.mandate_number, "agent": agents.get(e.mandate_number, "")}
                    if e.mandate_number
                    else None,
                }
                for e in page
            ]
        )


# ---------------------------------------------------------------------------------------------- uploads


class UploadCreateApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ApplicationUploadRequest}, responses={201: s.AttachedUploadOut}
    )
    def post(self, request: Request) -> Response:
        values = upload_request(request, s.ApplicationUploadRequest)
        actor = actor_of(request.user)
        channel = values.get("channel") or (
            UploadChannel.COUNTER_SCAN if actor.role == Role.CLERK else UploadChannel.ONLINE
        )
        application = None
        if values.get("application"):
            application = get_object_or_404(
                visible_applications(actor).select_related("bundle"), number=values["application"]
            )
            upload = materials.application_material_receive(
                actor=actor,
                application=application,
                bundle_code=values["bundle"],
                material_key=values["material"],
                file=values["file"],
                channel=channel,
            )
        else:
            upload = upload_receive(
                actor=actor,
                bundle_code=values["bundle"],
                material_key=values["material"],
                file=values["file"],
                channel=channel,
            )
        return Response(
            s.AttachedUploadOut(upload, context={"application": application}).data,
            status=status.HTTP_201_CREATED,
        )


class UploadDetailApi(APIView):
    @extend_schema(responses=s.AttachedUploadOut)
    def get(self, request: Request, pk: str) -> Response:
        return Response(
            s.AttachedUploadOut(materials.upload_for_actor(actor=actor_of(request.user), upload_id=pk)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: str) -> Response:
        actor = actor_of(request.user)
        upload = materials.upload_for_actor(actor=actor, upload_id=pk)
        upload_discard(actor=actor, upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadContentApi(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: str) -> FileResponse:
        upload, content = materials.upload_content(actor=actor_of(request.user), upload_id=pk)
        return upload_download(upload, content)


# ---------------------------------------------------------------------------------------------- measured figures


class FiguresQuery(serializers.Serializer[Any]):
    region = CleanText(max_length=12, required=False)
    bundle = CleanText(max_length=40, required=False)
    since = serializers.DateField(required=False, help_text="submitted on or after (Beijing date)")
    until = serializers.DateField(required=False, help_text="submitted on or before (Beijing date)")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("since", "until"):
            if attrs.get(name) is not None and not EARLIEST <= attrs[name] <= LATEST:
                raise DomainError(
                    "date_out_of_range",
                    "日期超出合理范围（1900–2100）",
                    "The date is outside 1900–2100",
                    field=name,
                )
        if attrs.get("since") and attrs.get("until") and attrs["until"] < attrs["since"]:
            raise DomainError(
                "until_before_since", "结束日期早于开始日期", "until is before since", field="until"
            )
        return attrs


class MeasuredFiguresApi(APIView):
    """The reform figures measured on submitted applications, per bundle and in total, each beside the
    catalogue's computed figure for the same bundle version and answers (docs/reform-figures.md). Staff,
    administrators and auditors only: counts over everyone's applications, no personal data."""

    @extend_schema(parameters=[FiguresQuery], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        if actor_of(request.user).role not in (Role.CLERK, Role.OFFICER, Role.ADMIN, Role.AUDITOR):
            raise Forbidden(
                "forbidden",
                "仅工作人员、管理员和审计员可查看实测成效",
                "Only staff, administrators and auditors see the measured figures",
            )
        query = FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        if q.get("region") and not Region.objects.filter(code=q["region"]).exists():
            raise NotFound(
                "unknown_region",
                f"未知区划代码 {q['region']}",
                f"Unknown region {q['region']}",
                field="region",
            )
        report = measured_figures(
            region=q.get("region"), bundle=q.get("bundle"), since=q.get("since"), until=q.get("until")
        )
        return Response(
            {
                "applications": report.applications,
                "rows": [r.as_dict() for r in report.rows],
                "total": report.total.as_dict() if report.total else None,
            }
        )
