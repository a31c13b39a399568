"""The reform figures measured on real applications (yijianshi.cases.figures): two newborn applications of the
demo family are submitted through the API; what the selector, the command, the API and the /figures/ page
report equals what is counted here by hand from the two applications' snapshots."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from tests.support.newborn import to_hand_in
from yijianshi.accounts.models import Profile
from yijianshi.cases.figures import measured_figures
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.datahub.demo import demo_data_seed
from yijianshi.licenses.demo import seed_demo_licences

pytestmark = pytest.mark.django_db


def submit(
    api: APIClient,
    *,
    changes: dict[str, Any],
    drop: list[str],
    guide_of: APIClient | None = None,
    on_behalf_of: dict[str, str] | None = None,
) -> str:
    """One application through the API: online by the applicant, or at the window by a clerk for the walk-in
    (`on_behalf_of`; the channel is the clerk's, never the client's to choose), with the form the applicant's
    guide offers."""
    guide = (guide_of or api).get("/api/bundles/140524-09/").json()
    offered = {k: v["value"] for k, v in guide["prefill"].items()}
    form = sample_form(guide["form"], overrides={**offered, **changes})
    optional = {f["key"] for f in guide["form"] if not f["required"]}
    for key in drop:
        if key in optional:
            form.pop(key, None)
    needed = to_hand_in(guide)
    body: dict[str, Any] = {"bundle": "140524-09", "form": form, "materials": needed[:-1]}
    if on_behalf_of:
        body["on_behalf_of"] = on_behalf_of
    created = api.post("/api/applications/", body, format="json")
    assert created.status_code == 201, created.content
    return str(created.json()["number"])


@pytest.fixture
def two(newborn: None, as_user: Callable[[str], APIClient]) -> list[Application]:
    demo_data_seed(persons=40, enterprises=5)
    seed_demo_licences()
    mother = as_user("mother")
    guide = mother.get("/api/bundles/140524-09/").json()
    optional = [f["key"] for f in guide["form"] if not f["required"] and f["key"] not in guide["prefill"]]
    addresses = sorted(
        f["key"] for f in guide["form"] if f["key"] in guide["prefill"] and f["type"] == "address"
    )
    assert len(addresses) >= 2, addresses
    moved = {k: guide["prefill"][k]["value"] + "附1号" for k in addresses[:2]}
    a = submit(mother, changes={addresses[0]: moved[addresses[0]]}, drop=[])
    profile = Profile.objects.get(user__username="mother")
    b = submit(
        as_user("clerk"),
        guide_of=mother,
        changes=moved,
        drop=optional[:2],
        on_behalf_of={"name": profile.name, "id_number": profile.id_number},
    )
    return [Application.objects.get(number=a), Application.objects.get(number=b)]


def by_hand(apps: list[Application]) -> dict[str, int]:
    """Counted straight from each application's snapshot and form, as docs/reform-figures.md defines them."""
    out = dict.fromkeys(
        [
            "total",
            "prefilled",
            "changed",
            "typed",
            "empty",
            "asked",
            "required",
            "licence",
            "check",
            "result",
            "provided",
            "legal",
            "promised",
            "visits_observed",
        ],
        0,
    )
    for app in apps:
        snap, data = app.snapshot, app.form_data
        keys = [f["key"] for f in snap["form"]]
        out["total"] += len(keys)
        out["prefilled"] += sum(1 for k in keys if k in snap["prefill"])
        out["changed"] += len(snap["prefill_changed"])
        out["typed"] += sum(1 for k in keys if k not in snap["prefill"] and data.get(k) not in (None, ""))
        out["empty"] += sum(1 for k in keys if data.get(k) in (None, ""))
        for m in snap["materials"]:
            if m["required"]:
                out["required"] += 1
                if m["waiver"] is None:
                    out["asked"] += 1
                else:
                    out[
                        {"licence": "licence", "data_check": "check", "item_result": "result"}[
                            m["waiver"]["kind"]
                        ]
                    ] += 1
        out["provided"] += len(app.materials_provided)
        out["legal"] += sum(i["legal_limit_days"] for i in snap["items"])
        out["promised"] += snap["schedule"]["total_days"]
        out["visits_observed"] += 1 if app.channel == "window" else 0
    return out


