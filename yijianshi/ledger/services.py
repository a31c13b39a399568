"""Appending to and verifying the access ledger (上链存证, 001 §15; issue 4 point 4).

Rule: no source is read without a purpose (an application, an intake, a verification …) and an actor, and
every read and verification — allowed, failed or refused — is appended here, chained by SM3 (chain.py).
The data hub calls `ledger_append` for each read; a read without a purpose is recorded as `refused` and then
refused with `DomainError("purpose_required")`, so callers must call it *before* touching a source when they
have no purpose. The data subject lists the rows about them with `selectors.ledger_entries_for_subject`.

**Serialised appends.** A row needs the previous row's seq and hash, so appends are serialised across
threads, processes and web workers:
- PostgreSQL: `pg_advisory_xact_lock(LOCK_KEY)` first in the append's transaction, then the head is read
  (READ COMMITTED — Django's default — takes a fresh snapshot per statement, so it sees the row the previous
  holder committed before releasing the lock), then the row is inserted; the lock goes with the commit. An
  advisory lock rather than `SELECT … FOR UPDATE` on a head row: nothing is updated per append (no hot row,
  no dead tuples), and it works on an empty ledger.
- SQLite: the settings open every transaction with `BEGIN IMMEDIATE`, which takes the database's single write
  lock at once, so read-head-then-insert is already serialised.
The unique index on `seq` is the last guard: a bug here would end in an IntegrityError, never in a fork.

**Which transaction the row is written in — and why a refusal survives the caller's rollback.**
- The caller is not in a transaction (a GET that prefills a form, a command): the row is written in its own
  short transaction on the default connection and committed before `ledger_append` returns (or raises).
- The caller is inside its own `transaction.atomic` on PostgreSQL: the row is written through a second
  connection in a transaction of its own (an *autonomous transaction*), committed before we return or
  raise. A savepoint would not do: it is undone by the caller's rollback, and the refusal must survive
  exactly that (the caller's request fails with our error). Two more reasons: a read that happened stays on
  record even if the application that made it is rolled back (the data left the source either way), and the
  ledger's lock is held only for the append (a few milliseconds), not until the caller commits — otherwise
  one slow caller (say, an HTTP source read after the first append) would stop every other reader on the
  platform. That connection is the thread's own and kept between requests under the default database's
  rules (CONN_MAX_AGE, closed after an error it does not survive; one the server dropped — a restart — fails
  at its first statement, before anything is written, and the append is made again on a fresh one). The row
  carries no foreign key, so the other connection needs nothing the caller has not committed.
- The caller is inside its own transaction on SQLite (the embedded, single-process default): SQLite has one
  writer at a time and the caller holds that lock, so a second connection would wait for the caller forever.
  There the row is written in a savepoint of the caller's transaction and shares its fate: a refusal inside a
  transaction that is then rolled back leaves no row. Production runs PostgreSQL.
- Inside a test's wrapping transaction (pytest-django without transaction=True) the row is written in a
  savepoint, as Django does for `atomic(durable=True)`, so tests stay isolated; tests of the autonomous path
  use transaction=True (tests/ledger/test_refusal.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.dispatch import receiver

from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import mask

from .chain import GENESIS, StoredRow, VerifyResult, canonical, row_hash, verify_chain
from .models import AccessMode, LedgerEntry, Outcome, PurposeKind

__all__ = [
    "LOCK_KEY",
    "Purpose",
    "VerifyResult",
    "canonical",
    "ledger_append",
    "ledger_batch",
    "ledger_connection_close",
    "ledger_verify",
]

LOCK_KEY = 0x594A535F4C454447  # "YJS_LEDG": the PostgreSQL advisory lock that serialises appends
AUTONOMOUS_ALIAS = "ledger-autonomous"
AUTONOMOUS_LOCK_TIMEOUT = "10s"  # a guard: that connection must never wait on its own caller
MAX_DETAIL = 2000
MAX_FIELDS = 500
MAX_FIELD_KEY = 100
SYSTEM_ROLE = "system"
AGENT_ROLE = "agent"  # someone reading for another under a mandate (授权委托): the row names the mandate
MANDATE_PREFIX = "mandate="  # the detail of such a row begins with it (models.LedgerEntry.mandate_number)


@dataclass(frozen=True)
class Purpose:
    """Why shared data is read; required for every read."""

    kind: str  # PurposeKind: application | intake | verification | party_file | objection | prefill
    reference: str  # e.g. the application number or the licence identifier
    # read by an agent for the principal under this mandate (its number): the row's role is "agent" and its
    # detail names the mandate, so the principal sees who read for them and by which authority
    mandate: str = ""


# --- checking the call --------------------------------------------------------------------------------------


def _bad(code: str, field: str, zh: str, en: str) -> DomainError:
    return DomainError(code, zh, en, field=field)


def _text(value: Any, *, field: str, zh_name: str, max_length: int, required: bool = True) -> str:
    if not isinstance(value, str):
        raise _bad("ledger_not_text", field, f"{zh_name}必须是文本", f"The {field} must be text")
    text = value.strip()
    if required and not text:
        raise _bad(f"ledger_{field}_required", field, f"缺少{zh_name}", f"The {field} is missing")
    if len(text) > max_length:
        raise _bad(
            "ledger_too_long",
            field,
            f"{zh_name}超过{max_length}个字符",
            f"The {field} is longer than {max_length} characters",
        )
    if "\x00" in text:
        raise _bad(
            "ledger_nul_character", field, f"{zh_name}含有空字符", f"The {field} contains a NUL character"
        )
    return text


def _fields(fields: Any) -> list[str]:
    if isinstance(fields, str | bytes) or not isinstance(fields, Sequence | set | frozenset):
        raise _bad(
            "ledger_bad_fields", "fields", "字段必须是字段键的列表", "The fields must be a list of field keys"
        )
    keys = sorted({_text(f, field="fields", zh_name="字段键", max_length=MAX_FIELD_KEY) for f in fields})
    if len(keys) > MAX_FIELDS:
        raise _bad(
            "ledger_too_many_fields",
            "fields",
            f"字段超过{MAX_FIELDS}个",
            f"More than {MAX_FIELDS} fields in one read",
        )
    return keys


def _detail(detail: Any) -> str:
    text = str(detail or "").replace("\x00", "\ufffd").strip()  # exception texts: never refuse to log them
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def _refusal(
    actor: User | None, actor_role: str, purpose: Purpose | None, subject: str
) -> DomainError | None:
    """Why this read must be refused (recorded, then raised), or None."""
    who = mask(subject)
    if purpose is None:
        return DomainError(
            "purpose_required",
            f"读取共享数据须说明用途（办件、收件、核验等）；对 {who} 的本次读取已拒绝并记录",
            f"Shared data is read only for a stated purpose (an application, an intake, a verification); "
            f"this read about {who} was refused and recorded",
            field="purpose",
        )
    if (
        not isinstance(purpose, Purpose)
        or purpose.kind not in PurposeKind.values
        or not isinstance(purpose.reference, str)
        or not purpose.reference.strip()
        or len(purpose.reference.strip()) > 128
    ):
        return DomainError(
            "purpose_invalid",
            f"用途无效：须为{'、'.join(PurposeKind.values)}之一，并注明依据（如办件编号）；对 {who} 的本次读取已拒绝并记录",
            f"The purpose is not valid: its kind must be one of {', '.join(PurposeKind.values)} and it needs a "
            f"reference (e.g. the application number); this read about {who} was refused and recorded",
            field="purpose",
        )
    if not actor_role or (actor is None and actor_role != SYSTEM_ROLE):
        return DomainError(
            "actor_required",
            f"读取共享数据须注明操作人（或角色为 system 的系统任务）；对 {who} 的本次读取已拒绝并记录",
            f"Shared data is read only by a named actor (or a task with the role 'system'); this read about "
            f"{who} was refused and recorded",
            field="actor",
        )
    return None


# --- appending ----------------------------------------------------------------------------------------------


def ledger_append(
    *,
    actor: User | None,
    actor_role: str,
    subject_id: str,
    source: str,
    purpose: Purpose | None,
    fields: Sequence[str],
    mode: str,
    outcome: str,
    detail: str = "",
) -> LedgerEntry:
    """Append one row for one read (`mode` "query") or verification ("verify") of `source` about
    `subject_id`, with its `outcome` ("ok", "error", "refused"), and return it, committed (module docstring).

    Without a purpose (or with an invalid one, or without an actor), the row is recorded with outcome
    "refused" and the reason in its detail, and then `DomainError` ("purpose_required", "purpose_invalid",
    "actor_required") is raised. Malformed arguments (an unknown mode, an empty subject …) raise a
    `DomainError` and record nothing: they are bugs of the caller, not reads."""
    if mode not in AccessMode.values:
        raise _bad(
            "ledger_bad_mode",
            "mode",
            f"访问方式须为{'/'.join(AccessMode.values)}",
            f"The mode must be one of {', '.join(AccessMode.values)}",
        )
    if outcome not in Outcome.values:
        raise _bad(
            "ledger_bad_outcome",
            "outcome",
            f"结果须为{'/'.join(Outcome.values)}",
            f"The outcome must be one of {', '.join(Outcome.values)}",
        )
    subject = _text(subject_id, field="subject_id", zh_name="数据主体标识", max_length=64)
    values: dict[str, Any] = {
        "actor_id": actor.pk if actor is not None else None,
        "actor_name": actor.get_username() if actor is not None else "",
        "actor_role": _text(
            actor_role or "", field="actor_role", zh_name="角色", max_length=32, required=False
        ),
        "subject_id": subject,
        "source": _text(source, field="source", zh_name="数据源", max_length=60),
        "purpose_kind": "",
        "purpose_reference": "",
        "fields": _fields(fields),
        "mode": mode,
        "outcome": outcome,
        "detail": _detail(detail),
    }
    refusal = _refusal(actor, values["actor_role"], purpose, subject)
    if purpose is not None:
        values["purpose_kind"] = str(getattr(purpose, "kind", ""))[:20].replace("\x00", "")
        values["purpose_reference"] = str(getattr(purpose, "reference", "")).strip()[:128].replace("\x00", "")
        mandate = str(getattr(purpose, "mandate", "") or "").strip()[:24].replace("\x00", "")
        if mandate and actor is not None:
            values["actor_role"] = AGENT_ROLE
            values["detail"] = _detail(
                f"{MANDATE_PREFIX}{mandate}; {values['detail']}"
                if values["detail"]
                else f"{MANDATE_PREFIX}{mandate}"
            )
    if refusal is not None:
        values["outcome"] = Outcome.REFUSED
        values["detail"] = _detail(
            f"{refusal.code}: {values['detail']}" if values["detail"] else refusal.code
        )
    queued = getattr(_batch, "rows", None)
    if queued is not None and refusal is None:
        entry = LedgerEntry(**values)  # written when the batch ends (ledger_batch)
        queued.append((values, entry))
        return entry
    if queued:
        _flush_batch()  # a refusal is written at once, after what was read before it
    entry = _append([values])[0]
    if refusal is not None:
        raise refusal  # after the row was committed (or, on SQLite inside a caller's transaction, saved)
    return entry


def _in_callers_transaction(conn: BaseDatabaseWrapper) -> bool:
    """Whether the caller has a transaction open on `conn` — not counting a test case's wrapper, which Django
    itself treats as absent for `atomic(durable=True)`."""
    if any(getattr(block, "_from_testcase", False) for block in conn.atomic_blocks):
        return False
    return bool(conn.in_atomic_block or not conn.get_autocommit())


def _append(rows: list[dict[str, Any]]) -> list[LedgerEntry]:
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor not in ("postgresql", "sqlite"):
        raise ImproperlyConfigured(
            f"the access ledger serialises appends on PostgreSQL and SQLite only, not on {conn.vendor}"
        )
    if conn.vendor == "postgresql" and _in_callers_transaction(conn):
        return _append_autonomously(rows)
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        return _append_here(DEFAULT_DB_ALIAS, rows, _locked_head(DEFAULT_DB_ALIAS))


def _head_sql(conn: BaseDatabaseWrapper) -> str:
    """The statement that reads the head: the newest row's seq and hash."""
    table = conn.ops.quote_name(LedgerEntry._meta.db_table)
    return f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1"  # noqa: S608 - our own table's name


