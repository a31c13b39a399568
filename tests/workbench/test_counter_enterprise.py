"""Enterprise bundles at the counter (issue 18 point 9): the clerk takes in an enterprise's bundle for the person
who came (its legal representative, or staff with a letter), names the enterprise by its credit code and name, and
the form is prefilled from the enterprise's own records; the application is the enterprise's."""

from __future__ import annotations

import pytest

from tests.support.api import WebClients as Clients
from tests.support.catalogue import load_bundles
from tests.support.newborn import to_hand_in
from yijianshi.accounts.demo import ENTERPRISE_USCC, create_demo_accounts
from yijianshi.cases.models import Application
from yijianshi.cases.samples import sample_form
from yijianshi.datahub.demo import ENTERPRISE_CLERK_ID, demo_data_seed

pytestmark = pytest.mark.django_db
RESTAURANT = "140524-02"  # 企业准营（开办餐饮店）, an enterprise's bundle
START = "/workbench/window/counter/"
FORM = "/workbench/window/counter/form/"


@pytest.fixture
def restaurant() -> None:
    load_bundles(RESTAURANT, "140524-09")
    create_demo_accounts()
    demo_data_seed(persons=30, enterprises=3)


def test_the_counter_offers_enterprise_bundles_and_asks_for_the_enterprise(
    restaurant: None, signed_in: Clients
) -> None:
    clerk = signed_in("clerk")
    page = clerk.get(START).content.decode()
    assert f'value="{RESTAURANT}"' in page and 'value="140524-09"' in page  # both kinds offered
    walk_in = {
        "id_number": ENTERPRISE_CLERK_ID,
        "name": "赵敏",
        "bundle": RESTAURANT,
        "verified": "id_card_read",
    }
    missing = clerk.post(START, walk_in)
    assert missing.status_code == 400
    assert set(missing.context["form"].errors) == {"uscc", "enterprise_name"}
    wrong = clerk.post(START, {**walk_in, "uscc": "91140524MA0K1234X0", "enterprise_name": "某公司"})
    assert wrong.status_code == 400 and "uscc" in wrong.context["form"].errors
    # a person's bundle ignores an enterprise typed by mistake: the walk-in applies for themself
    personal = clerk.post(
        START, {**walk_in, "bundle": "140524-09", "uscc": ENTERPRISE_USCC, "enterprise_name": "x"}
    )
    assert personal.status_code == 302 and clerk.session["workbench_counter"]["uscc"] == ""


def test_an_enterprise_application_taken_in_at_the_counter(restaurant: None, signed_in: Clients) -> None:
    clerk = signed_in("clerk")
    start = clerk.post(
        START,
        {
            "id_number": ENTERPRISE_CLERK_ID,
            "name": "赵敏",
            "phone": "13700137000",
            "bundle": RESTAURANT,
            "uscc": ENTERPRISE_USCC,
            "enterprise_name": "陵川县示例餐饮有限公司",
            "verified": "id_card_read",
        },
    )
    assert start.status_code == 302
    form_page = clerk.get(FORM)
    html = form_page.content.decode()
    assert form_page.status_code == 200 and "陵川县示例餐饮有限公司" in html and "经办人" in html
    assert "山西省晋城市陵川县崇文镇人民路88号" in html  # prefilled from the enterprise register
    form = form_page.context["form"]
    prefilled = {k: v["value"] for k, v in form_page.context["provenance"].items()}
    values = sample_form(form.snapshot["form"], overrides=prefilled)
    post = {f"f.{k}": ("true" if v is True else "false" if v is False else v) for k, v in values.items()}
    done = clerk.post(
        FORM,
        {
            **post,
            "materials": to_hand_in(form.snapshot),
            "authorisation": "letter",
            "authorisation_ref": "WT-7",
        },
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    app = Application.objects.get()
    assert (app.party_type, app.party_id, app.channel) == ("enterprise", ENTERPRISE_USCC, "window")
    assert app.authorisation["text"].startswith("企业经办人 赵敏（")
    assert ENTERPRISE_CLERK_ID not in app.authorisation["text"]  # masked
