"""The project's one error type: a stable code and a message in Chinese and English (STYLE.md, errors).

The API and the command line turn a `DomainError` into a 4xx answer or a non-zero exit with the structured
body `{"code", "field", "message": {"zh-hans", "en"}}`; anything else reaching the edge is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ErrorDetail:
    code: str
    zh: str
    en: str
    field: str | None = None
    where: str | None = None  # for pack errors: the file and entry

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": {"zh-hans": self.zh, "en": self.en}}
        if self.field is not None:
            body["field"] = self.field
        if self.where is not None:
            body["where"] = self.where
        return body

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.en} / {self.zh} [{self.code}]"


class DomainError(Exception):
    """A rule of the domain was broken by the request; carries one or more details."""

    status = 400

    def __init__(
        self,
        code: str,
        zh: str,
        en: str,
        *,
        field: str | None = None,
        where: str | None = None,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        self.detail = ErrorDetail(code=code, zh=zh, en=en, field=field, where=where)
        self.details: list[ErrorDetail] = details if details is not None else [self.detail]
        super().__init__(str(self.detail))

    @property
    def code(self) -> str:
        return self.detail.code

    def as_dict(self) -> dict[str, object]:
        body = self.detail.as_dict()
        if len(self.details) > 1 or self.details[0] is not self.detail:
            body["errors"] = [d.as_dict() for d in self.details]
        return body


class Forbidden(DomainError):
    """The actor may see the object but may not do this (or may not act for this party): 403. The one 403
    type of the project; reads outside an actor's scope answer `NotFound` instead, so that no one learns
    whether someone else's object exists."""

    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


@dataclass
class ErrorList:
    """Collects every problem before failing, so one run names them all (一次告知 for data)."""

    items: list[ErrorDetail] = field(default_factory=list)

    def add(self, code: str, zh: str, en: str, *, where: str | None = None, field: str | None = None) -> None:
        self.items.append(ErrorDetail(code=code, zh=zh, en=en, where=where, field=field))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self, code: str = "invalid", zh: str = "数据有误", en: str = "Invalid data") -> None:
        if self.items:
            first = self.items[0]
            raise DomainError(
                code if len(self.items) > 1 else first.code,
                zh if len(self.items) > 1 else first.zh,
                en if len(self.items) > 1 else first.en,
                where=None if len(self.items) > 1 else first.where,
                field=None if len(self.items) > 1 else first.field,
                details=list(self.items),
            )
