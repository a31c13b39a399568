"""The outbox: written in the caller's transaction, delivered at least once, retried with backoff, never
delivered twice at the same time (yijianshi/integrations/outbox.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from yijianshi import runner
from yijianshi.core import clock
from yijianshi.integrations.connectors import ConnectorRegistry, DeliveryFailed, DepartmentConnector
from yijianshi.integrations.models import OutboxMessage, OutboxStatus
from yijianshi.integrations.outbox import backoff_seconds, outbox_deliver_due, outbox_enqueue, outbox_retry

from . import SECRET, make_department
from .receiver import Receiver


class Boom(Exception):
    pass


def enqueue(key: str = "A-1:birth:created", department=None, topic: str = "item_case.created", **payload):
    return outbox_enqueue(
        topic=topic, department=department, payload=payload or {"item_case": 1}, idempotency_key=key
    )


# --- writing -----------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_enqueue_in_a_transaction_that_rolls_back_leaves_nothing():
    department = make_department()
    with pytest.raises(Boom), transaction.atomic():
        enqueue(department=department)
        raise Boom

    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_then_commit_gives_one_pending_row():
    department = make_department()
    moment = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with clock.frozen(moment), transaction.atomic():
        enqueue(department=department, item_case=7, at=moment)

    row = OutboxMessage.objects.get()
    assert (row.topic, row.department, row.status, row.attempts) == (
        "item_case.created",
        department,
        OutboxStatus.PENDING,
        0,
    )
    assert row.next_attempt_at == moment and row.created_at == moment and row.delivered_at is None
    # stored as it will be sent: the datetime became its ISO text
    assert row.payload == {"item_case": 7, "at": "2026-03-02T01:00:00Z"}


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        enqueue()
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicate_idempotency_key_gives_the_same_row():
    department = make_department()
    with transaction.atomic():
        first = enqueue(department=department, item_case=1)
    with transaction.atomic():
        again = enqueue(department=department, item_case=2)

    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert OutboxMessage.objects.get().payload == {"item_case": 1}


@pytest.mark.django_db
def test_one_wake_up_per_transaction_however_many_messages(django_capture_on_commit_callbacks):
    department = make_department()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for n in range(5):
            enqueue(key=f"A-1:{n}:created", department=department)
        enqueue(key="A-1:0:created", department=department)  # a duplicate wakes nobody

    assert len(callbacks) == 1
    assert OutboxMessage.objects.count() == 5


# --- delivering --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_workbench_manual_and_unaddressed_messages_are_recorded_as_delivered():
    workbench = make_department("mzj", mode="workbench")
    manual = make_department("wjw", mode="manual")
    unconnected = make_department("rsj")  # no integration row: works in the workbench
    inactive = make_department("sbj", mode="webhook", url="http://127.0.0.1:9/hook", active=False)
    with transaction.atomic():
        for dept in (workbench, manual, unconnected, inactive, None):
            enqueue(key=f"k-{dept.code if dept else 'none'}", department=dept)

    counts = outbox_deliver_due()

    assert counts == {"delivered": 5, "retried": 0, "failed": 0}
    connectors = dict(OutboxMessage.objects.values_list("idempotency_key", "connector"))
    assert connectors == {
        "k-mzj": "workbench",
        "k-wjw": "manual",
        "k-rsj": "workbench",
        "k-sbj": "workbench",
        "k-none": "workbench",
    }
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("delivered", 1)}


class AlwaysDown(DepartmentConnector):
    code = "workbench"

    def deliver(self, message):
        raise DeliveryFailed("department system unreachable")


class Broken(DepartmentConnector):
    code = "workbench"

    def deliver(self, message):
        raise KeyError("a bug in a connector")


@pytest.mark.django_db
def test_a_message_is_given_up_after_the_maximum_number_of_attempts(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    down = ConnectorRegistry()
    down.register(AlwaysDown)
    with transaction.atomic():
        enqueue(department=make_department())
    start = clock.now()

    results = []
    moment = start
    for _ in range(3):
        results.append(outbox_deliver_due(now=moment, registry=down))
        moment = OutboxMessage.objects.get().next_attempt_at + timedelta(seconds=1)

    assert results == [{"delivered": 0, "retried": 1, "failed": 0}] * 2 + [
        {"delivered": 0, "retried": 0, "failed": 1}
    ]
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "department system unreachable")
    # given up: never tried again
    assert outbox_deliver_due(now=moment + timedelta(days=1), registry=down) == {
        "delivered": 0,
        "retried": 0,
        "failed": 0,
    }

    # an administrator queues it again; the system is back
    outbox_retry(message=row, actor="admin")
    assert outbox_deliver_due(now=clock.now() + timedelta(seconds=1))["delivered"] == 1
    assert OutboxMessage.objects.get().status == "delivered"


@pytest.mark.django_db
def test_a_connector_that_raises_a_bug_is_retried_and_does_not_stop_the_others():
    broken = ConnectorRegistry()
    broken.register(Broken)
    with transaction.atomic():
        enqueue(key="one", department=make_department())
        enqueue(key="two")

    assert outbox_deliver_due(registry=broken) == {"delivered": 0, "retried": 2, "failed": 0}
    assert set(OutboxMessage.objects.values_list("last_error", flat=True)) == {
        "KeyError: 'a bug in a connector'"
    }


@pytest.mark.parametrize("attempts", range(1, 16))
def test_backoff_doubles_from_ten_seconds_with_jitter_and_is_capped_at_an_hour(attempts):
    full = min(10 * 2 ** (attempts - 1), 3600)
    for _ in range(50):
        assert full / 2 <= backoff_seconds(attempts) <= full


@pytest.mark.django_db
def test_a_delivered_message_cannot_be_queued_again():
    with transaction.atomic():
        row = enqueue()
    outbox_deliver_due()
    from yijianshi.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        outbox_retry(message=row, actor="admin")
    assert caught.value.code == "outbox_already_delivered"


@pytest.mark.django_db
def test_a_message_being_delivered_cannot_be_queued_again():
    from yijianshi.core.errors import DomainError

    refused: list[str] = []

    class AdminClicksDuringDelivery(DepartmentConnector):
        code = "workbench"

        def deliver(self, message):
            try:
                outbox_retry(message=message, actor="admin")
            except DomainError as exc:
                refused.append(exc.code)

    meddling = ConnectorRegistry()
    meddling.register(AdminClicksDuringDelivery)
    with transaction.atomic():
        enqueue()

    assert outbox_deliver_due(registry=meddling)["delivered"] == 1
    assert refused == ["outbox_in_flight"]
    assert OutboxMessage.objects.get().status == "delivered"


# --- two deliverers at once --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliverers_deliver_every_message_exactly_once():
    """Two deliverers claim at the same instant, round after round (a barrier releases them together), until
    neither finds anything due. On PostgreSQL they overlap (SKIP LOCKED); on SQLite they are serialised."""
    n = 40
    with Receiver(secret=SECRET) as receiver:
        department = make_department(mode="webhook", url=receiver.url)
        with transaction.atomic():
            for i in range(n):
                enqueue(key=f"A-{i}:item:created", department=department, item_case=i)
        handled_this_round: dict[str, int] = {}
        delivered_by = {"a": 0, "b": 0}
        done = threading.Event()

        def end_of_round() -> None:
            if not any(handled_this_round.values()):
                done.set()

        go, finish = threading.Barrier(2, timeout=30), threading.Barrier(2, action=end_of_round, timeout=30)
        errors: list[BaseException] = []

        def deliverer(name: str) -> None:
            try:
                while not done.is_set():
                    go.wait()
                    counts = outbox_deliver_due(limit=2)
                    handled_this_round[name] = sum(counts.values())
                    delivered_by[name] += counts["delivered"]
                    finish.wait()
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
                go.abort()
                finish.abort()
            finally:
                connection.close()

        threads = [threading.Thread(target=deliverer, args=(name,)) for name in delivered_by]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)

        assert not errors
        assert sum(delivered_by.values()) == n
        assert len(receiver.attempts) == n  # not one POST more: no message was sent twice
        assert not receiver.duplicates
        assert sorted(receiver.messages) == sorted(f"A-{i}:item:created" for i in range(n))
        assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("delivered", 1)}


# --- the in-process runner ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_in_process_runner_delivers_after_commit(monkeypatch):
    monkeypatch.setenv(runner.ENV, "on")
    with Receiver(secret=SECRET) as receiver:
        department = make_department(mode="webhook", url=receiver.url)
        try:
            with transaction.atomic():
                enqueue(department=department)
            assert receiver.got_message.wait(10), "the runner did not deliver"
        finally:
            runner.stop()

    assert list(receiver.messages) == ["A-1:birth:created"]
    row = OutboxMessage.objects.get()
    assert (row.status, row.connector) == ("delivered", "webhook")


def test_the_runner_starts_only_in_web_server_processes(monkeypatch):
    monkeypatch.delenv("RUN_MAIN", raising=False)
    assert runner.is_web_server_process(["yijianshi", "runserver", "--noreload"])
    assert not runner.is_web_server_process(["manage.py", "runserver"])  # the autoreloader's watcher
    monkeypatch.setenv("RUN_MAIN", "true")
    assert runner.is_web_server_process(["manage.py", "runserver"])
    assert runner.is_web_server_process(["/srv/.venv/bin/gunicorn", "yijianshi.wsgi"])
    assert not runner.is_web_server_process(["yijianshi", "migrate"])
    assert not runner.enabled()  # pytest is not a web server


# --- Celery ------------------------------------------------------------------------------------------------


def test_the_celery_app_schedules_the_outbox_and_the_deadline_sweep():
    from yijianshi.celery import app

    app.loader.import_default_modules()
    assert "integrations.deliver_outbox" in app.tasks  # the app is finalized: its beat schedule is built
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    daily = schedule.pop("licenses.daily")  # expiry and renewal reminders: tests/licenses/test_schedules.py
    schedule.pop("mandates.expire")  # the mandates' daily tidy-up: tests/core/test_jobs.py
    assert schedule == {"integrations.deliver_outbox": 10.0, "cases.sweep_deadlines": 60.0}
    assert daily.hour == {8} and "licenses.daily" in app.tasks
    assert app.conf.task_acks_late is True


@pytest.mark.django_db
def test_the_celery_task_delivers_due_messages():
    from yijianshi.integrations.tasks import deliver_outbox

    with transaction.atomic():
        enqueue(department=make_department(mode="manual"))

    result = deliver_outbox.apply()

    assert result.get() == {"delivered": 1, "retried": 0, "failed": 0}
    assert OutboxMessage.objects.get().status == "delivered"
