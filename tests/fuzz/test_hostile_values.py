"""Hostile values through the real HTTP API (issue 6, point 5; docs/adr/0007-hostile-input-limits.md).

Schemathesis (test_schemathesis.py) throws random requests at every operation; this module sends chosen hostile
*values* — very long strings, odd Unicode, wrong identity numbers, impossible dates, wrong types — to the places
that take them: the newborn bundle's form (140524-09) and its situation answers, the Idempotency-Key header, a
deficiency notice's problems at intake, a withdrawal reason, a data objection, the measured figures' dates. Each
must be answered with a 4xx carrying the structured bilingual body (`structured()`), naming the offending field,
and must write nothing. Values that only look odd but are legal (a Uyghur name with a middle dot, a long address)
must be accepted, so that the tests fail when validation is too strict as well as too lax.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.support.api import structured
from tests.support.files import pdf_bytes, stored_files
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application, CaseEvent, Document
from yijianshi.cases.samples import sample_form
from yijianshi.core import clock
from yijianshi.core.identifiers import make_resident_id
from yijianshi.datahub.models import Objection
from yijianshi.integrations.models import OutboxMessage
from yijianshi.ledger.models import LedgerEntry
from yijianshi.uploads.models import Upload

pytestmark = pytest.mark.django_db

Clients = Callable[[str], APIClient]
BUNDLE = "140524-09"
LONG = (10_000, 1_000_000)
FATHER_ID = make_resident_id("140524", date(1990, 3, 15), 11)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(first17: str) -> str:
    """An identity number with the right check character (GB 11643, computed here, not by the code under test)."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def today() -> date:
    return clock.local(clock.now()).date()


def written() -> dict[str, int]:
    """How many rows of everything a refused request must not write."""
    return {
        m.__name__: m.objects.count()
        for m in (Application, CaseEvent, Document, LedgerEntry, Upload, Objection, OutboxMessage, User)
    }


def refused(
    response: Any, *, field: str | None, code: str | None = None, status: int = 400
) -> dict[str, Any]:
    """A 4xx (the one expected) with the structured bilingual body naming `field` (None: no field to name)."""
    assert response.status_code == status, (response.status_code, response.content[:600])
    body = json.loads(response.content)
    assert structured(body), body
    assert body.get("field") == field, body
    for message in (body["message"], *(e["message"] for e in body.get("errors", []))):  # bilingual, truly
        assert CJK.search(message["zh-hans"]) and not CJK.search(message["en"]), message
    if code is not None:
        assert code in {body["code"], *(e["code"] for e in body.get("errors", []))}, body
    return body


def raw_json(client: APIClient, url: str, payload: Any, **headers: Any) -> Any:
    """POST `payload` as JSON text with \\u escapes (ensure_ascii), so a lone surrogate goes over the wire as
    the six characters of its escape, as a hostile client would send it."""
    return client.generic(
        "POST", url, json.dumps(payload).encode(), content_type="application/json", **headers
    )


class Newborn:
    """The newborn bundle's guide as the mother sees it, and submissions made from it."""

    def __init__(self, client: APIClient) -> None:
        self.client = client
        self.guide = client.get(f"/api/bundles/{BUNDLE}/").json()
        self.needed = [m["code"] for m in self.guide["materials"] if m["required"] and not m["waiver"]]

    def body(self, **changes: Any) -> dict[str, Any]:
        form = sample_form(
            self.guide["form"],
            overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳", "father.id_number": FATHER_ID},
        )
        return {"bundle": BUNDLE, "form": form, "materials": self.needed, **changes}

    def answering(self, answers: dict[str, str], **values: Any) -> dict[str, Any]:
        """A body for other answers to the situations (the form and materials of that guide)."""
        g = self.client.get(f"/api/bundles/{BUNDLE}/", answers).json()
        overrides = {"mother.id_number": MOTHER_ID, "mother.name": "王芳", "father.id_number": FATHER_ID}
        form = sample_form(g["form"], overrides={**overrides, **values})
        needed = [m["code"] for m in g["materials"] if m["required"] and not m["waiver"]]
        return {"bundle": BUNDLE, "form": form, "answers": answers, "materials": needed}

    def with_form(self, **values: Any) -> dict[str, Any]:
        body = self.body()
        body["form"].update(values)
        return body

    def submit(self, body: dict[str, Any], **headers: Any) -> Any:
        return self.client.post("/api/applications/", body, format="json", **headers)


