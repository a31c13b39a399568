"""The licence admin: read-only lists and pages; an issuer's code can be set to a valid real one only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.core.identifiers import make_credit_code, mask
from yijianshi.licenses.models import IssuerIdentity, License

pytestmark = pytest.mark.django_db


def test_pages_render_and_mask(admin_client: Client, issue: Callable[..., License]) -> None:
    licence = issue()
    for url in [
        "/admin/licenses/license/",
        "/admin/licenses/signingkey/",
        "/admin/licenses/licenceevent/",
        "/admin/licenses/issueridentity/",
        f"/admin/licenses/license/{licence.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url
    listing = admin_client.get("/admin/licenses/license/").content.decode()
    assert mask(MOTHER_ID) in listing and MOTHER_ID not in listing
    assert admin_client.get("/admin/licenses/license/add/").status_code == 403


def test_issuer_code_must_be_valid(admin_client: Client, issue: Callable[..., License]) -> None:
    identity = IssuerIdentity.objects.get(department=issue().issuer)
    url = f"/admin/licenses/issueridentity/{identity.pk}/change/"
    response = admin_client.post(url, {"uscc": "11140524MB0000000X"})
    assert response.status_code == 200 and "unified social credit code" in response.content.decode()
    real = make_credit_code("1", "1140524", "012345678")
    assert admin_client.post(url, {"uscc": real}).status_code == 302
    identity.refresh_from_db()
    assert (identity.uscc, identity.derived) == (real, False)
    assert issue().issuer_code == real  # licences issued afterwards carry the real code
