"""The portal's supplement answers the deficiency notice (issue 18 point 5): the page lists only the materials
the notice asked for — the missing ones and those the clerk judged 需补正, with the reason — and a file for any
other material, or none of those asked, is refused at the top with the field named; nothing changes."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.support.api import WebClients as Clients
from tests.support.factories import submitted_application
from tests.support.files import png_file
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Application
from yijianshi.cases.services import application_intake

pytestmark = pytest.mark.django_db
REASON = "扫描件缺第二页"


def judged() -> tuple[Application, str, str, str]:
    """A notice asking to correct the first material listed and for one not handed in (missing), the second
    accepted: (application, to correct, accepted, missing)."""
    app = submitted_application()
    first, second, *rest = app.materials_to_present
    missing = rest[0]
    app = application_intake(
        application=app,
        actor=actor_of(User.objects.get(username="clerk")),
        confirmed=rest[1:],
        deficient=True,
        reviews={first: ("needs_correction", REASON), second: ("accepted", "")},
    )
    assert app.status == "deficient"
    return app, first, second, missing


def supplement_section(html: str) -> str:
    start = html.index('id="h-supp"')
    return html[start : html.index("</section>", start)]


def test_the_supplement_page_lists_only_what_the_notice_asked(newborn: None, signed_in: Clients) -> None:
    app, first, second, missing = judged()
    section = supplement_section(signed_in("mother").get(f"/me/applications/{app.number}/").content.decode())
    listed = re.findall(r'name="file:([^"]+)"', section)
    assert sorted(listed) == sorted([first, missing])
    assert f'data-code="{first}" data-asked="correction"' in section and REASON in section
    assert f'data-code="{missing}" data-asked="missing"' in section
    assert f'name="file:{second}"' not in section


def test_a_file_the_notice_did_not_ask_for_is_refused(newborn: None, signed_in: Clients) -> None:
    app, first, second, _ = judged()
    mother = signed_in("mother")
    url = f"/me/applications/{app.number}/supplement/"
    refused = mother.post(url, {"version": app.version, f"file:{second}": png_file()})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.content.decode() and "一次告知书未要求补正" in refused.content.decode()
    app.refresh_from_db()
    assert app.status == "deficient" and app.uploads.count() == 0
    # the one to correct, uploaded again: an answer, back to intake
    done = mother.post(url, {"version": app.version, f"file:{first}": png_file()})
    assert done.status_code == 302, done.content.decode()[:2000]
    app.refresh_from_db()
    assert app.status == "submitted"
    # the clerk no longer sees it as needing correction: the new file waits for their judgement
    clerk_page = signed_in("clerk").get(f"/workbench/window/applications/{app.number}/").content.decode()
    assert f'data-code="{first}" data-verdict="needs_correction"' not in clerk_page
    assert f'data-code="{second}" data-verdict="accepted"' in clerk_page
