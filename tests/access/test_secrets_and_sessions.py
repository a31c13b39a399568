"""Identity numbers never in full in logs or error messages; sessions and API tokens expire; passwords hashed with Django's
default hasher; the API token endpoint is rate limited (issue 6, point 6)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.support.api import ApiClients as Clients
from tests.support.newborn import act, cases_by_ref, guide, received
from yijianshi.accounts.demo import DEMO_PASSWORD, FATHER_ID, MOTHER_ID
from yijianshi.accounts.services import MAX_FAILURES
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_signin_counters() -> None:
    cache.clear()


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def test_identity_numbers_are_masked_in_every_log_line_and_error(
    newborn: None,
    as_user: Clients,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    caplog.set_level(logging.DEBUG)
    mother = as_user("mother")
    # a whole case, with notices sent (after commit: run here) and logged on every step
    with django_capture_on_commit_callbacks(execute=True):
        number = received(mother, as_user("clerk"))
        health = as_user("officer_health")
        act(
            health,
            act(health, cases_by_ref(mother, number)["birth_medical_certificate"], "accept").json(),
            "approve",
        )
    # refused identity numbers: the answer names the field and shows the number masked
    g = guide(mother)
    bad = wrong_check_digit(MOTHER_ID)
    for field, value in (("mother.id_number", bad), ("father.id_number", wrong_check_digit(FATHER_ID))):
        form = sample_form(g["form"], overrides={field: value})
        response = mother.post("/api/applications/", {"bundle": "140524-09", "form": form}, format="json")
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"].endswith(field) or any(
            e.get("field", "").endswith(field) for e in body.get("errors", [])
        )
        assert value not in response.content.decode()
    agent = as_user("clerk").post(
        "/api/applications/",
        {
            "bundle": "140524-09",
            "form": form,
            "on_behalf_of": {"name": "王芳", "id_number": bad, "party_type": "person"},
        },
        format="json",
    )
    assert agent.status_code == 400 and bad not in agent.content.decode()
    # then: not one log line holds a full identity number
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert sum(r.getMessage().startswith("notice ") for r in caplog.records) >= 3, text  # the console channel
    assert sum("Bad Request" in r.getMessage() for r in caplog.records) == 3
    for full in (MOTHER_ID, FATHER_ID, bad):
        assert full not in text


def test_sessions_expire_after_the_configured_idle_time(newborn: None) -> None:
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY
    client = Client()
    assert client.login(username="mother", password=DEMO_PASSWORD)
    assert client.get("/api/applications/").status_code == 200
    session = Session.objects.get()
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 <= remaining <= settings.SESSION_COOKIE_AGE + 1
    # when the idle time has passed (the row's expiry is what the session store checks)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    refused = client.get("/api/applications/")
    assert refused.status_code in (401, 403) and refused.json()["code"] == "not_authenticated"


def test_api_tokens_expire_and_signing_in_again_gives_a_new_one(newborn: None) -> None:
    from yijianshi.accounts.models import ApiToken, token_digest

    assert 0 < settings.YIJIANSHI_TOKEN_SECONDS <= 24 * 3600
    client = APIClient()
    first = client.post("/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json")
    key = first.json()["token"]
    assert client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    again = client.post("/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json")
    assert (
        again.json()["token"] != key
    )  # a new one (only digests are kept: tests/security/test_api_tokens.py)
    assert (
        client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    )  # still good
    # when its time has passed (the issue time is what the check reads)
    ApiToken.objects.filter(digest=token_digest(key)).update(
        created=timezone.now() - timedelta(seconds=settings.YIJIANSHI_TOKEN_SECONDS + 1)
    )
    refused = client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {key}")
    assert refused.status_code in (401, 403), refused.content
    body = refused.json()
    assert body["code"] == "token_expired" and body["message"]["zh-hans"] and body["message"]["en"]
    renewed = client.post(
        "/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json"
    )
    new = renewed.json()["token"]
    assert new != key and not ApiToken.objects.filter(digest=token_digest(key)).exists()
    assert client.get("/api/applications/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200


@pytest.mark.real_password_hasher
def test_passwords_are_stored_with_djangos_default_hasher(newborn: None) -> None:
    assert isinstance(get_hasher("default"), PBKDF2PasswordHasher)
    for user in User.objects.exclude(password=""):
        algorithm, iterations, salt, digest = user.password.split("$")
        assert algorithm == "pbkdf2_sha256" and int(iterations) >= 600_000, user.username
        assert DEMO_PASSWORD not in user.password
    assert User.objects.get(username="mother").check_password(DEMO_PASSWORD)


def test_the_api_token_endpoint_is_rate_limited(newborn: None) -> None:
    client = APIClient()
    for _ in range(MAX_FAILURES):
        wrong = client.post("/api/auth/token/", {"username": "mother", "password": "guess"}, format="json")
        assert wrong.status_code == 400 and wrong.json()["code"] == "invalid_input"
    blocked = client.post(
        "/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json"
    )
    assert blocked.status_code == 429, blocked.content
    body = blocked.json()
    assert body["code"] == "too_many_signin_attempts" and body["message"]["zh-hans"] and body["message"]["en"]
    # another account from the same address is not locked by the mother's failures
    other = client.post("/api/auth/token/", {"username": "father", "password": DEMO_PASSWORD}, format="json")
    assert other.status_code == 200 and other.json()["token"]
    cache.clear()  # the window has passed
    assert (
        client.post(
            "/api/auth/token/", {"username": "mother", "password": DEMO_PASSWORD}, format="json"
        ).status_code
        == 200
    )
