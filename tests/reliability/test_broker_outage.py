"""The broker (Redis) going away in the scale-out shape (TASKS_MODE="celery"): a submission is still answered
201 at once — its notice is not lost and the applicant is not kept waiting on the broker's reconnects."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from tests.support.newborn import guide, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db(transaction=True)

NOBODY = "redis://127.0.0.1:9/0"  # the discard port: nothing answers there


@pytest.fixture
def broker_down(settings: Any, tmp_path: Path) -> Iterator[Path]:
    from yijianshi.celery import app
    from yijianshi.core import broker

    settings.TASKS_MODE = "celery"
    settings.NOTIFY_CHANNELS = ["file"]
    settings.NOTIFY_FILE = tmp_path / "notifications.jsonl"
    before = app.conf.broker_url
    app.conf.broker_url = NOBODY
    app._pool = None  # connections are pooled per URL: start from none
    try:
        yield settings.NOTIFY_FILE
    finally:
        app.conf.broker_url = before
        app._pool = None
        broker.BROKER.reset()  # the next test may find the broker up


def test_a_submission_while_the_broker_is_down(newborn: None, broker_down: Path) -> None:
    mother = APIClient(raise_request_exception=False)
    mother.force_authenticate(User.objects.get(username="mother"))
    g = guide(mother)
    body = {
        "bundle": "140524-09",
        "form": sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID}),
        "materials": to_hand_in(g),
    }
    started = time.monotonic()
    response = mother.post("/api/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="broker-down-1")
    took = time.monotonic() - started
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        broker_down.exists() and broker_down.stat().st_size
    ):  # created, then written
        time.sleep(0.05)
    sent = [json.loads(line) for line in broker_down.read_text().splitlines()]
    assert [n["reference"] for n in sent] == [number]
    assert took < 2, took  # kombu alone reconnects for ~6 s (settings: CELERY_BROKER_TRANSPORT_OPTIONS)
