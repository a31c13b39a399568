"""Words for people on the enums that carry them: the one home of a status's, an event's or a document kind's
label, in Chinese and English. Every page, notice, PDF and API answer reads a label from its enum; no view
module keeps a table of its own."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar


class Labelled(StrEnum):
    """A `StrEnum` whose members have a Chinese and an English label: `Status.X.zh`, `.en`, `.label(lang)`.
    The labels are given after the class with `labels_set(Cls, {value: (zh, en)})`, which checks that every
    member has one."""

    @property
    def zh(self) -> str:
        return _LABELS[type(self)][self.value][0]

    @property
    def en(self) -> str:
        return _LABELS[type(self)][self.value][1]

    def label(self, language: str = "zh-hans") -> str:
        return self.en if language.startswith("en") else self.zh

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, Chinese label) pairs, for a model field's `choices`."""
        return [(m.value, m.zh) for m in cls]

    @classmethod
    def of(cls, value: str) -> tuple[str, str]:
        """(zh, en) of a stored value; an unknown one (an old row) shows as itself in both languages."""
        try:
            member = cls(value)
        except ValueError:
            return (value, value)
        return (member.zh, member.en)


_LABELS: dict[type[Labelled], dict[str, tuple[str, str]]] = {}
L = TypeVar("L", bound=type[Labelled])


def labels_set(cls: L, labels: dict[str, tuple[str, str]]) -> L:
    """Give an enum its labels: one (zh, en) pair for each member, no more, no fewer (checked at import)."""
    values = {m.value for m in cls}
    if set(labels) != values:
        raise ValueError(f"{cls.__name__}: labels for {sorted(set(labels) ^ values)} missing or extra")
    _LABELS[cls] = dict(labels)
    return cls
