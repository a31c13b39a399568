"""Webhook delivery to a real HTTP server (tests/integrations/receiver.py): signed, retried with backoff,
refused with a wrong secret, given up on a timeout, never following a redirect."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from yijianshi.core import clock
from yijianshi.integrations import signing
from yijianshi.integrations.connectors import registry
from yijianshi.integrations.models import DepartmentIntegration, OutboxMessage
from yijianshi.integrations.outbox import outbox_deliver_due, outbox_enqueue

from . import SECRET, make_department
from .receiver import Receiver

KEY = "YJS-20260302-0001:birth-registration:created"


@pytest.fixture
def receiver():
    with Receiver(secret=SECRET) as running:
        yield running


def push_one(receiver: Receiver, *, secret: str = SECRET) -> OutboxMessage:
    department = make_department(mode="webhook", url=receiver.url, secret=secret)
    with transaction.atomic():
        return outbox_enqueue(
            topic="item_case.created",
            department=department,
            payload={"application": "YJS-20260302-0001", "item_case": 17, "name": "出生登记"},
            idempotency_key=KEY,
        )


@pytest.mark.django_db
def test_a_message_is_delivered_signed_with_its_idempotency_key(receiver):
    push_one(receiver)

    assert outbox_deliver_due() == {"delivered": 1, "retried": 0, "failed": 0}

    [attempt] = receiver.attempts
    assert attempt.verified and attempt.answered == "200"
    assert attempt.headers["Idempotency-Key"] == KEY
    assert attempt.headers["Content-Type"] == "application/json; charset=utf-8"
    timestamp = attempt.headers["X-Yijianshi-Timestamp"]
    assert attempt.headers["X-Yijianshi-Signature"] == signing.sign(SECRET, timestamp, attempt.body)
    envelope = json.loads(attempt.body)
    assert set(envelope) == {"topic", "idempotency_key", "payload", "created_at", "sent_at"}
    assert envelope["topic"] == "item_case.created" and envelope["idempotency_key"] == KEY
    assert envelope["payload"] == {"application": "YJS-20260302-0001", "item_case": 17, "name": "出生登记"}
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.connector, row.claim_token) == ("delivered", 1, "webhook", "")
    assert row.delivered_at is not None


@pytest.mark.django_db
def test_a_500_is_retried_after_the_backoff_and_then_delivered(receiver):
    push_one(receiver)
    receiver.misbehave("error", times=1)
    t0 = clock.now()

    with clock.frozen(t0):
        assert outbox_deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "HTTP 500" in row.last_error
    assert timedelta(seconds=5) <= row.next_attempt_at - t0 <= timedelta(seconds=10)  # 10 s, jittered

    # before the backoff has passed, nothing is sent
    with clock.frozen(t0 + timedelta(seconds=4)):
        assert outbox_deliver_due() == {"delivered": 0, "retried": 0, "failed": 0}
    assert len(receiver.attempts) == 1

    with clock.frozen(t0 + timedelta(seconds=11)):
        assert outbox_deliver_due() == {"delivered": 1, "retried": 0, "failed": 0}
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, "")
    assert [a.answered for a in receiver.attempts] == ["500", "200"]
    assert list(receiver.messages) == [KEY]


@pytest.mark.django_db
def test_the_second_failure_waits_twice_as_long(receiver):
    push_one(receiver)
    receiver.misbehave("error", times=2)
    t0 = clock.now()
    with clock.frozen(t0):
        outbox_deliver_due()
    t1 = OutboxMessage.objects.get().next_attempt_at
    with clock.frozen(t1):
        assert outbox_deliver_due()["retried"] == 1

    assert timedelta(seconds=10) <= OutboxMessage.objects.get().next_attempt_at - t1 <= timedelta(seconds=20)


@pytest.mark.django_db
def test_a_wrong_secret_is_rejected_by_the_receiver(receiver):
    wrong = "not-the-secret-the-department-holds"
    push_one(receiver, secret=wrong)

    assert outbox_deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}

    assert [a.answered for a in receiver.attempts] == ["401"]
    assert receiver.messages == {}
    row = OutboxMessage.objects.get()
    assert "HTTP 401" in row.last_error and wrong not in row.last_error


@pytest.mark.django_db
def test_a_hanging_receiver_times_out_and_is_retried(receiver, settings):
    settings.OUTBOX_WEBHOOK_TIMEOUT = 0.5
    push_one(receiver)
    receiver.misbehave("hang")

    started = time.monotonic()
    assert outbox_deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    assert time.monotonic() - started < 5

    assert "timed out" in OutboxMessage.objects.get().last_error
    with clock.frozen(clock.now() + timedelta(seconds=11)):
        assert outbox_deliver_due()["delivered"] == 1
    assert list(receiver.messages) == [KEY]


@pytest.mark.django_db
@pytest.mark.parametrize("behaviour", ["garbage", "redirect"])
def test_an_answer_that_is_not_a_2xx_is_a_failure(receiver, behaviour):
    push_one(receiver)
    receiver.misbehave(behaviour)

    assert outbox_deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    assert receiver.messages == {}
    assert len(receiver.attempts) == 1  # the redirect was not followed


@pytest.mark.django_db
def test_an_unreachable_system_is_retried():
    department = make_department(mode="webhook", url="http://127.0.0.1:9/hook")  # discard port: nobody
    with transaction.atomic():
        outbox_enqueue(topic="t", department=department, payload={}, idempotency_key="k")

    assert outbox_deliver_due() == {"delivered": 0, "retried": 1, "failed": 0}
    assert "127.0.0.1:9" in OutboxMessage.objects.get().last_error


@pytest.mark.django_db
def test_a_webhook_without_a_secret_is_not_sent_and_the_check_says_why(receiver):
    push_one(receiver, secret="")

    assert outbox_deliver_due()["retried"] == 1
    assert receiver.attempts == []
    integration = DepartmentIntegration.objects.get()
    assert registry.check_config(integration) == ["签名密钥未填写 / the signing secret is missing"]


def test_config_check_names_every_problem():
    integration = DepartmentIntegration(mode="webhook", url="ftp://dept.example/hook", secret="short")
    problems = registry.check_config(integration)
    assert len(problems) == 2 and "http or https" in problems[0] and "shorter" in problems[1]
    assert (
        registry.check_config(
            DepartmentIntegration(mode="webhook", url="https://dept.example/hook", secret=SECRET)
        )
        == []
    )
    assert (
        "not https"
        in registry.check_config(
            DepartmentIntegration(mode="webhook", url="http://dept.example/hook", secret=SECRET)
        )[0]
    )
    assert registry.check_config(DepartmentIntegration(mode="workbench")) == []
    assert "unknown" in registry.check_config(DepartmentIntegration(mode="carrier-pigeon"))[0]


# --- signatures --------------------------------------------------------------------------------------------

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STAMP = str(int(NOW.timestamp()))
BODY = '{"topic":"item_case.created","payload":{"name":"出生登记"}}'.encode()


def test_a_signature_verifies_with_the_same_secret_body_and_a_fresh_timestamp():
    signature = signing.sign(SECRET, STAMP, BODY)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert signing.verify(SECRET, STAMP, BODY, signature, NOW)
    assert signing.verify(SECRET, STAMP, BODY.decode(), signature, NOW + timedelta(seconds=300))


@pytest.mark.parametrize(
    "secret, stamp, body, now",
    [
        ("another-secret-entirely-xx", STAMP, BODY, NOW),  # wrong secret
        (SECRET, STAMP, BODY.replace(b"item_case", b"item_cases"), NOW),  # altered body
        (SECRET, str(int(STAMP) + 1), BODY, NOW),  # altered timestamp
        (SECRET, STAMP, BODY, NOW + timedelta(seconds=301)),  # stale: a replay
        (SECRET, STAMP, BODY, NOW - timedelta(seconds=301)),  # from the future
        (SECRET, "yesterday", BODY, NOW),  # not a timestamp
        ("", STAMP, BODY, NOW),  # no secret configured
    ],
)
def test_a_signature_is_refused_when_anything_differs(secret, stamp, body, now):
    signature = signing.sign(SECRET, STAMP, BODY)
    assert not signing.verify(secret, stamp, body, signature, now)


def test_malformed_signatures_are_refused_without_raising():
    for signature in ["", "sha256=", "md5=abc", signing.sign(SECRET, STAMP, BODY).upper(), "sha256=ÿ"]:
        assert not signing.verify(SECRET, STAMP, BODY, signature, NOW)


# --- the admin ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_never_shows_the_secret_and_keeps_it_when_left_empty(admin_client):
    department = make_department(mode="webhook", url="https://gaj.example/hook")
    integration = DepartmentIntegration.objects.get()

    listing = admin_client.get("/admin/integrations/departmentintegration/")
    change = admin_client.get(f"/admin/integrations/departmentintegration/{integration.pk}/change/")

    for page in (listing, change):
        assert page.status_code == 200
        assert SECRET not in page.content.decode()
    assert "gaj.example" in listing.content.decode()

    saved = admin_client.post(
        f"/admin/integrations/departmentintegration/{integration.pk}/change/",
        {
            "department": department.pk,
            "mode": "webhook",
            "url": "https://gaj.example/v2",
            "secret": "",
            "active": "on",
        },
    )
    assert saved.status_code == 302
    integration.refresh_from_db()
    assert (integration.url, integration.secret) == ("https://gaj.example/v2", SECRET)


@pytest.mark.django_db
def test_the_admin_refuses_a_webhook_without_a_secret(admin_client):
    department = make_department()

    response = admin_client.post(
        "/admin/integrations/departmentintegration/add/",
        {
            "department": department.pk,
            "mode": "webhook",
            "url": "https://gaj.example/hook",
            "secret": "",
            "active": "on",
        },
    )

    assert response.status_code == 200
    assert "the signing secret is missing" in response.content.decode()
    assert not DepartmentIntegration.objects.exists()


@pytest.mark.django_db
def test_the_admin_lists_the_outbox_and_queues_a_failed_message_again(admin_client, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    push_one_to = make_department(mode="webhook", url="http://127.0.0.1:9/hook")
    with transaction.atomic():
        row = outbox_enqueue(
            topic="item_case.created", department=push_one_to, payload={}, idempotency_key=KEY
        )
    assert outbox_deliver_due()["failed"] == 1

    listing = admin_client.get("/admin/integrations/outboxmessage/?status=failed")
    assert listing.status_code == 200 and KEY in listing.content.decode()
    assert admin_client.get(f"/admin/integrations/outboxmessage/{row.pk}/change/").status_code == 200

    admin_client.post(
        "/admin/integrations/outboxmessage/", {"action": "deliver_again", "_selected_action": [row.pk]}
    )

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)
