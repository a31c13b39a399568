"""Issue 17 (Trust), the critical finding: applying "on behalf of" someone with a made-up authorisation.

Before mandates, any signed-in applicant — even the demo enterprise — could POST /api/applications/ with
`on_behalf_of: {id_number: <any valid number>, authorisation: "x"}` and get back, in `snapshot.prefill`, the
victim's spouse's and child's full identity numbers and address, read from the sources for that person.

Now acting for someone needs an active mandate (授权委托) covering the bundle and the ability to apply; without
one the request is refused with 403 `mandate_required` naming what is missing, before anything is read (no
access-ledger row) or written (no application, no account for the victim). With one, each read is in the
ledger with the agent as actor and the principal as subject, and the principal is told.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.support.catalogue import load_bundles
from tests.support.mandates import BUNDLE, attack
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID, create_demo_accounts
from yijianshi.accounts.models import Profile
from yijianshi.cases.models import Application
from yijianshi.core import clock
from yijianshi.core.identifiers import make_resident_id
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db
Clients = Callable[[str], APIClient]


@pytest.fixture
def family(db: Any) -> None:
    """The newborn bundle and one other (企业开办), the demo accounts and the demo family's shared data."""
    load_bundles(BUNDLE, "140524-01")
    create_demo_accounts()
    demo_data_seed(persons=40, enterprises=5)


@pytest.fixture
def as_user() -> Clients:
    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(User.objects.get(username=username))
        return client

    return client_for


def refused_before_anything_is_read(response: Any, ledger_before: int, reason: str) -> dict[str, Any]:
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "mandate_required", body
    assert body["field"] == "on_behalf_of"
    assert body["message"]["zh-hans"] and body["message"]["en"]
    assert body["errors"][0]["code"] == f"mandate_{reason}", body
    assert FATHER_ID not in response.content.decode() and MOTHER_ID not in response.content.decode()
    assert LedgerEntry.objects.count() == ledger_before, "a source was read for a refused request"
    assert not Application.objects.exists()
    return body


def test_a_made_up_authorisation_reads_nothing_and_creates_nothing(family: None, as_user: Clients) -> None:
    # given: the demo enterprise, with no mandate from 王芳, and everything read so far
    attacker = as_user("enterprise")
    attack_guide = attacker.get(f"/api/bundles/{BUNDLE}/")  # the attacker's own guide: reads about themselves
    assert attack_guide.status_code == 200
    before, accounts = LedgerEntry.objects.count(), User.objects.count()
    # when
    response = attack(attacker)
    # then: refused, nothing about the victim read, no application, no account made for anyone
    body = refused_before_anything_is_read(response, before, "none")
    assert "没有" in body["message"]["zh-hans"] and "no mandate" in body["message"]["en"].lower()
    assert User.objects.count() == accounts
    assert not LedgerEntry.objects.filter(subject_id__in=[MOTHER_ID, FATHER_ID]).exists()


def test_a_victim_with_no_account_gets_none_made_either(family: None, as_user: Clients) -> None:
    stranger = make_resident_id("140524", date(1986, 1, 2), 17)
    before, accounts = LedgerEntry.objects.count(), User.objects.count()
    refused_before_anything_is_read(attack(as_user("father"), party_id=stranger, name="张三"), before, "none")
    assert User.objects.count() == accounts
    assert not Profile.objects.filter(id_number=stranger).exists()


# --- with a mandate -----------------------------------------------------------------------------------------


