"""Reads of shared-data state: the health of each source (for staff), consent, earlier entries, objections.

None of these read a data source's values about a person; those reads are services (they write the ledger).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import Actor
from yijianshi.catalog.models import DataSource, Department
from yijianshi.core import clock

from . import prefill as routing
from .connectors import ConnectionConfig, SourceConnectorRegistry
from .connectors import registry as default_registry
from .models import Consent, Objection, ObjectionStatus, SourceConnection, SourceRecord
from .results import EarlierEntry, HeldValue

EARLIER_APPLICATIONS = 50  # how many of the party's newest applications are searched for earlier entries


def connected_sources() -> list[DataSource]:
    """Sources that can be read: those with an active connection, and those we hold records of locally."""
    held = SourceRecord.objects.filter(source=OuterRef("pk"))
    return list(
        DataSource.objects.select_related("connection")
        .filter(Q(connection__active=True) | Q(Exists(held), connection__isnull=True))
        .order_by("code")
    )


def consent_active(*, party_id: str) -> bool:
    return Consent.objects.filter(party_id=party_id, revoked_at__isnull=True).exists()


def consent_of(*, party_id: str) -> Consent | None:
    return Consent.objects.filter(party_id=party_id).order_by("-granted_at", "-pk").first()


def earlier_values(entries: Iterable[EarlierEntry], *, party_id: str, kind: str) -> dict[str, HeldValue]:
    """What the party typed in their earlier applications (handed in by cases, newest first, at most
    EARLIER_APPLICATIONS of them), by key from the party's point of view (prefill.canonical_key), the newest
    value of each key. Callers check consent first."""
    sex = routing.sex_of(party_id) if kind == "person" else None
    out: dict[str, HeldValue] = {}
    for entry in islice(entries, EARLIER_APPLICATIONS):
        for key, value in (entry.form or {}).items():
            if value in (None, "", [], {}):
                continue
            canonical = routing.canonical_key(key, party_kind=kind, party_sex=sex)
            if canonical is not None and canonical not in out:
                out[canonical] = HeldValue(
                    key=canonical,
                    value=value,
                    source="application",
                    fetched_at=entry.entered_at,
                    reference=entry.reference,
                )
    return out


@dataclass(frozen=True)
class SourceHealth:
    code: str
    name: str
    provider_kind: str
    mode: str
    connector: str
    active: bool
    records: int  # held locally
    problems: list[str]
    failures: int
    open_until: datetime | None
    last_error: str
    last_error_at: datetime | None
    last_ok_at: datetime | None

    @property
    def breaker_open(self) -> bool:
        return self.open_until is not None and self.open_until > clock.now()


def source_health(*, registry: SourceConnectorRegistry = default_registry) -> list[SourceHealth]:
    """Every data source, how it is reached and whether it works: what the admin health page shows."""
    counts = dict(SourceRecord.objects.values("source").annotate(n=Count("pk")).values_list("source", "n"))
    out = []
    for ds in DataSource.objects.select_related("connection").order_by("code"):
        conn: SourceConnection | None = getattr(ds, "connection", None)
        config = (
            ConnectionConfig(source=ds.code, source_id=ds.pk)
            if conn is None
            else ConnectionConfig(
                source=ds.code,
                connector=conn.connector,
                url=conn.url,
                lookup_url=conn.lookup_url,
                mapping=dict(conn.mapping or {}),
                timeout=conn.timeout,
                retries=conn.retries,
                source_id=ds.pk,
            )
        )
        problems = registry.check_config(config)
        out.append(
            SourceHealth(
                code=ds.code,
                name=ds.name,
                provider_kind=ds.provider_kind,
                mode=ds.mode,
                connector=config.connector,
                active=conn.active if conn else True,
                records=counts.get(ds.pk, 0),
                problems=problems,
                failures=conn.failures if conn else 0,
                open_until=conn.open_until if conn else None,
                last_error=conn.last_error if conn else "",
                last_error_at=conn.last_error_at if conn else None,
                last_ok_at=conn.last_ok_at if conn else None,
            )
        )
    return out


def objections_for_department(
    *, department: Department, status: str | None = ObjectionStatus.OPEN
) -> QuerySet[Objection]:
    """The provider department's queue of objections, oldest first."""
    qs = Objection.objects.filter(department=department).select_related("source", "raised_by")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("raised_at", "pk")


