"""`yijianshi licence …` and the demo family's licences."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command

from tests.support.factories import DepartmentFactory, LicenceTypeFactory, RegionFactory
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.catalog.packs import PACKS_DIR
from yijianshi.licenses.demo import seed_demo_licences
from yijianshi.licenses.models import License, SigningKey
from yijianshi.licenses.selectors import wallet
from yijianshi.licenses.services import licence_for_waiver, licence_verify, offline_document

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("licence", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_verify_by_identifier_prints_each_check(issue: Callable[..., License]) -> None:
    licence = issue()
    text = run("verify", licence.identifier, "--today", TODAY.isoformat())
    for name in ("identifier", "registry", "digest", "signature", "status", "validity"):
        assert name in text
    assert "FAIL" not in text and "all checks passed" in text


def test_verify_a_file_and_fail_on_tampering(issue: Callable[..., License], tmp_path: Path) -> None:
    licence = issue()
    good = tmp_path / "licence.json"
    run("export", licence.identifier, "-o", str(good))
    assert json.loads(good.read_text()) == json.loads(json.dumps(offline_document(licence)))
    assert "all checks passed" in run("verify", str(good), "--today", TODAY.isoformat())
    # a tampered file: the failing check is printed and the command exits non-zero
    document = json.loads(good.read_text())
    document["licence"]["surface"]["登记日期"] = "2018-01-01"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(document, ensure_ascii=False))
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("licence", "verify", str(bad), stdout=out)
    assert "surface_altered" in str(exc.value)
    assert "FAIL" in out.getvalue() and "digest" in out.getvalue()
    with pytest.raises(CommandError, match="bad_check_character"):
        call_command(
            "licence",
            "verify",
            licence.identifier[:-1] + ("A" if licence.identifier[-1] != "A" else "B"),
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="no such file"):
        call_command("licence", "verify", str(tmp_path / "missing.json"), stdout=StringIO())


def test_keys_command(civil: Any, police: Any, types: Any, key_dir: Path) -> None:
    assert "2 key(s) created" in run("keys")
    assert "0 key(s) created, 1 kept" in run("keys", "--department", "140524/civil_affairs")
    assert {p.stem for p in key_dir.glob("*.json")} == set(
        SigningKey.objects.values_list("key_id", flat=True)
    )
    with pytest.raises(CommandError, match="no department"):
        run("keys", "--department", "140524/nowhere")


def test_remind_and_expire_commands(issue: Callable[..., License], settings: Any, tmp_path: Path) -> None:
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "n.jsonl"
    issue(valid_to=date(2026, 12, 1))
    assert "0 licence(s) marked expired" in run("expire", "--today", "2026-11-20")
    assert "1 renewal reminder(s) sent" in run("remind", "--today", "2026-11-20")
    assert "1 licence(s) marked expired" in run("expire", "--today", "2026-12-02")


@pytest.fixture
def catalogue(db: Any) -> None:
    """The shipped licence types and region 140524's departments, read from the packs (reading whole packs is slow)."""
    common = yaml.safe_load((PACKS_DIR / "common" / "licence_types.yaml").read_text(encoding="utf-8"))
    for code, lt in common["licence_types"].items():
        LicenceTypeFactory(
            code=code,
            name=lt["name"],
            name_en=lt["en"],
            issuer_kind=lt["issuer_kind"],
            type_code=lt["type_code"],
        )
    pack = yaml.safe_load((PACKS_DIR / "regions" / "140524" / "region.yaml").read_text(encoding="utf-8"))
    region = RegionFactory(code=pack["region"]["code"], name=pack["region"]["name"])
    for code, dept in pack["departments"].items():
        DepartmentFactory(region=region, code=code, name=dept["name"], kind=dept["kind"])


def test_seed_demo_licences(catalogue: None) -> None:
    first = seed_demo_licences()
    assert seed_demo_licences() == first  # seeding again issues nothing new
    assert {(lic.licence_type.code, lic.holder_id) for lic in first} == {
        ("id_card", MOTHER_ID),
        ("id_card", FATHER_ID),
        ("household_register", FATHER_ID),
        ("marriage_certificate", MOTHER_ID),
        ("marriage_certificate", FATHER_ID),
    }
    assert all(licence_verify(identifier=lic.identifier).ok for lic in first)
    assert {lic.issuer.code for lic in first} == {"public_security", "civil_affairs"}
    marriage = licence_for_waiver(holder_id=MOTHER_ID, licence_type="marriage_certificate", today=TODAY)
    assert marriage is not None and marriage.surface["男方"]["身份证件号"] == FATHER_ID
    assert wallet(holder_id=MOTHER_ID).count() == 2
