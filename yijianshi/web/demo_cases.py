"""Demo cases that show the clock at work (issue 18 point 9): applications filed at the county hall's counter some
working days ago for people of the synthetic population, taken in, left undecided by the departments, then swept —
so the officers' queues, the administrator's page and the figures show overdue and escalated cases on a fresh demo.

Everything goes through the services, as the clerk's counter and the sweep would (no row written by hand)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User

from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.guide import guide_compute
from yijianshi.cases.models import Application, Channel
from yijianshi.cases.samples import sample_form
from yijianshi.catalog.models import Bundle
from yijianshi.catalog.selectors import current_version
from yijianshi.core import clock
from yijianshi.core.actor import Party
from yijianshi.datahub.demo import ENTERPRISE_CLERK_ID, FORMER_CODES
from yijianshi.datahub.models import SourceRecord
from yijianshi.ledger.services import Purpose

# bundles whose parts are decided by single departments, filed 6 and 12 calendar days before the demo starts
OVERDUE = (("140524-21", 12), ("140524-15", 6))


def seed_overdue_cases(region: str = "140524") -> list[str]:
    """File and take in one application per bundle of OVERDUE, back-dated, and run the sweep; returns their
    numbers. Idempotent: does nothing once the demo has applications filed by the clerk."""
    clerk_user = User.objects.filter(username="clerk").first()
    if clerk_user is None or Application.objects.filter(agent=clerk_user).exists():
        return []
    clerk = actor_of(clerk_user)
    codes = {region} | {
        older for current, older, _ in FORMER_CODES if current == region
    }  # IDs issued earlier
    adults = (
        SourceRecord.objects.filter(source__code="population")
        .order_by("subject_id")
        .values_list("subject_id", "data")
    )
    people = iter(
        [
            (sid, data)
            for sid, data in adults
            if sid[:6] in codes and sid != ENTERPRISE_CLERK_ID and data.get("person.birth_date", "9") < "1990"
        ]
    )
    numbers: list[str] = []
    for code, days_ago in OVERDUE:
        bundle = Bundle.objects.filter(code=code).first()
        version = current_version(bundle) if bundle else None
        subject = next(people, None)
        if version is None or subject is None:
            continue
        party_id, record = subject
        name = str(record.get("person.name", ""))
        with clock.frozen(clock.now() - timedelta(days=days_ago)):
            guide = guide_compute(
                version=version,
                answers=None,
                actor=clerk,
                party=Party(type="person", id=party_id, name=name),
                purpose=Purpose("intake", f"demo-{code}"),
            )
            snapshot = guide.snapshot()
            form = sample_form([dict(f) for f in snapshot["form"]], overrides=guide.prefilled())
            needed = [m["code"] for m in snapshot["materials"] if m["required"] and not m["waiver"]]
            submission = services.application_submit(
                actor=clerk,
                bundle_code=code,
                form=form,
                channel=Channel.WINDOW,
                materials=needed,
                on_behalf_of={
                    "party_type": "person",
                    "id_number": party_id,
                    "name": name,
                    "authorisation": "当面核验身份（本人到场）（本人到场，身份证读卡核验）",
                },
                idempotency_key=f"demo-overdue-{code}",
            )
            app = services.application_intake(application=submission.application, actor=clerk)
        numbers.append(app.number)
    services.deadlines_sweep()
    return numbers
