"""Who is acting (DESIGN.md §3, `accounts`): resolved once at the edge, handed to every service.

An `Actor` is what a service needs to know about the person or process behind a request: the role, where the
role applies (a clerk's service point, an officer's department), and for an applicant the party they act as
(themselves, or the enterprise they represent). It is built by `yijianshi.accounts.roles.actor_of` from the
signed-in user and never from anything the client sends. A sweep, a job or a command acts as `Actor.system()`;
there is no "no actor": a service that receives `None` where an actor is due is a bug, not an administrator.

The user object the actor was resolved from travels with it (`user`, left out of equality) so that services can
write foreign keys and ledger names without reading the user again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ActorRole(StrEnum):
    """The roles (the values of `accounts.models.Role`, plus the system)."""

    APPLICANT = "applicant"
    CLERK = "clerk"
    OFFICER = "officer"
    ADMIN = "admin"
    AUDITOR = "auditor"
    SYSTEM = "system"


STAFF_ROLES = frozenset({ActorRole.CLERK, ActorRole.OFFICER, ActorRole.ADMIN, ActorRole.AUDITOR})


@dataclass(frozen=True)
class Party:
    """Whom an application or a read of shared data is about: a person (identity number) or an enterprise
    (unified social credit code), with the name to print."""

    type: str  # "person" | "enterprise"
    id: str
    name: str = ""

    @property
    def is_enterprise(self) -> bool:
        return self.type == "enterprise"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: str | None
    department_id: int | None = None
    service_point_id: int | None = None
    is_department_head: bool = False
    party: Party | None = None  # an applicant: the party they act as (themselves or their enterprise)
    user: Any = field(default=None, compare=False, repr=False)  # the user it was resolved from, if any

    @classmethod
    def system(cls) -> Actor:
        """Sweeps, scheduled jobs, commands: acts on everything, is named "system" in every history row."""
        return cls(user_id=None, role=ActorRole.SYSTEM)

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None, role=None)

    @property
    def is_system(self) -> bool:
        return self.role == ActorRole.SYSTEM

    @property
    def is_staff_reader(self) -> bool:
        """Reads everything: administrators and auditors."""
        return self.role in (ActorRole.ADMIN, ActorRole.AUDITOR)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def history_role(self) -> str:
        """The role written into history rows."""
        return str(self.role or "")
