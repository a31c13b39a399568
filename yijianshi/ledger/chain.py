"""The hash chain of the access ledger (上链存证, 001 §15; issue 4 point 4), as pure functions.

Nothing here knows Django: the service (services.py) builds rows and stores them, this module says how a row
is encoded and hashed and walks a sequence of stored rows to find the first one that is wrong. That keeps the
rules testable by the thousand (tests/ledger/test_chain.py) and lets anyone re-implement a verifier.

**Canonical encoding** (`canonical`), version 1. A row is a JSON object, encoded as UTF-8 with
- keys sorted by code point, no whitespace at all (separators "," and ":"), non-ASCII characters written as
  themselves (not as \\u escapes), and JSON's own escapes for `"`, `\\` and control characters;
- values: strings, integers (never floats: their text differs between languages), true/false, null, lists,
  objects, and datetimes, which must be aware and are written in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`
  (always six fractional digits).

The row of a ledger entry has exactly the keys of `CONTENT_KEYS`: `seq` (integer, 1, 2, 3 …), `at`, `actor_id`
(integer or null), `actor_name`, `actor_role`, `subject_id` (the full identifier), `source`, `purpose_kind`,
`purpose_reference` (both "" when no purpose was given), `fields` (list of strings), `mode`, `outcome`,
`detail`.

**Hash.** `hash = SM3(prev_hash ‖ canonical(row))` as 64 lower-case hex digits, where `prev_hash` is the
previous row's `hash` as 64 ASCII characters and the first row's `prev_hash` is `GENESIS` (64 zeros). SM3 is
GB/T 32905-2016; we use OpenSSL's through `hashlib` (about 1,500 times faster than gmssl's pure-Python one)
and fall back to gmssl where OpenSSL was built without SM3; both give the standard's test vectors.

**What the walk reports** (`verify_chain`): rows are read in `seq` order; the first of these is reported,
with the seq it concerns:
- `inserted` — a seq that appears twice, or a row that sits between two rows chained directly to each other
  (the row after it names the row before it as its predecessor);
- `removed` — a seq that is missing (a gap), a row chained to a predecessor that is no longer there (its
  `prev_hash` names no row we hold), or an anchored row (see below) that is gone;
- `altered` — a row whose `hash` is not the SM3 of its predecessor's hash and its own content (any stored
  column changed, including `prev_hash` and `hash` themselves), or an anchored row whose hash changed.

What a chain cannot tell on its own: someone who can write the table *and* recompute hashes can rewrite the
chain from some row to the end, drop the last rows, or append forged rows at the head. An **anchor** closes
this up to a point: `ledger verify` prints the head (seq and hash); kept outside the database (a daily report,
an external notary or blockchain service), it is checked later with `--anchor SEQ:HASH`, and any rewrite or
truncation up to that row is detected. Withholding UPDATE/DELETE on the table from the application's database
role is the other half (docs: deployment).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

GENESIS = "0" * 64
ENCODING_VERSION = 1
CONTENT_KEYS = (
    "seq",
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
)

ProblemKind = Literal["altered", "removed", "inserted"]


# --- SM3 ----------------------------------------------------------------------------------------------------


from yijianshi.core.sm3 import sm3_hex  # noqa: E402 - GB/T 32905-2016

# --- canonical encoding -------------------------------------------------------------------------------------


def _plain(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"canonical(): {path} is a naive datetime; only aware datetimes can be encoded")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, list | tuple):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"canonical(): key {k!r} in {path or 'row'} is not a string")
            out[k] = _plain(v, f"{path}.{k}" if path else k)
        return out
    raise ValueError(f"canonical(): {path} has type {type(value).__name__}, which has no canonical encoding")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The canonical encoding of `row` (see the module docstring): sorted keys, no whitespace, UTF-8,
    datetimes as ISO 8601 in UTC with microseconds. Raises ValueError for values it cannot encode
    (floats, naive datetimes, other types)."""
    text = json.dumps(
        _plain(row, ""), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def row_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """SM3(prev_hash ‖ canonical(row)), the `hash` of a ledger row."""
    return sm3_hex(prev_hash.encode("ascii", errors="replace") + canonical(row))


def _hash_holds(row: StoredRow) -> bool:
    try:
        return row_hash(row.prev_hash, row.content) == row.hash
    except (ValueError, UnicodeError):  # stored content that cannot even be encoded was not written by us
        return False


# --- the walk -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRow:
    """One row as stored: its chain columns and its content (a mapping with the keys of CONTENT_KEYS)."""

    seq: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    reason: str  # a stable code: duplicate_seq, seq_gap, interloper, broken_link, hash_mismatch, anchor_*
    zh: str
    en: str

    def __str__(self) -> str:
        return f"row #{self.seq} {self.kind} ({self.reason}): {self.en} / {self.zh}"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int  # rows walked (up to and including the bad one when not ok)
    head_seq: int  # the last good row's seq, 0 for an empty ledger
    head_hash: str  # the last good row's hash, GENESIS for an empty ledger
    problem: Problem | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"ok: {self.rows} rows, head #{self.head_seq} {self.head_hash}"
        return f"broken: {self.problem}"


def _problem(seq: int, kind: ProblemKind, reason: str) -> Problem:
    zh, en = {
        "duplicate_seq": ("序号重复，有一行是插入的", "this seq appears twice: a row was inserted"),
        "out_of_order": (
            "序号小于应有值，有一行是插入的",
            "this seq is lower than expected: a row was inserted",
        ),
        "seq_gap": ("此序号缺失，有一行被删除", "this seq is missing: a row was removed"),
        "interloper": (
            "其前后两行直接相链，此行是插入的",
            "the rows before and after it are chained to each other: this row was inserted",
        ),
        "broken_link": (
            "前一哈希指向一条已不存在的记录，之前有一行被删除或替换",
            "its prev_hash names a row that is no longer there: a row before it was removed or replaced",
        ),
        "hash_mismatch": (
            "哈希与内容不符，此行被篡改",
            "its hash does not match its content: this row was altered",
        ),
        "anchor_missing": ("锚定的记录不存在，此行被删除", "the anchored row is not there: it was removed"),
        "anchor_mismatch": (
            "锚定的哈希与此行不符，此行或之前的记录被改写",
            "the anchored hash differs: this row or one before it was rewritten",
        ),
    }[reason]
    return Problem(seq=seq, kind=kind, reason=reason, zh=f"第{seq}行：{zh}", en=f"row #{seq}: {en}")


def verify_chain(rows: Iterable[StoredRow], *, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Walk `rows` (in seq order, ties in storage order) and return ok or the first problem (module
    docstring). `anchor` (seq, hash), when given, must be a row of the chain with that very hash."""
    count = 0
    prev: StoredRow | None = None
    link_of_prev = GENESIS  # the hash `prev` was chained to
    expected_prev = GENESIS  # the hash the next row must be chained to
    anchored_hash: str | None = None

    def fail(problem: Problem) -> VerifyResult:
        return VerifyResult(
            ok=False, rows=count, head_seq=prev.seq if prev else 0, head_hash=expected_prev, problem=problem
        )

    for row in rows:
        count += 1
        expected_seq = prev.seq + 1 if prev is not None else 1
        if prev is not None and row.seq == prev.seq:
            return fail(_problem(row.seq, "inserted", "duplicate_seq"))
        if row.seq < expected_seq:
            return fail(_problem(row.seq, "inserted", "out_of_order"))
        if row.seq > expected_seq:
            return fail(_problem(expected_seq, "removed", "seq_gap"))
        if row.prev_hash != expected_prev:
            if prev is not None and row.prev_hash == link_of_prev:
                return fail(_problem(prev.seq, "inserted", "interloper"))
            if not _hash_holds(row):
                return fail(_problem(row.seq, "altered", "hash_mismatch"))
            return fail(_problem(row.seq, "removed", "broken_link"))
        if not _hash_holds(row):
            return fail(_problem(row.seq, "altered", "hash_mismatch"))
        if anchor is not None and row.seq == anchor[0]:
            anchored_hash = row.hash
        link_of_prev, expected_prev, prev = expected_prev, row.hash, row

    head_seq = prev.seq if prev is not None else 0
    if anchor is not None:
        if anchored_hash is None:
            return VerifyResult(
                ok=False,
                rows=count,
                head_seq=head_seq,
                head_hash=expected_prev,
                problem=_problem(anchor[0], "removed", "anchor_missing"),
            )
        if anchored_hash != anchor[1].strip().lower():
            return VerifyResult(
                ok=False,
                rows=count,
                head_seq=head_seq,
                head_hash=expected_prev,
                problem=_problem(anchor[0], "altered", "anchor_mismatch"),
            )
    return VerifyResult(ok=True, rows=count, head_seq=head_seq, head_hash=expected_prev)
