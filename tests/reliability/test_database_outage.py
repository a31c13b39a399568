"""A database that goes away under a request (a restart, a fail-over: bench/faults.py restarts PostgreSQL during
a run) is answered 503 with Retry-After and the structured body, not 500; nothing is written, and the next
request, on a fresh connection, succeeds. PostgreSQL: the backend serving the test's connection is terminated
from another connection, as a restart does to every client."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import close_old_connections, connection
from django.test import Client
from rest_framework.test import APIClient

from tests.support.newborn import guide, to_hand_in
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_this_connections_backend() -> None:
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"] or "postgres",
        password=s["PASSWORD"] or None,
        dbname=s["NAME"],
        autocommit=True,
    ) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


def test_a_lost_database_connection_is_a_503_to_retry_not_a_500(postgres_only: None, newborn: None) -> None:
    user = User.objects.get(username="mother")
    mother = APIClient(
        raise_request_exception=False
    )  # answered as a server answers, not re-raised in the test
    mother.force_authenticate(user)
    g = guide(mother)
    body = {
        "bundle": "140524-09",
        "form": sample_form(g["form"], overrides={"mother.id_number": MOTHER_ID}),
        "materials": to_hand_in(g),
    }

    def submit() -> Any:
        return mother.post("/api/applications/", body, format="json", HTTP_IDEMPOTENCY_KEY="outage-1")

    terminate_this_connections_backend()
    lost = submit()
    assert lost.status_code == 503, lost.content
    assert lost["Retry-After"] == "5"
    error = lost.json()
    assert error["code"] == "database_unavailable" and error["message"]["zh-hans"] and error["message"]["en"]

    close_old_connections()  # what a server does when a request ends (the test client leaves it out): the
    # broken connection is dropped, so the next request opens a new one
    again = submit()  # the same request again: a fresh connection, a new application
    assert again.status_code == 201, again.content
    assert (
        Application.objects.filter(idempotency_key=f"{user.pk}:outage-1").count() == 1
    )  # the sender's own key

    browser = Client(raise_request_exception=False)
    browser.force_login(user)
    terminate_this_connections_backend()
    page = browser.get("/me/")  # a page, not the API: the same status, a short bilingual page
    assert page.status_code == 503 and page["Retry-After"] == "5" and "稍后重试" in page.content.decode()
    close_old_connections()
