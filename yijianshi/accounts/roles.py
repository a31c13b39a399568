"""Who is acting: the role of a user, read once per request.

Within a request (`ActorScopeMiddleware`) each user's profile is read once and then remembered until the
response is sent: a submission asks for the actor in the view, the service and the history row, and for the
profile for the party and the notice. Outside a request (commands, tasks, tests calling services) it is read
every time.

A staff account (a clerk, an officer, an administrator, an auditor, or a Django staff or superuser account)
whose session has not passed the second factor (settings.YIJIANSHI_STAFF_OTP; accounts/otp.py) has no role: it
can neither use the workbench nor call the API with that session. A user object without django-otp's mark (one
an API token authenticated — tokens are issued to staff only with a code — or one a service is handed) is taken
as it comes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from yijianshi.core.actor import STAFF_ROLES, Actor, Party

from .models import PartyType, Profile, Role

__all__ = [
    "STAFF_ROLES",
    "Actor",
    "ActorScopeMiddleware",
    "Party",
    "actor_of",
    "actor_scope",
    "needs_second_factor",
    "party_of",
    "profile_of",
    "remember_profile",
    "second_factor_missing",
]


def party_of(profile: Profile) -> Party | None:
    """The party an applicant's profile acts as: their enterprise for a representative, else the person.
    The one place a profile's party id is worked out; None for a profile without an identifier."""
    if profile.party_type == PartyType.ENTERPRISE:
        if not profile.enterprise_uscc:
            return None
        return Party(type=PartyType.ENTERPRISE, id=profile.enterprise_uscc, name=profile.enterprise_name)
    if not profile.id_number:
        return None
    return Party(type=PartyType.PERSON, id=profile.id_number, name=profile.name)


_scope: ContextVar[dict[tuple[str, int], Any] | None] = ContextVar("yijianshi_actor_scope", default=None)


@contextmanager
def actor_scope() -> Iterator[None]:
    """Remember each user's profile and actor until the block ends (one request)."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def remember_profile(user_id: int, profile: Profile | None) -> None:
    """The profile of a user, read with something else (the API token): kept for this `actor_scope`."""
    known = _scope.get()
    if known is not None:
        known[("profile", user_id)] = profile


def profile_of(user_id: int | None) -> Profile | None:
    """The profile of a user (None without one), read once per `actor_scope`."""
    if user_id is None:
        return None
    known = _scope.get()
    if known is not None and ("profile", user_id) in known:
        return known[("profile", user_id)]
    profile = Profile.objects.filter(user_id=user_id).first()
    if known is not None:
        known[("profile", user_id)] = profile
    return profile


def needs_second_factor(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """A staff account, while the second factor is required (settings.YIJIANSHI_STAFF_OTP)."""
    if not settings.YIJIANSHI_STAFF_OTP or user is None or not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    profile = profile_of(user.pk)
    return profile is not None and profile.role in STAFF_ROLES


def second_factor_missing(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """A staff account signed in to a session that has not passed the second factor (django-otp's OTPMiddleware
    marks request.user with `is_verified`)."""
    is_verified = getattr(user, "is_verified", None)
    return callable(is_verified) and not is_verified() and needs_second_factor(user)


def actor_of(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """The actor behind a signed-in user (an anonymous actor without one): resolved once at the edge."""
    if user is None or not user.is_authenticated:
        return Actor.anonymous()
    if second_factor_missing(user):
        return Actor(user_id=user.pk, role=None, user=user)
    if getattr(user, "is_superuser", False):
        return Actor(user_id=user.pk, role=Role.ADMIN, user=user)
    profile = profile_of(user.pk)
    if profile is None:
        return Actor(user_id=user.pk, role=None, user=user)
    return Actor(
        user_id=user.pk,
        role=profile.role,
        department_id=profile.department_id,
        service_point_id=profile.service_point_id,
        is_department_head=profile.is_department_head,
        party=party_of(profile) if profile.role == Role.APPLICANT else None,
        user=user,
    )


class ActorScopeMiddleware:
    """One `actor_scope` per request."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with actor_scope():
            return self.get_response(request)