def objections_for_subject(*, subject_id: str) -> QuerySet[Objection]:
    return Objection.objects.filter(subject_id=subject_id).select_related("source", "department")


def objections_for_application(*, application_number: str, open_only: bool = False) -> QuerySet[Objection]:
    """The objections raised from one application: the keys whose applicant value is flagged meanwhile."""
    qs = Objection.objects.filter(application_number=application_number).select_related(
        "source", "department"
    )
    return qs.filter(status=ObjectionStatus.OPEN) if open_only else qs


def objections_visible_to(actor: Actor) -> QuerySet[Objection]:
    """Who sees which objection (standing rule 4; out of scope answers 404): an applicant the ones they raised
    or that are about them (their identity number, their enterprise); an officer their department's (the
    provider department the objection was routed to); a clerk the ones they raised; administrators and
    auditors all."""
    qs = Objection.objects.select_related("source", "department", "raised_by")
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.role == Role.OFFICER:
        return qs.filter(department_id=actor.department_id or 0)
    if actor.user_id is None:
        return qs.none()
    if actor.role == Role.APPLICANT:
        ids = [
            v
            for v in Profile.objects.filter(user_id=actor.user_id)
            .values_list("id_number", "enterprise_uscc")
            .first()
            or ()
            if v
        ]
        return qs.filter(Q(raised_by_id=actor.user_id) | Q(subject_id__in=ids))
    if actor.role == Role.CLERK:
        return qs.filter(raised_by_id=actor.user_id)
    return qs.none()


@dataclass(frozen=True)
class DisputedValue:
    """A field of an application whose prefilled value is disputed: the applicant's value is used meanwhile."""

    key: str  # the form key
    objection: str  # its number
    status: str
    source: str
    applicant_value: Any  # what the application carries (used while the objection is open)
    held_value: Any  # what the source held when the objection was raised

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "objection": self.objection,
            "status": self.status,
            "source": self.source,
            "applicant_value": self.applicant_value,
            "held_value": self.held_value,
        }


def disputed_values(
    *, number: str, party_id: str, form_data: dict[str, Any], prefill: dict[str, Any]
) -> list[DisputedValue]:
    """The fields of an application with an open objection: those raised from this application (by form key),
    and those raised elsewhere (e.g. from the party file) about the party's own value that prefilled a field
    (matched by source and record key, the subject being the party)."""
    open_ = list(
        Objection.objects.filter(
            Q(application_number=number) | Q(subject_id=party_id), status=ObjectionStatus.OPEN
        )
        .select_related("source")
        .order_by("raised_at", "pk")
    )
    if not open_:
        return []
    sex = routing.sex_of(party_id)
    own = {routing.Role.APPLICANT, routing.Role.ENTERPRISE, routing.Role.PARTY}

    def about_the_party(key: str, source: str) -> bool:  # the field is read from the party's own record
        found = routing.route(key, source, applicant_sex=sex)
        return found is not None and found.role in own

    out: dict[str, DisputedValue] = {}
    for obj in open_:
        keys = (
            [obj.form_key]
            if obj.application_number == number and obj.form_key
            else [
                k
                for k, p in prefill.items()
                if isinstance(p, dict)
                and p.get("source") == obj.source.code
                and p.get("record_key") == obj.key
                and about_the_party(k, obj.source.code)
            ]
        )
        for key in keys:
            if key and key not in out:
                out[key] = DisputedValue(
                    key=key,
                    objection=obj.number,
                    status=obj.status,
                    source=obj.source.code,
                    applicant_value=form_data.get(key, obj.claimed_value),
                    held_value=obj.held_value,
                )
    return [out[k] for k in sorted(out)]


def source_providers(*, codes: list[str], subject_id: str) -> dict[str, Department | None]:
    """The department that provides each source for this subject (its region from the identity number's area
    code or the credit code's registration region): the provenance the party file shows."""
    from .services import provider_department, subject_region

    region = subject_region(subject_id)
    return {
        ds.code: provider_department(source=ds, region_code=region)
        for ds in DataSource.objects.filter(code__in=codes)
    }