@pytest.fixture
def mother(newborn: None, as_user: Clients) -> Newborn:
    return Newborn(as_user("mother"))


def form_value(number: str, key: str) -> Any:
    return Application.objects.get(number=number).form_data[key]


# ---------------------------------------------------------------------------------------------- long strings


def test_very_long_strings_in_the_form_and_the_answers_are_refused(mother: Newborn) -> None:
    before = written()
    for n in LONG:
        for key in (
            "child.name",
            "child.birth_place",
            "ssc.service_bank",
            "mother.phone",
            "father.id_number",
        ):
            refused(mother.submit(mother.with_form(**{key: "1" * n})), field=f"form.{key}")
        refused(
            mother.submit(mother.body(answers={"under_one": "y" * n})),
            field="answers.under_one",
            code="max_length",
        )
        # an unknown name is echoed cut to 100 characters: a refusal is never larger than what it refuses
        unknown = mother.submit(mother.body(answers={"u" * n: "yes"}))
        refused(unknown, field=f"situations.{'u' * 99}…")
        stranger = mother.submit(mother.with_form(**{"x" * n: "1"}))
        refused(stranger, field=f"form.{'x' * 99}…")
        assert len(unknown.content) < 2000 and len(stranger.content) < 5000
        refused(mother.submit(mother.body(bundle="1" * n)), field="bundle", code="max_length")
    # DRF words its messages in the user's language; the other side is given the message for the code
    zh = refused(mother.submit(mother.body(answers={"under_one": "y" * 61})), field="answers.under_one")[
        "errors"
    ][0]
    mother.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = refused(mother.submit(mother.body(answers={"under_one": "y" * 61})), field="answers.under_one")[
        "errors"
    ][0]
    assert zh["message"]["en"] == "Too long (at most 60)" and "60" in zh["message"]["zh-hans"]
    assert en["message"]["zh-hans"] == "内容过长（最多 60）" and "60" in en["message"]["en"]
    assert written() == before


def counter(applicant: Newborn) -> Newborn:
    """The same bundle's form, submitted by the county hall's clerk (the counter: channel window)."""
    clerk = APIClient()
    clerk.force_authenticate(User.objects.get(username="clerk"))
    at_counter = Newborn.__new__(Newborn)
    at_counter.__dict__.update(applicant.__dict__, client=clerk)
    return at_counter


def test_hostile_values_for_the_represented_party_are_refused(mother: Newborn) -> None:
    """Applying on someone's behalf: each value is bounded, typed and checked; nothing is cut short silently and
    no account is made for a refused party."""
    newcomer = make_resident_id("140524", date(1985, 7, 1), 21)
    behalf = {
        "name": "赵敏",
        "id_number": newcomer,
        "authorisation": "委托书编号 WT-001",
        "phone": "13900139000",
    }
    before = written()
    cases: list[tuple[dict[str, Any], str, str]] = []
    for n in LONG:
        cases += [
            ({"name": "z" * n}, "on_behalf_of.name", "max_length"),
            ({"authorisation": "x" * n}, "on_behalf_of.authorisation", "max_length"),
            ({"phone": "1" * n}, "on_behalf_of.phone", "max_length"),
            ({"id_number": "1" * n}, "on_behalf_of.id_number", "max_length"),
        ]
    cases += [
        ({"party_type": ["person"]}, "on_behalf_of.party_type", "invalid_choice"),
        ({"party_type": "alien"}, "on_behalf_of.party_type", "invalid_choice"),
        ({"name": ["赵敏"]}, "on_behalf_of.name", "invalid"),
        ({"name": {"zh": "赵敏"}}, "on_behalf_of.name", "invalid"),
        ({"name": "赵\u202e敏"}, "on_behalf_of.name", "invalid_characters"),
        ({"phone": "call me"}, "on_behalf_of.phone", "invalid_phone"),
        (
            {"id_number": newcomer[:-1] + ("1" if newcomer[-1] != "1" else "2")},
            "on_behalf_of.id_number",
            "id_number_bad_check_digit",
        ),
    ]
    for change, field, code in cases:
        refused(mother.submit(mother.body(on_behalf_of={**behalf, **change})), field=field, code=code)
    assert mother.submit(mother.body(on_behalf_of="赵敏")).status_code == 400
    assert written() == before
    # a made-up authorisation grants nothing (issue 17): the applicant needs a mandate; at the counter the
    # clerk applies for the walk-in they verified, and their note is kept
    refused(
        mother.submit(mother.body(on_behalf_of=behalf)),
        field="on_behalf_of",
        code="mandate_required",
        status=403,
    )
    assert written() == before
    created = counter(mother).submit(mother.body(on_behalf_of=behalf))
    assert created.status_code == 201, created.content
    assert Application.objects.get(number=created.json()["number"]).authorisation == {
        "text": behalf["authorisation"]
    }


