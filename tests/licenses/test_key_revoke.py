"""Revoking a department's signing key (issue 18 point 7): what it sealed stops verifying, the next document gets
a new key; only an administrator may, with a reason; the command line does it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.support.api import web_client
from tests.support.factories import received_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Document
from yijianshi.cases.seals import document_seal_check
from yijianshi.catalog.models import Department
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, Forbidden, NotFound
from yijianshi.licenses import services as licence_services
from yijianshi.licenses.models import SigningKey
from yijianshi.licenses.services import department_signing_pair, signing_key_revoke

pytestmark = pytest.mark.django_db


def receipt_of(app: object) -> Document:
    return Document.objects.get(application=app, kind="receipt")


def test_a_revoked_key_stops_its_seals_and_the_next_document_gets_a_new_key(newborn: None) -> None:
    first = receipt_of(received_application())
    check = document_seal_check(bytes(first.pdf), number=first.number)
    assert check.ok and check.key_id
    out = io.StringIO()
    call_command("licence", "revoke-key", check.key_id, "--reason", "私钥文件疑似外泄", stdout=out)
    assert "revoked" in out.getvalue()
    key = SigningKey.objects.get(key_id=check.key_id)
    assert (
        key.revoked_at is not None and key.retired_at is not None and key.revoked_reason == "私钥文件疑似外泄"
    )
    assert document_seal_check(bytes(first.pdf), number=first.number).status == "revoked_key"
    second = receipt_of(received_application(applicant="father"))
    again = document_seal_check(bytes(second.pdf), number=second.number)
    assert again.ok and again.key_id != check.key_id  # a new key for the same department


def test_only_an_administrator_revokes_and_says_why(newborn: None) -> None:
    doc = receipt_of(received_application())
    key_id = document_seal_check(bytes(doc.pdf)).key_id
    with pytest.raises(Forbidden):
        signing_key_revoke(key_id=key_id, reason="x", actor=actor_of(User.objects.get(username="clerk")))
    with pytest.raises(DomainError) as no_reason:
        signing_key_revoke(key_id=key_id, reason="  ", actor=actor_of(User.objects.get(username="admin")))
    assert no_reason.value.detail.field == "reason"
    with pytest.raises(NotFound):
        signing_key_revoke(key_id="0" * 16, reason="x", actor=Actor.system())
    signing_key_revoke(key_id=key_id, reason="轮换", actor=actor_of(User.objects.get(username="admin")))
    with pytest.raises(Conflict):
        signing_key_revoke(key_id=key_id, reason="again", actor=Actor.system())
    with pytest.raises(CommandError):
        call_command("licence", "revoke-key", key_id, "--reason", "again", stdout=io.StringIO())


# --- the admin site's action -----------------------------------------------------------------------------------

KEYS = "/admin/licenses/signingkey/"


def sealing_key(app: object) -> SigningKey:
    return SigningKey.objects.get(key_id=document_seal_check(bytes(receipt_of(app).pdf)).key_id)


def test_the_admin_revokes_a_key_after_a_page_that_asks_why(newborn: None) -> None:
    app = received_application()
    key = sealing_key(app)
    client = web_client("admin")
    # given: the action is offered on the list
    assert 'value="revoke"' in client.get(KEYS).content.decode()
    # when: the action is chosen, a confirmation page says what follows and asks for the reason; nothing yet
    page = client.post(KEYS, {"action": "revoke", "_selected_action": [key.pk]})
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        key.key_id in text
        and "stops verifying" in text
        and "gets a new key" in text
        and 'name="reason"' in text
    )
    key.refresh_from_db()
    assert key.revoked_at is None
    # when: confirmed with a reason
    done = client.post(
        KEYS,
        {"action": "revoke", "_selected_action": [key.pk], "confirm": "yes", "reason": "私钥文件疑似外泄"},
    )
    # then: revoked through the service, with the admin as the actor; the document it sealed stops verifying
    assert done.status_code == 302
    key.refresh_from_db()
    assert (
        key.revoked_at is not None and key.retired_at is not None and key.revoked_reason == "私钥文件疑似外泄"
    )
    doc = receipt_of(app)
    assert document_seal_check(bytes(doc.pdf), number=doc.number).status == "revoked_key"
    assert "revoked" in client.get(KEYS).content.decode()  # the success message
    # and the department's next document is sealed with a new key
    assert sealing_key(received_application(applicant="father")).key_id != key.key_id


def test_without_a_reason_the_page_says_so_and_nothing_is_revoked(newborn: None) -> None:
    key = sealing_key(received_application())
    client = web_client("admin")
    for reason in ("", "   "):
        page = client.post(
            KEYS, {"action": "revoke", "_selected_action": [key.pk], "confirm": "yes", "reason": reason}
        )
        assert page.status_code == 200
        assert "Give the reason for the revocation" in page.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None and key.revoked_reason == ""


def test_an_auditor_is_not_offered_the_action_and_cannot_post_it(newborn: None) -> None:
    key = sealing_key(received_application())
    auditor = User.objects.get(username="auditor")
    auditor.user_permissions.add(Permission.objects.get(codename="view_signingkey"))
    client = web_client("auditor")
    listing = client.get(KEYS)
    assert listing.status_code == 200 and 'value="revoke"' not in listing.content.decode()
    client.post(KEYS, {"action": "revoke", "_selected_action": [key.pk], "confirm": "yes", "reason": "x"})
    key.refresh_from_db()
    assert key.revoked_at is None
    # a staff member without the view permission does not reach the list at all
    auditor.user_permissions.clear()
    refused = web_client("auditor").post(
        KEYS, {"action": "revoke", "_selected_action": [key.pk], "confirm": "yes", "reason": "x"}
    )
    assert refused.status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_two_requests_making_a_departments_first_key_at_once_both_get_the_same_key(
    newborn: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: between our look-up and our insert, another web worker makes the department's first key (seen in
    # bench/http_submit.py as a 500 on the first approvals: signing_key_one_active_per_department)
    department = Department.objects.filter(signing_keys__isnull=True).order_by("pk").first()
    assert department is not None
    looked_up: list[SigningKey | None] = []

    def before_the_other_commits(dept: Department, *, lock: bool = False) -> SigningKey | None:
        # the other request's key is committed just after our look-ups read (both find nothing)
        if not looked_up:
            looked_up.append(licence_services._create_key(dept))
            return None
        if len(looked_up) == 1:
            looked_up.append(None)
            return None
        return real_active_key(dept, lock=lock)

    real_active_key = licence_services._active_key
    monkeypatch.setattr(licence_services, "_active_key", before_the_other_commits)
    # when
    key, pair = department_signing_pair(department=department)
    # then: no error, and the key is the one the other request made
    assert key == looked_up[0] and pair.key_id == key.key_id and len(looked_up) == 2
    assert SigningKey.objects.filter(department=department, retired_at__isnull=True).count() == 1
