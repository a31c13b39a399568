"""The outbox: messages to department systems, written in the transaction of the change they report and
delivered afterwards, at least once (STYLE.md: one command, one transaction; DESIGN.md §4 step 3).

Writing. `outbox_enqueue` must run inside the caller's `transaction.atomic`: the row commits or rolls back
with the change it reports, so a crash never loses a message nor sends one for a change that did not happen.
On commit it wakes the deliverer: the in-process runner (yijianshi/runner.py) or, with TASKS_MODE="celery", the
`integrations.deliver_outbox` task, queued from a short-lived thread so that a broker outage never holds up
the request (core/broker.py: after a failure the broker is left alone for 30 s); the beat also runs the task every 10 s, so
a lost wake-up only delays delivery.

Delivering. `outbox_deliver_due` claims due rows in a short transaction and sends them outside any transaction.
We chose a **lease** over holding the row lock while sending:
- the claim is one UPDATE of at most CLAIM_SIZE rows, chosen by a subquery with
  `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, that sets `claim_token` to a fresh token, counts the attempt
  and moves `next_attempt_at` to the end of the lease. It commits at once, so a slow department system never
  keeps a transaction (and on SQLite the database's only write lock) open across a network call, and another
  deliverer running at the same moment skips those rows (PostgreSQL) or waits for the single-statement claim
  and then sees them no longer due (SQLite serialises writers; within one process a lock also serialises the
  threads, because SQLite's shared-cache test database answers "table locked" instead of waiting);
- each result is written by an UPDATE conditioned on the claim token: delivered, or back to pending with an
  exponential backoff with jitter, or failed after OUTBOX_MAX_ATTEMPTS. A deliverer whose lease ran out
  cannot overwrite the outcome of the one that took the row over;
- a deliverer that dies mid-way (SIGKILL, OOM, deploy) leaves its rows pending with the lease as their due
  time; when the lease ends another deliverer sends them again. This is why delivery is *at least once* and
  every message carries an `Idempotency-Key` that the receiver must deduplicate on (docs/integrations.md).
  A deliverer stops before a message whose send might outlast its lease and hands the rest back.

Fault injection (test-only): the environment variable YIJIANSHI_FAULT=after_claim|after_send makes the process
SIGKILL itself at that point (tests/integrations/test_crash.py). Never set it in a deployment.

Settings read (all optional): OUTBOX_MAX_ATTEMPTS (12), OUTBOX_WEBHOOK_TIMEOUT (5 s, connectors.py),
OUTBOX_LEASE_SECONDS (CLAIM_SIZE × timeout + 30 s), TASKS_MODE ("inprocess").
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import F

from yijianshi.catalog.models import Department
from yijianshi.core import broker, clock
from yijianshi.core.errors import DomainError

from .connectors import ConnectorRegistry, DeliveryFailed, connector_code_for
from .connectors import registry as default_registry
from .models import KEY_MAX_LENGTH, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 10.0
BACKOFF_CAP_SECONDS = 3600.0
CLAIM_SIZE = 10
MAX_ERROR_LENGTH = 2000
FAULT_ENV = "YIJIANSHI_FAULT"


# --- writing ------------------------------------------------------------------------------------------------


def outbox_enqueue(
    *, topic: str, department: Department | None, payload: dict[str, Any], idempotency_key: str
) -> OutboxMessage:
    """Write one message for `department` (None: not addressed to a department) in the caller's transaction.

    The same `idempotency_key` twice returns the row written the first time: no duplicate is ever sent."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must be called inside the caller's transaction.atomic block")
    if not topic or not idempotency_key:
        raise DomainError(
            "outbox_invalid", "消息主题和幂等键不能为空", "An outbox message needs a topic and a key"
        )
    if len(idempotency_key) > KEY_MAX_LENGTH:
        raise DomainError("outbox_key_too_long", "幂等键过长", "The idempotency key is too long")
    # Store exactly what will be sent: dates, decimals and UUIDs become the strings the receiver reads.
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    moment = clock.now()
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "topic": topic,
            "department": department,
            "payload": data,
            "status": OutboxStatus.PENDING,
            "next_attempt_at": moment,
            "created_at": moment,
        },
    )
    if created:
        _wake_on_commit()
    elif message.topic != topic or message.department_id != (department.pk if department else None):
        logger.warning(
            "outbox: key %s reused for another message (%s → %s); the first one stands",
            idempotency_key,
            message.topic,
            topic,
        )
    return message


def outbox_retry(*, message: OutboxMessage, actor: Any) -> OutboxMessage:
    """Give a failed (or waiting) message a fresh set of attempts, due now. A delivered message stays
    delivered, and one a deliverer is sending now is left to it."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status == OutboxStatus.DELIVERED:
            raise DomainError("outbox_already_delivered", "消息已投递", "The message was already delivered")
        if locked.claim_token and locked.next_attempt_at > clock.now():
            raise DomainError("outbox_in_flight", "消息正在投递", "The message is being delivered right now")
        locked.status = OutboxStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = clock.now()
        locked.claim_token = ""
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "claim_token"])
        logger.info("outbox: message %s (%s) queued again by %s", locked.pk, locked.idempotency_key, actor)
        _wake_on_commit()
    return locked


def _wake_on_commit() -> None:
    conn = transaction.get_connection()
    try:  # once per transaction, however many messages it writes
        if any(entry[1] is _wake for entry in conn.run_on_commit):
            return
    except (AttributeError, IndexError, TypeError):  # pragma: no cover - a Django internals change
        pass
    transaction.on_commit(_wake, robust=True)


def _wake() -> None:
    if getattr(settings, "TASKS_MODE", "inprocess") == "celery":
        # Publishing blocks for seconds when the broker is down (client retries): never in the request.
        threading.Thread(target=_queue_delivery_task, name="outbox-wake", daemon=True).start()
    else:
        from yijianshi import runner

        runner.wake("deliver-outbox")  # the job integrations/apps.py registers


def _queue_delivery_task() -> None:
    from .tasks import deliver_outbox

    # when the broker cannot take it, the rows wait in the outbox for the beat's periodic run
    broker.publish(lambda: deliver_outbox.apply_async(expires=60, retry=False), what="the outbox delivery")


# --- delivering ---------------------------------------------------------------------------------------------


def max_attempts() -> int:
    return int(getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def webhook_timeout() -> float:
    return float(getattr(settings, "OUTBOX_WEBHOOK_TIMEOUT", 5.0))


def lease_seconds() -> float:
    default = CLAIM_SIZE * webhook_timeout() + 30.0
    return float(getattr(settings, "OUTBOX_LEASE_SECONDS", default))


def backoff_seconds(attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt: 10 s, 20 s, 40 s … capped at 1 h, each times a random
    factor in [0.5, 1] so that the messages of a department that was down do not all come back at once."""
    delay = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography


