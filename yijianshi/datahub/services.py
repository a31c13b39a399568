"""Shared data services (数据共享, 001 §15; 004 §4): reading and verifying sources, prefilling a form, the
party file (一人一档 / 一企一档), consent to reuse earlier entries, objections (数据异议), loading records.

Rules, and where they come from:
- No source is read without a purpose and an actor (issue 4, point 4): every read, lookup and verification is
  appended to the access ledger (`yijianshi.ledger`), whether it succeeded or failed; a read without a purpose
  is refused, and the refusal is recorded by the ledger before it raises.
- A source that times out, answers 500 or garbage, or whose circuit breaker is open, never fails the caller:
  `source_query` returns a result with an error code, the field stays empty for the applicant to type, and the
  failure is visible to staff (`SourceConnection.last_error`, `selectors.source_health`, the ledger row).
- Circuit breaker, per source: after `breaker_threshold` consecutive failures the source is not called for
  `breaker_seconds`; the next call after that is a trial — one more failure opens it again, a success closes it.
  The state is in the database, so every web process and worker sees the same breaker.
- A verify-only source (tax, credit) answers yes or no on a value and never reveals it: it is not queried, not
  prefilled and not shown in the party file.
- What the party typed in earlier applications is reused only while their consent stands (一次申报、多次复用,
  004 §4), and a value from a source always takes precedence over a reused one. Those applications are cases':
  the caller hands in a reader of them (`earlier`, cases/shared.py `earlier_entries`); datahub reads no table
  of another part (docs/architecture.md).
- An objection goes to the provider department (`DataSource.provider_kind` → a department of that kind in the
  subject's region, or up its parents); "corrected" updates the record we hold, "confirmed" keeps the value
  with the reason.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import F

from yijianshi.accounts.models import Profile
from yijianshi.accounts.models import Role as UserRole
from yijianshi.catalog.models import DataSource, Department, FieldKey, Region
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, ErrorList, Forbidden, NotFound
from yijianshi.core.identifiers import credit_code, mask, resident_id
from yijianshi.core.notices import notice_send_on_commit
from yijianshi.core.notify import Notice
from yijianshi.core.text import MAX_TEXT, hidden_controls, unstorable
from yijianshi.ledger.models import PurposeKind
from yijianshi.ledger.services import SYSTEM_ROLE, Purpose, ledger_append, ledger_batch

from . import prefill as routing
from .connectors import (
    ConnectionConfig,
    LocalConnector,
    SourceConnector,
    SourceConnectorRegistry,
    SourceUnavailable,
)
from .connectors import registry as default_registry
from .models import Consent, Objection, ObjectionStatus, SourceConnection, SourceLink, SourceRecord
from .prefill import Role
from .results import (
    EARLIER,
    ApplicationRef,
    EarlierEntries,
    HeldValue,
    LookupResult,
    PartyFile,
    Prefill,
    PrefilledValue,
    Related,
    SourceResult,
)

logger = logging.getLogger(__name__)

_NOT_READ_AHEAD: Any = (
    object()
)  # no record read ahead for this source and subject (None: read, and none held)
NOT_COUNTED = frozenset({"breaker_open", "inactive"})  # errors that do not count towards the breaker
T = TypeVar("T")


# ---------------------------------------------------------------------------------------------- reading


def _role_of(actor: Actor) -> str:
    """The role the ledger records: the actor's, or for a signed-in user without one "staff" or "user"."""
    if actor.role or actor.user is None:
        return actor.history_role
    return "staff" if actor.user.is_staff else "user"


def _config(ds: DataSource) -> tuple[ConnectionConfig, SourceConnection | None]:
    conn: SourceConnection | None = getattr(ds, "connection", None)
    if conn is None:
        return ConnectionConfig(source=ds.code, source_id=ds.pk), None
    return ConnectionConfig(
        source=ds.code,
        connector=conn.connector,
        url=conn.url,
        lookup_url=conn.lookup_url,
        mapping=dict(conn.mapping or {}),
        timeout=conn.timeout,
        retries=conn.retries,
        source_id=ds.pk,
    ), conn


def _closed(conn: SourceConnection | None, now: datetime) -> tuple[str, str] | None:
    """(error, detail) when the connection is switched off or its breaker is open; None when it may be read."""
    if conn is not None and not conn.active:
        return "inactive", "the connection is switched off"
    if conn is not None and conn.open_until is not None and conn.open_until > now:
        return "breaker_open", f"circuit open until {clock.local(conn.open_until):%Y-%m-%d %H:%M:%S}"
    return None


