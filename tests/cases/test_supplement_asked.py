"""A supplement answers the deficiency notice (issue 18 point 5): it must bring something the notice asked for —
a missing material or one the clerk judged 需补正 — and a 需补正 the applicant then supplied is over: it is not
shown again, and the next notice asks only what that intake finds."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.support.factories import submitted_application
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.material_states import (
    MaterialState,
    asked_codes,
    asked_materials,
    material_reviews,
    material_states,
)
from yijianshi.cases.models import Application, CaseEvent
from yijianshi.cases.services import application_intake, application_supplement
from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError

pytestmark = pytest.mark.django_db
REASON = "扫描件缺第二页"


def acting(username: str) -> Actor:
    return actor_of(User.objects.get(username=username))


def judged(*, leave_missing: int = 0) -> tuple[Application, str, str, list[str]]:
    """A notice asking to correct one material (the first listed), the second accepted, `leave_missing` of the
    others not handed in (missing): (application, the one to correct, the accepted one, the missing ones)."""
    app = submitted_application()
    listed = list(app.materials_to_present)
    first, second, rest = listed[0], listed[1], listed[2:]
    missing = rest[:leave_missing]
    app = application_intake(
        application=app,
        actor=acting("clerk"),
        confirmed=[c for c in rest if c not in missing],
        deficient=bool(missing),
        reviews={first: ("needs_correction", REASON), second: ("accepted", "")},
    )
    assert app.status == "deficient"
    return app, first, second, missing


def test_the_notice_keeps_what_it_asked_for(newborn: None) -> None:
    app, first, _, missing = judged(leave_missing=1)
    assert sorted(asked_codes(app)) == sorted([first, *missing])
    rows = {m["code"]: m for m in asked_materials(app)}
    assert set(rows) == {first, *missing}
    assert rows[first]["correction"] == REASON and rows[missing[0]]["state"] == MaterialState.MISSING


def test_a_supplement_bringing_only_what_was_not_asked_is_refused(newborn: None) -> None:
    app, first, second, _ = judged()
    with pytest.raises(DomainError) as refused:
        application_supplement(application=app, actor=acting("mother"), materials=[second])
    assert refused.value.code == "supplement_empty" and refused.value.detail.field == "materials"
    assert first in refused.value.detail.zh and first in refused.value.detail.en  # it names what was asked
    app.refresh_from_db()
    assert app.status == "deficient"


def test_bringing_the_material_to_correct_is_an_answer_even_while_another_is_missing(newborn: None) -> None:
    app, first, _, missing = judged(leave_missing=1)
    app = application_supplement(application=app, actor=acting("mother"), materials=[first])
    assert app.status == "submitted"
    event = CaseEvent.objects.filter(application=app, type="supplemented").get()
    assert event.data["supplied"] == [first]


def test_a_supplied_material_is_not_asked_again(newborn: None) -> None:
    app, first, second, _ = judged()
    assert material_reviews(app)[first]["verdict"] == "needs_correction"
    app = application_supplement(application=app, actor=acting("mother"), materials=[first])
    # the correction is over: the clerk does not see it as 需补正 while the new one waits for intake
    reviews = material_reviews(app)
    assert first not in reviews and reviews[second]["verdict"] == "accepted"
    # the next notice, for a problem of the clerk's own: it asks for no material, so none is asked again
    app = application_intake(application=app, actor=acting("clerk"), problems=["联系电话无法接通，请更正"])
    assert app.status == "deficient"
    assert asked_codes(app) == [] and asked_materials(app) == []
    notice = CaseEvent.objects.filter(application=app, type="deficient").order_by("-at", "-pk").first()
    assert notice is not None and not [p for p in notice.data["problems"] if REASON in p]
    provided = [r.code for r in material_states(app) if r.state == MaterialState.PROVIDED]
    assert first in provided
