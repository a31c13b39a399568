"""Property: whatever order officers act in, no item case is approved before every prerequisite is approved,
a pre-reviewed case becomes decidable exactly when its prerequisites are, and a denied prerequisite ends its
dependants. Random action sequences on the newborn bundle (5 items, 2 levels of dependencies)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.newborn import received
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, ItemCase
from yijianshi.cases.transitions import OPEN_CASE_STATES, CaseStatus
from yijianshi.core.errors import DomainError

pytestmark = pytest.mark.django_db
ACTIONS = ["accept", "approve", "deny", "request_correction", "resume"]
DONE = {CaseStatus.APPROVED, CaseStatus.DELIVERED}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.integers(0, 4), st.sampled_from(ACTIONS)), min_size=5, max_size=30))
def test_no_item_is_decided_before_its_prerequisites(
    newborn: None, as_user: object, steps: list[tuple[int, str]]
) -> None:
    number = received(as_user("mother"), as_user("clerk"))  # type: ignore[operator]
    app = Application.objects.get(number=number)
    admin = User.objects.get(username="admin")
    cases = list(ItemCase.objects.filter(application=app).order_by("position"))
    for index, action in steps:
        case = ItemCase.objects.get(pk=cases[index].pk)
        try:
            services.item_case_transition(
                item_case=case,
                actor=actor_of(admin),
                action=action,
                expected_version=case.version,
                reason="性质测试",
            )
        except DomainError:
            pass  # refused transitions are fine; the invariants below must hold either way
        now = {c.ref: c for c in ItemCase.objects.filter(application=app)}
        for c in now.values():
            prereqs = [now[r] for r in c.requires if r in now]
            if c.status in DONE:
                assert all(p.status in DONE for p in prereqs), (c.ref, [(p.ref, p.status) for p in prereqs])
            if c.status == CaseStatus.ACCEPTED:
                assert all(p.status in DONE for p in prereqs)
            if any(
                p.status in (CaseStatus.DENIED, CaseStatus.REJECTED, CaseStatus.TERMINATED) for p in prereqs
            ):
                assert c.status not in OPEN_CASE_STATES, (c.ref, c.status)  # a dependant cannot stay open
    app.refresh_from_db()
    statuses = [c.status for c in ItemCase.objects.filter(application=app)]
    final = {"approved", "denied", "rejected", "withdrawn", "terminated", "delivered", "revoked"}
    assert (app.status == "completed") == all(s in final for s in statuses)
