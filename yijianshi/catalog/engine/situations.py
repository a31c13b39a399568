"""Situation answers (情形) decide which items of a bundle apply to one applicant."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import InvalidAnswer
from .types import BundleDef


def resolve_answers(bundle: BundleDef, answers: Mapping[str, str] | None) -> dict[str, str]:
    """Every situation answered: the given answer, or the question's default. Unknown answers are errors."""
    given = dict(answers or {})
    resolved: dict[str, str] = {}
    for situation in bundle.situations:
        value = given.pop(situation.code, situation.default)
        if situation.option(value) is None:
            raise InvalidAnswer(situation.code, value)
        resolved[situation.code] = value
    if given:
        unknown = sorted(given)[0]
        raise InvalidAnswer(unknown, given[unknown])
    return resolved


def included_items(bundle: BundleDef, answers: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """Refs of the items that apply, in the bundle's order: all but those an answer excludes."""
    excluded: set[str] = set()
    for situation in bundle.situations:
        option = situation.option(resolve_answers(bundle, answers)[situation.code])
        assert option is not None
        excluded.update(option.excludes)
    return tuple(item.ref for item in bundle.items if item.ref not in excluded)
