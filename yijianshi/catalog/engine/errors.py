"""Errors of the bundle engine, each with a stable code and a bilingual message."""

from __future__ import annotations

from yijianshi.core.errors import DomainError
from yijianshi.core.text import clipped


class DependencyCycle(DomainError):
    def __init__(self, cycle: tuple[str, ...]) -> None:
        path = " → ".join((*cycle, cycle[0]))
        super().__init__(
            "dependency_cycle",
            f"事项依赖关系存在循环：{path}",
            f"The item dependencies form a cycle: {path}",
        )
        self.cycle = cycle


class UnknownDependency(DomainError):
    def __init__(self, item: str, requires: str) -> None:
        super().__init__(
            "unknown_dependency",
            f"事项 {item} 依赖的 {requires} 不是本“一件事”的事项",
            f"Item {item} depends on {requires}, which is not an item of this bundle",
        )


class InvalidAnswer(DomainError):
    def __init__(self, situation: str, value: str | None) -> None:
        situation, value = clipped(situation), None if value is None else clipped(value)
        super().__init__(
            "invalid_situation_answer",
            f"情形“{situation}”的回答“{value}”无效",
            f"'{value}' is not a valid answer to situation '{situation}'",
            field=f"situations.{situation}",
        )


class FormConflicts(DomainError):
    def __init__(self, details: str) -> None:
        super().__init__(
            "form_field_conflict",
            f"合并表单存在冲突字段：{details}",
            f"The merged form has conflicting fields: {details}",
        )