def _lock_and_head_sql(conn: BaseDatabaseWrapper, *, timeout: str = "") -> str:
    """PostgreSQL: the statements that take the ledger's lock (waiting at most `timeout` when given) and then
    read the head, as one simple query (run in order: the head is read once the lock is held)."""
    guard = f"SET LOCAL lock_timeout = '{timeout}'; " if timeout else ""
    return f"{guard}SELECT pg_advisory_xact_lock({int(LOCK_KEY)}); {_head_sql(conn)}"


def _head(cursor: Any, *, last_of_several: bool = False) -> tuple[int, str] | None:
    """The head the cursor read: the newest row's seq and hash, None on an empty ledger. `last_of_several`: it
    is the result of the last of the statements sent together (PostgreSQL)."""
    while last_of_several and cursor.nextset():
        pass
    row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else None


def _locked_head(alias: str) -> tuple[int, str] | None:
    """Take the ledger's lock (PostgreSQL) and read the head, inside a transaction on `alias`. On PostgreSQL the
    statements go in one round trip; on SQLite the transaction's BEGIN IMMEDIATE already holds the lock."""
    conn = connections[alias]
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(_lock_and_head_sql(conn))
            return _head(cursor, last_of_several=True)
        cursor.execute(_head_sql(conn))
        return _head(cursor)


