"""licence_issue / licence_supersede / licence_revoke and the signing keys behind them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import Department, LicenceType
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.licenses import crypto
from yijianshi.licenses.identifiers import parse_identifier
from yijianshi.licenses.models import IssuerIdentity, LicenceEvent, LicenceStatus, License, SigningKey
from yijianshi.licenses.services import (
    Forbidden,
    licence_revoke,
    licence_supersede,
    licence_verify,
    signing_keys_ensure,
)

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def test_issue_signs_a_verifiable_licence(
    issue: Callable[..., License], civil: Department, key_dir: Path
) -> None:
    # when
    licence = issue()
    # then
    parsed = parse_identifier(licence.identifier)
    identity = IssuerIdentity.objects.get(department=civil)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (
        "11100000000013127D001",
        identity.uscc,
        1,
        1,
    )
    assert licence.issuer_name == "陵川县民政部门" and licence.holder_id == MOTHER_ID
    assert licence.digest == crypto.digest_of(licence.canonical_fields())
    key = SigningKey.objects.get(department=civil, retired_at__isnull=True)  # created on the first issue
    assert (key_dir / f"{key.key_id}.json").exists()
    assert crypto.verify(licence.digest, licence.signature, key.public_key)
    result = licence_verify(identifier=licence.identifier, today=TODAY)
    assert result.ok, result.problems
    assert [c.name for c in result.checks] == [
        "identifier",
        "registry",
        "digest",
        "signature",
        "status",
        "validity",
    ]
    assert list(LicenceEvent.objects.filter(licence=licence).values_list("event_type", flat=True)) == [
        "issued"
    ]


def test_serials_count_per_type_and_issuer(issue: Callable[..., License], police: Department) -> None:
    first, second = issue(), issue(holder_name="李强", holder_id=FATHER_ID)
    card = issue(licence_type="id_card", issuer=police, surface={"姓名": "王芳"}, valid_to=date(2036, 1, 1))
    assert (first.serial, second.serial, card.serial) == (1, 2, 1)
    assert len({first.identifier, second.identifier, card.identifier}) == 3


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        (
            {"holder_id": MOTHER_ID[:-1] + ("0" if MOTHER_ID[-1] != "0" else "1")},
            "id_number_bad_check_digit",
            "holder_id",
        ),
        ({"holder_id": "91140524MA0K1234W", "holder_id_type": "001"}, "uscc_bad_length", "holder_id"),
        ({"holder_id_type": "999"}, "licence_holder_id_type_bad", "holder_id_type"),
        ({"holder_name": " "}, "licence_holder_name_bad", "holder_name"),
        ({"surface": {"面积": 1.5}}, "licence_surface_bad_value", "surface.面积"),
        ({"surface": ["not", "a", "dict"]}, "licence_surface_bad", "surface"),
        ({"surface": {"备注": "长" * 2000}}, "licence_surface_too_long", "surface.备注"),
        ({"valid_to": date(2019, 1, 1)}, "licence_validity_bad", "valid_to"),
        ({"licence_type": "no_such_type"}, "licence_type_unknown", "licence_type"),
    ],
)
def test_issue_refuses_bad_input_naming_the_field(
    issue: Callable[..., License], changes: dict[str, object], code: str, field: str
) -> None:
    with pytest.raises(DomainError) as exc:
        issue(**changes)
    assert (exc.value.code, exc.value.detail.field) == (code, field)
    assert MOTHER_ID not in str(exc.value)  # identity numbers are masked in errors
    assert not License.objects.exists()


def test_a_type_without_a_valid_code_cannot_be_issued(
    issue: Callable[..., License], types: dict[str, LicenceType]
) -> None:
    LicenceType.objects.create(code="no_code", name="无代码证", issuer_kind="civil_affairs", type_code="")
    LicenceType.objects.create(
        code="bad_code", name="错代码证", issuer_kind="civil_affairs", type_code="11100000MB0135458E001"
    )
    with pytest.raises(DomainError) as exc:
        issue(licence_type="no_code")
    assert exc.value.code == "licence_type_no_code"
    with pytest.raises(DomainError) as exc:
        issue(licence_type="bad_code")
    assert exc.value.code == "licence_type_code_bad_uscc"


def test_supersede_makes_a_new_version_and_marks_the_old(issue: Callable[..., License]) -> None:
    old = issue()
    new = licence_supersede(licence=old, surface={**old.surface, "备注": "补领"}, actor=Actor.system())
    old.refresh_from_db()
    assert (new.serial, new.version, new.supersedes_id) == (old.serial, 2, old.pk)
    assert parse_identifier(new.identifier).version == 2
    assert old.status == LicenceStatus.SUPERSEDED
    assert licence_verify(identifier=new.identifier, today=TODAY).ok
    assert licence_verify(identifier=old.identifier, today=TODAY).codes == ["superseded"]
    with pytest.raises(DomainError) as exc:
        licence_supersede(licence=old, surface={}, actor=Actor.system())
    assert exc.value.code == "licence_not_current"


def test_revoke_needs_a_reason_and_the_right_actor(
    issue: Callable[..., License], users: dict[str, object]
) -> None:
    licence = issue()
    with pytest.raises(DomainError) as exc:
        licence_revoke(licence=licence, reason=" ", actor=actor_of(users["admin"]))  # type: ignore[arg-type]
    assert exc.value.code == "licence_revoke_reason_required"
    for who in ("mother", "officer_police", "auditor"):
        with pytest.raises(Forbidden):
            licence_revoke(licence=licence, reason="登记错误", actor=actor_of(users[who]))  # type: ignore[arg-type]
    done = licence_revoke(licence=licence, reason="登记错误", actor=actor_of(users["officer_civil"]))  # type: ignore[arg-type]
    assert done.status == LicenceStatus.REVOKED and done.revoked_reason == "登记错误"
    with pytest.raises(DomainError) as exc:
        licence_revoke(licence=licence, reason="again", actor=Actor.system())
    assert exc.value.code == "licence_not_revocable"


def test_keys_are_created_once_and_a_lost_key_is_replaced(
    civil: Department,
    police: Department,
    types: dict[str, LicenceType],
    key_dir: Path,
    issue: Callable[..., License],
) -> None:
    reports = signing_keys_ensure(actor=Actor.system())
    assert sorted(r.action for r in reports) == ["created", "created"]
    assert [r.action for r in signing_keys_ensure(actor=Actor.system())] == ["kept", "kept"]
    licence = issue()
    # the private key file is lost: issuing is refused, `licence keys` replaces the key, old licences still verify
    (key_dir / f"{licence.key.key_id}.json").unlink()
    with pytest.raises(DomainError) as exc:
        issue()
    assert exc.value.code == "licence_key_missing"
    [report] = signing_keys_ensure(departments=[civil], actor=Actor.system())
    assert report.action == "replaced" and report.key_id != licence.key.key_id
    assert SigningKey.objects.filter(department=civil).count() == 2
    assert licence_verify(identifier=licence.identifier, today=TODAY).ok
    assert issue().key.key_id == report.key_id


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_serials(issue: Callable[..., License], civil: Department) -> None:
    from django.db import connection

    issue()  # the key and issuer code exist; the threads race for serials only
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(3):
                issue()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(License.objects.values_list("serial", flat=True)) == list(range(1, 11))


def test_revoking_locks_the_licence_row_only(issue: Callable[..., License], users: dict[str, object]) -> None:
    """FOR UPDATE on the joined department, region and type rows would block every insert that references the
    department (its foreign-key check takes FOR KEY SHARE) until the revocation commits."""
    licence = issue()
    with CaptureQueriesContext(connection) as done:
        licence_revoke(licence=licence, reason="登记错误", actor=actor_of(users["officer_civil"]))  # type: ignore[arg-type]
    locks = [q["sql"] for q in done.captured_queries if "FOR UPDATE" in q["sql"]]
    if connection.vendor == "postgresql":  # SQLite has no row locks: the service writes no FOR UPDATE there
        assert locks and all(s.endswith('FOR UPDATE OF "licenses_license"') for s in locks), locks
