"""The apply wizard, posted through with the test client for the demo mother: situations, the prefilled form
(sources marked, errors next to fields with values kept, a dispute), materials (waived ones with why, an upload),
commitments, the review with an Idempotency-Key token (a double submit gives one application), the receipt; then
her pages: list, detail, documents, withdraw; another person's application is 404."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.api import WebClients as Clients
from tests.support.files import png_file
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Application
from yijianshi.cases.services import application_intake
from yijianshi.datahub.models import Objection
from yijianshi.ledger.models import LedgerEntry
from yijianshi.licenses.models import License

pytestmark = pytest.mark.django_db
APPLY = "/bundles/140524-09/apply/"
BUNDLE_CODE = "140524-09"


def form_values(html: str) -> dict[str, str]:
    """The values of the wizard's form step as the browser would post them."""
    values = dict(re.findall(r'<input id="f_[^"]*" name="([^"]+)" value="([^"]*)"', html))
    for name, body in re.findall(r'<select id="f_[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        values[name] = chosen.group(1) if chosen else ""
    return values


def fill_missing(values: dict[str, str]) -> dict[str, str]:
    typed = {
        "child.name": "李小宝",
        "child.residence_address": "山西省晋城市陵川县崇文镇示例路 1 号",
        "mother.phone": "13800138000",
        "child.ethnicity": "汉族",
        "child.guardian_relationship": "母亲",
        "household.relation_to_head": "子",
        "delivery.method": "电子送达",
        "medical_enrolment.category": "新生儿",
        "medical_enrolment.contribution_year": "2026",
        "child.gender": "男",
        "child.birth_date": "2026-11-01",
        "child.birth_time": "08:30",
        "child.birth_place": "陵川县人民医院",
        "child.birth_hospital": "陵川县人民医院",
        "child.birth_weight_g": "3300",
        "child.gestational_weeks": "39",
        "household.head_name": "李强",
        "household.number": "140524000001",
        "child.household_address": "山西省晋城市陵川县崇文镇示例路 1 号",
    }
    return {k: (v or typed.get(k, "")) for k, v in values.items()}


def test_the_demo_mother_applies_from_situations_to_the_receipt(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    # step 1: situations
    page = mother.get(APPLY)
    assert page.status_code == 200 and "新生儿是否未满1周岁" in page.content.decode()
    bad = mother.post(
        APPLY, {"step": "situation", "under_one": "maybe", "in_wedlock": "yes", "local_household": "yes"}
    )
    assert bad.status_code == 400 and 'id="err_under_one"' in bad.content.decode()
    step = mother.post(
        APPLY, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    assert step.status_code == 302 and step["Location"].endswith("?step=form")
    # step 2: the form, prefilled with sources marked (every read in the access ledger)
    form = mother.get(APPLY + "?step=form").content.decode()
    assert "来自 人口基础信息库" in form and "有异议" in form
    assert LedgerEntry.objects.filter(purpose_kind="prefill", purpose_reference="140524-09").exists()
    values = form_values(form)
    assert values["mother.name"] == "王芳"
    # an error next to its field, the other values kept
    wrong = {**fill_missing(values), "mother.phone": "12345", "child.name": "李小宝"}
    answer = mother.post(APPLY + "?step=form", {"step": "form", **wrong})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert 'id="err_f_mother__phone"' in html and "电话号码格式不正确" in html
    assert 'value="李小宝"' in html and 'value="12345"' in html
    ok = mother.post(APPLY + "?step=form", {"step": "form", **fill_missing(values)})
    assert ok.status_code == 302 and ok["Location"].endswith("?step=materials"), ok.content.decode()[:3000]
    # step 3: materials: the waived ones shown with why; the vaccination record uploaded
    materials = mother.get(APPLY + "?step=materials").content.decode()
    assert "以电子证照" in materials and "免提交" in materials
    missing = mother.post(APPLY + "?step=materials", {"step": "materials"})
    assert missing.status_code == 400 and "请上传该材料" in missing.content.decode()
    uploaded = mother.post(
        APPLY + "?step=materials",
        {
            "step": "materials",
            "file:birth.first_issue_form": png_file("vaccination.png"),
            "choice:child.birth_vaccination_record": "tolerated",
        },
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[:3000]
    # step 4: commitments: the declaration must be signed
    unsigned = mother.post(APPLY + "?step=commitments", {"step": "commitments"})
    assert unsigned.status_code == 400 and 'id="err_declaration"' in unsigned.content.decode()
    assert (
        mother.post(APPLY + "?step=commitments", {"step": "commitments", "sign": ["declaration"]}).status_code
        == 302
    )
    # step 5: review and submit twice with the same token: one application
    review = mother.get(APPLY + "?step=review").content.decode()
    token = re.search(r'name="token" value="([^"]+)"', review).group(1)  # type: ignore[union-attr]
    first = mother.post(APPLY + "?step=review", {"step": "review", "token": token})
    assert first.status_code == 302 and "/receipt/" in first["Location"], first.content.decode()[:3000]
    second = mother.post(APPLY + "?step=review", {"step": "review", "token": token})
    assert second.status_code == 302 and second["Location"] == first["Location"]
    app = Application.objects.get()
    assert app.applicant.username == "mother" and app.tolerated == ["child.birth_vaccination_record"]
    assert "birth.first_issue_form" in app.materials_provided and app.uploads.count() == 1
    assert app.form_data["child.name"] == "李小宝"
    receipt = mother.get(first["Location"]).content.decode()
    assert app.number in receipt
    # my applications: the list and the detail with its timeline; the receipt PDF after intake
    assert app.number in mother.get("/me/").content.decode()
    application_intake(application=app, actor=actor_of(app.service_point.clerks.first().user))
    detail = mother.get(f"/me/applications/{app.number}/").content.decode()
    assert "各部门办理进度" in detail and "收件回执" in detail  # the printed title (was 受理回执: drift)
    doc = app.documents.get(kind="receipt")
    pdf = mother.get(f"/me/documents/{doc.number}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # another person sees none of it
    father = signed_in("father")
    assert father.get(f"/me/applications/{app.number}/").status_code == 404
    assert father.get(f"/me/documents/{doc.number}.pdf").status_code == 404
    assert father.post(f"/me/applications/{app.number}/withdraw/").status_code == 404
    # withdraw (with the version shown on the page; a stale one is a conflict)
    stale = mother.post(
        f"/me/applications/{app.number}/withdraw/", {"reason": "测试撤回", "version": app.version}
    )
    assert (
        stale.status_code == 409
        and "已被他人更新" in stale.content.decode()
        and 'value="测试撤回"' in stale.content.decode()
    )
    app.refresh_from_db()
    done = mother.post(
        f"/me/applications/{app.number}/withdraw/", {"reason": "测试撤回", "version": app.version}
    )
    assert done.status_code == 302
    app.refresh_from_db()
    assert app.status == "withdrawn"


def test_a_prefilled_value_can_be_disputed(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    mother.post(
        APPLY, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    mother.get(APPLY + "?step=form")
    url = APPLY + "dispute/mother.name/"
    empty = mother.post(url, {"claimed_value": "", "reason": ""})
    assert empty.status_code == 400 and 'id="err_reason"' in empty.content.decode()
    raised = mother.post(url, {"claimed_value": "王芳芳", "reason": "户籍登记有误"})
    assert raised.status_code == 302
    objection = Objection.objects.get()
    assert objection.claimed_value == "王芳芳" and objection.raised_by.username == "mother"
    assert objection.form_key == "mother.name" and objection.source.code == "population"
    form = mother.get(APPLY + "?step=form").content.decode()
    assert "已提出异议" in form and objection.number in form and 'value="王芳芳"' in form
    assert mother.get(APPLY + "dispute/child.ethnicity/").status_code == 404  # not a prefilled field


def test_the_wizard_speaks_english(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    mother.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = mother.get(APPLY).content.decode()
    assert "Apply online" in page and "Is the child under one year old?" in page and 'lang="en"' in page
    bad = mother.post(APPLY + "?step=form", {"step": "form", "mother.phone": "12345"})
    assert bad.status_code == 400 and "is not a valid phone number" in bad.content.decode()


def test_staff_cannot_apply_and_visitors_are_sent_to_sign_in(newborn: None, signed_in: Clients) -> None:
    assert signed_in("clerk").get(APPLY).status_code == 403
    visitor = Client().get(APPLY)
    assert visitor.status_code == 302 and visitor["Location"].startswith("/accounts/login/?next=")
    assert signed_in("clerk").get("/me/").status_code == 404
    assert signed_in("mother").get("/me/applications/NOPE/").status_code == 404


def test_wallet_and_who_read_my_data(family: None, signed_in: Clients) -> None:
    mother = signed_in("mother")
    wallet = mother.get("/me/licences/").content.decode()
    assert "<svg" in wallet and "居民身份证" in wallet
    codes = License.objects.filter(holder_id=MOTHER_ID).values_list("verification_code", "identifier")
    for code, identifier in codes:  # each licence's verify link carries its code, never its identifier
        assert f"/licences/verify/{code}" in wallet and f"/licences/verify/{identifier}" not in wallet
    mother.post(
        APPLY, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    mother.get(APPLY + "?step=form")
    reads = mother.get("/me/data-reads/").content.decode()
    assert "人口基础信息库" in reads and "mother" in reads or "王芳" in reads


def test_a_parent_disputes_a_value_about_their_child(family: None, signed_in: Clients) -> None:
    """Issue 17, finding 9: a value the platform prefilled about someone it found through the applicant's own
    records (her child, her spouse) can be disputed by her; before, objection_not_allowed."""
    mother = signed_in("mother")
    mother.post(
        APPLY, {"step": "situation", "under_one": "yes", "in_wedlock": "yes", "local_household": "yes"}
    )
    mother.get(APPLY + "?step=form")
    prefill = mother.session[f"apply:{BUNDLE_CODE}"]["prefill"]
    related = sorted(
        k
        for k, v in prefill.items()
        if v["source"] != "application"
        and v["subject_id"] != MOTHER_ID
        and k.startswith("child.")
        and "date" not in k
    )
    assert related, prefill
    raised = mother.post(APPLY + f"dispute/{related[0]}/", {"claimed_value": "更正值", "reason": "登记有误"})
    assert raised.status_code == 302, raised.content.decode()[-2000:]
    objection = Objection.objects.get()
    assert (
        objection.subject_id == prefill[related[0]]["subject_id"] and objection.raised_by.username == "mother"
    )
    # a value about someone the platform did not find through her records stays refused (a made-up subject)
    from yijianshi.core.errors import DomainError
    from yijianshi.datahub.services import objection_raise

    with pytest.raises(DomainError) as refused:
        objection_raise(
            subject_id=FATHER_ID,
            source="population",
            key="father.name",
            claimed_value="x",
            reason="y",
            actor=User.objects.get(username="enterprise"),
        )
    assert refused.value.code == "objection_not_allowed"