def _chained(rows: list[dict[str, Any]], head: tuple[int, str] | None) -> list[LedgerEntry]:
    """The rows as entries chained one after the other, after `head` (read under the lock)."""
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    at = clock.now()
    entries = []
    for values in rows:
        entry = LedgerEntry(seq=seq, at=at, prev_hash=prev_hash, **values)
        entry.hash = row_hash(prev_hash, entry.content())
        entries.append(entry)
        seq, prev_hash = seq + 1, entry.hash
    return entries


def _append_here(alias: str, rows: list[dict[str, Any]], head: tuple[int, str] | None) -> list[LedgerEntry]:
    """Insert the rows chained after `head` (which `_locked_head` read under the lock, in the same transaction
    on `alias`)."""
    entries = _chained(rows, head)
    conn = connections[alias]
    with conn.cursor() as cursor:
        _insert(conn, cursor, entries)
    return entries


def _insert(conn: BaseDatabaseWrapper, cursor: Any, entries: list[LedgerEntry], *, then: str = "") -> None:
    """One INSERT of these entries (followed by the statement `then`, in the same round trip), each value
    prepared by its model field for `conn` as the ORM prepares it (the JSON list of fields, the aware time);
    the entries get the ids it returns."""
    fields = [f for f in LedgerEntry._meta.concrete_fields if not f.primary_key]
    quote = conn.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(quote(str(f.column)) for f in fields)
    values = ", ".join([row] * len(entries))
    table, pk = quote(LedgerEntry._meta.db_table), quote(str(LedgerEntry._meta.pk.column))
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}"  # noqa: S608 - our own table and columns
    cursor.execute(
        sql + then,
        [f.get_db_prep_save(getattr(entry, f.attname), connection=conn) for entry in entries for f in fields],
    )
    ids = [r[0] for r in cursor.fetchall()]  # the INSERT's result (with `then`, the first of the two)
    for entry, pk in zip(entries, ids, strict=True):
        entry.pk = pk
        entry._state.adding, entry._state.db = (
            False,
            DEFAULT_DB_ALIAS,
        )  # the ledger lives in the default database


