"""licence_for_waiver: only a licence that passes every check today stands in for a material; refusals are kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.core.actor import Actor
from yijianshi.licenses.models import LicenceEvent, License
from yijianshi.licenses.services import (
    licence_for_waiver,
    licence_revoke,
    licence_supersede,
    licence_waiver_check,
    licence_waiver_checks,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def refusals(licence: License) -> list[list[str]]:
    return [
        [p["code"] for p in e.data["problems"]]
        for e in LicenceEvent.objects.filter(licence=licence, event_type="waiver_refused")
    ]


def test_a_valid_licence_is_used(issue: Callable[..., License]) -> None:
    licence = issue()
    assert (
        licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) == licence
    )
    assert licence_for_waiver(holder_id=FATHER_ID, licence_type="marriage_certificate", today=TODAY) is None
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="id_card", today=TODAY) is None


def test_the_newest_version_is_used(issue: Callable[..., License]) -> None:
    new = licence_supersede(licence=issue(), surface={"备注": "换证"}, actor=Actor.system())
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) == new


def test_a_revoked_licence_is_refused_and_recorded(issue: Callable[..., License]) -> None:
    licence = licence_revoke(licence=issue(), reason="婚姻登记被撤销", actor=Actor.system())
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) is None
    assert refusals(licence) == [["revoked"]]


def test_an_expired_licence_is_refused(issue: Callable[..., License]) -> None:
    licence = issue(valid_from=date(2010, 1, 1), valid_to=date(2020, 1, 1))
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) is None
    assert refusals(licence) == [["expired"]]


def test_a_tampered_licence_is_refused(issue: Callable[..., License]) -> None:
    licence = issue()
    License.objects.filter(pk=licence.pk).update(surface={**licence.surface, "登记日期": "2018-01-01"})
    check = licence_waiver_check(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY)
    assert check.licence is None
    assert [(i, [p["code"] for p in problems]) for i, problems in check.refused] == [
        (licence.identifier, ["surface_altered"])
    ]
    assert refusals(licence) == [["surface_altered"]]


def test_a_forged_signature_is_refused(issue: Callable[..., License]) -> None:
    licence = issue()
    License.objects.filter(pk=licence.pk).update(signature="1" * 128)
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) is None
    assert refusals(licence) == [["signature_invalid"]]


def test_only_a_superseded_version_left_is_refused(issue: Callable[..., License]) -> None:
    old = issue()
    new = licence_supersede(licence=old, surface={}, actor=Actor.system())
    licence_revoke(licence=new, reason="注销", actor=Actor.system())
    check = licence_waiver_check(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY)
    assert check.licence is None
    assert [(ident, [p["code"] for p in problems]) for ident, problems in check.refused] == [
        (new.identifier, ["revoked"]),
        (old.identifier, ["superseded"]),
    ]
    assert refusals(new) == [["revoked"]] and refusals(old) == []  # an old version is no news


def test_a_valid_licence_wins_over_a_refused_older_one(issue: Callable[..., License]) -> None:
    licence_revoke(licence=issue(), reason="登记错误", actor=Actor.system())
    good = issue()
    assert licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY) == good


def test_several_types_at_once(
    issue: Callable[..., License], police: Any, django_assert_max_num_queries: Any
) -> None:
    """What an application asks: every type that might waive one of its materials, read together; each type
    keeps its own answer and its own refusals."""
    marriage = issue()
    id_card = issue(licence_type="id_card", issuer=police, surface={"姓名": "王芳"})
    License.objects.filter(pk=id_card.pk).update(surface={"姓名": "王某"})  # altered after signing
    with django_assert_max_num_queries(3):  # the ids, the licences with what verifying needs, one refusal row
        checks = licence_waiver_checks(
            holder_id=MOTHER_ID,
            today=TODAY,
            licence_types=["marriage_certificate", "id_card", "business_licence"],
        )
    assert checks["marriage_certificate"].licence == marriage and not checks["marriage_certificate"].refused
    assert checks["id_card"].licence is None
    assert [(i, [p["code"] for p in ps]) for i, ps in checks["id_card"].refused] == [
        (id_card.identifier, ["surface_altered"])
    ]
    assert checks["business_licence"] == licence_waiver_check(
        holder_id=MOTHER_ID, licence_type="business_licence", today=TODAY
    )
    assert checks["business_licence"].licence is None and refusals(id_card) == [["surface_altered"]]
