"""The pure chain (yijianshi/ledger/chain.py): SM3, the canonical encoding, and the walk that names the first
altered, removed or inserted row. No database: Hypothesis runs these by the hundred in well under a second."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yijianshi.core.sm3 import sm3_gmssl
from yijianshi.ledger import chain
from yijianshi.ledger.chain import GENESIS, StoredRow, canonical, row_hash, verify_chain

# --- SM3 ----------------------------------------------------------------------------------------------------

# GB/T 32905-2016, appendix A
VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("data", "digest"), VECTORS)
def test_sm3_gives_the_standards_test_vectors_with_both_implementations(data: bytes, digest: str) -> None:
    assert chain.sm3_hex(data) == digest
    assert sm3_gmssl(data) == digest
    if "sm3" in hashlib.algorithms_available:
        assert chain.sm3_hex(data) == digest


@settings(max_examples=15, deadline=None)  # gmssl's SM3 is pure Python: a few ms a block
@given(st.binary(max_size=200))
def test_openssl_and_gmssl_agree(data: bytes) -> None:
    assert chain.sm3_hex(data) == sm3_gmssl(data)


# --- canonical encoding -------------------------------------------------------------------------------------


def test_canonical_encoding_is_sorted_compact_utf8_with_utc_microseconds() -> None:
    shanghai = timezone(timedelta(hours=8))
    row = {
        "b": [1, "二", None, True],
        "a": datetime(2026, 3, 2, 9, 30, tzinfo=shanghai),
        "c": {"y": 1, "x": ""},
    }
    assert canonical(row) == (
        '{"a":"2026-03-02T01:30:00.000000Z","b":[1,"二",null,true],"c":{"x":"","y":1}}'.encode()
    )


def test_canonical_escapes_quotes_backslashes_and_control_characters_as_json_does() -> None:
    assert canonical({"k": 'a"b\\c\n\x01'}) == b'{"k":"a\\"b\\\\c\\n\\u0001"}'


@pytest.mark.parametrize("value", [1.5, datetime(2026, 3, 2, 9, 30), b"bytes", {1: "x"}, object()])  # noqa: DTZ001
def test_canonical_refuses_what_has_no_canonical_form(value: Any) -> None:
    with pytest.raises(ValueError, match="canonical"):
        canonical({"v": value})


@given(
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.none(), st.booleans(), st.integers(), st.text()), max_size=6
    )
)
def test_canonical_does_not_depend_on_key_order(row: dict[str, Any]) -> None:
    assert canonical(row) == canonical(dict(reversed(list(row.items()))))


# --- the walk -----------------------------------------------------------------------------------------------

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)
contents = st.fixed_dictionaries(
    {
        "at": st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),  # noqa: DTZ001
            timezones=st.just(UTC),
        ),
        "actor_id": st.none() | st.integers(min_value=1, max_value=10**9),
        "actor_name": texts,
        "actor_role": texts,
        "subject_id": texts,
        "source": texts,
        "purpose_kind": texts,
        "purpose_reference": texts,
        "fields": st.lists(texts, max_size=4),
        "mode": st.sampled_from(["query", "verify"]),
        "outcome": st.sampled_from(["ok", "error", "refused"]),
        "detail": texts,
    }
)


def build(items: list[dict[str, Any]]) -> list[StoredRow]:
    """A valid chain of the given contents, numbered 1..n, as the service writes it."""
    rows, prev = [], GENESIS
    for seq, item in enumerate(items, start=1):
        content = {**item, "seq": seq}
        digest = row_hash(prev, content)
        rows.append(StoredRow(seq=seq, prev_hash=prev, hash=digest, content=content))
        prev = digest
    return rows


def forged(after: StoredRow | None, seq: int, content: dict[str, Any]) -> StoredRow:
    """A row an intruder computed correctly, chained to `after`."""
    prev = after.hash if after else GENESIS
    content = {**content, "seq": seq}
    return StoredRow(seq=seq, prev_hash=prev, hash=row_hash(prev, content), content=content)


def renumbered(row: StoredRow, seq: int) -> StoredRow:
    return dataclasses.replace(row, seq=seq, content={**row.content, "seq": seq})


def rehashed(row: StoredRow) -> StoredRow:
    return dataclasses.replace(row, hash=row_hash(row.prev_hash, row.content))


def flip_one_character(value: str, position: int) -> str:
    if not value:
        return "x"
    i = position % len(value)
    return value[:i] + ("a" if value[i] != "a" else "b") + value[i + 1 :]


def mutate(row: StoredRow, key: str, position: int) -> StoredRow:
    if key in ("prev_hash", "hash"):
        return dataclasses.replace(row, **{key: flip_one_character(getattr(row, key), position)})
    value = row.content[key]
    if key == "at":
        new: Any = value + timedelta(microseconds=1)
    elif key == "actor_id":
        new = 1 if value is None else value + 1
    elif key == "fields":
        new = [flip_one_character(value[0], position), *value[1:]] if value else ["x"]
    else:
        new = flip_one_character(value, position)
    return dataclasses.replace(row, content={**row.content, key: new})


def test_an_empty_ledger_verifies() -> None:
    assert verify_chain([]) == chain.VerifyResult(ok=True, rows=0, head_seq=0, head_hash=GENESIS)


@given(st.lists(contents, max_size=10))
def test_any_sequence_of_rows_as_the_service_writes_them_verifies(items: list[dict[str, Any]]) -> None:
    rows = build(items)
    result = verify_chain(rows)
    assert result.ok and result.problem is None
    assert (result.rows, result.head_seq) == (len(rows), len(rows))
    assert result.head_hash == (rows[-1].hash if rows else GENESIS)


@given(st.lists(contents, min_size=1, max_size=8), st.data())
def test_changing_one_character_of_any_column_of_any_row_is_found_at_exactly_that_row(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    rows = build(items)
    index = data.draw(st.integers(0, len(rows) - 1), label="row")
    key = data.draw(st.sampled_from([*chain.CONTENT_KEYS[1:], "prev_hash", "hash"]), label="column")
    rows[index] = mutate(rows[index], key, data.draw(st.integers(0, 200), label="position"))

    result = verify_chain(rows)

    assert not result.ok and result.problem is not None
    assert (result.problem.seq, result.problem.kind) == (index + 1, "altered")


@settings(max_examples=50)
@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_a_removed_row_is_named(items: list[dict[str, Any]], data: st.DataObject) -> None:
    rows = build(items)
    index = data.draw(st.integers(0, len(rows) - 2), label="row")  # the last one: see the anchor test
    del rows[index]

    problem = verify_chain(rows).problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        index + 1,
        "removed",
        "seq_gap",
    )


@settings(max_examples=50)
@given(st.lists(contents, min_size=2, max_size=8), st.data())
def test_a_removed_row_with_its_successors_renumbered_and_rehashed_is_named(
    items: list[dict[str, Any]], data: st.DataObject
) -> None:
    rows = build(items)
    index = data.draw(st.integers(0, len(rows) - 2), label="row")
    del rows[index]
    # the intruder renumbers the rows after it and recomputes their hashes, but not the chain
    rows[index:] = [rehashed(renumbered(old, old.seq - 1)) for old in rows[index:]]

    problem = verify_chain(rows).problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        index + 1,
        "removed",
        "broken_link",
    )


@settings(max_examples=50)
@given(st.lists(contents, min_size=1, max_size=8), contents, st.data())
def test_a_forged_row_inserted_between_two_rows_is_named(
    items: list[dict[str, Any]], extra: dict[str, Any], data: st.DataObject
) -> None:
    rows = build(items)
    index = data.draw(st.integers(0, len(rows) - 1), label="insert before")
    # a well-formed row chained to its predecessor; the rows after it moved up by one (seq only)
    intruder = forged(rows[index - 1] if index else None, index + 1, extra)
    rows[index:] = [intruder, *(renumbered(r, r.seq + 1) for r in rows[index:])]

    problem = verify_chain(rows).problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        index + 1,
        "inserted",
        "interloper",
    )


@settings(max_examples=50)
@given(st.lists(contents, min_size=1, max_size=8), contents, st.data())
def test_a_row_with_a_duplicate_seq_is_named(
    items: list[dict[str, Any]], extra: dict[str, Any], data: st.DataObject
) -> None:
    rows = build(items)
    index = data.draw(st.integers(0, len(rows) - 1), label="duplicate of")
    rows.insert(index + 1, forged(rows[index - 1] if index else None, index + 1, extra))

    problem = verify_chain(rows).problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        index + 1,
        "inserted",
        "duplicate_seq",
    )


def test_a_first_row_that_does_not_start_at_one_is_a_removal_of_row_one() -> None:
    rows = build([{"k": "a"}, {"k": "b"}])
    problem = verify_chain(rows[1:]).problem
    assert problem is not None and (problem.seq, problem.kind) == (1, "removed")


def test_an_anchor_finds_a_truncated_or_rewritten_tail() -> None:
    rows = build([{"k": str(i)} for i in range(5)])
    head = (5, rows[-1].hash)
    assert verify_chain(rows, anchor=head).ok
    assert verify_chain(rows[:4]).ok  # without an anchor, dropping the head is invisible …
    problem = verify_chain(rows[:4], anchor=head).problem  # … with one it is not
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        5,
        "removed",
        "anchor_missing",
    )

    rewritten = build([{"k": str(i)} for i in range(4)] + [{"k": "forged"}])  # a consistent rewrite
    assert verify_chain(rewritten).ok
    problem = verify_chain(rewritten, anchor=head).problem
    assert problem is not None and (problem.seq, problem.kind, problem.reason) == (
        5,
        "altered",
        "anchor_mismatch",
    )


def test_stored_content_that_cannot_be_encoded_counts_as_altered() -> None:
    rows = build([{"k": "a"}, {"k": "b"}])
    rows[1] = dataclasses.replace(rows[1], content={**rows[1].content, "k": 1.5})
    problem = verify_chain(rows).problem
    assert problem is not None and (problem.seq, problem.kind) == (2, "altered")
