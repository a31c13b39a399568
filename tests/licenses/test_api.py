"""The licence API and the public verification page: who sees which licence, verification by anyone, revocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.catalog.models import Department
from yijianshi.core.identifiers import mask
from yijianshi.licenses.identifiers import licence_identifier
from yijianshi.licenses.models import LicenceStatus, License
from yijianshi.licenses.services import licence_issue, offline_document

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.licenses.urls")]

API = "/api/licences/"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    cache.clear()


@pytest.fixture
def family(issue: Callable[..., License], police: Department, users: dict[str, Any]) -> dict[str, License]:
    card = licence_issue(
        licence_type="id_card",
        holder_name="李强",
        holder_id=FATHER_ID,
        holder_id_type="111",
        issuer=police,
        surface={"姓名": "李强"},
        valid_from=issue().valid_from,
        valid_to=None,
        actor=None,
    )
    return {"mother_marriage": License.objects.get(holder_id=MOTHER_ID), "father_card": card}


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["identifier"] for row in response.json()["results"]}


def test_wallet_shows_own_licences_only(
    family: dict[str, License], client_for: Callable[[str], APIClient]
) -> None:
    mine, theirs = family["mother_marriage"], family["father_card"]
    assert ids(client_for("mother").get(API)) == {mine.identifier}
    assert ids(client_for("father").get(API)) == {theirs.identifier}
    # another applicant's licence is not found (404), neither as detail nor QR code nor by filtering
    mother = client_for("mother")
    assert mother.get(f"{API}{theirs.pk}/").status_code == 404
    assert mother.get(f"{API}{theirs.pk}/qr.svg").status_code == 404
    assert ids(mother.get(API, {"holder_id": FATHER_ID})) == set()
    # staff by role
    assert (
        ids(client_for("admin").get(API))
        == ids(client_for("auditor").get(API))
        == {mine.identifier, theirs.identifier}
    )
    assert ids(client_for("officer_civil").get(API)) == {mine.identifier}
    assert ids(client_for("officer_police").get(API)) == {theirs.identifier}
    assert APIClient().get(API).status_code in (401, 403)


def test_list_masks_and_detail_carries_the_offline_document(
    family: dict[str, License], client_for: Callable[[str], APIClient]
) -> None:
    mine = family["mother_marriage"]
    mother = client_for("mother")
    [row] = mother.get(API).json()["results"]
    assert (
        row["holder_id"] == mask(MOTHER_ID)
        and row["valid_today"] is True
        and row["type"] == "marriage_certificate"
    )
    detail = mother.get(f"{API}{mine.pk}/").json()
    assert detail["document"] == offline_document(mine)
    svg = mother.get(f"{API}{mine.pk}/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = mother.get(f"{API}{mine.pk}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_anyone_can_verify_by_the_code_and_not_by_the_identifier(family: dict[str, License]) -> None:
    mine = family["mother_marriage"]
    anon = APIClient()
    body = anon.get(f"{API}verify/{mine.verification_code}").json()
    assert body["ok"] is True and body["problems"] == [] and body["identifier"] == mine.identifier
    assert body["licence"]["holder_id"] == mask(MOTHER_ID) and body["licence"]["holder_name"] == "王*"
    assert "surface" not in body["licence"]
    # the sequential identifier, a guessed code and a malformed one all get the one same answer
    guessed = "A" * len(mine.verification_code)
    answers = [
        anon.get(f"{API}verify/{wrong}/").json()
        for wrong in (mine.identifier, guessed, mine.verification_code[:-1], "1")
    ]
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["ok"] is False and answers[0]["licence"] is None and answers[0]["identifier"] == ""
    assert [p["code"] for p in answers[0]["problems"]] == ["unknown_code"]
    assert anon.post(f"{API}verify/", {"code": mine.identifier}, format="json").json() == answers[0]
    assert anon.post(f"{API}verify/", {"code": mine.verification_code}, format="json").json()["ok"] is True
    # the offline document, as the QR code carries it, or wrapped
    document = offline_document(mine)
    assert anon.post(f"{API}verify/", document, format="json").json()["ok"] is True
    document["licence"]["holder"] = "王芬"
    body = anon.post(f"{API}verify/", {"document": document}, format="json").json()
    assert "surface_altered" in [p["code"] for p in body["problems"]]
    empty = anon.post(f"{API}verify/", {}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "verify_nothing"


def test_a_forged_document_learns_nothing_of_the_registry(family: dict[str, License]) -> None:
    """A document not signed by the issuer cannot be used to ask whether an identifier was issued."""
    mine = family["mother_marriage"]
    anon = APIClient()
    forged = {**offline_document(mine), "signature": "00" * 64}
    never_issued = licence_identifier(
        type_code=mine.type_code, issuer_code=mine.issuer_code, serial=mine.serial + 99, version=1
    )
    unknown = {**forged, "licence": {**forged["licence"], "identifier": never_issued}}
    answers = [anon.post(f"{API}verify/", d, format="json").json() for d in (forged, unknown)]
    for body in answers:
        assert body["licence"] is None
        assert "signature_invalid" in [p["code"] for p in body["problems"]]
        assert not {"unknown_licence", "revoked", "superseded"} & {p["code"] for p in body["problems"]}
        assert "registry" not in [c["name"] for c in body["checks"]]


def test_revoke_permissions(family: dict[str, License], client_for: Callable[[str], APIClient]) -> None:
    mine = family["mother_marriage"]
    url = f"{API}{mine.pk}/revoke/"
    assert client_for("mother").post(url, {"reason": "x"}).status_code == 403  # sees it, may not revoke
    assert client_for("auditor").post(url, {"reason": "x"}).status_code == 403
    assert (
        client_for("officer_police").post(url, {"reason": "x"}).status_code == 404
    )  # not their department's
    assert client_for("officer_civil").post(url, {}).status_code == 400
    response = client_for("officer_civil").post(url, {"reason": "婚姻登记被撤销"})
    assert response.status_code == 200 and response.json()["status"] == LicenceStatus.REVOKED
    again = client_for("admin").post(url, {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "licence_not_revocable"
    body = APIClient().get(f"{API}verify/{mine.verification_code}").json()
    assert [p["code"] for p in body["problems"]] == ["revoked"]


def test_public_keys(family: dict[str, License]) -> None:
    rows = APIClient().get(f"{API}keys/").json()["results"]
    assert {r["key_id"] for r in rows} == {
        family["mother_marriage"].key.key_id,
        family["father_card"].key.key_id,
    }
    assert all(len(r["public_key"]) == 128 and len(r["issuer_code"]) == 18 for r in rows)


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def test_public_page_masks_the_holder(family: dict[str, License]) -> None:
    mine = family["mother_marriage"]
    page = Client().get(f"/licences/verify/{mine.verification_code}")
    text = page.content.decode()
    assert page.status_code == 200
    assert mask(MOTHER_ID) in text and MOTHER_ID not in text and "王芳" not in text and "王*" in text
    assert "核验通过" in text and "真实有效" in text and mine.issuer_name in text and mine.type_name in text
    assert mine.verification_code not in main_of(text)  # the page itself never repeats the code
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = english.get(f"/licences/verify/{mine.verification_code}").content.decode()
    assert "Verified" in text and "Each check" in text and "identity number" in text


def test_public_page_is_not_found_by_the_identifier_nor_a_guess(family: dict[str, License]) -> None:
    mine = family["mother_marriage"]
    guessed = mine.verification_code[::-1]
    pages = [
        Client().get(f"/licences/verify/{wrong}")
        for wrong in (mine.identifier, guessed, mine.verification_code.upper() + "x", "00000001")
    ]
    assert all(p.status_code == 404 for p in pages)
    bodies = {main_of(p.content.decode()) for p in pages}  # the site's frame links back to the address
    assert len(bodies) == 1  # one answer, whatever was asked: nothing to tell a number from a wrong code
    [body] = bodies
    assert "未找到该核验码对应的证照" in body and mine.issuer_name not in body and "王*" not in body
    # the form takes the code, or the whole link, and goes to the page
    form = Client().get(
        "/licences/verify/", {"code": f"https://x.example/licences/verify/{mine.verification_code}"}
    )
    assert form.status_code == 302 and form["Location"].endswith(f"/licences/verify/{mine.verification_code}")
    assert Client().get("/licences/verify/", {"code": mine.identifier}).status_code == 404


@pytest.mark.parametrize(
    ("change", "zh", "en"),
    [
        ("revoke", "该证照已注销，不再有效", "This licence was revoked"),
        ("supersede", "该证照已被新版本替代，不再有效", "replaced by a newer version"),
        ("expire", "该证照已过有效期，不再有效", "This licence has expired"),
    ],
)
def test_public_page_says_plainly_when_a_licence_is_no_longer_valid(
    family: dict[str, License], issue: Callable[..., License], change: str, zh: str, en: str
) -> None:
    from datetime import date

    from yijianshi.licenses.services import licence_revoke, licence_supersede

    mine = family["mother_marriage"]
    if change == "revoke":
        licence_revoke(licence=mine, reason="婚姻登记被撤销：私人原因", actor=None)
    elif change == "supersede":
        newer = licence_supersede(licence=mine, surface=dict(mine.surface), actor=None)
        assert newer.verification_code != mine.verification_code
    else:
        mine = issue(valid_from=date(2010, 1, 1), valid_to=date(2020, 1, 1))
    page = Client().get(f"/licences/verify/{mine.verification_code}")
    text = page.content.decode()
    assert page.status_code == 200 and zh in text and "真实有效" not in text and "核验通过" not in text
    assert "私人原因" not in text  # the revocation reason is not for the public
    for raw in ("revoked", "superseded", "expired", "signature_invalid"):
        assert f"<code>{raw}</code>" not in text and f">{raw}<" not in text
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert en in english.get(f"/licences/verify/{mine.verification_code}").content.decode()


def test_the_qr_codes_document_and_the_wallet_carry_the_code_and_the_public_url(
    family: dict[str, License], settings: Any
) -> None:
    settings.PUBLIC_URL = "https://yjs.example.gov.cn"
    mine = family["mother_marriage"]
    url = offline_document(mine)["verify_url"]
    assert url == f"https://yjs.example.gov.cn/licences/verify/{mine.verification_code}"
    assert mine.identifier not in url
    assert len(mine.verification_code) >= 16  # at least 96 bits of URL-safe base64


def test_wallet_lists_valid_first_in_a_fixed_number_of_queries(
    issue: Callable[..., License], client_for: Callable[[str], APIClient], django_assert_max_num_queries: Any
) -> None:
    from yijianshi.licenses.services import licence_revoke, licence_supersede

    revoked = licence_revoke(licence=issue(), reason="登记错误", actor=None)
    old = issue()
    new = licence_supersede(licence=old, surface={}, actor=None)
    expired = issue(valid_from=revoked.valid_from, valid_to=revoked.valid_from)
    valid = issue()
    mother = client_for("mother")
    with django_assert_max_num_queries(5):  # auth profile, count, page (with type, key, newer version)
        rows = mother.get(API).json()["results"]
    order = [r["identifier"] for r in rows]
    assert set(order[:2]) == {valid.identifier, new.identifier}
    assert set(order[2:]) == {revoked.identifier, old.identifier, expired.identifier}
    assert [r["valid_today"] for r in rows] == [True, True, False, False, False]
