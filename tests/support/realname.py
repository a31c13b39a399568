"""Real-name sign-in in tests: the test identity provider's users (their claims stand in for the province's:
docs/identity.md) and the browser's side of the round trip, driven with Django's test client."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from tests.support.oidc_provider.provider import Provider
from yijianshi.core.identifiers import make_credit_code, make_resident_id

PERSON_ID = make_resident_id("140524", date(1991, 4, 12), 21)
REPRESENTATIVE_ID = make_resident_id("140524", date(1988, 9, 3), 33)
STAFF_ID = make_resident_id("140524", date(1996, 2, 27), 45)
QUIET_ID = make_resident_id("140524", date(1990, 12, 1), 57)
ENTERPRISE_USCC = make_credit_code("9", "1140524", "MA0T00001")
ENTERPRISE = {"enterprise_uscc": ENTERPRISE_USCC, "enterprise_name": "陵川县测试科技有限公司"}
PASSWORD = "provider-pass-1"  # noqa: S105 - the test provider's users

USERS: dict[str, dict[str, Any]] = {
    # a person, real-name by face
    "sunli": {
        "password": PASSWORD,
        "claims": {"id_number": PERSON_ID, "name": "孙丽", "acr": "realname:face"},
    },
    # the legal representative of the test enterprise, real-name by document
    "zhouqiang": {
        "password": PASSWORD,
        "claims": {"id_number": REPRESENTATIVE_ID, "name": "周强", "acr": "realname:document"},
        "enterprise": {**ENTERPRISE, "enterprise_role": "legal_representative"},
    },
    # a staff member of the enterprise (经办人): lets in only once the representative names her
    "chenjing": {
        "password": PASSWORD,
        "claims": {"id_number": STAFF_ID, "name": "陈静", "acr": "realname:document"},
        "enterprise": {**ENTERPRISE, "enterprise_role": "staff"},
    },
    # the service vouches for nonsense
    "badnumber": {
        "password": PASSWORD,
        "claims": {"id_number": "140524199104122199", "name": "错号", "acr": "realname:document"},
    },
    "oddlevel": {
        "password": PASSWORD,
        "claims": {"id_number": PERSON_ID, "name": "孙丽", "acr": "loa:unheard-of"},
    },
    # personal claims only from the userinfo endpoint
    "quiet": {
        "password": PASSWORD,
        "userinfo_only": True,
        "claims": {"id_number": QUIET_ID, "name": "秦悦", "acr": "realname:face"},
    },
}


def start(client: Client, acting_as: str = "person", next_path: str = "") -> str:
    """Press the real-name button: the provider's authorisation URL the platform redirects to."""
    answer = client.get(
        "/accounts/oidc/start/", {"acting_as": acting_as, **({"next": next_path} if next_path else {})}
    )
    assert answer.status_code == 302, answer.content[:400]
    return str(answer["Location"])


def callback_path(url: str) -> str:
    """The platform's callback URL the provider sent the browser to, as a path for the test client."""
    parts = urlsplit(url)
    assert parts.path == "/accounts/oidc/callback/", url
    return f"{parts.path}?{parts.query}"


def realname_sign_in(client: Client, provider: Provider, username: str, acting_as: str = "person") -> Any:
    """The whole round trip; the platform's answer to the callback."""
    return client.get(callback_path(provider.sign_in(start(client, acting_as), username)))
