"""Loading a provider's file into the local tables (数据直达基层): checked first, all or nothing."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.support.catalogue import load_newborn
from yijianshi.core.identifiers import make_resident_id
from yijianshi.datahub.models import SourceLink, SourceRecord

pytestmark = pytest.mark.django_db

MOTHER = make_resident_id("140524", date(1990, 2, 3), 124)
CHILD_CERT = "Q140000123"


@pytest.fixture
def sources(db):
    load_newborn()


def test_a_jsonl_file_is_loaded_and_loading_it_again_updates(sources, tmp_path):
    path = tmp_path / "birth.jsonl"
    record = {
        "subject_id": CHILD_CERT,
        "effective_date": "2026-09-01",
        "links": {"mother": MOTHER},
        "data": {"child.birth_date": "2026-09-01", "mother.id_number": MOTHER, "child.gender": "男"},
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n\n", encoding="utf-8")
    out = io.StringIO()
    call_command("datahub", "load", "birth", str(path), stdout=out)
    assert "1 new" in out.getvalue()
    stored = SourceRecord.objects.get(source__code="birth", subject_id=CHILD_CERT)
    assert stored.data["child.gender"] == "男" and stored.batch == "file:birth.jsonl"
    assert stored.effective_date == date(2026, 9, 1)
    assert SourceLink.objects.get(record=stored).party_id == MOTHER
    record["data"]["child.gender"] = "女"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    call_command("datahub", "load", "birth", str(path), stdout=io.StringIO())
    assert SourceRecord.objects.get(source__code="birth", subject_id=CHILD_CERT).data["child.gender"] == "女"
    assert SourceLink.objects.count() == 1


def test_a_csv_file_is_loaded(sources, tmp_path):
    path = tmp_path / "population.csv"
    path.write_text(
        f"subject_id,person.name,person.id_number,person.gender\n{MOTHER},陈静,{MOTHER},女\n",
        encoding="utf-8",
    )
    call_command("datahub", "load", "population", str(path), "--replace", stdout=io.StringIO())
    assert SourceRecord.objects.get(source__code="population").data == {
        "person.name": "陈静",
        "person.id_number": MOTHER,
        "person.gender": "女",
    }


def test_a_file_with_errors_loads_nothing_and_names_every_problem(sources, tmp_path):
    wrong = MOTHER[:-1] + ("0" if MOTHER[-1] != "0" else "1")
    path = tmp_path / "population.jsonl"
    lines = [
        {"subject_id": MOTHER, "data": {"person.name": "陈静"}},
        {"subject_id": wrong, "data": {"person.id_number": wrong}},
        {"subject_id": "x", "data": {"person.shoe_size": 42}},
        {"subject_id": MOTHER, "data": {"person.name": "again"}, "effective_date": "yesterday"},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("datahub", "load", "population", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "record 2" in text and "check digit" in text and wrong not in text
    assert "record 3" in text and "person.shoe_size" in text
    assert "record 4" in text and "YYYY-MM-DD" in text and "twice" in text
    assert not SourceRecord.objects.exists()


def test_an_unknown_source_or_a_missing_file(sources, tmp_path):
    with pytest.raises(CommandError):
        call_command("datahub", "load", "population", str(tmp_path / "none.jsonl"))
    path = tmp_path / "x.jsonl"
    path.write_text('{"subject_id": "a", "data": {"person.name": "x"}}', encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("datahub", "load", "horoscopes", str(path), stderr=io.StringIO())