def outbox_deliver_due(
    *, limit: int = 100, now: datetime | None = None, registry: ConnectorRegistry | None = None
) -> dict[str, int]:
    """Deliver up to `limit` due messages; returns how many were delivered, retried later, and given up.

    Call it outside any transaction (the runner and the Celery task do). `now` fixes the time (tests)."""
    connectors = registry if registry is not None else default_registry
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    remaining = limit
    while remaining > 0:
        claimed_at = now or clock.now()
        lease_end = claimed_at + timedelta(seconds=lease_seconds())
        batch = _claim(min(CLAIM_SIZE, remaining), claimed_at, lease_end)
        if not batch:
            break
        _fault("after_claim")
        remaining -= len(batch)
        for index, message in enumerate(batch):
            if (now or clock.now()) + timedelta(seconds=webhook_timeout()) >= lease_end:
                _release(batch[index:], now or clock.now())
                remaining = 0
                break
            counts[_deliver_one(message, connectors, now)] += 1
    if any(counts.values()):
        logger.info("outbox: %(delivered)s delivered, %(retried)s to retry, %(failed)s given up", counts)
    return counts


_sqlite_lock = threading.Lock()


@contextmanager
def _serialised() -> Iterator[None]:
    """On SQLite, one outbox write at a time in this process (see the module docstring)."""
    if connection.vendor == "sqlite":
        with _sqlite_lock:
            yield
    else:
        yield


def _claim(size: int, moment: datetime, lease_end: datetime) -> list[OutboxMessage]:
    token = uuid.uuid4().hex
    with _serialised(), transaction.atomic():
        due = (
            OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=moment)
            .order_by("next_attempt_at", "id")
            .select_for_update(skip_locked=True)
            .values("pk")[:size]
        )
        claimed = OutboxMessage.objects.filter(pk__in=due).update(
            claim_token=token, next_attempt_at=lease_end, attempts=F("attempts") + 1
        )
        if not claimed:
            return []
        return list(
            OutboxMessage.objects.filter(claim_token=token)
            .select_related("department__integration")
            .order_by("next_attempt_at", "id")
        )


def _deliver_one(message: OutboxMessage, connectors: ConnectorRegistry, now: datetime | None) -> str:
    code = connector_code_for(message)
    try:
        if code not in connectors:
            raise DeliveryFailed(f"no connector {code!r} is registered")
        connectors.get(code)().deliver(message)
    except DeliveryFailed as exc:
        return _record_failure(message, str(exc), now or clock.now())
    except Exception as exc:  # a bug in one connector must not stop the other messages
        logger.exception("outbox: connector %s raised on message %s", code, message.pk)
        return _record_failure(message, f"{type(exc).__name__}: {exc}", now or clock.now())
    _fault("after_send")
    with _serialised():
        updated = OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
            status=OutboxStatus.DELIVERED,
            delivered_at=now or clock.now(),
            connector=code,
            claim_token="",
            last_error="",
        )
    if not updated:
        logger.warning("outbox: message %s was delivered after its lease ended", message.pk)
    return "delivered"


def _record_failure(message: OutboxMessage, error: str, moment: datetime) -> str:
    gave_up = message.attempts >= max_attempts()
    fields: dict[str, Any] = {"last_error": error[:MAX_ERROR_LENGTH], "claim_token": ""}
    if gave_up:
        fields.update(status=OutboxStatus.FAILED, next_attempt_at=moment)
        logger.error(
            "outbox: giving up message %s (%s) after %s attempts: %s",
            message.pk,
            message.topic,
            message.attempts,
            error,
        )
    else:
        fields.update(next_attempt_at=moment + timedelta(seconds=backoff_seconds(message.attempts)))
        logger.warning("outbox: attempt %s of message %s failed: %s", message.attempts, message.pk, error)
    with _serialised():
        OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(**fields)
    return "failed" if gave_up else "retried"


def _release(messages: list[OutboxMessage], moment: datetime) -> None:
    """Hand back claimed messages not tried (the lease is ending): due now, the attempt not counted."""
    with _serialised():
        for message in messages:
            OutboxMessage.objects.filter(pk=message.pk, claim_token=message.claim_token).update(
                claim_token="", next_attempt_at=moment, attempts=F("attempts") - 1
            )


def _fault(point: str) -> None:
    """Test-only fault injection (module docstring): die here, as a power cut or `kill -9` would."""
    if os.environ.get(FAULT_ENV) == point:
        logger.critical("outbox: fault injection %s=%s: killing process %s", FAULT_ENV, point, os.getpid())
        logging.shutdown()
        os.kill(os.getpid(), signal.SIGKILL)