def test_a_body_past_the_size_limit_is_a_structured_413(mother: Newborn) -> None:
    before = written()
    body = mother.with_form(**{"child.birth_place": "路" * 1_000_000})  # 3 MB of UTF-8, past Django's 2.5 MB
    raw = json.dumps(body, ensure_ascii=False).encode()
    response = mother.client.generic("POST", "/api/applications/", raw, content_type="application/json")
    refused(response, field=None, code="request_too_large", status=413)
    assert written() == before


def test_idempotency_keys_too_long_or_not_plain_ascii_are_refused(mother: Newborn) -> None:
    before = written()
    for key in (
        "k" * 10_000,
        "k" * 1_000_000,
        "",
        " ",
        "k\u202e1",
        "键-1",
        "k 1",
        "k\t1",
        "ｋ-1",
        "k\u200d1",
    ):
        refused(
            mother.submit(mother.body(), HTTP_IDEMPOTENCY_KEY=key),
            field="Idempotency-Key",
            code="invalid_idempotency_key",
        )
    assert written() == before
    for key in (
        "k" * 100,
        "counter-20261206-9f3a",
        "b6a1c1e2-0f4e-4a51-9d1e-2c3b4a5d6e7f",
        "A~z!#$%&'*+.^_`|",
    ):
        assert mother.submit(mother.body(), HTTP_IDEMPOTENCY_KEY=key).status_code == 201, key


def test_long_or_mistyped_problems_at_intake_and_withdrawal_reasons_are_refused(
    mother: Newborn, as_user: Clients
) -> None:
    number = mother.submit(mother.body()).json()["number"]
    clerk, url, before = as_user("clerk"), f"/api/applications/{number}/", written()
    for n in LONG:
        refused(
            clerk.post(url + "intake/", {"problems": ["字迹不清", "x" * n]}, format="json"),
            field="problems.1",
            code="max_length",
        )
        refused(
            mother.client.post(url + "withdraw/", {"reason": "x" * n}, format="json"),
            field="reason",
            code="max_length",
        )
    refused(
        clerk.post(url + "intake/", {"problems": ["x"] * 101}, format="json"),
        field="problems",
        code="max_length",
    )
    for problems, field, code in (
        ("字迹不清", "problems", "not_a_list"),
        ([{"a": 1}], "problems.0", "invalid"),
        ([None], "problems.0", "null"),
        ([["字迹不清"]], "problems.0", "invalid"),
    ):
        refused(clerk.post(url + "intake/", {"problems": problems}, format="json"), field=field, code=code)
    for reason, code in ((["不办了"], "invalid"), ({"zh": "不办了"}, "invalid"), (None, "null")):
        refused(
            mother.client.post(url + "withdraw/", {"reason": reason}, format="json"),
            field="reason",
            code=code,
        )
    assert written() == before and Application.objects.get(number=number).status == "submitted"
    # the limits themselves are accepted: 300 characters a problem, 500 a reason
    assert (
        clerk.post(url + "intake/", {"problems": ["字" * 300]}, format="json").json()["status"] == "deficient"
    )
    assert (
        mother.client.post(url + "withdraw/", {"reason": "不" * 500}, format="json").json()["status"]
        == "withdrawn"
    )