class _Reader:
    """Reads sources for one purpose and one actor: every call goes through the breaker and the ledger."""

    def __init__(
        self,
        *,
        purpose: Purpose | None,
        actor: Actor,
        registry: SourceConnectorRegistry,
    ) -> None:
        self.purpose = purpose
        self.role = _role_of(actor)
        self.actor = actor if actor.history_role == self.role else replace(actor, role=self.role)
        self.registry = registry
        self._sources: dict[str, DataSource | None] = {}
        self._held: dict[tuple[int, str], dict[str, Any] | None] = {}  # records read ahead (read_ahead)

    # sources --------------------------------------------------------------------------------------
    def preload(self, codes: Iterable[str]) -> None:
        wanted = [c for c in set(codes) if c not in self._sources]
        if wanted:
            found = {
                ds.code: ds for ds in DataSource.objects.filter(code__in=wanted).select_related("connection")
            }
            for c in wanted:
                self._sources[c] = found.get(c)

    def source(self, code: str) -> DataSource:
        self.preload([code])
        ds = self._sources[code]
        if ds is None:
            raise NotFound(
                "source_unknown", f"数据源 {code} 不存在", f"There is no data source {code}", field="source"
            )
        return ds

    def known(self, code: str) -> DataSource | None:
        self.preload([code])
        return self._sources[code]

    def read_ahead(self, wanted: Iterable[tuple[str, str]]) -> None:
        """Read in one query the records that the local connector would read one by one for these (source
        code, subject) pairs, right before `query` is called for each of them (which checks the connection and
        writes the ledger row as for any read, then uses the record read here). Only after the purpose was
        checked; a source that is off, has its breaker open or is not local is read by `query` as usual."""
        now = clock.now()
        local: list[tuple[int, str]] = []
        for code, subject_id in wanted:
            ds = self.known(code)
            if ds is None or ds.mode != "query":
                continue
            config, conn = _config(ds)
            if config.connector == LocalConnector.code and _closed(conn, now) is None:
                local.append((ds.pk, subject_id))
        if len(local) < 2:
            return
        held = LocalConnector.fetch_all(local)
        for pair in local:
            self._held[pair] = held.get(pair)

    # the purpose ----------------------------------------------------------------------------------
    def require_purpose(self, *, source: str, subject_id: str, fields: Sequence[str], mode: str) -> Purpose:
        """The purpose, checked before any source is touched. Without a valid purpose and an actor the ledger
        records the refusal and raises (ledger.services.ledger_append)."""
        purpose = self.purpose
        valid = (
            isinstance(purpose, Purpose)
            and purpose.kind in PurposeKind.values
            and 0 < len((purpose.reference or "").strip()) <= 128
            and bool(self.role)
            and (self.actor.user_id is not None or self.role == SYSTEM_ROLE)
        )
        if valid and purpose is not None:
            return purpose
        ledger_append(
            actor=self.actor,
            subject_id=subject_id or "?",
            source=source,
            purpose=purpose,
            fields=list(fields) or ["*"],
            mode=mode,
            outcome="refused",
            detail="refused before reading",
        )
        raise DomainError(
            "purpose_required",
            "读取共享数据须说明用途（办件、收件或核验）并注明操作人",
            "Shared data is read only for a stated purpose (an application, an intake, a check) "
            "by a named actor",
            field="purpose",
        )  # pragma: no cover - the ledger raises first

    # one call -------------------------------------------------------------------------------------
    def _call(
        self,
        ds: DataSource,
        subject_id: str,
        fields: Sequence[str],
        mode: str,
        fn: Callable[[SourceConnector], T],
    ) -> tuple[T | None, str, str]:
        purpose = self.require_purpose(source=ds.code, subject_id=subject_id, fields=fields, mode=mode)
        config, conn = _config(ds)
        now = clock.now()
        value: T | None = None
        error = detail = ""
        external = False
        closed = _closed(conn, now)
        if closed is not None:
            error, detail = closed
        else:
            try:
                connector = self.registry.build(config)
                external = connector.external
                value = fn(connector)
            except SourceUnavailable as exc:
                error, detail = exc.code, exc.detail
            except Exception as exc:  # a connector's bug must not fail the applicant's form
                logger.exception("datahub: connector %s raised reading %s", config.connector, ds.code)
                error, detail = "connector_error", type(exc).__name__
        if conn is not None:
            self._breaker(conn, ds.code, error, detail, now, external=external)
        # not inside a transaction of ours: on PostgreSQL that would make the ledger append autonomously
        ledger_append(
            actor=self.actor,
            subject_id=subject_id,
            source=ds.code,
            purpose=purpose,
            fields=list(fields) or ["*"],
            mode=mode,
            outcome="error" if error else "ok",
            detail=f"{error}: {detail}" if error else detail,
        )
        return value, error, detail

    @staticmethod
    def _breaker(
        conn: SourceConnection, code: str, error: str, detail: str, now: datetime, *, external: bool
    ) -> None:
        rows = SourceConnection.objects.filter(pk=conn.pk)
        if not error:
            changes: dict[str, Any] = {}
            if conn.failures or conn.open_until is not None:
                changes.update(failures=0, open_until=None)
            if external:
                changes["last_ok_at"] = now
            if changes:
                rows.update(**changes)
                conn.failures, conn.open_until = 0, None
            return
        if error in NOT_COUNTED:
            return
        rows.update(failures=F("failures") + 1, last_error=f"{error}: {detail}"[:300], last_error_at=now)
        failures = rows.values_list("failures", flat=True).first() or 0
        conn.failures, conn.last_error, conn.last_error_at = failures, f"{error}: {detail}"[:300], now
        if conn.breaker_threshold and failures >= conn.breaker_threshold:
            conn.open_until = now + timedelta(seconds=conn.breaker_seconds)
            rows.update(open_until=conn.open_until)
            logger.warning(
                "datahub: circuit for %s open until %s after %d failures (%s)",
                code,
                conn.open_until.isoformat(),
                failures,
                error,
            )

    # operations -----------------------------------------------------------------------------------
    def query(self, code: str, subject_id: str, fields: Sequence[str]) -> SourceResult:
        ds = self.source(code)
        if ds.mode != "query":
            raise DomainError(
                "source_verify_only",
                f"数据源 {ds.name} 仅提供核验，不提供查询",
                f"The source {code} only verifies values; it cannot be queried",
                field="source",
            )
        held = self._held.pop((ds.pk, subject_id), _NOT_READ_AHEAD)
        values, error, detail = self._call(
            ds,
            subject_id,
            list(fields),
            "query",
            lambda c: (
                c.select(held, list(fields))
                if held is not _NOT_READ_AHEAD and isinstance(c, LocalConnector)
                else c.fetch(subject_id, list(fields))
            ),
        )
        return SourceResult(
            source=code,
            subject_id=subject_id,
            values=values or {},
            fetched_at=clock.now(),
            error=error,
            detail=detail,
        )

    def lookup(self, code: str, role: str, party_id: str) -> LookupResult:
        ds = self.source(code)
        ids, error, detail = self._call(
            ds, party_id, [f"@{role}"], "query", lambda c: c.lookup(role, party_id)
        )
        return LookupResult(source=code, subject_ids=ids or [], error=error, detail=detail)

    def check(self, code: str, subject_id: str) -> bool | None:
        ds = self.source(code)
        answer, error, _detail = self._call(ds, subject_id, ["*"], "verify", lambda c: c.holds(subject_id))
        return None if error else answer

    def verify(self, code: str, subject_id: str, key: str, value: Any) -> bool | None:
        ds = self.source(code)
        answer, error, _detail = self._call(
            ds, subject_id, [key], "verify", lambda c: c.verify(subject_id, key, value)
        )
        return None if error else answer


