"""An enterprise's staff members (经办人): the legal representative names them (enterprise_staff_name) and removes
them (enterprise_staff_remove); a staff member signs in through the identity service acting for the enterprise
only while named. Sign-ins go through the real test provider (tests/support/oidc_provider)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.oidc_provider.provider import Provider
from tests.support.realname import ENTERPRISE_USCC, STAFF_ID, realname_sign_in
from yijianshi.accounts.demo import ENTERPRISE_USCC as DEMO_USCC
from yijianshi.accounts.demo import create_demo_accounts
from yijianshi.accounts.models import EnterpriseRole, EnterpriseStaff, PartyType, Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.accounts.services import enterprise_staff_name, enterprise_staff_remove
from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import make_credit_code, make_resident_id

pytestmark = pytest.mark.django_db

OTHER_USCC = make_credit_code("9", "1140524", "MA0T00002")


def _user_of(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def _representative(realname: Provider) -> Client:
    client = Client()
    assert realname_sign_in(client, realname, "zhouqiang", "enterprise").status_code == 302
    return client


def test_a_staff_member_nobody_named_cannot_act_for_the_enterprise(realname: Provider) -> None:
    client = Client()
    answer = realname_sign_in(client, realname, "chenjing", "enterprise")
    assert answer.status_code == 403 and b'data-code="enterprise_staff_not_named"' in answer.content
    assert "未被其指定为经办人" in answer.content.decode()
    assert _user_of(client) is None and not Profile.objects.filter(id_number=STAFF_ID).exists()
    # as herself she signs in as usual
    assert realname_sign_in(Client(), realname, "chenjing", "person").status_code == 302


def test_a_named_staff_member_acts_for_the_enterprise_until_removed(realname: Provider) -> None:
    representative = _representative(realname)
    # the representative names her on the page (a credit code in the form is not looked at)
    named = representative.post(
        "/accounts/enterprise/staff/",
        {"action": "name", "name": "陈静", "id_number": STAFF_ID, "enterprise_uscc": OTHER_USCC},
    )
    assert named.status_code == 302
    record = EnterpriseStaff.objects.get(id_number=STAFF_ID)
    assert (
        record.enterprise_uscc == ENTERPRISE_USCC
        and record.active
        and record.named_by == _user_of(representative)
    )
    assert "陈静" in representative.get("/accounts/enterprise/staff/").content.decode()

    staff = Client()
    answer = realname_sign_in(staff, realname, "chenjing", "enterprise")
    assert answer.status_code == 302 and answer["Location"] == "/me/"
    account = _user_of(staff)
    profile = Profile.objects.get(user=account)
    assert (profile.party_type, profile.enterprise_uscc, profile.enterprise_role, profile.name) == (
        PartyType.ENTERPRISE,
        ENTERPRISE_USCC,
        EnterpriseRole.STAFF,
        "陈静",
    )
    assert staff.get("/me/").status_code == 200

    # removed: her session ends at the next request and she cannot sign in for the enterprise again
    removed = representative.post("/accounts/enterprise/staff/", {"action": "remove", "staff": record.pk})
    assert removed.status_code == 302
    record.refresh_from_db()
    assert not record.active and record.removed_at is not None
    assert staff.get("/me/")["Location"].startswith("/accounts/login/")
    again = realname_sign_in(Client(), realname, "chenjing", "enterprise")
    assert again.status_code == 403 and b"enterprise_staff_not_named" in again.content

    # named again: the same account works again
    representative.post(
        "/accounts/enterprise/staff/", {"action": "name", "name": "陈静", "id_number": STAFF_ID}
    )
    back = Client()
    assert realname_sign_in(back, realname, "chenjing", "enterprise").status_code == 302
    assert _user_of(back) == account


def test_only_the_legal_representative_names_staff(realname: Provider) -> None:
    representative = _representative(realname)
    representative.post(
        "/accounts/enterprise/staff/", {"action": "name", "name": "陈静", "id_number": STAFF_ID}
    )
    staff = Client()
    realname_sign_in(staff, realname, "chenjing", "enterprise")
    page = staff.get("/accounts/enterprise/staff/")
    assert page.status_code == 403 and b"not_legal_representative" in page.content
    with pytest.raises(DomainError) as refused:
        enterprise_staff_name(
            actor=actor_of(_user_of(staff)),
            id_number=make_resident_id("140524", date(1995, 1, 1), 7),
            name="某人",
        )
    assert refused.value.code == "not_legal_representative" and refused.value.status == 403
    person = Client()
    realname_sign_in(person, realname, "sunli")
    assert person.get("/accounts/enterprise/staff/").status_code == 403
    assert Client().get("/accounts/enterprise/staff/")["Location"].startswith("/accounts/login/")


def test_naming_checks_the_identity_number_and_the_name(db: None) -> None:
    create_demo_accounts()  # the demo's enterprise account is its legal representative
    client = Client()
    client.force_login(User.objects.get(username="enterprise"))
    bad = client.post("/accounts/enterprise/staff/", {"action": "name", "name": "某人", "id_number": "12345"})
    assert bad.status_code == 400 and 'aria-describedby="err_id_number"' in bad.content.decode()
    nameless = client.post(
        "/accounts/enterprise/staff/",
        {"action": "name", "name": " ", "id_number": make_resident_id("140524", date(1995, 1, 1), 7)},
    )
    assert nameless.status_code == 400 and 'aria-describedby="err_name"' in nameless.content.decode()
    assert not EnterpriseStaff.objects.exists()


def test_a_representative_removes_only_their_own_enterprises_staff(db: None) -> None:
    create_demo_accounts()
    demo = User.objects.get(username="enterprise")
    other = User.objects.create_user("other-rep", password="irrelevant-pw-1")
    Profile.objects.create(
        user=other,
        role=Role.APPLICANT,
        party_type=PartyType.ENTERPRISE,
        enterprise_uscc=OTHER_USCC,
        enterprise_role=EnterpriseRole.LEGAL_REPRESENTATIVE,
        id_number=make_resident_id("140524", date(1980, 1, 1), 9),
    )
    record = enterprise_staff_name(actor=actor_of(demo), id_number=STAFF_ID, name="陈静")
    assert record.enterprise_uscc == DEMO_USCC
    with pytest.raises(DomainError) as missing:
        enterprise_staff_remove(actor=actor_of(other), staff_id=record.pk)
    assert missing.value.status == 404
    record.refresh_from_db()
    assert record.active
    enterprise_staff_remove(actor=actor_of(demo), staff_id=record.pk)
    record.refresh_from_db()
    assert not record.active and record.removed_by == demo
