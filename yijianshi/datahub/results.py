"""What the shared-data services return, and what the parts above hand them: plain frozen dataclasses (no
Django), safe to keep and to show.

datahub never reads another part's tables (docs/architecture.md): what it needs to know of an application comes
in as an `ApplicationRef`, and what a party typed in earlier applications through an `EarlierEntries` reader,
both from cases (yijianshi/cases/shared.py).

Identity numbers are shown masked (`subject`); the unmasked `subject_id` is kept for the next call (raising an
objection about a prefilled value) and is never to be displayed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from yijianshi.core.identifiers import mask

EARLIER = "application"  # the provenance of a value typed in an earlier application


@dataclass(frozen=True)
class SourceResult:
    """What one read of one source gave: values by record key, or an error code (never an exception)."""

    source: str
    subject_id: str
    values: dict[str, Any]
    fetched_at: datetime
    error: str = ""  # "" when the source answered; else timeout, http_error, bad_response, breaker_open, ...
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def found(self) -> bool:
        return bool(self.values)

    @property
    def subject(self) -> str:
        return mask(self.subject_id)


@dataclass(frozen=True)
class LookupResult:
    source: str
    subject_ids: list[str]
    error: str = ""
    detail: str = ""


@dataclass(frozen=True)
class PrefilledValue:
    """A value filled in for the applicant, with where it came from (shown next to the field)."""

    value: Any
    source: str  # a data source code, or "application" for a value typed in an earlier application
    subject: str  # masked
    fetched_at: datetime
    record_key: str = ""  # the key in the source's record (what an objection names)
    reference: str = ""  # for a reused value: the application number it was typed in
    subject_id: str = field(default="", repr=False)  # unmasked, for raising an objection; never display it

    def as_dict(self) -> dict[str, Any]:
        """The provenance to store with the application and show the applicant (subject masked)."""
        return {
            "value": self.value,
            "source": self.source,
            "subject": self.subject,
            "fetched_at": self.fetched_at.isoformat(),
            "record_key": self.record_key,
            "reference": self.reference,
        }


@dataclass(frozen=True)
class Prefill:
    values: dict[str, PrefilledValue]
    failures: dict[str, str]  # source -> error code; the keys it would have filled are left to type
    failure_details: dict[str, str] = field(default_factory=dict)  # source -> detail, for staff
    empty: tuple[str, ...] = ()  # keys with a source that stayed empty (no subject, no record, a failure)


@dataclass(frozen=True)
class HeldValue:
    key: str
    value: Any
    source: str
    fetched_at: datetime
    reference: str = ""  # for earlier entries: the application number


@dataclass(frozen=True)
class Related:
    role: str  # "child" (a birth record naming the subject as parent), "represents" (an enterprise)
    source: str
    subject_id: str = field(repr=False)

    @property
    def subject(self) -> str:
        return mask(self.subject_id)


@dataclass(frozen=True)
class PartyFile:
    """一人一档 / 一企一档: what the sources hold on a person or an enterprise, each value with its source."""

    subject_id: str
    kind: str  # "person" | "enterprise"
    values: list[HeldValue]
    failures: dict[str, str]
    related: list[Related]
    consent: bool
    earlier: list[HeldValue]  # what the party typed before; empty without consent
    sources: list[str]  # the sources read

    @property
    def subject(self) -> str:
        return mask(self.subject_id)

    def by_source(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for v in self.values:
            out.setdefault(v.source, {})[v.key] = v.value
        return out


# ---------------------------------------------------------------------------------------------- handed in


@dataclass(frozen=True)
class EarlierEntry:
    """One earlier application of a party: what they typed in it, by form key."""

    reference: str  # the application number
    entered_at: datetime  # when it was submitted
    form: Mapping[str, Any]


class EarlierEntries(Protocol):
    """Reads what a party typed in their earlier applications, newest first. Called only once the party's
    consent stands and the read is in the access ledger (services._read_earlier)."""

    def __call__(self, *, party_id: str, kind: str) -> Iterable[EarlierEntry]: ...


@dataclass(frozen=True)
class ApplicationRef:
    """What datahub needs to know of an application an objection is raised from, handed in by the part that
    holds it (cases/shared.py `application_ref`)."""

    number: str
    party_id: str
    party_kind: str  # "person" | "enterprise"
    region_code: str | None  # where it is handled: the provider department is looked for there
    applicant_user_id: int | None  # the applicant's account: they may dispute its values
    prefill: Mapping[str, Any] = field(
        default_factory=dict
    )  # provenance of its prefilled values, by form key
