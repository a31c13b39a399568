"""Real-name sign-in through a real OpenID Connect provider (tests/support/oidc_provider), driven as a browser
would: the platform's redirect, the log-in at the provider, the callback. Nothing of ours is mocked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.support.oidc_provider.provider import Provider
from tests.support.realname import (
    ENTERPRISE_USCC,
    PERSON_ID,
    QUIET_ID,
    REPRESENTATIVE_ID,
    callback_path,
    realname_sign_in,
    start,
)
from yijianshi.accounts.models import AssuranceLevel, EnterpriseRole, PartyType, Profile, Role

pytestmark = pytest.mark.django_db


def _with(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return urlunsplit(parts._replace(query=urlencode({**query, **params})))


def _signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_person_signs_in_and_gets_an_account_with_the_claims(realname: Provider) -> None:
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "个人实名登录" in page and "/accounts/oidc/start/?acting_as=enterprise" in page
    authorize = start(client, next_path="/me/")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(realname.issuer + "/authorize/")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    assert query["scope"] == ["openid profile"]  # a person: the enterprise claims are not asked for

    answer = client.get(callback_path(realname.sign_in(authorize, "sunli")))

    assert answer.status_code == 302 and answer["Location"] == "/me/"
    user = _signed_in_as(client)
    assert user is not None and not user.has_usable_password()
    profile = user.profile
    assert (profile.role, profile.party_type, profile.id_number, profile.name) == (
        Role.APPLICANT,
        PartyType.PERSON,
        PERSON_ID,
        "孙丽",
    )
    assert profile.assurance == AssuranceLevel.FACE and profile.realname_at is not None
    assert client.session["assurance"] == AssuranceLevel.FACE
    assert "孙丽" in client.get("/me/").content.decode()


def test_the_next_sign_in_is_the_same_account_and_an_earlier_account_of_the_number_is_taken_up(
    realname: Provider,
) -> None:
    earlier = User.objects.create_user("sunli-local", password="irrelevant-pw-1")
    Profile.objects.create(user=earlier, role=Role.APPLICANT, id_number=PERSON_ID, name="旧名")
    first, second = Client(), Client()
    assert realname_sign_in(first, realname, "sunli").status_code == 302
    assert realname_sign_in(second, realname, "sunli").status_code == 302
    assert _signed_in_as(first) == _signed_in_as(second) == earlier
    earlier.profile.refresh_from_db()
    assert earlier.profile.name == "孙丽" and earlier.profile.assurance == AssuranceLevel.FACE


def test_a_state_the_session_did_not_start_is_refused(realname: Provider) -> None:
    client = Client()
    back = realname.sign_in(start(client), "sunli")
    answer = client.get(callback_path(_with(back, state="forged-state")))
    assert answer.status_code == 400 and b'data-code="oidc_state_mismatch"' in answer.content
    assert _signed_in_as(client) is None
    # nor does another browser's callback work in this one (login CSRF)
    other = Client()
    answer = other.get(callback_path(realname.sign_in(start(client), "sunli")))
    assert answer.status_code == 400 and _signed_in_as(other) is None


def test_a_callback_is_good_once(realname: Provider) -> None:
    client = Client()
    back = callback_path(realname.sign_in(start(client), "sunli"))
    assert client.get(back).status_code == 302
    client.logout()
    again = client.get(back)
    assert again.status_code == 400 and _signed_in_as(client) is None


def test_an_id_token_with_another_nonce_is_refused(realname: Provider) -> None:
    # given an authorisation request whose nonce was swapped on its way to the provider (an injected token)
    client = Client()
    authorize = _with(start(client), nonce="not-the-nonce-we-sent")
    # when the provider signs an ID token for that nonce
    answer = client.get(callback_path(realname.sign_in(authorize, "sunli")))
    # then it is refused
    assert answer.status_code == 400 and b'data-code="oidc_token_invalid"' in answer.content
    assert _signed_in_as(client) is None and not Profile.objects.filter(id_number=PERSON_ID).exists()


def test_a_code_without_our_pkce_verifier_is_not_exchanged(realname: Provider) -> None:
    client = Client()
    authorize = _with(start(client), code_challenge="A" * 43)  # someone else's challenge
    answer = client.get(callback_path(realname.sign_in(authorize, "sunli")))
    assert answer.status_code == 400 and b'data-code="oidc_token_invalid"' in answer.content
    assert _signed_in_as(client) is None


def test_the_legal_representative_signs_in_for_the_enterprise(realname: Provider) -> None:
    client = Client()
    authorize = start(client, "enterprise")
    assert parse_qs(urlsplit(authorize).query)["scope"] == ["openid profile enterprise"]
    answer = client.get(callback_path(realname.sign_in(authorize, "zhouqiang")))
    assert answer.status_code == 302 and answer["Location"] == "/me/"
    profile = Profile.objects.get(user=_signed_in_as(client))
    assert (
        profile.party_type,
        profile.enterprise_uscc,
        profile.enterprise_name,
        profile.enterprise_role,
    ) == (
        PartyType.ENTERPRISE,
        ENTERPRISE_USCC,
        "陵川县测试科技有限公司",
        EnterpriseRole.LEGAL_REPRESENTATIVE,
    )
    assert profile.id_number == REPRESENTATIVE_ID and profile.assurance == AssuranceLevel.DOCUMENT
    # signing in as a person gives the person's own account, not the enterprise's
    person = Client()
    assert realname_sign_in(person, realname, "zhouqiang", "person").status_code == 302
    assert Profile.objects.get(user=_signed_in_as(person)).party_type == PartyType.PERSON
    assert _signed_in_as(person) != _signed_in_as(client)


def test_someone_the_service_does_not_tie_to_an_enterprise_cannot_sign_in_for_one(realname: Provider) -> None:
    client = Client()
    answer = realname_sign_in(client, realname, "sunli", "enterprise")
    assert answer.status_code == 403 and b'data-code="not_a_representative"' in answer.content
    assert "请以个人身份登录" in answer.content.decode() and _signed_in_as(client) is None


@pytest.mark.parametrize(
    ("username", "code"),
    [("badnumber", "realname_id_number_invalid"), ("oddlevel", "realname_assurance_unknown")],
)
def test_claims_that_do_not_check_out_are_refused(realname: Provider, username: str, code: str) -> None:
    client = Client()
    answer = realname_sign_in(client, realname, username)
    assert answer.status_code == 403 and f'data-code="{code}"'.encode() in answer.content
    assert _signed_in_as(client) is None and Profile.objects.count() == 0


def test_claims_only_the_userinfo_endpoint_gives_are_read_there(realname: Provider) -> None:
    client = Client()
    assert realname_sign_in(client, realname, "quiet").status_code == 302
    profile = Profile.objects.get(user=_signed_in_as(client))
    assert (profile.id_number, profile.name, profile.assurance) == (QUIET_ID, "秦悦", AssuranceLevel.FACE)


def test_explicit_endpoints_work_without_discovery(realname: Provider, settings) -> None:
    o = realname.issuer
    settings.YIJIANSHI_OIDC = realname.rp_settings(
        discovery_url="http://127.0.0.1:9/nothing-here",
        authorization_endpoint=o + "/authorize/",
        token_endpoint=o + "/token/",
        jwks_uri=o + "/.well-known/jwks.json",
        userinfo_endpoint=o + "/userinfo/",
    )
    client = Client()
    assert (
        realname_sign_in(client, realname, "sunli").status_code == 302 and _signed_in_as(client) is not None
    )


def test_an_issuer_other_than_the_configured_one_is_refused(realname: Provider, settings) -> None:
    # the discovery document and keys are the provider's, but the platform expects another issuer
    settings.YIJIANSHI_OIDC = realname.rp_settings(
        issuer=realname.issuer + "-elsewhere",
        discovery_url=realname.issuer + "/.well-known/openid-configuration",
    )
    client = Client()
    answer = realname_sign_in(client, realname, "sunli")
    assert answer.status_code == 400 and b'data-code="oidc_token_invalid"' in answer.content
    assert _signed_in_as(client) is None


def test_an_unreachable_service_is_a_clear_503_not_a_500(settings, db) -> None:
    settings.YIJIANSHI_OIDC = {
        "issuer": "http://127.0.0.1:9/o",
        "client_id": "x",
        "client_secret": "y",
        "timeout": 2,
    }
    answer = Client().get("/accounts/oidc/start/")
    assert answer.status_code == 503 and b'data-code="identity_service_unavailable"' in answer.content


def test_without_configuration_only_the_password_form_is_offered(settings, db) -> None:
    settings.YIJIANSHI_OIDC = None
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert "个人实名登录" not in page and 'name="password"' in page
    assert client.get("/accounts/oidc/start/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=x&state=y").status_code == 404
