"""The mechanics every state machine of the project shares (STYLE.md, "Changing state").

A part declares its states and actions as enums and its table as data (`Machine`); a service then changes a
status only through `transition()`, which, on a row the service has locked (`lock()`) and whose version it has
checked (`check_version()`): checks the pair (state, action) against the table — a pair not in it raises
`TransitionNotAllowed`, never a silent no-op —, sets the new status, bumps the version, saves the status, the
version and the fields the service changed, and writes the typed history row the part gives it, in the same
transaction. The part keeps what is its own: which history row, which document, which notice.

The module imports nothing of Django (the pure engines' tables use it); `lock` and `transition` work on any
Django model they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from .errors import Conflict, DomainError

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)
M = TypeVar("M")


class TransitionNotAllowed(DomainError):
    status = 409

    def __init__(self, machine: str, state: str, action: str) -> None:
        super().__init__(
            "transition_not_allowed",
            f"当前状态“{state}”下不允许执行“{action}”",
            f"'{action}' is not allowed while the {machine} is '{state}'",
            field="action",
        )
        self.state = state
        self.action = action


@dataclass(frozen=True)
class Machine(Generic[S, A]):
    """A state machine as data: for each (state, action) the states it may lead to (one, or a choice the
    service makes with `target`)."""

    name: str
    states: type[S]
    table: Mapping[tuple[S, A], frozenset[S]]

    def next(self, state: S | str, action: A, target: S | None = None) -> S:
        allowed = self.table.get((self.states(state), action))
        if not allowed:
            raise TransitionNotAllowed(self.name, str(state), str(action))
        if target is None:
            if len(allowed) != 1:
                raise ValueError(f"{self.name} {state} --{action}--> needs a target among {sorted(allowed)}")
            return next(iter(allowed))
        if target not in allowed:
            raise TransitionNotAllowed(self.name, str(state), str(action))
        return target

    def allows(self, state: S | str, action: A) -> bool:
        return (self.states(state), action) in self.table


class Versioned(Protocol):
    """A row with a status and a version (a Django model of a part)."""

    pk: Any
    status: Any
    version: int

    def save(self, *, update_fields: Iterable[str] | None = ...) -> None: ...


def lock(model: type[M], pk: Any) -> M:
    """The row of a Django model, locked for the rest of the transaction (the caller is inside
    `transaction.atomic`)."""
    row: M = model._default_manager.select_for_update().get(pk=pk)  # type: ignore[attr-defined]
    return row


def check_version(obj: Versioned, expected: int | None) -> None:
    """A write made on what the client saw: a stale `expected_version` is a 409 that says what it is now."""
    if expected is not None and expected != obj.version:
        raise Conflict(
            "stale_version",
            f"该记录已被他人更新（当前版本 {obj.version}，状态 {obj.status}），请刷新后重试",
            f"This record was changed meanwhile (now version {obj.version}, status {obj.status}); "
            "reload and try again",
            field="expected_version",
        )


def transition(
    obj: Versioned,
    machine: Machine[S, A],
    action: A,
    *,
    target: S | None = None,
    fields: Iterable[str] = (),
    history: Callable[[str, str], Any] | None = None,
    save: bool = True,
) -> str:
    """Move a locked row through `machine` by `action`: new status, version + 1, saved with `fields`, then the
    history row (`history(old, new)`). Returns the old status. `save=False` leaves the save to the caller
    (who changes more of the row afterwards) but still writes the history row."""
    old = str(obj.status)
    new = machine.next(old, action, target)
    obj.status = new
    obj.version += 1
    if save:
        obj.save(update_fields=["status", "version", *fields])
    if history is not None:
        history(old, str(new))
    return old