def test_hostile_objections_are_refused_before_any_read(mother: Newborn, as_user: Clients) -> None:
    """数据异议 on the party file: the reason and the claimed value are bounded and checked before the source is read
    (each read is in the access ledger) or anything stored; the provider's corrected value likewise."""
    url, before = "/api/objections/", written()
    claim = {
        "source": "household",
        "key": "person.residence_address",
        "claimed_value": "山西省晋城市陵川县崇文镇",
        "reason": "已搬家",
    }
    cases: list[tuple[dict[str, Any], str, str]] = []
    for n in LONG:
        cases += [
            ({"reason": "x" * n}, "reason", "max_length"),
            ({"claimed_value": "x" * n}, "claimed_value", "objection_value_too_long"),
        ]
    cases += [
        ({"claimed_value": ["山西", "陵川"]}, "claimed_value", "objection_value_invalid"),
        ({"claimed_value": {"city": "陵川"}}, "claimed_value", "objection_value_invalid"),
        ({"claimed_value": "陵川\u202e县"}, "claimed_value", "invalid_characters"),
        ({"claimed_value": "陵川\u0000县"}, "claimed_value", "invalid_characters"),
        ({"claimed_value": None}, "claimed_value", "null"),
        ({"claimed_value": " "}, "claimed_value", "objection_claimed_value_required"),
        ({"reason": ["已搬家"]}, "reason", "invalid"),
        ({"reason": None}, "reason", "null"),
        ({"key": "k" * 10_000}, "key", "max_length"),
    ]
    for change, field, code in cases:
        refused(mother.client.post(url, {**claim, **change}, format="json"), field=field, code=code)
    refused(
        mother.client.generic(
            "POST",
            url,
            json.dumps(claim, ensure_ascii=False).replace('"山西省晋城市陵川县崇文镇"', "1e999").encode(),
            content_type="application/json",
        ),
        field="claimed_value",
        code="invalid_number",
    )
    assert written() == before
    # the provider department corrects with a value of its own: the same bounds
    raised = mother.client.post(url, claim, format="json")
    assert raised.status_code == 201, raised.content
    police, resolve = as_user("officer_police"), f"{url}{raised.json()['id']}/resolve/"
    before = written()
    for value, code in (
        ("x" * 10_000, "objection_value_too_long"),
        ([1, 2], "objection_value_invalid"),
        ("陵川\u202e县", "invalid_characters"),
    ):
        refused(
            police.post(resolve, {"outcome": "corrected", "corrected_value": value}, format="json"),
            field="corrected_value",
            code=code,
        )
    refused(
        police.post(resolve, {"outcome": "corrected", "note": "x" * 10_000}, format="json"),
        field="note",
        code="max_length",
    )
    assert written() == before and Objection.objects.get().status == "open"


# ---------------------------------------------------------------------------------------------- odd Unicode


def test_odd_unicode_in_the_form(mother: Newborn) -> None:
    before = written()
    # NUL; other controls (escape, DEL, C1); the bidi overrides, embeddings and isolates that make a name show
    # other than it is stored
    for value in (
        "李\u0000宝",
        "李\x1b[31m宝",
        "李\x7f宝",
        "李\x85宝",
        "李\u202e宝贝",
        "\u202d李宝",
        "\u202b李宝\u202c",
        "李\u2066宝\u2069",
        "李\u2067宝",
    ):
        refused(
            mother.submit(mother.with_form(**{"child.name": value})),
            field="form.child.name",
            code="invalid_characters",
        )
        refused(
            mother.submit(mother.with_form(**{"child.birth_place": f"陵川县{value}"})),
            field="form.child.birth_place",
            code="invalid_characters",
        )
    assert written() == before
    # printable, if odd: joiners, emoji, combining marks, a middle dot — kept as typed
    for value in (
        "李\u200d宝",
        "李\u200c宝",
        "李宝👶",
        "👨\u200d👩\u200d👧",
        "Li\u0301\u0323 Bao",
        "阿依古丽·买买提",
        "ئايگۈل مەمەت",
        "\u200f李宝",
    ):
        created = mother.submit(mother.with_form(**{"child.name": value}))
        assert created.status_code == 201, (value, created.content)
        assert form_value(created.json()["number"], "child.name") == value


