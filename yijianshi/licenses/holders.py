"""Who holds a licence issued as the result of an item (持证主体), per licence type (docs/adr/0006).

A licence is the holder's: a birth medical certificate (出生医学证明) is the newborn's, a death certificate the
deceased's — not the parent's or relative's who applied. Each licence type has a rule:

- ``party`` (the default): the application's party holds it (a business licence, a marriage certificate, a
  retirement certificate);
- ``subject``: the person the form is about holds it, named by the form's keys (``child.name`` and
  ``child.id_number``), and the party who applied is recorded and signed as the licence's **applicant**
  (申领人). When the form names no such person (the same type issued to an adult for themself, e.g. a social
  security card outside the newborn bundle), the party holds it. A subject without an identity number yet (a
  newborn before household registration) is held under holder-identifier type ``999`` with no number.

A subject's identity number is the applicant's claim, so it is checked before a licence is signed to it (issue
17, finding 2: a mother typed an adult's number as her newborn's): for a child's licence the number must be a
minor's, born on the date the form gives for the child; otherwise the approval is refused with the field named,
and the approving officer sees the holder in the licence's preview before deciding (workbench).

The holder rule is a property of the national licence type, not of a deployment, so it is kept here as data
keyed by the licence type code (the catalogue packs name the types). Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import resident_id, resident_id_birth_date

PERSON, ENTERPRISE, NONE_YET = "111", "001", "999"  # HolderIdType


@dataclass(frozen=True)
class HolderRule:
    kind: Literal["party", "subject"] = "party"
    name_key: str = ""  # for a subject: the form key of their name
    id_key: str = ""  # for a subject: the form key of their identity number (may be empty: none yet)
    birth_key: str = ""  # for a subject: the form key of their date of birth, which their number must encode
    under_years: int = 0  # for a subject who must be a minor: younger than this on the day of the decision


PARTY = HolderRule()
CHILD = HolderRule(
    "subject", name_key="child.name", id_key="child.id_number", birth_key="child.birth_date", under_years=18
)
DECEASED = HolderRule("subject", name_key="deceased.name", id_key="deceased.id_number")

HOLDER_RULES: dict[str, HolderRule] = {
    "birth_medical_certificate": CHILD,  # 出生医学证明: the newborn's
    "vaccination_certificate": CHILD,  # 预防接种证: the child's
    "social_security_card": CHILD,  # a newborn's card in the newborn bundle; an adult's own elsewhere (no child)
    "death_certificate": DECEASED,  # 死亡医学证明: the deceased's
}


def holder_rule(licence_type: str) -> HolderRule:
    return HOLDER_RULES.get(licence_type, PARTY)


@dataclass(frozen=True)
class Holder:
    name: str
    id: str
    id_type: str
    applicant_name: str = ""  # the party, when someone else holds the licence
    applicant_id: str = ""
    applicant_id_type: str = ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _years_between(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _check_subject(rule: HolderRule, number: str, form: Mapping[str, Any], today: date | None) -> None:
    """A subject's number must be the subject's: the birth date it encodes is the form's, and a child is a minor."""
    born = resident_id_birth_date(number)
    given = _text(form.get(rule.birth_key)) if rule.birth_key else ""
    if given and given != born.isoformat():
        raise DomainError(
            "holder_birth_date_mismatch",
            f"持证人身份号码中的出生日期（{born.isoformat()}）与填写的出生日期"
            f"（{given}）不一致，不能签发电子证照",
            f"The holder's identity number encodes {born.isoformat()}, "
            f"not the date of birth given ({given}): the licence cannot be issued",
            field=rule.id_key,
        )
    if rule.under_years and today is not None and _years_between(born, today) >= rule.under_years:
        raise DomainError(
            "holder_not_a_minor",
            "持证人身份号码属于成年人，不是申请中的子女，不能签发电子证照",
            "The holder's identity number is an adult's, not the child's: the licence cannot be issued",
            field=rule.id_key,
        )


def resolve_holder(
    rule: HolderRule,
    *,
    form: Mapping[str, Any],
    party_name: str,
    party_id: str,
    party_type: str,
    today: date | None = None,
) -> Holder:
    """The holder of a licence issued on an application: the subject the form names (their number checked
    against what the form says of them, and a child's against `today`), or the party."""
    party_id_type = ENTERPRISE if party_type == "enterprise" else PERSON
    party = Holder(name=party_name, id=party_id, id_type=party_id_type)
    name = _text(form.get(rule.name_key)) if rule.kind == "subject" else ""
    if not name:
        return party
    number = _text(form.get(rule.id_key)).upper()
    if number:
        try:
            number = resident_id(number, field=rule.id_key)
        except DomainError:
            number = ""  # the form was checked at submission; an optional, empty or odd value means none yet
    if number and number == party_id:
        return party  # the party applied for themself
    if number:
        _check_subject(rule, number, form, today)
    return Holder(
        name=name,
        id=number,
        id_type=PERSON if number else NONE_YET,
        applicant_name=party_name,
        applicant_id=party_id,
        applicant_id_type=party_id_type,
    )