def test_measured_equals_the_count_by_hand(two: list[Application]) -> None:
    hand = by_hand(two)
    # the two applications differ as they were made: one and two prefilled values changed
    assert [len(a.snapshot["prefill_changed"]) for a in two] == [1, 2]
    assert hand["licence"] >= 2  # the marriage certificate waived by the licence in the wallet, in each
    report = measured_figures(region="140524")
    assert report.applications == 2 and [r.code for r in report.rows] == ["140524-09"]
    total = report.total
    assert total is not None
    m, x = total.measured, total.extra
    assert m.fields_merged == hand["total"]
    assert m.fields_auto == hand["prefilled"] - hand["changed"] == hand["prefilled"] - 3
    assert x.fields_changed == 3 and x.fields_typed == hand["typed"] and x.fields_empty == hand["empty"]
    assert x.fields_from_sources + x.fields_reused == hand["prefilled"]
    assert m.materials_required == hand["asked"]
    assert (x.materials_waived_licence, x.materials_waived_data_check, x.materials_waived_result) == (
        hand["licence"],
        hand["check"],
        hand["result"],
    )
    assert x.materials_provided == hand["provided"]
    assert (m.time_separate_days, m.time_bundle_days) == (hand["legal"], hand["promised"])
    assert x.visits_observed == hand["visits_observed"] == 1
    assert m.fields_auto_share == round((hand["prefilled"] - 3) / hand["total"], 4)
    # the catalogue's figures for the same version and answers: the same merged form; every licence assumed
    c = total.catalogue
    assert c.fields_merged == m.fields_merged and c.materials_separate == m.materials_separate
    assert c.materials_required <= m.materials_required
    assert c.fields_auto >= m.fields_auto
    # filters
    assert measured_figures(region="420300").applications == 0
    assert measured_figures(bundle="140524-09").applications == 2
    day = two[0].submitted_at.date()
    from datetime import timedelta

    assert measured_figures(since=day + timedelta(days=2)).applications == 0
    assert measured_figures(until=day + timedelta(days=2)).applications == 2


def test_report_command_api_and_page(two: list[Application], as_user: Callable[[str], APIClient]) -> None:
    hand = by_hand(two)
    out = io.StringIO()
    call_command("report", "applications", "--region", "140524", "--format", "json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[-1]["code"] == "*" and rows[-1]["applications"] == 2
    assert (
        rows[0]["measured_fields_merged"] == hand["total"]
        and rows[0]["measured_materials_required"] == hand["asked"]
    )
    out = io.StringIO()
    call_command("report", "applications", "--format", "csv", stdout=out)
    parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed[0]["code"] == "140524-09" and parsed[0]["fields_changed"] == "3"
    out = io.StringIO()
    call_command("report", "applications", stdout=out)
    assert "measured on 2 applications" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "applications", "--since", "yesterday", stdout=io.StringIO())
    # the API: staff, administrators and auditors
    body = as_user("auditor").get("/api/figures/applications/?region=140524").json()
    assert body["applications"] == 2 and body["total"]["measured_fields_auto"] == hand["prefilled"] - 3
    assert as_user("clerk").get("/api/figures/applications/").status_code == 200
    assert as_user("mother").get("/api/figures/applications/").status_code == 403
    assert APIClient().get("/api/figures/applications/").status_code in (401, 403)
    bad = as_user("admin").get("/api/figures/applications/?since=soon")
    assert bad.status_code == 400 and "since" in str(bad.json())
    assert as_user("admin").get("/api/figures/applications/?region=999999").status_code == 404
    # the page
    page = Client().get("/figures/").content.decode()
    assert 'id="measured"' in page and "<strong>2</strong>" in page