def source_query(
    *,
    source: str,
    subject_id: str,
    fields: Sequence[str],
    purpose: Purpose | None,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
) -> SourceResult:
    """Read these keys (all the source holds when `fields` is empty) about one subject. A source failure is
    returned as `SourceResult.error`, never raised; a missing purpose is refused (and recorded)."""
    reader = _Reader(purpose=purpose, actor=actor, registry=registry)
    return reader.query(source, subject_id, fields)


def source_verify(
    *,
    source: str,
    subject_id: str,
    key: str,
    value: Any,
    purpose: Purpose | None,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
) -> bool | None:
    """Does the source hold `value` for `key` on the subject? True / False; None when it holds nothing on it or
    cannot answer. The value held is never returned (核验, the mode of tax and credit sources)."""
    reader = _Reader(purpose=purpose, actor=actor, registry=registry)
    return reader.verify(source, subject_id, key, value)


def source_check(
    *,
    source: str,
    subject_id: str,
    purpose: Purpose | None,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
) -> bool | None:
    """A data check (数据核验): does the source hold a record on the subject? True / False; None when the source
    cannot answer (the material is then asked for). What a material's `data_check` waiver rests on."""
    reader = _Reader(purpose=purpose, actor=actor, registry=registry)
    return reader.check(source, subject_id)


# ---------------------------------------------------------------------------------------------- prefill


@ledger_batch()  # its reads' ledger rows are written together before the values are handed on
def prefill(
    *,
    form_keys: Sequence[tuple[str, str | None]],
    applicant_id: str | None = None,
    enterprise_uscc: str | None = None,
    purpose: Purpose | None,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
    earlier: EarlierEntries | None = None,
) -> Prefill:
    """Fill the fields of a merged form from the sources (and, with consent, from earlier applications).

    `form_keys` are the (semantic key, source code or None) of the form's fields. `applicant_id` is the
    applicant's identity number; for an enterprise application `enterprise_uscc` names the enterprise (and
    `applicant_id`, when given, its representative). Which subject each key is read from: prefill.py.
    `earlier` reads the party's earlier applications (cases/shared.py `earlier_entries`); without it nothing
    typed before is reused.
    """
    if not applicant_id and not enterprise_uscc:
        raise DomainError(
            "prefill_no_party",
            "预填须提供申请人公民身份号码或统一社会信用代码",
            "Prefill needs the applicant's identity number or the enterprise's credit code",
            field="applicant_id",
        )
    applicant = resident_id(applicant_id, field="applicant_id") if applicant_id else None
    enterprise = credit_code(enterprise_uscc, field="enterprise_uscc") if enterprise_uscc else None
    reader = _Reader(purpose=purpose, actor=actor, registry=registry)
    keys = [k for k, _ in form_keys]
    reader.require_purpose(source="*", subject_id=applicant or enterprise or "", fields=keys, mode="query")
    sex = routing.sex_of(applicant)
    candidates = [r for k, s in form_keys if (r := routing.route(k, s, applicant_sex=sex)) is not None]
    reader.preload(
        {r.source for r in candidates}
        | {routing.MARRIAGE_SOURCE, routing.BIRTH_SOURCE, routing.ENTERPRISE_SOURCE}
    )
    routes = [r for r in candidates if (ds := reader.known(r.source)) is not None and ds.mode == "query"]
    party_role = Role.APPLICANT if applicant else Role.ENTERPRISE  # one read per subject and source
    routes = [replace(r, role=party_role) if r.role is Role.PARTY else r for r in routes]
    groups = routing.plan(routes)
    roles = {role for role, _ in groups}
    subjects: dict[Role, str | None] = {}
    results: dict[tuple[Role, str], SourceResult] = {}
    failures: dict[str, str] = {}
    details: dict[str, str] = {}

    def fail(source: str, error: str, detail: str) -> None:
        failures.setdefault(source, error)
        details.setdefault(source, detail)

    def first(code: str, role: str, party: str | None) -> str | None:
        if party is None or reader.known(code) is None:
            return None
        found = reader.lookup(code, role, party)
        if found.error:
            fail(code, found.error, found.detail)
        return found.subject_ids[0] if found.subject_ids else None

    def resolve(role: Role) -> str | None:
        if role is Role.APPLICANT:
            return applicant
        if role is Role.ENTERPRISE:
            return enterprise or first(routing.ENTERPRISE_SOURCE, routing.LEGAL_REP_ROLE, applicant)
        if role is Role.CHILD:
            parent_roles = {"female": ["mother"], "male": ["father"]}.get(sex or "", ["mother", "father"])
            for parent in parent_roles:
                child = first(routing.BIRTH_SOURCE, parent, applicant)
                if child:
                    return child
            return None
        held = results.get(
            (Role.APPLICANT, routing.MARRIAGE_SOURCE)
            if role is Role.SPOUSE
            else (Role.CHILD, routing.BIRTH_SOURCE)
        )
        key = routing.SPOUSE_ID_KEY if role is Role.SPOUSE else routing.CHILD_ID_KEY
        value = held.values.get(key) if held is not None else None
        return str(value) if value else None

    for (
        wave
    ) in routing.RESOLUTION_WAVES:  # the subjects of a wave are known, then their records read together
        for role in wave:
            if role in roles:
                subjects[role] = resolve(role)
        reads = [
            (role, source, subject, record_keys)
            for role in wave
            if (subject := subjects.get(role))
            for (group_role, source), record_keys in groups.items()
            if group_role is role
        ]
        reader.read_ahead([(source, subject) for _, source, subject, _ in reads])
        for role, source, subject, record_keys in reads:
            read = results[(role, source)] = reader.query(source, subject, record_keys)
            if read.error:
                fail(source, read.error, read.detail)

    values: dict[str, PrefilledValue] = {}
    for r in routes:
        result = results.get((r.role, r.source))
        if result is None or r.key in values:
            continue
        value = result.values.get(r.record_key)
        if value is None or value == "":
            continue
        values[r.key] = PrefilledValue(
            value=value,
            source=r.source,
            subject=result.subject,
            fetched_at=result.fetched_at,
            record_key=r.record_key,
            subject_id=result.subject_id,
        )
    if earlier is not None:
        _reuse_earlier(
            reader,
            earlier,
            keys,
            values,
            applicant=applicant,
            enterprise=subjects.get(Role.ENTERPRISE) or enterprise,
        )
    sourced = [k for k, s in form_keys if s]
    return Prefill(
        values=values,
        failures=failures,
        failure_details=details,
        empty=tuple(k for k in sourced if k not in values),
    )