_batch = threading.local()  # (values, entry) of each append queued in one `ledger_batch` block (this thread)


@contextmanager
def ledger_batch() -> Iterator[None]:
    """Within this block (in this thread), the rows of allowed reads and of failed ones are collected and
    written together when the block ends — one lock, one head read, one commit for all of them, chained in
    the order they were appended — instead of one committed transaction each. A refusal is written at once
    (after the rows queued before it), as outside a batch.

    For a caller that reads several sources for one purpose and hands the values on only when it is done
    (the prefill of a form, a party file): the rows are written before its values leave it, and also when
    the block ends with an exception (the reads happened). If writing them fails, the block raises, so the
    values are not handed on. Until then the entries `ledger_append` returned have no seq or hash yet."""
    if getattr(_batch, "rows", None) is not None:  # nested: the outer block writes
        yield
        return
    _batch.rows = []
    try:
        yield
    finally:
        _flush_batch()
        _batch.rows = None


def _flush_batch() -> None:
    queued: list[tuple[dict[str, Any], LedgerEntry]] = _batch.rows
    if not queued:
        return
    _batch.rows = []
    written = _append([values for values, _ in queued])
    for (_, entry), row in zip(queued, written, strict=True):  # the entries returned earlier get their place
        entry.pk, entry.seq, entry.at, entry.prev_hash, entry.hash = (
            row.pk,
            row.seq,
            row.at,
            row.prev_hash,
            row.hash,
        )
        entry._state.adding, entry._state.db = False, row._state.db


class _Own:
    """A thread's autonomous connection (a Django wrapper under a private alias, never in `connections`
    between appends) and the process that opened it. Held only by the thread's `_kept` slot, so it is
    dropped — and the connection closed — when the thread ends (Python drops a thread's threading.local
    values then) or when another takes its place."""

    def __init__(self, wrapper: BaseDatabaseWrapper) -> None:
        self.wrapper, self.pid = wrapper, os.getpid()

    def __del__(self) -> None:
        if (
            self.pid == os.getpid() and self.wrapper.connection is not None
        ):  # not a socket inherited by fork()
            with suppress(Exception):
                self.wrapper.connection.close()


