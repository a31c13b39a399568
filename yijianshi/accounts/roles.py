"""Who is acting: the role of a user, read once per request."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .models import Profile, Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str | None
    department_id: int | None = None
    service_point_id: int | None = None
    is_department_head: bool = False

    @property
    def is_staff_reader(self) -> bool:
        return self.role in (Role.ADMIN, Role.AUDITOR)


def actor_of(user: AbstractBaseUser | AnonymousUser | None) -> Actor:
    if user is None or not user.is_authenticated:
        return Actor(user_id=None, role=None)
    if getattr(user, "is_superuser", False):
        return Actor(user_id=user.pk, role=Role.ADMIN)
    profile = Profile.objects.filter(user_id=user.pk).first()
    if profile is None:
        return Actor(user_id=user.pk, role=None)
    return Actor(user_id=user.pk, role=profile.role, department_id=profile.department_id,
                 service_point_id=profile.service_point_id, is_department_head=profile.is_department_head)
