"""Reads of licences: the wallet, what a user may see, the public keys (STYLE.md: reads are selectors)."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import Actor
from yijianshi.core import clock
from yijianshi.core.verification import looks_like_code

from .models import LicenceStatus, License, SigningKey


def local_today() -> date:
    return clock.local(clock.now()).date()


def _with_related(qs: QuerySet[License]) -> QuerySet[License]:
    return qs.select_related("licence_type", "key", "superseded_by")


def valid_first(qs: QuerySet[License], today: date | None = None) -> QuerySet[License]:
    """Licences valid today first, then the others; newest first within each."""
    today = today or local_today()
    current = (
        Q(status=LicenceStatus.VALID)
        & Q(valid_from__lte=today)
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )
    return qs.annotate(
        rank=Case(When(current, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("rank", "-issued_at", "-pk")


def wallet(*, holder_id: str, today: date | None = None) -> QuerySet[License]:
    """A holder's licences (证照夹), those valid today first."""
    party = (holder_id or "").strip().upper()
    if not party:
        return License.objects.none()
    # what they hold, and what they applied for as 申领人 for someone else (their newborn's certificates)
    return valid_first(
        _with_related(License.objects.filter(Q(holder_id=party) | Q(applicant_id=party))), today
    )


def holder_ids_of(actor: Actor) -> list[str]:
    """The identifiers an applicant holds licences under: their identity number and their enterprise's code."""
    if actor.user_id is None:
        return []
    profile = Profile.objects.filter(user_id=actor.user_id).first()
    if profile is None:
        return []
    return [
        value.strip().upper()
        for value in (profile.id_number, profile.enterprise_uscc)
        if value and value.strip()
    ]


def licences_visible_to(actor: Actor) -> QuerySet[License]:
    """Applicants see the licences they hold (as a person or as their enterprise) and those they applied for
    as 申领人 for someone else (their child's birth certificate); officers those their department issued;
    administrators and auditors all; everyone else none."""
    qs = _with_related(License.objects.all())
    if actor.role in (Role.ADMIN, Role.AUDITOR):
        return qs
    if actor.role == Role.APPLICANT:
        ids = holder_ids_of(actor)
        return qs.filter(Q(holder_id__in=ids) | Q(applicant_id__in=ids)) if ids else qs.none()
    if actor.role == Role.OFFICER and actor.department_id:
        return qs.filter(issuer_id=actor.department_id)
    return qs.none()


def licences_with_related(qs: QuerySet[License]) -> QuerySet[License]:
    """What verifying a licence reads besides its row: its type, key (and the key's department), issuer and
    newer version."""
    return _with_related(qs).select_related("issuer", "key__department")


def licence_by_identifier(identifier: str) -> License | None:
    return licences_with_related(
        License.objects.filter(identifier=(identifier or "").strip().upper())
    ).first()


def licence_by_code(code: str) -> License | None:
    """The licence a verification code names (what its verify link carries); None for anything else."""
    if not looks_like_code(code):
        return None
    return licences_with_related(License.objects.filter(verification_code=code)).first()


def public_keys() -> QuerySet[SigningKey]:
    """Every signing key, active and retired: an offline verifier's trust list."""
    return SigningKey.objects.select_related("department__region", "department__issuer_identity").order_by(
        "department__region__code", "department__code", "-created_at"
    )


def signing_key_by_id(key_id: str) -> SigningKey | None:
    """The key of `key_id` (active, retired or revoked), with its department, or None."""
    return SigningKey.objects.select_related("department").filter(key_id=key_id).first()
