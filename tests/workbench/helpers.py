"""Applications made through the existing services (as the portal and the API make them)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.cases import services
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.catalog import engine
from yijianshi.catalog.models import Bundle
from yijianshi.catalog.selectors import bundle_definition, current_version

BUNDLE = "140524-09"


def catalogue_snapshot() -> dict[str, Any]:
    bundle = Bundle.objects.get(code=BUNDLE)
    version = current_version(bundle)
    assert version is not None
    definition = bundle_definition(version)
    return services.guide_snapshot(version.number, bundle, definition, engine.compute(definition, {}))


def submit_online(username: str = "mother", *, service_point: str | None = None, complete: bool = True) -> Application:
    snap = catalogue_snapshot()
    form = sample_form(snap["form"], overrides={"mother.id_number": MOTHER_ID, "mother.name": "王芳"})
    needed = [m["code"] for m in snap["materials"] if m["required"]] if complete else []  # waived or not
    return services.application_submit(actor=User.objects.get(username=username), bundle_code=BUNDLE, form=form,
                                       materials=needed, service_point=service_point).application