def _reuse_earlier(
    reader: _Reader,
    earlier: EarlierEntries,
    keys: Sequence[str],
    values: dict[str, PrefilledValue],
    *,
    applicant: str | None,
    enterprise: str | None,
) -> None:
    """Fill what the sources did not from what the party typed before, while their consent stands."""
    from .selectors import consent_active

    for party, kind in ((applicant, "person"), (enterprise, "enterprise")):
        if not party:
            continue
        sex = routing.sex_of(party) if kind == "person" else None
        wanted = {
            k: c
            for k in keys
            if k not in values and (c := routing.canonical_key(k, party_kind=kind, party_sex=sex)) is not None
        }
        if not wanted or not consent_active(party_id=party):
            continue
        entries = _read_earlier(reader, earlier, party, kind, list(wanted))
        for key, canonical in wanted.items():
            held = entries.get(canonical)
            if held is not None:
                values[key] = PrefilledValue(
                    value=held.value,
                    source=EARLIER,
                    subject=mask(party),
                    fetched_at=held.fetched_at,
                    record_key=canonical,
                    reference=held.reference,
                    subject_id=party,
                )


def _read_earlier(
    reader: _Reader, earlier: EarlierEntries, party: str, kind: str, fields: Sequence[str]
) -> dict[str, HeldValue]:
    from .selectors import earlier_values

    purpose = reader.require_purpose(source=EARLIER, subject_id=party, fields=fields, mode="query")
    entries = earlier_values(earlier(party_id=party, kind=kind), party_id=party, kind=kind)
    ledger_append(
        actor=reader.actor,
        subject_id=party,
        source=EARLIER,
        purpose=purpose,
        fields=list(fields) or ["*"],
        mode="query",
        outcome="ok",
        detail="reused with consent",
    )
    return entries


# ---------------------------------------------------------------------------------------------- party file


def party_kind(subject_id: str) -> tuple[str, str]:
    """("person", number) for a valid identity number, ("enterprise", code) for a valid credit code; anything
    else is refused, saying what is wrong with it as either."""
    raw = (subject_id or "").strip().upper()
    try:
        return "person", resident_id(raw, field="subject_id")
    except DomainError as as_person:
        try:
            return "enterprise", credit_code(raw, field="subject_id")
        except DomainError as as_enterprise:
            raise DomainError(
                "party_id_invalid",
                f"{mask(raw)} 既不是有效的公民身份号码，也不是有效的统一社会信用代码"
                f"（{as_person.detail.zh}；{as_enterprise.detail.zh}）",
                f"{mask(raw)} is neither a valid identity number nor a valid unified social credit code "
                f"({as_person.detail.en}; {as_enterprise.detail.en})",
                field="subject_id",
            ) from None


