"""Who is acting: the role of a user, read once per request.

Within a request (`ActorScopeMiddleware`) each user's profile is read once and then remembered until the
response is sent: a submission asks for the actor in the view, the service and the history row, and for the
profile for the party and the notice. Outside a request (commands, tasks, tests calling services) it is read
every time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from yijianshi.core.actor import Actor, Party

from .models import PartyType, Profile, Role

__all__ = ["Actor", "ActorScopeMiddleware", "Party", "actor_of", "actor_scope", "party_of", "profile_of",
           "remember_profile"]


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


def actor_of(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    """The actor behind a signed-in user (an anonymous actor without one): resolved once at the edge."""
    if user is None or not user.is_authenticated:
        return Actor.anonymous()
    if getattr(user, "is_superuser", False):
        return Actor(user_id=user.pk, role=Role.ADMIN, user=user)
    profile = profile_of(user.pk)
    if profile is None:
        return Actor(user_id=user.pk, role=None, user=user)
    return Actor(user_id=user.pk, role=profile.role, department_id=profile.department_id,
                 service_point_id=profile.service_point_id, is_department_head=profile.is_department_head,
                 party=party_of(profile) if profile.role == Role.APPLICANT else None, user=user)


class ActorScopeMiddleware:
    """One `actor_scope` per request."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with actor_scope():
            return self.get_response(request)
