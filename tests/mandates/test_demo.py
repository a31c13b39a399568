"""The demo's mandate: 王芳 → 李强 for 新生儿出生, recorded at the county hall; 李强 can apply for her."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tests.mandates.conftest import BUNDLE
from tests.support.mandates import attack
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases.models import Application
from yijianshi.mandates.demo import seed_demo_mandates
from yijianshi.mandates.models import Mandate

pytestmark = pytest.mark.django_db


def test_the_demo_mandate_lets_the_father_apply_for_the_mother(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    [number] = seed_demo_mandates()
    assert seed_demo_mandates() == [number]  # idempotent
    m = Mandate.objects.get()
    assert (m.number, m.status, m.method, m.principal_id, m.agent_user.username) == (  # type: ignore[union-attr]
        number,
        "active",
        "window",
        MOTHER_ID,
        "father",
    )
    assert m.bundle_codes == [BUNDLE] and m.evidence["clerk"]["username"] == "clerk"
    response = attack(as_user("father"))
    assert response.status_code == 201, response.content
    app = Application.objects.get(number=response.json()["number"])
    assert app.party_id == MOTHER_ID and app.authorisation == {"mandate": number, "method": "window"}