def test_lone_surrogates_and_nul_anywhere_in_a_json_body_are_refused_naming_the_field(
    mother: Newborn, as_user: Clients
) -> None:
    """Neither can be stored: PostgreSQL's text and jsonb refuse U+0000, UTF-8 cannot encode a lone surrogate."""
    number = mother.submit(mother.body()).json()["number"]
    clerk, before = as_user("clerk"), written()
    behalf = {"name": "李强", "id_number": FATHER_ID, "authorisation": "委托书"}
    for bad in ("\ud800", "x\udfff", "\u0000", "李\u0000"):
        shown = bad.replace("\u0000", "\ufffd").replace("\ud800", "\ufffd").replace("\udfff", "\ufffd")
        for body, field in (
            (mother.with_form(**{"child.name": bad}), "form.child.name"),
            (mother.body(form={**mother.body()["form"], bad: "x"}), f"form.{shown}"),
            (mother.body(answers={"under_one": bad}), "answers.under_one"),
            (mother.body(answers={bad: "yes"}), f"answers.{shown}"),
            (mother.body(on_behalf_of={**behalf, "name": bad}), "on_behalf_of.name"),
            (mother.body(on_behalf_of={**behalf, "phone": bad}), "on_behalf_of.phone"),
            (mother.body(materials=[mother.needed[0], bad]), "materials.1"),
            ({bad: 1, **mother.body()}, shown),
        ):
            refused(
                raw_json(mother.client, "/api/applications/", body), field=field, code="invalid_characters"
            )
        refused(
            raw_json(clerk, f"/api/applications/{number}/intake/", {"problems": ["ok", bad]}),
            field="problems.1",
            code="invalid_characters",
        )
        refused(
            raw_json(mother.client, f"/api/applications/{number}/withdraw/", {"reason": bad}),
            field="reason",
            code="invalid_characters",
        )
        refused(
            raw_json(
                mother.client,
                "/api/objections/",
                {
                    "source": "household",
                    "key": "person.residence_address",
                    "claimed_value": bad,
                    "reason": "搬家",
                },
            ),
            field="claimed_value",
            code="invalid_characters",
        )
    assert written() == before and Application.objects.get(number=number).status == "submitted"


def test_nul_in_a_path_a_query_or_a_header_is_refused_before_any_lookup(
    mother: Newborn, as_user: Clients
) -> None:
    """PostgreSQL refuses NUL in any text it is asked to compare, so a lookup by such a value would be a 500."""
    number = mother.submit(mother.body()).json()["number"]
    clerk, before = as_user("clerk"), written()
    for url in (
        "/api/applications/%00/",
        f"/api/applications/{number}%00/",
        "/api/bundles/140524-09%00/",
        "/api/documents/%00.pdf",
    ):
        refused(mother.client.get(url), field=None, code="not_found", status=404)
        refused(mother.client.post(url, {}, format="json"), field=None, code="not_found", status=404)
    for url, field in (
        ("/api/applications/?status=%00", "status"),
        ("/api/objections/?application=x%00", "application"),
        ("/api/item-cases/?status=%00", "status"),
        ("/api/bundles/140524-09/?under_one=%00", "under_one"),
        ("/api/intake-queue/?x%00=1", "x\ufffd"),
    ):
        refused(clerk.get(url), field=field, code="invalid_characters")
    anonymous = APIClient()
    refused(
        anonymous.get("/api/applications/", HTTP_AUTHORIZATION="Token abc\x00def"),
        field="Authorization",
        code="invalid_characters",
    )
    refused(
        anonymous.get("/api/bundles/", HTTP_COOKIE="sessionid=abc\x00def"),
        field="Cookie",
        code="invalid_characters",
    )
    refused(
        mother.submit(mother.body(), HTTP_IDEMPOTENCY_KEY="k\x00"),
        field="Idempotency-Key",
        code="invalid_characters",
    )
    assert written() == before