def grant(principal: APIClient, **extra: Any) -> dict[str, Any]:
    until = (clock.local(clock.now()) + timedelta(days=30)).date().isoformat()
    body = {
        "agent": {"id_number": FATHER_ID, "name": "李强"},
        "scope": "bundles",
        "bundles": [BUNDLE],
        "abilities": ["apply", "follow"],
        "valid_to": until,
        **extra,
    }
    response = principal.post("/api/mandates/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_with_an_active_mandate_the_agent_applies_and_every_read_names_agent_and_principal(
    family: None, as_user: Clients, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"
    mother, father = as_user("mother"), as_user("father")
    mandate = grant(mother)
    assert mandate["status"] == "active"
    before = LedgerEntry.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = attack(father)  # the free-text authorisation is ignored; the mandate counts
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert app.applicant.username == "mother" and app.agent is not None and app.agent.username == "father"
    assert app.party_id == MOTHER_ID and app.authorisation["mandate"] == mandate["number"]
    reads = LedgerEntry.objects.order_by("seq")[before:]
    assert reads, "the prefill reads are in the ledger"
    father_user = User.objects.get(username="father")
    assert all(r.actor_id == father_user.pk and r.actor_name == "father" for r in reads)
    assert {r.subject_id for r in reads} >= {MOTHER_ID}
    assert all(r.purpose_reference == app.number for r in reads)
    # the principal is told: a notice to 王芳 naming the agent and the mandate
    notices = [json.loads(x) for x in settings.NOTIFY_FILE.read_text(encoding="utf-8").splitlines()]
    told = [n for n in notices if n["event"] == "mandate.used"]
    assert len(told) == 1 and told[0]["reference"] == mandate["number"] and told[0]["name"] == "王芳"
    assert "李强" in told[0]["body_zh"] and BUNDLE in told[0]["body_zh"]
    # and she sees the use in the mandate's history
    detail = mother.get(f"/api/mandates/{mandate['number']}/").json()
    assert [e["type"] for e in detail["events"]][-1] == "used"


def test_an_expired_mandate_is_refused_naming_the_expiry(family: None, as_user: Clients) -> None:
    mandate = grant(as_user("mother"))
    before = LedgerEntry.objects.count()
    with clock.frozen(clock.now() + timedelta(days=40)):
        body = refused_before_anything_is_read(attack(as_user("father")), before, "expired")
    assert "过期" in body["message"]["zh-hans"] and "expired" in body["message"]["en"]
    assert mandate["number"] in body["message"]["en"]


def test_a_revoked_mandate_is_refused_naming_the_revocation(family: None, as_user: Clients) -> None:
    mother = as_user("mother")
    mandate = grant(mother)
    revoked = mother.post(
        f"/api/mandates/{mandate['number']}/revoke/", {"expected_version": mandate["version"]}, format="json"
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    before = LedgerEntry.objects.count()
    body = refused_before_anything_is_read(attack(as_user("father")), before, "revoked")
    assert "撤销" in body["message"]["zh-hans"] and "revoked" in body["message"]["en"]


def test_a_mandate_for_another_bundle_is_refused_naming_the_bundle(family: None, as_user: Clients) -> None:
    grant(as_user("mother"), bundles=["140524-01"])
    before = LedgerEntry.objects.count()
    body = refused_before_anything_is_read(attack(as_user("father")), before, "out_of_scope")
    assert BUNDLE in body["message"]["zh-hans"] and BUNDLE in body["message"]["en"]


def test_a_mandate_without_the_ability_to_apply_is_refused_naming_the_ability(
    family: None, as_user: Clients
) -> None:
    grant(as_user("mother"), abilities=["follow", "receive"])
    before = LedgerEntry.objects.count()
    body = refused_before_anything_is_read(attack(as_user("father")), before, "ability")
    assert "申请" in body["message"]["zh-hans"] and "apply" in body["message"]["en"]


def test_a_request_the_principal_has_not_confirmed_is_refused(family: None, as_user: Clients) -> None:
    father = as_user("father")
    until = (clock.local(clock.now()) + timedelta(days=30)).date().isoformat()
    requested = father.post(
        "/api/mandates/requests/",
        {
            "principal": {"party_type": "person", "id_number": MOTHER_ID, "name": "王芳"},
            "scope": "all",
            "abilities": ["apply"],
            "valid_to": until,
        },
        format="json",
    )
    assert requested.status_code == 201, requested.content
    assert requested.json()["status"] == "requested"
    before = LedgerEntry.objects.count()
    body = refused_before_anything_is_read(attack(father), before, "requested")
    assert "确认" in body["message"]["zh-hans"] and "confirm" in body["message"]["en"]
    # once she confirms it, the same request goes through
    mother = as_user("mother")
    confirmed = mother.post(
        f"/api/mandates/{requested.json()['number']}/confirm/",
        {"expected_version": requested.json()["version"]},
        format="json",
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    assert attack(father).status_code == 201
