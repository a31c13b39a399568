"""Finding 3 (issue 17, lows): no Content-Security-Policy. django-csp sends a strict one on every answer: scripts
and everything else only from the site itself ('self'), no inline script, no plug-ins, no framing, forms posted
only to the site. The templates carry no inline <script> and no event-handler attribute (the few there were are
in static files now), which is what lets script-src go without 'unsafe-inline'."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

import yijianshi

pytestmark = pytest.mark.django_db
TEMPLATES = sorted(Path(yijianshi.__file__).parent.glob("*/templates/**/*.html"))


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_pages_and_api_answers_carry_a_strict_policy(
    newborn: None, signed_in: Callable[[str], Client]
) -> None:
    anonymous = Client()
    answers = [
        anonymous.get(p)
        for p in (
            "/",
            "/bundles/140524-09/",
            "/accounts/login/",
            "/licences/verify/",
            "/api/bundles/",
            "/no-such-page/",
        )
    ]
    answers += [
        signed_in("mother").get("/me/"),
        signed_in("clerk").get("/workbench/window/"),
        signed_in("mother").get("/bundles/140524-09/apply/"),
    ]
    for response in answers:
        header = response.get("Content-Security-Policy", "")
        assert header, (response.request["PATH_INFO"], response.status_code)
        policy = directives(header)
        assert policy["default-src"] == ["'self'"], header
        assert "'unsafe-inline'" not in policy.get("script-src", policy["default-src"]), header
        assert "'unsafe-eval'" not in header, header
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"], header
        assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"], header


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_templates_hold_no_inline_script(template: Path) -> None:
    text = template.read_text()
    inline = [m.group(0) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text)]
    handlers = re.findall(r"\son[a-z]+\s*=", text)
    urls = re.findall(r"javascript:", text, flags=re.IGNORECASE)
    assert inline == [] and handlers == [] and urls == [], (inline, handlers, urls)


def test_the_scripts_moved_out_are_served(newborn: None) -> None:
    for path in ("/static/web/portal.js",):
        response = Client().get(path)
        assert response.status_code == 200 and b"addEventListener" in b"".join(response.streaming_content)


def test_the_api_docs_may_load_swagger_ui_from_its_cdn_and_nothing_inline(db: None) -> None:
    response = Client().get("/api/docs/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "https://cdn.jsdelivr.net"], policy
    assert b"<script>" not in response.content  # the start script is fetched from the site (?script=)