_kept = threading.local()  # .own: this thread's _Own


def _own() -> BaseDatabaseWrapper | None:
    """This thread's wrapper, unless it was inherited through fork() (its socket is the parent's: left
    alone, as psycopg leaves it)."""
    own: _Own | None = getattr(_kept, "own", None)
    return own.wrapper if own is not None and own.pid == os.getpid() else None


def _autonomous() -> BaseDatabaseWrapper:
    """This thread's autonomous connection, kept between appends as Django keeps its own (CONN_MAX_AGE of
    the default database): closed when it is older than that or after an error it does not survive — then
    the next statement opens a fresh one."""
    own = _own()
    if own is None:
        settings_dict = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
        own = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, AUTONOMOUS_ALIAS)
        _kept.own = _Own(own)
        return own
    own.close_if_unusable_or_obsolete()
    return own


def ledger_connection_close() -> None:
    """Close this thread's autonomous connection, if open (before a test database is dropped, say)."""
    if (own := _own()) is not None:
        own.close()


@receiver(request_finished)
def _close_when_obsolete(**kwargs: Any) -> None:
    """At the end of a request, as Django does for its own connections."""
    if (own := _own()) is not None:
        own.close_if_unusable_or_obsolete()


class _Dropped(Exception):
    """The kept connection failed its first statement: the server dropped it (a restart, an idle timeout)."""


def _append_autonomously(rows: list[dict[str, Any]]) -> list[LedgerEntry]:
    """Append through this thread's own connection, in a transaction of its own (PostgreSQL; module
    docstring), in two round trips: BEGIN with the lock and the head, then the INSERT with the COMMIT (the
    connection stays in autocommit mode, so neither the driver nor Django adds a BEGIN or a COMMIT of their
    own; the lock is held for the INSERT's round trip only). It stays open for the next append unless the
    default database's connections are not kept (CONN_MAX_AGE 0). A kept connection the server has dropped
    fails at the first statement, before anything is written: the append is then made once more on a fresh
    connection."""
    own = _autonomous()
    try:
        for _ in range(2):  # the second attempt is on a fresh connection, so it is not retried
            try:
                entries = _append_in_two_round_trips(own, rows, reused=own.connection is not None)
                break
            except _Dropped:
                own.close()
    finally:
        if own.settings_dict["CONN_MAX_AGE"] == 0:
            own.close()
    return entries


def _append_in_two_round_trips(
    own: BaseDatabaseWrapper, rows: list[dict[str, Any]], *, reused: bool
) -> list[LedgerEntry]:
    began = False
    with own.cursor() as cursor:
        try:
            cursor.execute(f"BEGIN; {_lock_and_head_sql(own, timeout=AUTONOMOUS_LOCK_TIMEOUT)}")
            began = True
            entries = _chained(rows, _head(cursor, last_of_several=True))
            _insert(own, cursor, entries, then="; COMMIT")
        except BaseException as exc:
            with suppress(Exception):  # the transaction is aborted, or never began: leave the connection idle
                cursor.execute("ROLLBACK")
            if reused and not began and isinstance(exc, (OperationalError, InterfaceError)):
                raise _Dropped from exc
            raise
    return entries


# --- verifying ----------------------------------------------------------------------------------------------

_COLUMNS = (
    "seq",
    "prev_hash",
    "hash",
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


def _stored_rows() -> Any:
    rows = LedgerEntry.objects.order_by("seq", "id").values_list(*_COLUMNS).iterator(chunk_size=2000)
    for seq, prev_hash, hash_, *rest in rows:
        content = dict(zip(_COLUMNS[3:], rest, strict=True))
        content["seq"] = seq
        yield StoredRow(seq=seq, prev_hash=prev_hash, hash=hash_, content=content)


def ledger_verify(*, anchor: tuple[int, str] | None = None) -> VerifyResult:
    """Walk the whole chain in seq order: ok (with the number of rows and the head), or the first row that
    was altered, removed or inserted, with its seq and the kind of problem (chain.verify_chain).

    `anchor` (seq, hash): a head printed by an earlier run and kept elsewhere; the chain must still hold that
    row with that hash, which detects a rewrite or truncation up to it."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor == "postgresql" and not conn.in_atomic_block:
        # one snapshot, streamed by a server-side cursor (outside a transaction it would be materialised)
        with transaction.atomic():
            return verify_chain(_stored_rows(), anchor=anchor)
    return verify_chain(_stored_rows(), anchor=anchor)
