"""The one way to send a notice (yijianshi/core/notices.py): after the commit, never after a rollback, once; in
the scale-out shape through the worker's task, or from this process when the broker is down. The notices go to
the file channel in a temporary folder: what a gateway would have received."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from yijianshi.core import broker
from yijianshi.core.notices import notice_send_on_commit
from yijianshi.core.notify import Notice

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks

NOBODY = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


class Boom(Exception):
    pass


def a_notice(reference: str = "YJS-20261121-000123") -> Notice:
    return Notice(
        event="item_case.accepted",
        reference=reference,
        subject_zh="受理通知",
        subject_en="Application accepted",
        body_zh="您的申请已受理。",
        body_en="Your application has been accepted.",
        phone="13812345678",
    )


@pytest.fixture
def sent(settings: Any, tmp_path: Path) -> Path:
    settings.TASKS_MODE = "inprocess"
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notices.jsonl"
    return Path(settings.NOTIFY_FILE)


def references(path: Path, *, wait: float = 0.0) -> list[str]:
    """The references of the notices written to `path`, after waiting up to `wait` s for the first one."""
    deadline = time.monotonic() + wait
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not path.exists():
        return []
    return [json.loads(line)["reference"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_notice_in_a_transaction_that_rolls_back_is_never_sent(sent: Path) -> None:
    with pytest.raises(Boom), transaction.atomic():
        notice_send_on_commit(a_notice())
        raise Boom
    assert references(sent) == []


def test_a_notice_is_sent_once_when_the_transaction_commits_and_not_before(sent: Path) -> None:
    with transaction.atomic():
        notice_send_on_commit(a_notice())
        assert references(sent) == []  # not before the commit
    assert references(sent) == ["YJS-20261121-000123"]


def test_a_rolled_back_savepoint_takes_its_notice_with_it(sent: Path) -> None:
    with transaction.atomic():
        notice_send_on_commit(a_notice("kept"))
        with pytest.raises(Boom), transaction.atomic():
            notice_send_on_commit(a_notice("undone"))
            raise Boom
    assert references(sent) == ["kept"]


def test_outside_a_transaction_it_is_sent_at_once(sent: Path) -> None:
    notice_send_on_commit(a_notice())
    assert references(sent) == ["YJS-20261121-000123"]


# --- the scale-out shape (TASKS_MODE="celery") -----------------------------------------------------------------


@pytest.fixture
def celery_mode(sent: Path, settings: Any) -> Iterator[Any]:
    from yijianshi.celery import app

    def forget_connections() -> None:  # connections and producers are pooled per URL: start from none
        app._pool = None
        app.amqp._producer_pool = None

    settings.TASKS_MODE = "celery"
    before = app.conf.broker_url, app.conf.task_always_eager
    forget_connections()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = before
        forget_connections()
        broker.BROKER.reset()  # the next test may find the broker up


def test_with_a_broker_the_notice_is_the_workers_task(celery_mode: Any, sent: Path) -> None:
    celery_mode.conf.broker_url = "memory://"
    celery_mode.conf.task_always_eager = True  # the "worker" runs the task as it is queued
    with transaction.atomic():
        notice_send_on_commit(a_notice())
    assert references(sent) == ["YJS-20261121-000123"]
    assert not broker.BROKER.down()


def test_with_the_broker_down_this_process_sends_it(celery_mode: Any, sent: Path) -> None:
    celery_mode.conf.broker_url = NOBODY
    started = time.monotonic()
    with transaction.atomic():
        notice_send_on_commit(a_notice())
    took = time.monotonic() - started
    assert references(sent, wait=10) == ["YJS-20261121-000123"]
    assert broker.BROKER.down()  # the next notices do not try the broker for a while
    assert took < 2, took  # one attempt, not kombu's reconnects
    # while the broker is left alone, a notice goes the other way at once
    with transaction.atomic():
        notice_send_on_commit(a_notice("second"))
    deadline = time.monotonic() + 10
    while len(references(sent)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(references(sent)) == ["YJS-20261121-000123", "second"]


def test_the_task_sends_and_the_name_it_had_before_still_works(sent: Path) -> None:
    from dataclasses import asdict

    from yijianshi.celery import app

    app.loader.import_default_modules()
    data = asdict(a_notice())
    assert app.tasks["core.send_notice"].apply(args=(data,)).get() == [
        {"channel": "file", "ok": True, "detail": str(sent)}
    ]
    app.tasks["cases.send_notice"].apply(args=(asdict(a_notice("queued-before")),)).get()
    assert references(sent) == ["YJS-20261121-000123", "queued-before"]
