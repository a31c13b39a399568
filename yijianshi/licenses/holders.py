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

The holder rule is a property of the national licence type, not of a deployment, so it is kept here as data
keyed by the licence type code (the catalogue packs name the types). Pure Python: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import resident_id

PERSON, ENTERPRISE, NONE_YET = "111", "001", "999"  # HolderIdType


@dataclass(frozen=True)
class HolderRule:
    kind: Literal["party", "subject"] = "party"
    name_key: str = ""  # for a subject: the form key of their name
    id_key: str = ""  # for a subject: the form key of their identity number (may be empty: none yet)


PARTY = HolderRule()
CHILD = HolderRule("subject", name_key="child.name", id_key="child.id_number")
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


def resolve_holder(rule: HolderRule, *, form: Mapping[str, Any], party_name: str, party_id: str,
                   party_type: str) -> Holder:
    """The holder of a licence issued on an application: the subject the form names, or the party."""
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
    return Holder(name=name, id=number, id_type=PERSON if number else NONE_YET, applicant_name=party_name,
                  applicant_id=party_id, applicant_id_type=party_id_type)
