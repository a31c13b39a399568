"""Applications made through the existing services (as the portal and the API make them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.guide import guide_compute
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.catalog.models import Bundle
from yijianshi.catalog.selectors import current_version
from yijianshi.core.actor import Actor

BUNDLE = "140524-09"


def catalogue_snapshot() -> dict[str, Any]:
    bundle = Bundle.objects.get(code=BUNDLE)
    version = current_version(bundle)
    assert version is not None
    return guide_compute(version=version, answers={}, actor=Actor.system()).snapshot()


def submit_online(username: str = "mother", *, service_point: str | None = None, complete: bool = True) -> Application:
    snap = catalogue_snapshot()
    form = sample_form(snap["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    needed = [m["code"] for m in snap["materials"] if m["required"]] if complete else []  # waived or not
    return services.application_submit(actor=actor_of(User.objects.get(username=username)), bundle_code=BUNDLE, form=form,
                                       materials=needed, service_point=service_point).application