@ledger_batch()  # its reads' ledger rows are written together before the file is handed on
def party_file(
    *,
    subject_id: str,
    purpose: Purpose | None,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
    earlier: EarlierEntries | None = None,
) -> PartyFile:
    """Everything the connected sources hold on a person or an enterprise, with the source of each value, the
    records naming them (their children's birth records, the enterprises they represent) and, with their
    consent, what they typed in earlier applications (read through `earlier`, cases/shared.py
    `earlier_entries`; none without it)."""
    from .selectors import connected_sources, consent_active

    kind, sid = party_kind(subject_id)
    reader = _Reader(purpose=purpose, actor=actor, registry=registry)
    reader.require_purpose(source="*", subject_id=sid, fields=["*"], mode="query")
    sources = [ds for ds in connected_sources() if ds.mode == "query"]
    reader._sources.update({ds.code: ds for ds in sources})
    reader.read_ahead([(ds.code, sid) for ds in sources])
    values: list[HeldValue] = []
    failures: dict[str, str] = {}
    related: list[Related] = []
    for ds in sources:
        result = reader.query(ds.code, sid, [])
        if result.error:
            failures[ds.code] = result.error
        values.extend(
            HeldValue(key=k, value=v, source=ds.code, fetched_at=result.fetched_at)
            for k, v in sorted(result.values.items())
        )
    codes = {ds.code for ds in sources}
    if kind == "person":
        parent = {"female": "mother", "male": "father"}.get(routing.sex_of(sid) or "", "mother")
        for code, role, label in (
            (routing.BIRTH_SOURCE, parent, "child"),
            (routing.ENTERPRISE_SOURCE, routing.LEGAL_REP_ROLE, "represents"),
        ):
            if code not in codes:
                continue
            found = reader.lookup(code, role, sid)
            if found.error:
                failures.setdefault(code, found.error)
            related.extend(Related(role=label, source=code, subject_id=s) for s in found.subject_ids)
    consent = consent_active(party_id=sid)
    typed: list[HeldValue] = []
    if consent and earlier is not None:
        typed = sorted(_read_earlier(reader, earlier, sid, kind, []).values(), key=lambda h: h.key)
    return PartyFile(
        subject_id=sid,
        kind=kind,
        values=values,
        failures=failures,
        related=related,
        consent=consent,
        earlier=typed,
        sources=[ds.code for ds in sources],
    )


# ---------------------------------------------------------------------------------------------- consent


def _is_party(actor: Actor, party_id: str) -> bool:
    if actor.user_id is None:
        return False
    profile = (
        Profile.objects.filter(user_id=actor.user_id).values_list("id_number", "enterprise_uscc").first()
    )
    return profile is not None and party_id in profile


@transaction.atomic
def consent_grant(*, party_id: str, actor: Actor) -> Consent:
    """The party agrees that what they typed in earlier applications is reused (idempotent while it stands)."""
    kind, pid = party_kind(party_id)
    if not _is_party(actor, pid):
        raise Forbidden(
            "consent_not_party",
            "只有当事人本人（或企业经办人）可以授权复用其数据",
            "Only the party (or the enterprise's representative) can consent",
            field="party_id",
        )
    current = Consent.objects.select_for_update().filter(party_id=pid, revoked_at__isnull=True).first()
    if current is not None:
        return current
    return Consent.objects.create(party_id=pid, granted_at=clock.now(), granted_by=actor.user)


@transaction.atomic
def consent_revoke(*, party_id: str, actor: Actor) -> Consent | None:
    """The party withdraws consent; earlier entries are no longer reused. None when none stood."""
    _kind, pid = party_kind(party_id)
    if not _is_party(actor, pid):
        raise Forbidden(
            "consent_not_party",
            "只有当事人本人（或企业经办人）可以撤回授权",
            "Only the party (or the enterprise's representative) can withdraw consent",
            field="party_id",
        )
    current = Consent.objects.select_for_update().filter(party_id=pid, revoked_at__isnull=True).first()
    if current is None:
        return None
    current.revoked_at, current.revoked_by = clock.now(), actor.user
    current.save(update_fields=["revoked_at", "revoked_by"])
    return current


# ---------------------------------------------------------------------------------------------- objections


def provider_department(*, source: DataSource, region_code: str | None) -> Department | None:
    """The department that provides a source in a region: one of `provider_kind` (preferring the one whose
    code is the kind) in the region, else in its parent regions."""
    region = Region.objects.filter(code=region_code).first() if region_code else None
    while region is not None:
        depts = list(Department.objects.filter(region=region, kind=source.provider_kind))
        if depts:
            return sorted(depts, key=lambda d: (d.code != source.provider_kind, d.code))[0]
        region = region.parent
    return None


def subject_region(subject_id: str) -> str | None:
    """The region a subject is registered in, from its identifier."""
    if len(subject_id) == 18 and subject_id[:6].isdigit():
        return subject_id[:6]  # the area code of an identity number: where the person is registered
    if len(subject_id) == 18 and subject_id[2:8].isdigit():
        return subject_id[2:8]  # a credit code's registration region
    return None


def _may_raise(
    actor: Actor, subject_id: str, application: ApplicationRef | None, reached: frozenset[str] = frozenset()
) -> bool:
    if actor.role in (UserRole.CLERK, UserRole.OFFICER, UserRole.ADMIN):
        return True
    if actor.user_id is None:
        return False
    profile = Profile.objects.filter(user_id=actor.user_id).first()
    if profile and subject_id in (profile.id_number, profile.enterprise_uscc):
        return True
    if profile and subject_id in reached:  # found through the applicant's own records: her child, her spouse
        return True
    return application is not None and application.applicant_user_id == actor.user_id


