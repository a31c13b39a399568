"""`ledger_append`: what one row holds, how rows are chained, what is refused and recorded, and what is a
caller's bug (yijianshi/ledger/services.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.factories import UserFactory
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask
from yijianshi.ledger.chain import GENESIS, row_hash
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.selectors import ledger_entries_for_subject
from yijianshi.ledger.services import Purpose

from . import FATHER, MOTHER, append

pytestmark = pytest.mark.django_db

MOMENT = datetime(2026, 3, 2, 1, 30, 15, 123456, tzinfo=UTC)


def test_a_read_is_one_row_with_who_what_why_and_when() -> None:
    clerk = UserFactory(username="clerk_lc")
    with clock.frozen(MOMENT):
        entry = append(
            actor=Actor(user_id=clerk.pk, role="clerk", user=clerk),
            fields=["person.name", "marriage.date", "person.name"],
            purpose=Purpose(kind="intake", reference="YJS-20260302-0007"),
        )

    stored = LedgerEntry.objects.get()
    assert stored.pk == entry.pk
    assert (stored.seq, stored.at, stored.actor_id, stored.actor_name, stored.actor_role) == (
        1,
        MOMENT,
        clerk.pk,
        "clerk_lc",
        "clerk",
    )
    assert (stored.subject_id, stored.source, stored.purpose_kind, stored.purpose_reference) == (
        MOTHER,
        "population",
        "intake",
        "YJS-20260302-0007",
    )
    assert stored.fields == ["marriage.date", "person.name"]  # a set of keys, sorted
    assert (stored.mode, stored.outcome, stored.detail) == ("query", "ok", "")
    assert stored.prev_hash == GENESIS
    assert stored.hash == row_hash(GENESIS, stored.content()) == entry.hash  # recomputed from what was stored


def test_rows_are_numbered_and_chained_in_order() -> None:
    first, second, third = (
        append(),
        append(mode="verify", fields=[]),
        append(outcome="error", detail="timeout"),
    )
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert [second.prev_hash, third.prev_hash] == [first.hash, second.hash]
    for entry in LedgerEntry.objects.all():
        assert entry.hash == row_hash(entry.prev_hash, entry.content())


def test_the_actor_is_a_snapshot_that_outlives_the_account() -> None:
    officer = UserFactory(username="officer_mz")
    entry = append(actor=Actor(user_id=officer.pk, role="officer", user=officer))
    officer.delete()  # no foreign key: the ledger neither blocks this nor changes

    entry.refresh_from_db()
    assert (entry.actor_name, entry.hash) == ("officer_mz", row_hash(entry.prev_hash, entry.content()))


def test_a_read_without_a_purpose_is_recorded_as_refused_and_then_refused() -> None:
    with pytest.raises(DomainError) as refused:
        append(purpose=None, detail="prefill of the newborn form")

    assert refused.value.code == "purpose_required" and refused.value.detail.field == "purpose"
    assert MOTHER not in str(refused.value) and mask(MOTHER) in str(refused.value)  # masked in errors
    assert "用途" in refused.value.detail.zh and "purpose" in refused.value.detail.en
    row = LedgerEntry.objects.get()
    assert (row.outcome, row.purpose_kind, row.purpose_reference) == ("refused", "", "")
    assert row.detail == "purpose_required: prefill of the newborn form"
    assert row.hash == row_hash(GENESIS, row.content())


@pytest.mark.parametrize(
    ("purpose", "actor_role", "code"),
    [
        (Purpose(kind="curiosity", reference="YJS-1"), "system", "purpose_invalid"),
        (Purpose(kind="application", reference="  "), "system", "purpose_invalid"),
        ("application", "system", "purpose_invalid"),
        (Purpose(kind="application", reference="YJS-1"), "clerk", "actor_required"),  # no user, not a task
        (Purpose(kind="application", reference="YJS-1"), "", "actor_required"),
    ],
)
def test_a_read_with_a_bad_purpose_or_no_actor_is_recorded_as_refused(
    purpose, actor_role: str, code: str
) -> None:
    with pytest.raises(DomainError) as refused:
        append(purpose=purpose, actor=Actor(user_id=None, role=actor_role or None))

    assert refused.value.code == code
    row = LedgerEntry.objects.get()
    assert row.outcome == "refused" and row.detail == code


def test_refusals_and_later_reads_stay_one_chain() -> None:
    append()
    with pytest.raises(DomainError):
        append(purpose=None)
    append()
    rows = list(LedgerEntry.objects.order_by("seq"))
    assert [r.outcome for r in rows] == ["ok", "refused", "ok"]
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"mode": "read"}, "ledger_bad_mode", "mode"),
        ({"outcome": "maybe"}, "ledger_bad_outcome", "outcome"),
        ({"subject_id": " "}, "ledger_subject_id_required", "subject_id"),
        ({"subject_id": "x" * 65}, "ledger_too_long", "subject_id"),
        ({"source": ""}, "ledger_source_required", "source"),
        ({"source": "pop\x00ulation"}, "ledger_nul_character", "source"),
        ({"fields": "person.name"}, "ledger_bad_fields", "fields"),
        ({"fields": ["ok", 7]}, "ledger_not_text", "fields"),
        ({"fields": [f"k{i}" for i in range(501)]}, "ledger_too_many_fields", "fields"),
    ],
)
def test_a_malformed_call_is_the_callers_bug_and_records_nothing(overrides, code: str, field: str) -> None:
    with pytest.raises(DomainError) as bad:
        append(**overrides)
    assert (bad.value.code, bad.value.detail.field) == (code, field)
    assert bad.value.detail.zh and bad.value.detail.en
    assert LedgerEntry.objects.count() == 0


def test_a_long_or_odd_detail_is_kept_not_refused() -> None:
    entry = append(outcome="error", detail="HTTP 500: " + "\x00" + "x" * 5000)
    assert len(entry.detail) == 2000 and entry.detail.endswith("…") and "\x00" not in entry.detail
    entry.refresh_from_db()
    assert entry.hash == row_hash(entry.prev_hash, entry.content())


def test_who_read_my_data_newest_first_and_only_mine(django_assert_num_queries) -> None:
    append(purpose=Purpose(kind="application", reference="YJS-1"))
    append(subject_id=FATHER)
    append(purpose=Purpose(kind="verification", reference="1.2.156.3005.2.X"), mode="verify")

    with django_assert_num_queries(1):
        mine = list(ledger_entries_for_subject(MOTHER))

    assert [(e.seq, e.purpose_kind, e.purpose_reference) for e in mine] == [
        (3, "verification", "1.2.156.3005.2.X"),
        (1, "application", "YJS-1"),
    ]
    assert [e.subject_masked for e in mine] == [mask(MOTHER)] * 2
    assert MOTHER not in repr(mine[0]) and MOTHER not in str(mine[0])
