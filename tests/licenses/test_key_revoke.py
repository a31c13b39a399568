"""Revoking a department's signing key (issue 18 point 7): what it sealed stops verifying, the next document gets
a new key; only an administrator may, with a reason; the command line does it."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.support.factories import received_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Document
from yijianshi.cases.seals import document_seal_check
from yijianshi.core.actor import Actor
from yijianshi.core.errors import Conflict, DomainError, Forbidden, NotFound
from yijianshi.licenses.models import SigningKey
from yijianshi.licenses.services import signing_key_revoke

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