def _check_value(value: Any, field: str, problems: ErrorList) -> None:
    """A claimed or corrected value is what a form field holds: text (at most MAX_TEXT characters, no hidden
    controls), a finite number, or true/false (docs/adr/0007-hostile-input-limits.md)."""
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            problems.add(
                "objection_value_too_long",
                f"值不能超过 {MAX_TEXT} 个字符",
                f"The value must be at most {MAX_TEXT} characters",
                field=field,
            )
        elif unstorable(value) or hidden_controls(value):
            problems.add(
                "invalid_characters",
                "值含有不可见的控制字符或文字方向控制符",
                "The value contains control or bidirectional characters",
                field=field,
            )
    elif not isinstance(value, (bool, int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        problems.add(
            "objection_value_invalid",
            "值应为文本、数字或是/否",
            "The value must be text, a number or true/false",
            field=field,
        )


def _claim_problems(claimed_value: Any, reason: str) -> ErrorList:
    problems = ErrorList()
    if claimed_value is None or (isinstance(claimed_value, str) and not claimed_value.strip()):
        problems.add(
            "objection_claimed_value_required",
            "请填写您认为正确的值",
            "Give the value you claim is correct",
            field="claimed_value",
        )
    else:
        _check_value(claimed_value, "claimed_value", problems)
    if not (reason or "").strip():
        problems.add(
            "objection_reason_required", "请说明异议理由", "Give the reason for the objection", field="reason"
        )
    return problems


def objection_raise(
    *,
    subject_id: str,
    source: str,
    key: str,
    claimed_value: Any,
    reason: str,
    application: ApplicationRef | None = None,
    form_key: str = "",
    actor: Actor,
    reached: frozenset[str] = frozenset(),
    registry: SourceConnectorRegistry = default_registry,
) -> Objection:
    """数据异议: dispute the value a source holds for `key` on a subject. The value held now is read (and the
    read recorded) so the provider department sees both; the objection goes to that department's queue (in the
    application's region when it is raised from one, else the subject's). Its applicant may raise it, besides
    the party and staff; so may an applicant about someone the platform itself found through their own records
    while prefilling for them (`reached`: the subjects of that prefill, from the server's state — a parent's
    child, a spouse; issue 17, finding 9)."""
    problems = _claim_problems(claimed_value, reason)
    if not FieldKey.objects.filter(key=key).exists():
        problems.add(
            "objection_unknown_key",
            f"{key} 不是表单词汇表中的字段",
            f"{key} is not a key of the vocabulary",
            field="key",
        )
    problems.raise_if_any()
    ds = DataSource.objects.select_related("connection").filter(code=source).first()
    if ds is None:
        raise NotFound(
            "source_unknown", f"数据源 {source} 不存在", f"There is no data source {source}", field="source"
        )
    sid = subject_id.strip().upper()
    if not sid:
        raise DomainError(
            "objection_subject_required",
            "请指明数据所属的主体",
            "Name whose data is disputed",
            field="subject_id",
        )
    if not _may_raise(actor, sid, application, reached):
        raise Forbidden(
            "objection_not_allowed",
            "只有当事人、该办件的申请人或工作人员可以提出异议",
            "Only the party, the applicant of the application or staff can raise an objection",
            field="subject_id",
        )
    if Objection.objects.filter(subject_id=sid, source=ds, key=key, status=ObjectionStatus.OPEN).exists():
        raise Conflict(
            "objection_already_open",
            f"对 {key} 的异议正在处理中",
            f"An objection to {key} is already open",
            field="key",
        )
    number = f"YY{clock.local(clock.now()):%Y%m%d}{secrets.token_hex(3).upper()}"
    held: Any = None
    if ds.mode == "query":
        reader = _Reader(purpose=Purpose(kind="objection", reference=number), actor=actor, registry=registry)
        reader._sources[ds.code] = ds
        held = reader.query(ds.code, sid, [key]).values.get(key)
    region = (application.region_code if application is not None else None) or subject_region(sid)
    department = provider_department(source=ds, region_code=region)
    try:
        with transaction.atomic():
            return Objection.objects.create(
                number=number,
                subject_id=sid,
                source=ds,
                key=key,
                held_value=held,
                claimed_value=claimed_value,
                reason=reason.strip(),
                application_number=application.number if application is not None else "",
                form_key=form_key[:80],
                department=department,
                raised_by=actor.user,
                raised_at=clock.now(),
            )
    except IntegrityError:
        raise Conflict(
            "objection_already_open",
            f"对 {key} 的异议正在处理中",
            f"An objection to {key} is already open",
            field="key",
        ) from None


def objection_raise_on_field(
    *,
    application: ApplicationRef,
    form_key: str,
    claimed_value: Any,
    reason: str,
    actor: Actor,
    registry: SourceConnectorRegistry = default_registry,
) -> Objection:
    """数据异议 from an application: the applicant disputes the value that prefilled `form_key`. Which source,
    record key and subject that value came from is found again by prefilling that one field under the purpose
    ``objection`` (a ledgered read: the application's snapshot keeps the subject masked only). A value the party
    typed in an earlier application is theirs to change, not to dispute. The caller has checked the actor may
    see the application; the application goes on meanwhile with the applicant's value, flagged
    (selectors.disputed_values)."""
    _claim_problems(claimed_value, reason).raise_if_any()  # before the read that finds the source
    held = application.prefill.get(form_key)
    if not isinstance(held, dict):
        raise DomainError(
            "objection_not_prefilled",
            f"字段 {form_key} 不是由共享数据预填的，无需提出异议",
            f"Field {form_key} was not prefilled from shared data; there is nothing to dispute",
            field="key",
        )
    if held.get("source") == EARLIER:
        raise DomainError(
            "objection_own_entry",
            f"字段 {form_key} 的值来自您此前的申报，可直接修改",
            f"The value of {form_key} is what you entered before; change it instead",
            field="key",
        )
    person = application.party_kind != "enterprise"
    filled = prefill(
        form_keys=[(form_key, held.get("source"))],
        applicant_id=application.party_id if person else None,
        enterprise_uscc=None if person else application.party_id,
        purpose=Purpose(kind="objection", reference=application.number),
        actor=actor,
        registry=registry,
    )
    found = filled.values.get(form_key)
    if found is None or found.source == EARLIER:
        raise Conflict(
            "objection_source_unavailable",
            f"暂时无法从数据源读取 {form_key} 的值，请稍后再提出异议",
            f"The source of {form_key} cannot be read now; raise the objection later",
            field="key",
        )
    return objection_raise(
        subject_id=found.subject_id,
        source=found.source,
        key=found.record_key,
        claimed_value=claimed_value,
        reason=reason,
        application=application,
        form_key=form_key,
        actor=actor,
        registry=registry,
    )


@transaction.atomic
def objection_resolve(
    *, objection: Objection, actor: Actor, outcome: str, note: str, corrected_value: Any = None
) -> Objection:
    """The provider department decides: ``corrected`` (the record we hold is updated to the corrected value,
    by default the claimed one) or ``confirmed`` (the value stands; the note gives the reason)."""
    obj = Objection.objects.select_for_update(of=("self",)).select_related("source").get(pk=objection.pk)
    if obj.status != ObjectionStatus.OPEN:
        raise Conflict(
            "objection_already_resolved",
            f"异议 {obj.number} 已处理",
            f"Objection {obj.number} is already resolved",
            field="objection",
        )
    if outcome not in (ObjectionStatus.CORRECTED, ObjectionStatus.CONFIRMED):
        raise DomainError(
            "objection_bad_outcome",
            "处理结果须为“已更正”或“维持原值”",
            "The outcome must be corrected or confirmed",
            field="outcome",
        )
    if corrected_value is not None:
        problems = ErrorList()
        _check_value(corrected_value, "corrected_value", problems)
        problems.raise_if_any()
    is_admin = actor.role == UserRole.ADMIN
    if not is_admin and (
        actor.department_id is None or obj.department_id is None or actor.department_id != obj.department_id
    ):
        raise Forbidden(
            "objection_not_provider",
            "只有数据提供部门可以处理该异议",
            "Only the department that provides the data can resolve this objection",
            field="objection",
        )
    if outcome == ObjectionStatus.CONFIRMED and not (note or "").strip():
        raise DomainError(
            "objection_reason_required",
            "维持原值须说明理由",
            "Confirming the value needs a reason",
            field="note",
        )
    now = clock.now()
    if outcome == ObjectionStatus.CORRECTED:
        value = obj.claimed_value if corrected_value is None else corrected_value
        obj.corrected_value = value
        config, _conn = _config(DataSource.objects.select_related("connection").get(pk=obj.source_id))
        if config.connector == "local":
            record = (
                SourceRecord.objects.select_for_update()
                .filter(source_id=obj.source_id, subject_id=obj.subject_id)
                .first()
            )
            if record is None:
                record = SourceRecord(
                    source_id=obj.source_id, subject_id=obj.subject_id, data={}, batch="objection"
                )
            record.data = {**record.data, obj.key: value}
            record.updated_at = now
            record.save()
            obj.source_updated = True
    obj.status, obj.resolved_by, obj.resolved_at, obj.resolution_note = (
        outcome,
        actor.user,
        now,
        (note or "").strip(),
    )
    obj.save(
        update_fields=[
            "status",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "corrected_value",
            "source_updated",
        ]
    )
    raiser = Profile.objects.filter(user_id=obj.raised_by_id).values("phone", "email", "name").first()
    if raiser and (raiser["phone"] or raiser["email"]):
        done_zh = "已更正" if outcome == ObjectionStatus.CORRECTED else "维持原值"
        done_en = "corrected" if outcome == ObjectionStatus.CORRECTED else "confirmed"
        notice = Notice(
            event=f"objection.{outcome}",
            reference=obj.application_number or obj.number,
            subject_zh=f"数据异议 {obj.number} {done_zh}",
            subject_en=f"Data objection {obj.number} {done_en}",
            body_zh=f"您对“{obj.key}”提出的异议已处理：{done_zh}。{obj.resolution_note}",
            body_en=f"Your objection to {obj.key} was {done_en}. {obj.resolution_note}",
            phone=raiser["phone"],
            email=raiser["email"],
            name=raiser["name"],
        )
        notice_send_on_commit(notice)
    return obj


# ---------------------------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadSummary:
    source: str
    created: int
    updated: int
    deleted: int


def _validate_record(
    raw: Mapping[str, Any], where: str, vocabulary: dict[str, str], problems: ErrorList
) -> None:
    subject = raw.get("subject_id")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > 40:
        problems.add(
            "record_bad_subject",
            "主体标识缺失或过长",
            "subject_id is missing or longer than 40",
            where=where,
            field="subject_id",
        )
    data = raw.get("data")
    if not isinstance(data, dict) or not data:
        problems.add("record_no_data", "记录无数据", "the record has no data", where=where, field="data")
        return
    for key, value in data.items():
        kind = vocabulary.get(key)
        if kind is None:
            problems.add(
                "record_unknown_key",
                f"{key} 不是表单词汇表中的字段",
                f"{key} is not a key of the vocabulary",
                where=where,
                field=key,
            )
        elif value not in (None, "") and kind in ("id_number", "uscc"):
            try:
                (resident_id if kind == "id_number" else credit_code)(str(value), field=key)
            except DomainError as exc:
                problems.add(exc.code, exc.detail.zh, exc.detail.en, where=where, field=key)
    links = raw.get("links") or {}
    if not isinstance(links, dict) or not all(isinstance(v, str | list) for v in links.values()):
        problems.add(
            "record_bad_links",
            "关联人格式错误",
            "links must map a role to an identifier or a list",
            where=where,
            field="links",
        )
    effective = raw.get("effective_date")
    if effective not in (None, ""):
        try:
            date.fromisoformat(str(effective))
        except ValueError:
            problems.add(
                "record_bad_date",
                "业务日期格式错误（YYYY-MM-DD）",
                "effective_date must be YYYY-MM-DD",
                where=where,
                field="effective_date",
            )


@transaction.atomic
def source_records_load(
    *,
    source: str,
    records: Iterable[Mapping[str, Any]],
    actor: Actor,
    batch: str = "file",
    replace: bool = False,
) -> LoadSummary:
    """Load a provider's records into the local tables (数据直达基层), in one transaction: every record is
    checked first (keys of the vocabulary, identity numbers and credit codes with their check digits) and
    nothing is loaded when any is wrong. A record is ``{"subject_id", "data": {key: value}, "links":
    {role: id | [ids]}, "effective_date"}``. With `replace`, the source's other records are removed."""
    ds = DataSource.objects.filter(code=source).first()
    if ds is None:
        raise NotFound(
            "source_unknown", f"数据源 {source} 不存在", f"There is no data source {source}", field="source"
        )
    vocabulary = dict(FieldKey.objects.values_list("key", "type"))
    rows = list(records)
    problems = ErrorList()
    for n, raw in enumerate(rows, start=1):
        _validate_record(raw, f"record {n}", vocabulary, problems)
    seen: set[str] = set()
    for n, raw in enumerate(rows, start=1):
        if raw.get("subject_id") in seen:
            problems.add(
                "record_duplicate",
                "主体标识重复",
                "the subject_id is given twice",
                where=f"record {n}",
                field="subject_id",
            )
        seen.add(str(raw.get("subject_id")))
    problems.raise_if_any(
        "records_invalid", "数据文件有误，未导入", "The records are not valid; nothing was loaded"
    )
    now = clock.now()
    deleted = 0
    if replace:
        SourceLink.objects.filter(source=ds).exclude(record__subject_id__in=seen).delete()
        deleted, _ = SourceRecord.objects.filter(source=ds).exclude(subject_id__in=seen).delete()
    existing = {r.subject_id: r for r in SourceRecord.objects.filter(source=ds, subject_id__in=seen)}
    created: list[SourceRecord] = []
    updated: list[SourceRecord] = []
    for raw in rows:
        sid = str(raw["subject_id"]).strip()
        effective = date.fromisoformat(str(raw["effective_date"])) if raw.get("effective_date") else None
        record = existing.get(sid)
        if record is None:
            created.append(
                SourceRecord(
                    source=ds,
                    subject_id=sid,
                    data=dict(raw["data"]),
                    effective_date=effective,
                    batch=batch,
                    updated_at=now,
                )
            )
        else:
            record.data, record.effective_date, record.batch, record.updated_at = (
                dict(raw["data"]),
                effective,
                batch,
                now,
            )
            updated.append(record)
    SourceRecord.objects.bulk_create(created, batch_size=1000)
    SourceRecord.objects.bulk_update(
        updated, ["data", "effective_date", "batch", "updated_at"], batch_size=1000
    )
    by_subject = {r.subject_id: r for r in SourceRecord.objects.filter(source=ds, subject_id__in=seen)}
    SourceLink.objects.filter(record__in=list(by_subject.values())).delete()
    links = []
    for raw in rows:
        record = by_subject[str(raw["subject_id"]).strip()]
        for role, parties in (raw.get("links") or {}).items():
            for party in [parties] if isinstance(parties, str) else parties:
                links.append(SourceLink(record=record, source=ds, role=role, party_id=str(party)))
    SourceLink.objects.bulk_create(links, batch_size=1000)
    logger.info(
        "datahub: loaded %d records into %s (%d new, %d updated, %d removed) by %s",
        len(rows),
        source,
        len(created),
        len(updated),
        deleted,
        actor.user or "system",
    )
    return LoadSummary(source=source, created=len(created), updated=len(updated), deleted=deleted)


@transaction.atomic
def source_connection_set(*, source: str, actor: Actor, **settings: Any) -> SourceConnection:
    """Configure how a source is reached (connector, url, mapping, timeout, retries, breaker, active)."""
    ds = DataSource.objects.filter(code=source).first()
    if ds is None:
        raise NotFound(
            "source_unknown", f"数据源 {source} 不存在", f"There is no data source {source}", field="source"
        )
    allowed = {
        "connector",
        "url",
        "lookup_url",
        "mapping",
        "timeout",
        "retries",
        "breaker_threshold",
        "breaker_seconds",
        "active",
    }
    unknown = set(settings) - allowed
    if unknown:
        raise DomainError(
            "connection_unknown_setting",
            f"未知的设置：{', '.join(sorted(unknown))}",
            f"Unknown settings: {', '.join(sorted(unknown))}",
            field=sorted(unknown)[0],
        )
    if "connector" in settings and settings["connector"] not in default_registry:
        raise DomainError(
            "connection_unknown_connector",
            f"未知的连接方式 {settings['connector']}",
            f"Unknown connector {settings['connector']}",
            field="connector",
        )
    conn, _created = SourceConnection.objects.select_for_update().get_or_create(source=ds)
    for k, v in settings.items():
        setattr(conn, k, v)
    conn.failures, conn.open_until = 0, None  # a new configuration closes the breaker
    conn.save()
    logger.info("datahub: connection of %s set by %s", source, actor.user or "system")
    return conn
