"""`ledger_verify` and `yijianshi ledger verify` on the stored table: an altered, a deleted and an inserted row,
each made with raw SQL that bypasses the service, are detected and named; and, with Hypothesis, any sequence
of appends verifies while changing any one stored column of any row breaks verification at exactly that row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yijianshi.core import clock
from yijianshi.ledger.chain import GENESIS, canonical, row_hash
from yijianshi.ledger.models import LedgerEntry
from yijianshi.ledger.services import Purpose, ledger_verify

from . import FATHER, MOTHER, append, raw, seqs

pytestmark = pytest.mark.django_db


def five_rows() -> list[LedgerEntry]:
    return [append(purpose=Purpose(kind="application", reference=f"YJS-{i}")) for i in range(1, 6)]


def verify_cli(*args: str) -> str:
    out = StringIO()
    call_command("ledger", "verify", *args, stdout=out)
    return out.getvalue()


def test_a_whole_chain_verifies() -> None:
    rows = five_rows()
    result = ledger_verify()
    assert (result.ok, result.rows, result.head_seq, result.head_hash) == (True, 5, 5, rows[-1].hash)
    assert verify_cli() == f"ok: 5 rows, head #5 {rows[-1].hash}\n"


def test_an_empty_ledger_verifies() -> None:
    assert verify_cli() == f"ok: 0 rows, head #0 {GENESIS}\n"


def test_an_altered_row_is_named() -> None:
    five_rows()
    # an intruder re-points row 3 at the father, straight in the table
    assert raw("UPDATE {table} SET subject_id = %s WHERE seq = %s", [FATHER, 3]) == 1

    problem = ledger_verify().problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        3,
        "altered",
        "hash_mismatch",
    )
    with pytest.raises(CommandError, match=r"ledger broken at row #3: altered \(hash_mismatch\)") as failed:
        verify_cli()
    assert failed.value.returncode == 1


def test_an_altered_row_with_a_recomputed_hash_is_named_at_the_next_row() -> None:
    rows = five_rows()
    forged = {**rows[2].content(), "purpose_reference": "YJS-999"}
    raw(
        "UPDATE {table} SET purpose_reference = %s, hash = %s WHERE seq = 3",
        ["YJS-999", row_hash(rows[2].prev_hash, forged)],
    )

    problem = ledger_verify().problem
    # row 3 is consistent in itself; row 4 is chained to a row 3 that is no longer there
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        4,
        "removed",
        "broken_link",
    )


def test_a_deleted_row_is_named() -> None:
    five_rows()
    assert raw("DELETE FROM {table} WHERE seq = %s", [2]) == 1

    problem = ledger_verify().problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (2, "removed", "seq_gap")
    with pytest.raises(CommandError, match=r"row #2: removed \(seq_gap\)"):
        verify_cli()


def test_an_inserted_row_is_named() -> None:
    rows = five_rows()
    # the intruder makes room after row 2 (two steps, so the unique index on seq holds on every backend) …
    raw("UPDATE {table} SET seq = seq + 1000000 WHERE seq > 2")
    raw("UPDATE {table} SET seq = seq - 999999 WHERE seq > 1000000")
    # … and writes a well-formed row 3, chained to row 2 and hashed exactly as the service would
    content = {
        **rows[0].content(),
        "seq": 3,
        "purpose_reference": "YJS-FORGED",
        "at": rows[1].at + timedelta(seconds=1),
    }
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(**content, prev_hash=rows[1].hash, hash=row_hash(rows[1].hash, content))]
    )
    assert seqs() == [1, 2, 3, 4, 5, 6]

    problem = ledger_verify().problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        3,
        "inserted",
        "interloper",
    )
    with pytest.raises(CommandError, match=r"row #3: inserted \(interloper\)"):
        verify_cli()


def test_an_anchor_catches_a_dropped_head() -> None:
    rows = five_rows()
    anchor = f"5:{rows[-1].hash}"
    assert verify_cli("--anchor", anchor).startswith("ok: 5 rows")
    raw("DELETE FROM {table} WHERE seq = 5")
    assert verify_cli().startswith("ok: 4 rows")  # the chain alone cannot tell
    with pytest.raises(CommandError, match=r"row #5: removed \(anchor_missing\)"):
        verify_cli("--anchor", anchor)
    with pytest.raises(CommandError, match="SEQ:HASH"):
        verify_cli("--anchor", "5:not-a-hash")


# --- Hypothesis, on the stored table ------------------------------------------------------------------------

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=10)
calls = st.fixed_dictionaries(
    {
        "subject_id": st.sampled_from([MOTHER, FATHER, "91140524MA0X4B7Q1K"]),
        "source": st.sampled_from(["population", "marriage", "social_insurance"]),
        "purpose": st.builds(
            Purpose,
            kind=st.sampled_from(["application", "intake", "prefill", "verification"]),
            reference=text.filter(lambda s: s.strip()),
        ),
        "fields": st.lists(text.filter(lambda s: s.strip()), max_size=3),
        "mode": st.sampled_from(["query", "verify"]),
        "outcome": st.sampled_from(["ok", "error"]),
        "detail": text,
        "at": st.datetimes(
            min_value=datetime(2020, 1, 1),
            max_value=datetime(2040, 1, 1),  # noqa: DTZ001
            timezones=st.just(UTC),
        ),
    }
)

COLUMNS = [
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "subject_id",
    "source",
    "purpose_kind",
    "purpose_reference",
    "fields",
    "mode",
    "outcome",
    "detail",
    "prev_hash",
    "hash",
    "seq",
]


def changed(value: Any, position: int) -> Any:
    """The stored value with one character (or one microsecond, or one unit) changed."""
    if isinstance(value, datetime):
        return value + timedelta(microseconds=1)
    if isinstance(value, list):
        return [changed(value[0], position), *value[1:]] if value else ["x"]
    if value is None:
        return 1
    if isinstance(value, int):
        return value + 1
    if not value:
        return "x"
    i = position % len(value)
    return value[:i] + ("a" if value[i] != "a" else "b") + value[i + 1 :]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(calls, min_size=1, max_size=6), st.data())
def test_any_appends_verify_and_any_one_changed_column_is_found_at_exactly_that_row(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    with transaction.atomic():  # one example, rolled back at its end
        for item in items:
            at = item.pop("at")
            with clock.frozen(at):
                append(**item)
        result = ledger_verify()
        assert result.ok and result.rows == len(items)

        seq = data.draw(st.integers(1, len(items)), label="row")
        column = data.draw(st.sampled_from(COLUMNS), label="column")
        row = LedgerEntry.objects.get(seq=seq)
        if column == "seq":
            new: Any = len(items) + 10
        else:
            new = changed(getattr(row, column), data.draw(st.integers(0, 50), label="position"))
        assert LedgerEntry.objects.filter(seq=seq).update(**{column: new}) == 1  # SQL UPDATE, no service

        problem = ledger_verify().problem
        assert problem is not None, (column, new)
        assert (problem.seq, problem.kind) == (seq, "removed" if column == "seq" else "altered")
        transaction.set_rollback(True)


def test_the_stored_row_round_trips_to_the_same_canonical_bytes() -> None:
    moment = datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    with clock.frozen(moment):
        entry = append(detail='引号 " 反斜杠 \\ 换行 \n 表情 😀', fields=["婚姻.登记日期"])
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert canonical(stored.content()) == canonical(entry.content())
    assert b'"at":"2026-12-31T23:59:59.999999Z"' in canonical(stored.content())
