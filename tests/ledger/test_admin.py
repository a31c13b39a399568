"""The ledger in the admin: a read-only list; nobody adds, changes or deletes a row there; the subject is
masked on the list and on the detail page (yijianshi/ledger/admin.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from yijianshi.core.identifiers import mask
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import ledger_verify

from . import FATHER, MOTHER, append

pytestmark = pytest.mark.django_db

LIST = "/admin/ledger/ledgerentry/"


def test_the_list_and_the_detail_show_the_subject_masked(admin_client: Client) -> None:
    entry = append()
    append(subject_id=FATHER, outcome="error", detail="timeout")

    listing = admin_client.get(LIST).content.decode()
    assert mask(MOTHER) in listing and mask(FATHER) in listing
    assert MOTHER not in listing and FATHER not in listing

    detail = admin_client.get(f"{LIST}{entry.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert mask(MOTHER) in page and MOTHER not in page and entry.hash in page


def test_an_auditor_finds_a_persons_reads_by_the_full_number_without_seeing_it(admin_client: Client) -> None:
    append()
    append(subject_id=FATHER)
    page = admin_client.get(LIST, {"q": FATHER}).content.decode()
    assert mask(FATHER) in page and mask(MOTHER) not in page


def test_nothing_can_be_added_changed_or_deleted(admin_client: Client) -> None:
    entry = append()
    assert admin_client.get(f"{LIST}add/").status_code == 403
    assert (
        admin_client.post(f"{LIST}{entry.pk}/change/", {"detail": "edited", "outcome": "ok"}).status_code
        == 403
    )
    assert admin_client.post(f"{LIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        LIST, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert bulk.status_code in (200, 302)

    entry.refresh_from_db()
    assert entry.detail == "" and LedgerEntry.objects.count() == 1 and ledger_verify().ok
