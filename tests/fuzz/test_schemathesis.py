"""Hostile input (issue 6, point 5): schemathesis generates requests from our OpenAPI schema (/api/schema/) for
every operation — valid ones and, in negative mode, ones that break the schema — and sends them as each role
(anonymous, applicant, enterprise, clerk, officer, administrator, auditor) through the WSGI application.

Every answer must be below 500, and every 4xx must carry the structured bilingual body of yijianshi/api/errors.py:
{"code": str, "message": {"zh-hans": str, "en": str}, "field"?: str}. Path parameters are drawn half of the time
from objects that exist (a received application of the mother, its item cases, documents and commitment), so
that the requests get past the lookups into the services.

Bounded for CI: FUZZ_EXAMPLES examples per operation, role and mode (default 6). A longer run (docs/reliability.md):
    FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz -q
"""

from __future__ import annotations

import io
import json
import os
from typing import Any
from urllib.parse import urlencode

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET

from tests.support.api import structured
from tests.support.newborn import received
from yijianshi.accounts.services import api_token_issue
from yijianshi.cases.models import Commitment, Document, ItemCase

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
ROLES = {
    "anonymous": None,
    "applicant": "mother",
    "enterprise": "enterprise",
    "clerk": "clerk",
    "officer": "officer_health",
    "admin": "admin",
    "auditor": "auditor",
}


@pytest.fixture
def schema(newborn: None) -> Any:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(json.loads(response.content))


def send(case: Any, headers: dict[str, str]) -> Any:
    """The generated request, sent through Django's test client (which keeps the test's transaction)."""
    path = case.formatted_path
    if case.query:
        path += "?" + urlencode(case.query, doseq=True)
    kwargs: dict[str, Any] = {"headers": {**{k: str(v) for k, v in (case.headers or {}).items()}, **headers}}
    body = getattr(case, "body", NOT_SET)
    if body is not NOT_SET and body is not None:
        media = case.media_type or "application/json"
        if media.startswith("multipart/") and isinstance(body, dict):
            data = {
                k: (io.BytesIO(v) if isinstance(v, bytes) else ("" if v is None else v))
                for k, v in body.items()
            }
            return Client().generic(
                case.method.upper(),
                path,
                encode_multipart(BOUNDARY, data),
                content_type=MULTIPART_CONTENT,
                **kwargs,
            )
        if isinstance(body, bytes):
            raw = body
        else:
            raw = json.dumps(body).encode() if "json" in media else str(body).encode(errors="surrogatepass")
        kwargs["content_type"] = media
        return Client().generic(case.method.upper(), path, raw, **kwargs)
    return Client().generic(case.method.upper(), path, **kwargs)


@pytest.fixture
def real(newborn: None, as_user: Any) -> dict[str, list[Any]]:
    """Identifiers of objects that exist, for the path parameters."""
    number = received(as_user("mother"), as_user("clerk"))
    received(as_user("mother"), as_user("clerk"), commitments=["birth.first_issue_form"])
    return {
        "number": [number, *Document.objects.values_list("number", flat=True)],
        "pk": [
            *ItemCase.objects.values_list("pk", flat=True),
            *Commitment.objects.values_list("pk", flat=True),
        ],
        "code": ["140524-09"],
    }


def token_for(username: str | None) -> dict[str, str]:
    if username is None:
        return {}
    return {"Authorization": f"Token {api_token_issue(user=User.objects.get(username=username))}"}


@pytest.mark.parametrize("role", list(ROLES))
def test_no_5xx_and_every_4xx_structured(schema: Any, real: dict[str, list[Any]], role: str) -> None:
    headers = token_for(ROLES[role])
    problems: list[str] = []
    unsatisfiable: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # every operation of the API is in the schema

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                probe(operation, mode, role, headers, real, problems)()
            except Unsatisfiable:  # e.g. no request breaks a schema that accepts anything
                unsatisfiable.append(f"{mode.value} {operation.method.upper()} {operation.path}")
    cache.clear()  # the token endpoint's sign-in counters
    assert problems == [], "\n".join(sorted(set(problems))[:40])
    # every operation gets valid requests; an operation whose only inputs are free-text path parameters has no
    # request that breaks its schema (negative mode is unsatisfiable there) — but most operations must get some
    assert not [u for u in unsatisfiable if u.startswith(GenerationMode.POSITIVE.value)], unsatisfiable
    assert len(unsatisfiable) <= len(operations) // 2, unsatisfiable


def text(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode(errors="replace")


def probe(
    operation: Any,
    mode: GenerationMode,
    role: str,
    headers: dict[str, str],
    real: dict[str, list[Any]],
    problems: list[str],
) -> Any:
    """A Hypothesis test of one operation in one mode as one role, collecting the problems it finds."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode),
        use_real=st.booleans(),
        pick=st.integers(min_value=0, max_value=10_000),
    )
    def run(case: Any, use_real: bool, pick: int) -> None:
        if use_real and case.path_parameters:
            for name in list(case.path_parameters):
                choices = real.get(name)
                if choices:
                    case.path_parameters[name] = choices[pick % len(choices)]
        case.headers = {**(case.headers or {}), **headers}
        response = send(case, headers)
        where = f"{role} {mode.value} {operation.method.upper()} {case.formatted_path}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code} {text(response)[:300]}")
        elif response.status_code >= 400:
            try:
                body = json.loads(text(response))
            except ValueError:
                body = None
            if not structured(body):
                kind = response.headers.get("Content-Type", "")
                problems.append(
                    f"{where}: {response.status_code} unstructured ({kind}) {text(response)[:300]!r}"
                )

    return run
