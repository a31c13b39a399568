"""Where the case engine meets shared data and e-licences (001 §15; issue 4):

- the merged form is prefilled from the sources for the party, each value with its provenance, every read in
  the access ledger under a purpose (`prefill` while the applicant is filling in, `application` at submission);
- the evidence for waivers is real: an e-licence type counts only if the party holds a valid one in the
  wallet (signature, status and validity checked), a data check only if the source answered for the party;
- an approved item that issues a licence type signs it into the party's wallet;
- datahub reads no table of cases (docs/architecture.md): what the party typed in earlier applications is read
  here and handed to it (`earlier_entries`), and so is what an objection needs to know of an application
  (`application_ref`, `application_for_objection`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.shortcuts import get_object_or_404

from yijianshi.accounts.models import PartyType
from yijianshi.accounts.roles import Actor, actor_of
from yijianshi.catalog import engine
from yijianshi.core import clock
from yijianshi.core.errors import DomainError, ErrorDetail
from yijianshi.core.identifiers import mask
from yijianshi.datahub.results import ApplicationRef, EarlierEntry, Prefill
from yijianshi.datahub.selectors import EARLIER_APPLICATIONS
from yijianshi.datahub.services import prefill
from yijianshi.ledger.services import Purpose
from yijianshi.licenses.holders import holder_rule, resolve_holder
from yijianshi.licenses.services import licence_issue, licence_waiver_checks

from .models import Application, ItemCase
from .permissions import visible_applications


@dataclass(frozen=True)
class PartyData:
    prefill: Prefill
    evidence: engine.Evidence

    def provenance(self) -> dict[str, dict[str, Any]]:
        return {key: value.as_dict() for key, value in self.prefill.values.items()}


def party_data(
    *,
    definition: engine.BundleDef,
    answers: dict[str, str] | None,
    party_type: str,
    party_id: str,
    purpose: Purpose,
    actor: Actor,
) -> PartyData:
    """Prefill the bundle's merged form for the party and collect the evidence that waives materials."""
    catalogue_view = engine.compute(definition, answers)
    keys = [(f.key, f.spec.source) for f in catalogue_view.form.fields]
    person = party_type != "enterprise"
    filled = prefill(
        form_keys=keys,
        applicant_id=party_id if person else None,
        enterprise_uscc=None if person else party_id,
        purpose=purpose,
        actor=actor,
        earlier=earlier_entries,
    )
    today = clock.local(clock.now()).date()
    wanted = {m.spec.licence for m in catalogue_view.materials.entries if m.spec.licence}
    for entry in catalogue_view.materials.entries:
        wanted.update(entry.stand_ins.get("licence", ()))
    checks = licence_waiver_checks(holder_id=party_id, licence_types=wanted, today=today)
    held = frozenset(t for t, check in checks.items() if check.licence is not None)
    answered = frozenset(v.source for v in filled.values.values() if v.source != "application")
    return PartyData(prefill=filled, evidence=engine.Evidence(licences=held, data_checks=answered))


def earlier_entries(*, party_id: str, kind: str) -> list[EarlierEntry]:
    """What the party typed in their newest applications (as the party, or as the applicant for a person),
    newest first: handed to datahub, which reuses it while the party's consent stands (datahub.results
    `EarlierEntries`; it calls this only then)."""
    match = Q(party_id=party_id)
    if kind == "person":
        match |= Q(applicant__profile__id_number=party_id)
    rows = (
        Application.objects.filter(match)
        .order_by("-submitted_at", "-pk")
        .values_list("number", "submitted_at", "form_data")[:EARLIER_APPLICATIONS]
    )
    return [
        EarlierEntry(reference=number, entered_at=submitted_at, form=form or {})
        for number, submitted_at, form in rows
    ]


def application_ref(application: Application) -> ApplicationRef:
    """What datahub needs to know of an application to raise an objection from it."""
    return ApplicationRef(
        number=application.number,
        party_id=application.party_id,
        party_kind="enterprise" if application.party_type == PartyType.ENTERPRISE else "person",
        region_code=application.region.code,
        applicant_user_id=application.applicant_id,
        prefill=(application.snapshot or {}).get("prefill") or {},
    )


def application_for_objection(*, actor: User, number: str) -> ApplicationRef:
    """The application `number` in the actor's scope (cases/permissions.py; 404 otherwise), as datahub sees it:
    handed to datahub's objection list (yijianshi/api/urls.py)."""
    app = get_object_or_404(visible_applications(actor_of(actor)).select_related("region"), number=number)
    return application_ref(app)


@dataclass(frozen=True)
class LicencePreview:
    """What approving an item will sign (the approving officer sees it before deciding, issue 17 point 5): the
    licence type, its holder as the holder rule resolves it from the application, and why it cannot be
    signed, if so."""

    type_name: str
    holder_name: str
    holder_id: str  # masked
    applicant_name: str
    problem: ErrorDetail | None = None


def licence_preview(*, case: ItemCase, application: Application) -> LicencePreview | None:
    licence_type = case.item.issues_licence
    if licence_type is None:
        return None
    try:
        holder = resolve_holder(
            holder_rule(licence_type.code),
            form=application.form_data or {},
            party_name=application.party_name,
            party_id=application.party_id,
            party_type=application.party_type,
            today=clock.local(clock.now()).date(),
        )
    except DomainError as exc:
        return LicencePreview(
            type_name=licence_type.name, holder_name="", holder_id="", applicant_name="", problem=exc.detail
        )
    return LicencePreview(
        type_name=licence_type.name,
        holder_name=holder.name,
        holder_id=mask(holder.id) if holder.id else "",
        applicant_name=holder.applicant_name,
    )


def issue_result_licence(*, case: ItemCase, application: Application, actor: Actor) -> str | None:
    """Sign the item's result when the item issues a licence type, to the holder its type's rule names
    (licenses/holders.py: the newborn for a birth certificate, with the party as 申领人, so it is in the
    party's wallet too; the party for most types)."""
    licence_type = case.item.issues_licence
    if licence_type is None:
        return None
    today = clock.local(clock.now()).date()
    valid_to = None
    if licence_type.validity_years:
        try:
            valid_to = today.replace(year=today.year + licence_type.validity_years)
        except ValueError:  # 29 February
            valid_to = today.replace(year=today.year + licence_type.validity_years, day=28)
    holder = resolve_holder(
        holder_rule(licence_type.code),
        form=application.form_data or {},
        party_name=application.party_name,
        party_id=application.party_id,
        party_type=application.party_type,
        today=today,
    )
    licence = licence_issue(
        licence_type=licence_type.code,
        holder_name=holder.name,
        holder_id=holder.id,
        holder_id_type=holder.id_type,
        applicant_name=holder.applicant_name,
        applicant_id=holder.applicant_id,
        applicant_id_type=holder.applicant_id_type,
        issuer=case.department,
        surface={
            "事项": case.name,
            "办理结果": str(case.result.get("summary", "")),
            "办件编号": application.number,
        },
        valid_from=today,
        valid_to=valid_to,
        actor=actor,
        source_reference=f"{application.number}:{case.ref}",
    )
    return str(licence.identifier)