def test_json_nested_past_any_use_is_refused(mother: Newborn) -> None:
    before = written()
    for depth in (40, 100_000):
        deep = "[" * depth + "]" * depth
        text = json.dumps(mother.body()).replace('"materials": [', f'"materials": [{deep}, ', 1)
        response = mother.client.generic(
            "POST", "/api/applications/", text.encode(), content_type="application/json"
        )
        assert response.status_code == 400 and structured(json.loads(response.content)), response.content[
            :300
        ]
    assert written() == before


def test_values_of_the_wrong_type_are_refused_naming_the_field(mother: Newborn) -> None:
    before = written()
    wrong: list[tuple[str, Any, str]] = [
        ("child.name", 12345, "invalid_text"),
        ("child.name", ["李宝"], "invalid_text"),
        ("child.name", {"zh": "李宝"}, "invalid_text"),
        ("child.name", True, "invalid_text"),
        ("child.name", None, "required"),
        ("child.birth_date", 20261101, "invalid_text"),
        ("father.id_number", 140524199003150011, "invalid_text"),
        ("child.birth_weight_g", "heavy", "invalid_number"),
        ("child.birth_weight_g", [3000], "invalid_number"),
        ("child.birth_weight_g", {"g": 3000}, "invalid_number"),
        ("child.birth_weight_g", True, "invalid_number"),
        ("child.birth_weight_g", "1e999", "invalid_number"),
        ("child.birth_weight_g", 1e308, "too_large"),
        ("child.birth_weight_g", "NaN", "invalid_number"),
        ("child.birth_weight_g", 10**400, "too_large"),
        ("child.birth_weight_g", -(10**400), "too_small"),
    ]
    for key, value, code in wrong:
        refused(mother.submit(mother.with_form(**{key: value})), field=f"form.{key}", code=code)
    for body, field in (
        ({"form": ["x"]}, "form"),
        ({"form": None}, "form"),
        ({"form": "x"}, "form"),
        ({"answers": ["yes"]}, "answers"),
        ({"answers": {"under_one": None}}, "answers.under_one"),
        ({"answers": {"under_one": ["yes"]}}, "answers.under_one"),
        ({"materials": "x"}, "materials"),
        ({"materials": [{"a": 1}]}, "materials.0"),
        ({"bundle": None}, "bundle"),
        ({"bundle": ["140524-09"]}, "bundle"),
    ):
        refused(mother.submit(mother.body(**body)), field=field)
    assert written() == before


def test_hostile_values_beside_an_upload_are_refused_and_nothing_is_stored(
    mother: Newborn, media: Path
) -> None:
    """The fields of an upload other than its file (hostile files and names: tests/uploads)."""
    before = written()
    for change, field, code in (
        ({"material": "m" * 10_000}, "material", "max_length"),
        ({"material": "m" * 1_000_000}, "material", "max_length"),
        ({"bundle": "b" * 10_000}, "bundle", "max_length"),
        ({"material": "child.photo\x00"}, "material", "invalid_characters"),
        ({"application": "YJS\x00"}, "application", "invalid_characters"),
        ({"channel": "窗口\u202e"}, "channel", "invalid_choice"),
    ):
        upload = SimpleUploadedFile("scan.pdf", pdf_bytes(1), content_type="application/pdf")
        body = {"bundle": BUNDLE, "material": "birth.power_of_attorney", "file": upload, **change}
        refused(mother.client.post("/api/uploads/", body, format="multipart"), field=field, code=code)
    assert written() == before and stored_files(media) == []


# ---------------------------------------------------------------------------------------------- identifiers


