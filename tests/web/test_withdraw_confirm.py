"""撤回申请 is irreversible, so it takes two steps (issue 18 point 6): the application's page links to a page
that says what will happen (the open items end, a withdrawal notice, it cannot be undone); one post without
the confirmation withdraws nothing; the post from that page does."""

from __future__ import annotations

import pytest

from tests.support.api import WebClients as Clients
from tests.support.factories import received_application

pytestmark = pytest.mark.django_db


def test_withdrawing_is_confirmed_first(newborn: None, signed_in: Clients) -> None:
    app = received_application()
    mother = signed_in("mother")
    url = f"/me/applications/{app.number}/withdraw/"
    detail = mother.get(f"/me/applications/{app.number}/").content.decode()
    assert f'href="{url}"' in detail and 'action="' + url + '"' not in detail  # a link, not the act
    page = mother.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="withdraw-effects"' in html and "不能恢复" in html
    for case in app.item_cases.all():
        assert case.name in html  # each item that ends is named
    # one click from an old page (no confirmation): the confirmation again, nothing withdrawn
    once = mother.post(url, {"reason": "不办了", "version": app.version})
    assert once.status_code == 200 and 'name="confirm" value="yes"' in once.content.decode()
    assert 'value="不办了"' in once.content.decode()  # what was typed is kept
    app.refresh_from_db()
    assert app.status == "received"
    done = mother.post(url, {"reason": "不办了", "version": app.version, "confirm": "yes"})
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == "withdrawn"
    assert all(c.status == "withdrawn" for c in app.item_cases.all())
    # another person: 404 on both steps
    assert signed_in("father").get(url).status_code == 404
