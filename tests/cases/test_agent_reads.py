"""What an agent (帮办代办) sees of an application they filed for someone (cases/permissions.py, issue 17 point 2):
only while a mandate in force covering it grants the ability the read needs — "follow" for the application,
its history and progress documents, "receive" for the results, "apply" alone for the receipt they filed. A
revoked, expired or out-of-scope mandate leaves nothing (404). The principal always sees their own. Every face:
the API, the portal's /me/ pages and downloads, uploads; and the ledger names the agent and the mandate."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.support.api import api_client, results, web_client
from tests.support.catalogue import load_bundles
from tests.support.factories import item_cases_approved
from tests.support.files import pdf_bytes
from tests.support.mandates import BUNDLE, attack
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Document
from yijianshi.cases.permissions import RESULT_KINDS, visible_applications, visible_documents
from yijianshi.core import clock
from yijianshi.ledger.models import LedgerEntry
from yijianshi.licenses.models import License

pytestmark = pytest.mark.django_db


def grant(abilities: list[str], **extra: Any) -> dict[str, Any]:
    until = (clock.local(clock.now()) + timedelta(days=30)).date().isoformat()
    body = {
        "agent": {"id_number": FATHER_ID, "name": "李强"},
        "scope": "bundles",
        "bundles": [BUNDLE],
        "abilities": abilities,
        "valid_to": until,
        **extra,
    }
    response = api_client("mother").post("/api/mandates/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def revoke(mandate: dict[str, Any]) -> None:
    response = api_client("mother").post(
        f"/api/mandates/{mandate['number']}/revoke/", {"expected_version": mandate["version"]}, format="json"
    )
    assert response.status_code == 200, response.content


def filed_by_agent(*, decided: bool = True) -> Application:
    """The father files the newborn application for the mother (under the mandate in force), the clerk takes it
    in (receipt, acceptance notice) and, if `decided`, every item is approved (the decisions)."""
    response = attack(api_client("father"))
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert app.agent is not None and app.agent.username == "father" and app.applicant.username == "mother"
    services.application_intake(  # the materials listed without files, confirmed as handed in at the window
        application=app,
        actor=actor_of(User.objects.get(username="clerk")),
        confirmed=app.materials_to_present,
    )
    if decided:
        item_cases_approved(app)
    return app


def docs(app: Application) -> tuple[Document, Document]:
    """(the receipt, one result decision)."""
    receipt = app.documents.get(kind="receipt")
    result = app.documents.filter(kind__in=RESULT_KINDS).first()
    assert result is not None, list(app.documents.values_list("kind", flat=True))
    return receipt, result


def sees(client: APIClient, app: Application) -> bool:
    listed = app.number in {r["number"] for r in results(client.get("/api/applications/").json())}
    detail = client.get(f"/api/applications/{app.number}/").status_code
    history = client.get(f"/api/applications/{app.number}/history/").status_code
    assert (detail == 200) == listed == (history == 200), (listed, detail, history)
    return listed


def downloads(username: str, doc: Document) -> bool:
    api = api_client(username).get(f"/api/documents/{doc.number}.pdf").status_code
    page = web_client(username).get(f"/me/documents/{doc.number}.pdf").status_code
    assert api == page and api in (200, 404), (api, page)
    return api == 200


@pytest.fixture
def two_bundles(family: None) -> None:
    load_bundles("140524-01")


def test_follow_shows_the_application_but_not_its_results(family: None) -> None:
    grant(["apply", "follow"])
    app = filed_by_agent()
    receipt, result = docs(app)
    father = api_client("father")
    assert sees(father, app)
    listed = {d["number"] for d in father.get(f"/api/applications/{app.number}/documents/").json()}
    assert receipt.number in listed and result.number not in listed
    assert listed == set(app.documents.exclude(kind__in=RESULT_KINDS).values_list("number", flat=True))
    assert downloads("father", receipt) and not downloads("father", result)
    history = father.get(f"/api/applications/{app.number}/history/").json()
    named = {e["document"] for e in history if e["document"]}
    assert receipt.number in named and result.number not in named
    page = web_client("father").get(f"/me/applications/{app.number}/")
    assert page.status_code == 200
    assert receipt.number in page.content.decode() and result.number not in page.content.decode()


def test_receive_lets_the_agent_download_the_results(family: None) -> None:
    grant(["apply", "follow", "receive"])
    app = filed_by_agent()
    receipt, result = docs(app)
    assert downloads("father", result) and downloads("father", receipt)
    history = api_client("father").get(f"/api/applications/{app.number}/history/").json()
    assert result.number in {e["document"] for e in history}
    assert result.number in web_client("father").get(f"/me/applications/{app.number}/").content.decode()
    listed = {
        d["number"] for d in api_client("father").get(f"/api/applications/{app.number}/documents/").json()
    }
    assert listed == set(app.documents.values_list("number", flat=True))


def test_apply_only_sees_the_receipt_they_filed_and_nothing_after(family: None) -> None:
    grant(["apply"])
    app = filed_by_agent()
    receipt, result = docs(app)
    acceptance = app.documents.exclude(kind__in={"receipt", *RESULT_KINDS}).first()
    assert acceptance is not None
    assert not sees(api_client("father"), app)
    assert web_client("father").get(f"/me/applications/{app.number}/").status_code == 404
    assert downloads("father", receipt)
    assert not downloads("father", acceptance) and not downloads("father", result)


def test_receive_without_follow_downloads_results_but_does_not_follow(family: None) -> None:
    grant(["apply", "receive"])
    app = filed_by_agent()
    receipt, result = docs(app)
    assert not sees(api_client("father"), app)
    assert downloads("father", result) and downloads("father", receipt)


def test_a_revoked_mandate_leaves_the_agent_nothing_and_the_principal_everything(family: None) -> None:
    mandate = grant(["apply", "follow", "receive"])
    app = filed_by_agent()
    receipt, result = docs(app)
    father = api_client("father")
    assert sees(father, app)
    revoke(mandate)
    assert not sees(father, app)
    assert not downloads("father", receipt) and not downloads("father", result)
    assert web_client("father").get(f"/me/applications/{app.number}/").status_code == 404
    assert app.number not in web_client("father").get("/me/").content.decode()
    # and no write either: the application is not theirs to withdraw any more
    withdrawn = father.post(
        f"/api/applications/{app.number}/withdraw/",
        {"reason": "x", "expected_version": app.version},
        format="json",
    )
    assert withdrawn.status_code == 404
    # the principal always sees their own
    assert sees(api_client("mother"), app)
    assert downloads("mother", receipt) and downloads("mother", result)


def test_an_expired_mandate_leaves_the_agent_nothing(family: None) -> None:
    grant(["apply", "follow", "receive"])
    app = filed_by_agent()
    receipt, result = docs(app)
    with clock.frozen(clock.now() + timedelta(days=40)):
        assert not sees(api_client("father"), app)
        assert not downloads("father", receipt) and not downloads("father", result)
        assert sees(api_client("mother"), app)


def test_the_scope_decides_by_bundle(two_bundles: None) -> None:
    first = grant(["apply"])
    app = filed_by_agent(decided=False)
    revoke(first)
    grant(["follow", "receive"], bundles=["140524-01"])  # another bundle: nothing of this one
    assert not sees(api_client("father"), app)
    grant(["follow"], scope="all", bundles=[])  # everything she does: this one too
    assert sees(api_client("father"), app)


def test_the_scope_decides_by_items(family: None) -> None:
    first = grant(["apply"])
    app = filed_by_agent(decided=False)
    revoke(first)
    included = list(app.snapshot["included"])
    assert len(included) >= 2
    grant(["follow"], scope="items", bundles=[], items=included[:-1])  # not all of its items: out of scope
    assert not sees(api_client("father"), app)
    grant(["follow"], scope="items", bundles=[], items=included)
    assert sees(api_client("father"), app)


def test_the_principal_sees_their_own_with_no_mandate_at_all(family: None) -> None:
    mandate = grant(["apply"])
    app = filed_by_agent(decided=False)
    revoke(mandate)
    assert sees(api_client("mother"), app)
    assert web_client("mother").get(f"/me/applications/{app.number}/").status_code == 200


def test_uploads_follow_the_application(family: None, media: Any) -> None:
    mandate = grant(["apply", "follow"])
    app = filed_by_agent(decided=False)
    father = api_client("father")
    upload = father.post(
        "/api/uploads/",
        {
            "application": app.number,
            "bundle": BUNDLE,
            "material": app.snapshot["materials"][0]["code"],
            "file": _pdf(),
        },
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    pk = upload.json()["id"]
    assert father.get(f"/api/uploads/{pk}/").status_code == 200
    assert father.get(f"/api/uploads/{pk}/content").status_code == 200
    revoke(mandate)
    assert father.get(f"/api/uploads/{pk}/").status_code == 404
    assert father.get(f"/api/uploads/{pk}/content").status_code == 404


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", pdf_bytes(), "application/pdf")


def test_lists_cost_the_same_queries_for_one_application_or_several(family: None) -> None:
    grant(["apply", "follow", "receive"])
    filed_by_agent(decided=False)
    actor = actor_of(User.objects.get(username="father"))

    def cost() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            apps = list(visible_applications(actor))
            list(visible_documents(actor))
        return len(ctx.captured_queries), len(apps)

    one, n1 = cost()
    filed_by_agent(decided=False)
    filed_by_agent(decided=False)
    three, n3 = cost()
    assert (n1, n3) == (1, 3)
    # for each: the mandates in force, the agent's applications, then the rows — whatever their number
    assert one == three <= 6


def test_the_agents_reads_are_in_the_ledger_as_the_agent_under_the_mandate(family: None) -> None:
    mandate = grant(["apply", "follow"])
    before = LedgerEntry.objects.count()
    app = filed_by_agent(decided=False)
    reads = list(LedgerEntry.objects.filter(purpose_reference=app.number).order_by("seq"))
    assert reads and LedgerEntry.objects.count() > before
    father = User.objects.get(username="father")
    assert all(r.actor_id == father.pk for r in reads)
    assert {r.actor_role for r in reads} == {"agent"}
    assert {r.mandate_number for r in reads} == {mandate["number"]}
    # the principal sees who read for her and by which mandate, in both languages and on the API
    page = web_client("mother").get("/me/data-reads/").content.decode()
    assert "由代理人 李强 依据授权 #" in page and mandate["number"] in page
    english = web_client("mother")
    english.cookies["django_language"] = "en"
    shown = english.get("/me/data-reads/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Read by agent 李强 under mandate #" in shown
    rows = results(api_client("mother").get("/api/me/data-reads/").json())
    mine = [r for r in rows if r["purpose"]["reference"] == app.number]
    assert mine and all(r["role"] == "agent" for r in mine)
    assert all(r["on_behalf"] == {"mandate": mandate["number"], "agent": "李强"} for r in mine)
    # her own reads stay hers
    own = LedgerEntry.objects.filter(subject_id=MOTHER_ID).exclude(actor_role="agent")
    assert all(r.mandate_number == "" for r in own)


def test_progress_notices_go_to_the_principal_not_the_agent(
    family: None, settings: Any, tmp_path: Any, django_capture_on_commit_callbacks: Any
) -> None:
    import json

    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"
    grant(["apply"])
    with django_capture_on_commit_callbacks(execute=True):
        app = filed_by_agent(decided=False)
    sent = [json.loads(x) for x in settings.NOTIFY_FILE.read_text(encoding="utf-8").splitlines()]
    progress = [n for n in sent if n["reference"] == app.number]
    assert progress, sent
    father_profile = User.objects.get(username="father").profile
    mother_profile = User.objects.get(username="mother").profile
    assert all(n["name"] == "王芳" and n["phone"] == mother_profile.phone for n in progress)
    assert all(n["phone"] != father_profile.phone or not n["phone"] for n in progress)


def test_the_principals_licences_stay_hers(family: None) -> None:
    """Licences go by their holder and applicant (licenses.selectors.licences_visible_to): an agent, even one
    who may receive the results, sees none of the principal's in the licence API."""
    grant(["apply", "follow", "receive"])
    app = filed_by_agent()
    numbers = set(
        License.objects.filter(source_reference__startswith=f"{app.number}:").values_list("pk", flat=True)
    )
    mine = results(api_client("mother").get("/api/licences/?page_size=100").json())
    issued = [r for r in mine if r["id"] in numbers]
    assert issued and len(issued) == len(numbers)
    father = api_client("father")
    assert not {r["id"] for r in results(father.get("/api/licences/?page_size=100").json())} & numbers
    assert all(father.get(f"/api/licences/{r['id']}/").status_code == 404 for r in issued)