def test_bad_resident_identity_numbers_are_refused(mother: Newborn) -> None:
    good = with_check("14052419900315001")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = [
        (wrong_check, "id_number_bad_check_digit"),
        (with_check("99999919900315001"), "id_number_bad_component"),  # no such area code
        (with_check("14052419900230001"), "id_number_bad_component"),  # 30 February
        (with_check("14052419901301001"), "id_number_bad_component"),  # month 13
        (with_check(f"140524{today() + timedelta(days=1):%Y%m%d}001"), "id_number_bad_component"),  # tomorrow
        (with_check("14052429990101001"), "id_number_bad_component"),  # born in 2999
        (with_check("14052418000101001"), "id_number_bad_component"),  # before the county had its code
        (good[:17], "id_number_bad_length"),
        (good + "1", "id_number_bad_length"),
        ("", "required"),
        (good[:10] + "A" + good[11:], "id_number_bad_format"),
        (good[:6] + " " + good[6:17], "id_number_bad_format"),
    ]
    before = written()
    for value, code in cases:
        body = refused(
            mother.submit(mother.with_form(**{"father.id_number": value})),
            field="form.father.id_number",
            code=code,
        )
        if len(value) > 5:
            assert value not in json.dumps(body, ensure_ascii=False)  # the number is masked in the answer
    assert written() == before


def test_a_lower_case_check_character_and_full_width_digits_are_accepted_and_normalised(
    mother: Newborn,
) -> None:
    with_x = next(n for n in (with_check(f"140524199003150{i:02d}") for i in range(100)) if n.endswith("X"))
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in FATHER_ID)
    born_today = with_check(f"140524{today():%Y%m%d}002")
    for typed, stored in (
        (with_x.lower(), with_x),
        (full_width, FATHER_ID),
        (f"  {FATHER_ID} ", FATHER_ID),
        (born_today, born_today),
    ):
        created = mother.submit(mother.with_form(**{"father.id_number": typed}))
        assert created.status_code == 201, (typed, created.content)
        assert form_value(created.json()["number"], "father.id_number") == stored
    behalf = {
        "party_type": "enterprise",
        "uscc": "91110000600037341l",
        "name": "示例企业",
        "authorisation": "委托书",
    }
    created = counter(mother).submit(mother.body(on_behalf_of=behalf))  # at the counter: no mandate needed
    assert created.status_code == 201, created.content
    assert Application.objects.get(number=created.json()["number"]).party_id == "91110000600037341L"


def test_bad_credit_codes_of_a_represented_enterprise_are_refused(mother: Newborn) -> None:
    good = "91110000600037341L"
    before = written()
    for value, code in (
        (good[:-1] + "M", "uscc_bad_check_digit"),
        (good[:17], "uscc_bad_length"),
        ("", "uscc_bad_length"),
    ):
        behalf = {"party_type": "enterprise", "uscc": value, "name": "示例企业", "authorisation": "委托书"}
        refused(mother.submit(mother.body(on_behalf_of=behalf)), field="on_behalf_of.uscc", code=code)
    assert written() == before


# ---------------------------------------------------------------------------------------------- dates


def test_impossible_dates_in_the_form_are_refused(mother: Newborn) -> None:
    before = written()
    for value, code in (
        ("2999-01-01", "date_out_of_range"),
        ("1800-01-01", "date_out_of_range"),
        ("0000-00-00", "invalid_date"),
        ("2026-02-30", "invalid_date"),
        ("tomorrow", "invalid_date"),
        ("2026-13-01", "invalid_date"),
        ("01/11/2026", "invalid_date"),
        ("２０２６-１１-０１", "invalid_date"),
        ("2026-11-01T00:00:00", "invalid_date"),
        (f"{today() + timedelta(days=1)}", "date_too_late"),
        ("2100-12-31", "date_too_late"),
    ):
        refused(
            mother.submit(mother.with_form(**{"child.birth_date": value})),
            field="form.child.birth_date",
            code=code,
        )
    created = mother.submit(mother.with_form(**{"child.birth_date": f"{today()}"}))  # born today: possible
    assert created.status_code == 201, created.content
    # 1900 passes the field's own bounds; the bundle's checks before submission then name the same field: the
    # mother (by her identity number) was not yet born
    older = mother.answering({"under_one": "no"}, **{"child.birth_date": "1900-01-01"})
    refused(mother.submit(older), field="form.child.birth_date", code="age_below_minimum")
    before = written()
    for value, code in ((2999, "too_large"), (1800, "too_small")):
        refused(
            mother.submit(mother.with_form(**{"medical_enrolment.contribution_year": value})),
            field="form.medical_enrolment.contribution_year",
            code=code,
        )
    assert written() == before


