"""Which subject, which source and which record key fill each field of a merged form (表单预填, 001 §15).

Pure Python, no Django: the services read the sources; this module only decides what to read.

A form key is ``role.attribute`` in the shared vocabulary (``mother.name``, ``child.birth_date``,
``enterprise.address``); the vocabulary names the source that can fill it. Sources hold their records in
that same vocabulary, from the point of view of the record's subject: the population register holds
``person.name`` for each person, the marriage registry holds ``spouse.name`` for each spouse, a birth record
holds ``child.*`` and the parents' names and numbers, the enterprise register ``enterprise.*`` and
``legal_rep.*``. So filling ``mother.name`` means: find who the mother is, then read ``person.name`` from her
population record. Whom a role names, for an applicant:

- ``applicant.*``, ``person.*`` — the applicant;
- ``mother.*`` / ``father.*`` — the applicant when the applicant's sex matches (GB 11643: the 17th digit of
  the identity number is odd for men), otherwise the applicant's spouse;
- ``spouse.*`` — the spouse named by the applicant's marriage record (values the marriage registry holds
  about the spouse are read from the applicant's own marriage record: ``spouse.name``);
- ``child.*`` — the newest birth record naming the applicant as mother (or father); a child with an identity
  number on that record is a person too (``child.id_number`` from the population register);
- ``household.*``, ``marriage.*`` and other event keys — the applicant's own records;
- ``enterprise.*``, ``legal_rep.*``, ``annual_report.*`` — the enterprise (given by its credit code, or the
  newest one the applicant represents);
- ``agent.*``, ``student.*``, ``deceased.*``, ``contact.*`` — someone the platform cannot know from the
  applicant: left to type.

What the party typed in earlier applications is reused (with their consent) by `canonical_key`: a key is
turned into the party's point of view (``mother.phone`` typed by a mother is her ``person.phone``) and only
keys about the party themself are reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    APPLICANT = "applicant"
    SPOUSE = "spouse"
    CHILD = "child"  # the birth record
    CHILD_PERSON = "child_person"  # the child as a registered person
    ENTERPRISE = "enterprise"
    PARTY = (
        "party"  # the applicant, or the enterprise when only the enterprise is known (decided by the caller)
    )


# the order subjects are resolved in: a later role may need a value read for an earlier one
# The order subjects are found in, in waves: the first wave's subjects are known from the applicant (the child
# by a lookup of the birth records naming the applicant as a parent), the second's from records the first wave
# read (the spouse's number on the applicant's marriage record, the child's on the birth record). The records of
# one wave are read together (datahub/services.py _Reader.read_ahead).
RESOLUTION_WAVES = ((Role.APPLICANT, Role.ENTERPRISE, Role.CHILD), (Role.SPOUSE, Role.CHILD_PERSON))

SELF_PREFIXES = frozenset({"applicant", "person"})
ENTERPRISE_PREFIXES = frozenset({"enterprise", "legal_rep", "annual_report"})
UNKNOWN_PREFIXES = frozenset({"agent", "student", "deceased", "medical_claim", "contact"})
PERSON_ATTRIBUTE_ALIASES = {"address": "residence_address"}  # 申请人联系地址 -> the current address held
KEY_ALIASES: dict[str, tuple[Role, str]] = {
    # the household a newborn is registered into is the declaring parent's (申报户口地址)
    "child.household_address": (Role.APPLICANT, "person.household_address"),
    "hukou.move_from_address": (Role.APPLICANT, "person.household_address"),
}
SPOUSE_ID_KEY = "spouse.id_number"  # read from the applicant's marriage record to find the spouse
CHILD_ID_KEY = "child.id_number"  # read from the birth record to find the child as a person
MARRIAGE_SOURCE = "marriage"
BIRTH_SOURCE = "birth"
ENTERPRISE_SOURCE = "enterprise"
LEGAL_REP_ROLE = "legal_rep"


@dataclass(frozen=True)
class Route:
    key: str  # the form key
    role: Role  # whose record
    source: str
    record_key: str  # the key in that record


def sex_of(id_number: str | None) -> str | None:
    """``male`` / ``female`` from an 18-character resident identity number (GB 11643), None if unknown."""
    if not id_number or len(id_number) != 18 or not id_number[16].isdigit():
        return None
    return "male" if int(id_number[16]) % 2 else "female"


def person_key(attribute: str) -> str:
    return "person." + PERSON_ATTRIBUTE_ALIASES.get(attribute, attribute)


def route(key: str, source: str | None, *, applicant_sex: str | None) -> Route | None:
    """Where the value of a form key is read from, or None when it has no source or names someone unknown."""
    if not source or "." not in key:
        return None
    if key in KEY_ALIASES:
        role, record_key = KEY_ALIASES[key]
        return Route(key, role, source, record_key)
    prefix, attribute = key.split(".", 1)
    if prefix in ("mother", "father"):
        if applicant_sex is None:
            return None
        if (prefix == "mother") == (applicant_sex == "female"):
            return Route(key, Role.APPLICANT, source, person_key(attribute))
        prefix = "spouse"
    if prefix == "spouse":
        if source == MARRIAGE_SOURCE:
            return Route(key, Role.APPLICANT, source, f"spouse.{attribute}")
        return Route(key, Role.SPOUSE, source, person_key(attribute))
    if prefix in SELF_PREFIXES:
        return Route(key, Role.APPLICANT, source, person_key(attribute))
    if prefix == "child":
        if source == BIRTH_SOURCE:
            return Route(key, Role.CHILD, source, key)
        return Route(key, Role.CHILD_PERSON, source, person_key(attribute))
    if prefix in ENTERPRISE_PREFIXES:
        return Route(key, Role.ENTERPRISE, source, key)
    if prefix in UNKNOWN_PREFIXES:
        return None
    return Route(key, Role.PARTY, source, key)


def plan(routes: list[Route]) -> dict[tuple[Role, str], list[str]]:
    """The reads needed, grouped by (role, source) -> record keys, including the keys that find the subjects
    of other roles (the spouse's number on the marriage record, the child's on the birth record)."""
    groups: dict[tuple[Role, str], list[str]] = {}

    def need(role: Role, source: str, record_key: str) -> None:
        keys = groups.setdefault((role, source), [])
        if record_key not in keys:
            keys.append(record_key)

    for r in routes:
        need(r.role, r.source, r.record_key)
    roles = {r.role for r in routes}
    if Role.SPOUSE in roles:
        need(Role.APPLICANT, MARRIAGE_SOURCE, SPOUSE_ID_KEY)
    if Role.CHILD_PERSON in roles:
        need(Role.CHILD, BIRTH_SOURCE, CHILD_ID_KEY)
    return groups


def canonical_key(key: str, *, party_kind: str, party_sex: str | None) -> str | None:
    """A key typed in an earlier application, from the party's point of view; None when it is not about the
    party (a child's name, a spouse's phone, an event's details), so it is never reused."""
    if "." not in key:
        return None
    prefix, attribute = key.split(".", 1)
    if party_kind == "enterprise":
        return key if prefix in ("enterprise", "legal_rep", "contact", "delivery") else None
    if prefix in SELF_PREFIXES:
        return person_key(attribute)
    if (
        prefix in ("mother", "father")
        and party_sex is not None
        and (prefix == "mother") == (party_sex == "female")
    ):
        return person_key(attribute)
    if prefix == "delivery":
        return key
    return None
