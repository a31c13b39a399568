"""Reads of shared-data state: the health of each source (for staff), consent, earlier entries, objections.

None of these read a data source's values about a person; those reads are services (they write the ledger).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from yijianshi.catalog.models import DataSource, Department
from yijianshi.core import clock

from . import prefill as routing
from .connectors import ConnectionConfig, SourceConnectorRegistry
from .connectors import registry as default_registry
from .models import Consent, Objection, ObjectionStatus, SourceConnection, SourceRecord
from .results import HeldValue

EARLIER_APPLICATIONS = 50  # how many of the party's newest applications are searched for earlier entries


def connected_sources() -> list[DataSource]:
    """Sources that can be read: those with an active connection, and those we hold records of locally."""
    held = SourceRecord.objects.filter(source=OuterRef("pk"))
    return list(DataSource.objects.select_related("connection")
                .filter(Q(connection__active=True) | Q(Exists(held), connection__isnull=True))
                .order_by("code"))


def consent_active(*, party_id: str) -> bool:
    return Consent.objects.filter(party_id=party_id, revoked_at__isnull=True).exists()


def consent_of(*, party_id: str) -> Consent | None:
    return Consent.objects.filter(party_id=party_id).order_by("-granted_at", "-pk").first()


def earlier_entries(*, party_id: str, kind: str) -> dict[str, HeldValue]:
    """What the party typed in their earlier applications, by key from the party's point of view
    (prefill.canonical_key), the newest value of each key. Callers check consent first."""
    from yijianshi.cases.models import Application

    match = Q(party_id=party_id)
    if kind == "person":
        match |= Q(applicant__profile__id_number=party_id)
    rows = (Application.objects.filter(match).order_by("-submitted_at", "-pk")
            .values_list("number", "submitted_at", "form_data")[:EARLIER_APPLICATIONS])
    sex = routing.sex_of(party_id) if kind == "person" else None
    out: dict[str, HeldValue] = {}
    for number, submitted_at, form in rows:
        for key, value in (form or {}).items():
            if value in (None, "", [], {}):
                continue
            canonical = routing.canonical_key(key, party_kind=kind, party_sex=sex)
            if canonical is not None and canonical not in out:
                out[canonical] = HeldValue(key=canonical, value=value, source="application", fetched_at=submitted_at,
                                           reference=number)
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
        config = ConnectionConfig(source=ds.code, source_id=ds.pk) if conn is None else ConnectionConfig(
            source=ds.code, connector=conn.connector, url=conn.url, lookup_url=conn.lookup_url,
            mapping=dict(conn.mapping or {}), timeout=conn.timeout, retries=conn.retries, source_id=ds.pk)
        problems = registry.check_config(config)
        out.append(SourceHealth(
            code=ds.code, name=ds.name, provider_kind=ds.provider_kind, mode=ds.mode, connector=config.connector,
            active=conn.active if conn else True, records=counts.get(ds.pk, 0), problems=problems,
            failures=conn.failures if conn else 0, open_until=conn.open_until if conn else None,
            last_error=conn.last_error if conn else "", last_error_at=conn.last_error_at if conn else None,
            last_ok_at=conn.last_ok_at if conn else None))
    return out


def objections_for_department(*, department: Department, status: str | None = ObjectionStatus.OPEN
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
    qs = Objection.objects.filter(application_number=application_number).select_related("source", "department")
    return qs.filter(status=ObjectionStatus.OPEN) if open_only else qs