def test_impossible_dates_for_the_measured_figures_are_refused(newborn: None, as_user: Clients) -> None:
    clerk, url = as_user("clerk"), "/api/figures/applications/"
    for query, field, code in (
        ("since=2999-01-01", "since", "date_out_of_range"),
        ("until=1800-01-01", "until", "date_out_of_range"),
        ("since=0001-01-01", "since", "date_out_of_range"),
        ("until=9999-12-31", "until", "date_out_of_range"),
        ("since=0000-00-00", "since", "invalid"),
        ("until=2026-02-30", "until", "invalid"),
        ("since=tomorrow", "since", "invalid"),
        ("since=2026-12-01&until=2026-01-01", "until", "until_before_since"),
    ):
        refused(clerk.get(f"{url}?{query}"), field=field, code=code)
    assert clerk.get(f"{url}?since=1900-01-01&until=2100-12-31").status_code == 200


def test_impossible_dates_in_an_offline_licence_are_answered_not_valid(newborn: None) -> None:
    """Verifying an offline licence never raises on what the document says: odd dates make it not valid (200)."""
    fields = {
        "identifier": "x",
        "type": "t",
        "type_name": "n",
        "holder": "h",
        "holder_id_type": "111",
        "holder_id": "1",
        "issuer": "i",
        "issuer_name": "n",
        "issue_date": "2026-01-01",
        "valid_from": "2026-01-01",
        "valid_to": None,
        "surface": {},
        "version": 1,
    }
    for key in ("issue_date", "valid_from", "valid_to"):
        for value in (
            "2999-01-01",
            "1800-01-01",
            "0000-00-00",
            "2026-02-30",
            "tomorrow",
            "9999-12-31",
            "0001-01-01",
            20260101,
            ["2026-01-01"],
        ):
            document = {
                "licence": {**fields, key: value},
                "digest": "0" * 64,
                "signature": "00",
                "key_id": "k",
            }
            answer = APIClient().post("/api/licences/verify/", document, format="json")
            assert answer.status_code == 200 and answer.json()["ok"] is False, (
                key,
                value,
                answer.content[:300],
            )
    cache.clear()  # the anonymous verification throttle's counters


# ---------------------------------------------------------------------------------------------- legal values


def test_legal_values_that_look_odd_are_accepted(mother: Newborn) -> None:
    address = ("新疆维吾尔自治区喀什地区喀什市解放北路" + "幸福家园" * 50)[
        :193
    ] + "1号楼501室"  # 200, the limit
    created = mother.submit(
        mother.with_form(
            **{
                "child.name": "阿依古丽·买买提",
                "mother.name": "王芳",
                "child.birth_place": address,
                "child.household_address": address,
                "household.head_name": "欧阳" + "娜" * 48,
                "child.birth_weight_g": "3250",
                "child.ethnicity": "维吾尔族",
            }
        )
    )
    assert created.status_code == 201, created.content
    leap_day = mother.submit(mother.answering({"under_one": "no"}, **{"child.birth_date": "2024-02-29"}))
    assert leap_day.status_code == 201, leap_day.content  # a leap-day child, more than a year old
    number = created.json()["number"]
    assert len(address) == 200 and form_value(number, "child.birth_place") == address
    assert form_value(number, "child.name") == "阿依古丽·买买提"
    assert form_value(number, "child.birth_weight_g") == 3250
