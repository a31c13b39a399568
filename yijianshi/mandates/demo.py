"""The demo's mandate (README, demo accounts): 王芳 (`mother`) had the county hall record, after reading her ID
card, that 李强 (`father`) may apply for, follow and receive the results of 新生儿出生 (140524-09) for her for a
year. Signed in as `father`, POST /api/applications/ with `on_behalf_of: {"id_number": <王芳's>, "name": "王芳"}`
applies for her; signed in as `mother`, /me/mandates/ shows it and revokes it. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User

from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.selectors import published_version
from yijianshi.core import clock

from .models import Mandate
from .services import mandate_record_at_window
from .transitions import MandateStatus, Verification

DEMO_BUNDLE = "140524-09"


def seed_demo_mandates() -> list[str]:
    """Create the demo mandate once (when the accounts and the bundle are there); return the numbers in force."""
    held = Mandate.objects.filter(
        principal_id=MOTHER_ID,
        agent_user__username="father",
        status=MandateStatus.ACTIVE,
        valid_to__gt=clock.now(),
    )
    if held.exists():
        return list(held.values_list("number", flat=True))
    clerk = User.objects.filter(username="clerk").first()
    if (
        clerk is None
        or not User.objects.filter(username="father").exists()
        or published_version(DEMO_BUNDLE) is None
    ):
        return []
    today = clock.local(clock.now()).date()
    mandate = mandate_record_at_window(
        actor=actor_of(clerk),
        principal_type="person",
        principal_id_number=MOTHER_ID,
        principal_name="王芳",
        verification=Verification.ID_CARD_READ,
        evidence="二代身份证读卡器核验通过（演示数据）",
        agent_id_number=FATHER_ID,
        agent_name="李强",
        scope="bundles",
        bundle_codes=[DEMO_BUNDLE],
        abilities=["apply", "follow", "receive"],
        valid_from=today,
        valid_to=today + timedelta(days=365),
    )
    return [mandate.number]
