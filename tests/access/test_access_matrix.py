"""The generated access matrix (issue 6, point 6): every role against every API endpoint and every object owner.

The endpoints come from the URL resolver, so a new one fails `test_every_endpoint_is_classified` until it is
given a rule here. For the case engine's objects the rule is the one in yijianshi/cases/permissions.py, written
out again independently below (`sees_application`, `sees_case`, …) and checked cell by cell:

    users   anonymous, two applicants and an enterprise representative, a county-hall clerk and a town clerk,
            officers of health (owns the item case), public security (same application, other department) and
            civil affairs (nothing), the administrator and the auditor;
    objects the mother's application at the county hall and the father's at the town centre, each in the state
            the endpoint needs (submitted, deficient, received with a tolerated material and a commitment,
            completed, delivered), their item cases, documents and commitments.

Each cell runs in a savepoint that is rolled back, so every cell sees the same world. An allowed cell must
succeed (2xx); a denied one answers 403 (the user sees the object but may not do this) or 404 (out of scope) —
and a 404 must be byte-for-byte the answer to an identifier that does not exist, so nobody learns whether
someone else's case exists. Anonymous callers get 401 or 403 everywhere but the public endpoints.

The endpoints of the licence wallet, uploads, data objections and mandates get the same existence check for the
other applicants (404 identical to a non-existent identifier) and the owner's success; their finer rules are
tested by their own suites (tests/licenses, tests/uploads, tests/datahub, tests/mandates).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import segno
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction

from tests.support.access import advance, api_endpoints, submit
from tests.support.api import api_client
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.models import Profile, Role
from yijianshi.accounts.roles import actor_of
from yijianshi.cases.models import Application, Commitment, Document, ItemCase
from yijianshi.catalog.models import ServicePoint
from yijianshi.core import clock
from yijianshi.core.identifiers import make_resident_id
from yijianshi.mandates.services import mandate_grant, mandate_request

pytestmark = pytest.mark.django_db

USERS = [
    "anonymous",
    "mother",
    "father",
    "enterprise",
    "clerk",
    "clerk_town",
    "officer_health",
    "officer_police",
    "officer_civil",
    "admin",
    "auditor",
]
ANONYMOUS_DENIED = {401, 403}
MISSING_NUMBER = "YJS1405242026010199999"
MISSING_PK = 987654321
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
MISSING_MANDATE = "WT202601010999999"
HELPER_ID = make_resident_id(
    "140524", date(1990, 2, 3), 51
)  # an applicant outside USERS who asks mother for a mandate
UNTIL = (clock.local(clock.now()) + timedelta(days=30)).date().isoformat()
MANDATE_TERMS = {"scope": "bundles", "bundles": ["140524-09"], "abilities": ["apply"], "valid_to": UNTIL}


# --- the classification of every endpoint -------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    kind: str  # public | signed_in | roles | application | item_case | document | commitment | owned
    state: str = ""  # the application state the endpoint needs
    may: str = "read"  # read | intake | owner_or_clerk | clerk | decide
    roles: frozenset[str] = frozenset()
    body: Any = None


PUBLIC, SIGNED_IN = Rule("public"), Rule("signed_in")
STAFF = frozenset({Role.CLERK, Role.OFFICER, Role.ADMIN, Role.AUDITOR})
ENDPOINTS: dict[tuple[str, str], Rule] = {
    ("api/schema/", "GET"): PUBLIC,
    ("api/docs/", "GET"): PUBLIC,
    ("api/auth/token/", "POST"): PUBLIC,
    ("api/bundles/", "GET"): PUBLIC,
    ("api/bundles/<str:code>/", "GET"): PUBLIC,
    ("api/licences/keys/", "GET"): PUBLIC,
    ("api/licences/verify/", "POST"): PUBLIC,
    ("api/licences/^verify/(?P<code>[^/]+)/?$", "GET"): PUBLIC,
    ("api/applications/", "GET"): SIGNED_IN,
    ("api/applications/", "POST"): Rule(
        "roles", roles=frozenset({Role.APPLICANT, Role.CLERK}), body={"bundle": "140524-09", "form": {}}
    ),
    ("api/intake-queue/", "GET"): SIGNED_IN,
    ("api/item-cases/", "GET"): SIGNED_IN,
    ("api/licences/", "GET"): SIGNED_IN,
    ("api/objections/", "GET"): SIGNED_IN,
    ("api/me/data-reads/", "GET"): Rule("roles", roles=frozenset({Role.APPLICANT})),
    ("api/me/file/", "GET"): Rule("roles", roles=frozenset({Role.APPLICANT})),
    ("api/me/consents/", "GET"): Rule("roles", roles=frozenset({Role.APPLICANT})),
    ("api/me/consents/", "POST"): Rule("roles", roles=frozenset({Role.APPLICANT})),
    ("api/me/consents/revoke/", "POST"): Rule("roles", roles=frozenset({Role.APPLICANT})),
    ("api/figures/applications/", "GET"): Rule("roles", roles=STAFF),
    ("api/objections/", "POST"): Rule(
        "roles",
        roles=frozenset({Role.APPLICANT}),
        body={"key": "person.name", "source": "population", "claimed_value": "王芳芳", "reason": "姓名有误"},
    ),
    ("api/uploads/", "POST"): Rule(
        "roles",
        roles=frozenset({Role.APPLICANT, Role.CLERK}),
        body=lambda: {
            "bundle": "140524-09",
            "material": "child.birth_vaccination_record",
            "file": io.BytesIO(png()),
        },
    ),
    ("api/applications/<str:number>/", "GET"): Rule("application", "received"),
    ("api/applications/<str:number>/history/", "GET"): Rule("application", "received"),
    ("api/applications/<str:number>/documents/", "GET"): Rule("application", "received"),
    ("api/applications/<str:number>/intake/", "POST"): Rule("application", "submitted", "intake", body={}),
    ("api/applications/<str:number>/supplement/", "POST"): Rule(  # it must bring what was asked
        "application",
        "deficient",
        "owner_or_clerk",
        body={
            "materials": ["mother.id_card", "father.id_card", "household.register", "marriage.certificate"]
        },
    ),
    ("api/applications/<str:number>/withdraw/", "POST"): Rule(
        "application", "received", "owner_or_clerk", body={}
    ),
    ("api/applications/<str:number>/tolerated/", "POST"): Rule(  # staff only (issue 17, finding 4)
        "application", "received", "clerk", body={"code": "child.birth_vaccination_record"}
    ),
    ("api/applications/<str:number>/deliver/", "POST"): Rule(
        "application", "completed", "clerk", body={"method": "pickup"}
    ),
    ("api/applications/<str:number>/archive/", "POST"): Rule("application", "delivered", "clerk", body={}),
    ("api/documents/<str:number>.pdf", "GET"): Rule("document", "received"),
    ("api/item-cases/<int:pk>/", "GET"): Rule("item_case", "received"),
    ("api/item-cases/<int:pk>/transitions/", "POST"): Rule(
        "item_case", "received", "decide", body={"action": "accept", "expected_version": 1}
    ),
    ("api/commitments/<int:pk>/post-check/", "POST"): Rule(
        "commitment", "received", "decide", body={"kept": True}
    ),
    ("api/licences/<int:pk>/", "GET"): Rule("owned", "licence"),
    ("api/licences/^(?P<pk>[0-9]+)/qr\\.(?P<kind>svg|png)$", "GET"): Rule("owned", "licence"),
    ("api/licences/<int:pk>/revoke/", "POST"): Rule(
        "owned", "licence", "issuer", body={"reason": "测试撤销"}
    ),
    ("api/uploads/<str:pk>/", "GET"): Rule("owned", "upload"),
    ("api/uploads/<str:pk>/", "DELETE"): Rule("owned", "upload"),
    ("api/uploads/<str:pk>/content", "GET"): Rule("owned", "upload"),
    ("api/objections/<int:pk>/", "GET"): Rule("owned", "objection"),
    ("api/objections/<int:pk>/resolve/", "POST"): Rule(
        "owned", "objection", "provider", body={"outcome": "confirmed", "note": "核实无误"}
    ),
    # mandates (授权委托): finer rules in tests/mandates and tests/security/test_on_behalf_of.py
    ("api/mandates/", "GET"): SIGNED_IN,
    ("api/mandates/", "POST"): Rule(
        "roles",
        roles=frozenset({Role.APPLICANT}),
        body={**MANDATE_TERMS, "agent": {"id_number": FATHER_ID, "name": "李强"}},
    ),
    ("api/mandates/requests/", "POST"): Rule(
        "roles",
        roles=frozenset({Role.APPLICANT}),
        body={**MANDATE_TERMS, "principal": {"id_number": MOTHER_ID, "name": "王芳"}},
    ),
    ("api/mandates/window/", "POST"): Rule(
        "roles",
        roles=frozenset({Role.CLERK}),
        body={
            **MANDATE_TERMS,
            "principal": {"id_number": MOTHER_ID, "name": "王芳"},
            "agent": {"id_number": FATHER_ID, "name": "李强"},
            "verification": "id_card_read",
            "evidence": "读卡通过",
        },
    ),
    ("api/mandates/<str:number>/", "GET"): Rule("owned", "mandate"),
    ("api/mandates/<str:number>/revoke/", "POST"): Rule("owned", "mandate", body={}),
    ("api/mandates/<str:number>/confirm/", "POST"): Rule("owned", "mandate_request", body={}),
    ("api/mandates/<str:number>/refuse/", "POST"): Rule("owned", "mandate_request", body={}),
}


def test_every_endpoint_is_classified() -> None:
    found = set(api_endpoints())
    assert found - set(ENDPOINTS) == set(), (
        "endpoints without an access rule in tests/access/test_access_matrix.py"
    )
    assert set(ENDPOINTS) - found == set(), "rules for endpoints that no longer exist"


# --- the world -------------------------------------------------------------------------------------------


@dataclass
class World:
    apps: dict[tuple[str, str], Application]  # (owner username, state) -> application
    missing: dict[str, str]  # kind -> an identifier that does not exist
    owned: dict[str, str]  # kind of the mother's other objects -> identifier


def png() -> bytes:
    out = io.BytesIO()
    segno.make("yijianshi").save(out, kind="png", scale=4)
    return out.getvalue()


@pytest.fixture
def world(family: None) -> World:
    town = ServicePoint.objects.get(pk=Profile.objects.get(user__username="clerk_town").service_point_id)
    clerks = {"mother": api_client("clerk"), "father": api_client("clerk_town")}
    apps: dict[tuple[str, str], Application] = {}
    for owner, point in (("mother", None), ("father", town.code)):
        for state in ("submitted", "deficient", "received", "completed", "delivered"):
            number = submit(owner, point)
            advance(number, clerks[owner], state)
            apps[owner, state] = Application.objects.get(number=number)
    mother = api_client("mother")
    licence = mother.get("/api/licences/").json()["results"]
    assert licence, "the demo family's wallet should hold licences"
    upload = mother.post(
        "/api/uploads/",
        {"bundle": "140524-09", "material": "child.birth_vaccination_record", "file": io.BytesIO(png())},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    objection = mother.post(
        "/api/objections/",
        {
            "application": apps["mother", "received"].number,
            "key": "mother.name",
            "claimed_value": "王芳芳",
            "reason": "姓名有误",
        },
        format="json",
    )
    assert objection.status_code == 201, objection.content
    # mother's mandates: one active, held by the county hall (the `clerk`'s point), and one an applicant outside
    # USERS asked her for
    mother_user, hall = (
        User.objects.get(username="mother"),
        ServicePoint.objects.get(pk=Profile.objects.get(user__username="clerk").service_point_id),
    )
    terms = {
        "scope": "bundles",
        "bundle_codes": ["140524-09"],
        "abilities": ["apply"],
        "valid_to": date.fromisoformat(UNTIL),
    }
    held = mandate_grant(
        actor=actor_of(mother_user), agent_kind="service_point", agent_service_point=hall.code, **terms
    )
    helper = User.objects.create(username="helper")
    Profile.objects.create(user=helper, role=Role.APPLICANT, name="周帮", id_number=HELPER_ID)
    asked = mandate_request(
        actor=actor_of(helper),
        principal_type="person",
        principal_id_number=MOTHER_ID,
        principal_name="王芳",
        **terms,
    )
    cache.clear()  # no sign-in counters from set-up
    return World(
        apps=apps,
        missing={
            "licence": str(MISSING_PK),
            "upload": MISSING_UUID,
            "objection": str(MISSING_PK),
            "mandate": MISSING_MANDATE,
            "mandate_request": MISSING_MANDATE,
        },
        owned={
            "licence": str(licence[0]["id"]),
            "upload": str(upload.json()["id"]),
            "objection": str(objection.json()["id"]),
            "mandate": held.number,
            "mandate_request": asked.number,
        },
    )


# --- the rules, written out again from permissions.py's docstring ---------------------------------------


def profile(username: str) -> Profile | None:
    return Profile.objects.filter(user__username=username).select_related("user").first()


def sees_application(username: str, app: Application) -> bool:
    p = profile(username)
    if p is None:
        return False
    if p.role in (Role.ADMIN, Role.AUDITOR):
        return True
    if p.role == Role.APPLICANT:
        return app.applicant_id == p.user_id or app.agent_id == p.user_id
    if p.role == Role.CLERK:
        return app.service_point_id == p.service_point_id
    return app.item_cases.filter(department_id=p.department_id).exists()


def sees_case(username: str, case: ItemCase) -> bool:
    p = profile(username)
    if p is not None and p.role == Role.OFFICER:
        return case.department_id == p.department_id
    return sees_application(username, case.application)


def may(username: str, what: str, app: Application, case: ItemCase | None) -> bool:
    p = profile(username)
    if p is None:
        return False
    if p.role == Role.ADMIN:
        return True
    if what == "read":
        return sees_case(username, case) if case is not None else sees_application(username, app)
    if what in ("intake", "clerk"):
        return p.role == Role.CLERK and app.service_point_id == p.service_point_id
    if what == "owner_or_clerk":
        return (p.role == Role.APPLICANT and p.user_id in (app.applicant_id, app.agent_id)) or (
            p.role == Role.CLERK and app.service_point_id == p.service_point_id
        )
    if what == "decide":
        assert case is not None
        return p.role == Role.OFFICER and case.department_id == p.department_id
    raise AssertionError(what)


# --- the cells -------------------------------------------------------------------------------------------


def concrete(route: str, **values: str) -> str:
    path = "/" + route
    path = re.sub(r"<(?:str|int):(\w+)>", lambda m: values[m.group(1)], path)
    path = path.replace("^verify/(?P<code>[^/]+)/?$", f"verify/{values.get('code', 'x')}/")
    path = path.replace("^(?P<pk>[0-9]+)/qr\\.(?P<kind>svg|png)$", f"{values.get('pk', '1')}/qr.svg")
    return path


def call(username: str, method: str, path: str, body: Any) -> tuple[int, bytes]:
    client = api_client(username)
    with transaction.atomic():
        if method == "GET":
            response = client.get(path)
        elif method == "DELETE":
            response = client.delete(path)
        elif callable(body):  # a multipart upload, made afresh for each call
            response = client.post(path, body(), format="multipart")
        else:
            response = client.post(path, body if body is not None else {}, format="json")
        transaction.set_rollback(True)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content


def targets(rule: Rule, world: World) -> Iterator[tuple[str, Application, ItemCase | None, dict[str, str]]]:
    """(label, application, item case, path values) of every object owner for this endpoint."""
    for owner in ("mother", "father"):
        app = world.apps[owner, rule.state]
        if rule.kind == "application":
            yield f"{owner}'s application", app, None, {"number": app.number}
        elif rule.kind == "document":
            doc = Document.objects.get(application=app, kind="receipt")
            yield f"{owner}'s receipt", app, None, {"number": doc.number}
        else:
            for ref in ("birth_medical_certificate", "household_birth_registration"):
                case = ItemCase.objects.get(application=app, ref=ref)
                if rule.kind == "item_case":
                    yield f"{owner}'s {ref}", app, case, {"pk": str(case.pk)}
                elif ref == "birth_medical_certificate":
                    commitment = Commitment.objects.get(item_case=case)
                    yield f"{owner}'s commitment", app, case, {"pk": str(commitment.pk)}


def missing_values(rule: Rule) -> dict[str, str]:
    if rule.kind == "document":
        return {"number": MISSING_NUMBER + "-SJ01"}
    return {"number": MISSING_NUMBER, "pk": str(MISSING_PK)}


OBJECT_RULES = sorted(
    k for k, r in ENDPOINTS.items() if r.kind in ("application", "document", "item_case", "commitment")
)


def each_route(rules: list[tuple[str, str]], check: Any) -> list[str]:
    """`check(route, method)` for every rule, each in a savepoint rolled back afterwards, so that what one
    endpoint changed (a withdrawal, a delivery) does not change what the next one meets: one world for all."""
    wrong: list[str] = []
    for route, method in rules:
        with transaction.atomic():
            wrong.extend(f"{method} {route}: {cell}" for cell in check(route, method))
            transaction.set_rollback(True)
    return wrong


def test_case_objects_cell_by_cell(world: World) -> None:
    assert each_route(OBJECT_RULES, lambda route, method: object_cells(world, route, method)) == []


def object_cells(world: World, route: str, method: str) -> list[str]:
    rule = ENDPOINTS[route, method]
    wrong: list[str] = []
    for username in USERS:
        nothing = call(username, method, concrete(route, **missing_values(rule)), rule.body)
        for label, app, case, values in targets(rule, world):
            status, content = call(username, method, concrete(route, **values), rule.body)
            cell = f"{username} × {label}: {status}"
            if username == "anonymous":
                if status not in ANONYMOUS_DENIED:
                    wrong.append(cell)
            elif may(username, rule.may, app, case):
                if not 200 <= status < 300:
                    wrong.append(f"{cell} (allowed) {content[:200]!r}")
            elif sees_case(username, case) if case is not None else sees_application(username, app):
                if status != 403:
                    wrong.append(f"{cell} (sees it, may not act: 403 expected)")
            elif (status, content) != nothing:
                wrong.append(
                    f"{cell} (out of scope: expected the non-existent answer {nothing[0]} "
                    f"{nothing[1][:120]!r}, got {content[:120]!r})"
                )
            elif status != 404:
                wrong.append(f"{cell} (out of scope: 404 expected)")
    return wrong


DENIALS = {"not_found", "forbidden", "forbidden_role", "permission_denied", "not_authenticated"}
SIMPLE_RULES = sorted(k for k, r in ENDPOINTS.items() if r.kind in ("public", "signed_in", "roles"))
SAMPLE_PATH_VALUES = {"code": "140524-09", "identifier": "NOT-A-LICENCE"}


def test_collections_and_public_endpoints_by_role(world: World) -> None:
    assert each_route(SIMPLE_RULES, simple_cells) == []


def simple_cells(route: str, method: str) -> list[str]:
    rule = ENDPOINTS[route, method]
    wrong = []
    for username in USERS:
        status, content = call(username, method, concrete(route, **SAMPLE_PATH_VALUES), rule.body)
        p = profile(username)
        if rule.kind == "public":
            ok = status not in (401, 403, 404) and status < 500
        elif username == "anonymous":
            ok = status in ANONYMOUS_DENIED
        elif rule.kind == "signed_in" or (p is not None and p.role in rule.roles):
            # allowed: a success, or for a write a refusal on the merits (an incomplete form, no consent yet)
            ok = 200 <= status < 300 or (
                method == "POST" and status in (400, 404, 409) and json.loads(content)["code"] not in DENIALS
            )
        else:
            ok = status in (403, 404)
        if not ok:
            wrong.append(f"{username}: {status} {content[:160]!r}")
    cache.clear()
    return wrong


OWNED_RULES = sorted(k for k, r in ENDPOINTS.items() if r.kind == "owned")


def test_wallet_uploads_and_objections_do_not_reveal_existence(world: World) -> None:
    assert each_route(OWNED_RULES, lambda route, method: owned_cells(world, route, method)) == []


def owned_cells(world: World, route: str, method: str) -> list[str]:
    rule = ENDPOINTS[route, method]
    kind = rule.state
    wrong = []
    for username in USERS:
        mine = call(
            username, method, concrete(route, pk=world.owned[kind], number=world.owned[kind]), rule.body
        )
        nothing = call(
            username, method, concrete(route, pk=world.missing[kind], number=world.missing[kind]), rule.body
        )
        if username == "anonymous":
            ok = mine[0] in ANONYMOUS_DENIED
        elif username == "mother":
            ok = 200 <= mine[0] < 300 or (rule.may in ("issuer", "provider") and mine[0] in (403, 404))
        elif username in ("father", "enterprise", "clerk_town", "officer_civil"):
            ok = mine == nothing and mine[0] == 404  # nobody with no link to it learns that it exists
        else:
            ok = (200 <= mine[0] < 300) or mine[0] == 403 or mine == nothing
        if not ok:
            wrong.append(f"{username}: {mine[0]} {mine[1][:160]!r} (non-existent: {nothing[0]})")
    return wrong


# --- lists only list what is in scope, masked --------------------------------------------------------------


def test_lists_hold_exactly_what_each_user_may_see_with_identity_numbers_masked(world: World) -> None:
    apps = list(Application.objects.all())
    cases = list(ItemCase.objects.select_related("application"))
    for username in USERS[1:]:
        client = api_client(username)
        listed = client.get("/api/applications/?limit=1000")
        assert listed.status_code == 200
        numbers = {a["number"] for a in listed.json()["results"]}
        assert numbers == {a.number for a in apps if sees_application(username, a)}, username
        listed_cases = {
            c["id"] for c in client.get("/api/item-cases/?status=all&limit=1000").json()["results"]
        }
        assert listed_cases == {c.pk for c in cases if sees_case(username, c)}, username
        for path in (
            "/api/applications/?limit=1000",
            "/api/intake-queue/",
            "/api/item-cases/?status=all&limit=1000",
            "/api/objections/",
            "/api/licences/",
        ):
            text = client.get(path).content.decode()
            for number in (MOTHER_ID, FATHER_ID):
                assert number not in text, (username, path)
    mother_rows = api_client("mother").get("/api/applications/").json()["results"]
    assert mother_rows and all(
        r["party_id"] == MOTHER_ID[:3] + "*" * 13 + MOTHER_ID[-2:] for r in mother_rows
    )


def test_json_bodies_of_denials_are_structured(world: World) -> None:
    app = world.apps["mother", "received"]
    for username, path in (
        ("father", f"/api/applications/{app.number}/"),
        ("anonymous", "/api/applications/"),
        ("auditor", f"/api/applications/{app.number}/withdraw/"),
    ):
        client = api_client(username)
        response = (
            client.get(path) if not path.endswith("withdraw/") else client.post(path, {}, format="json")
        )
        body = json.loads(response.content)
        assert response.status_code in (401, 403, 404)
        assert body["code"] and body["message"]["zh-hans"] and body["message"]["en"], body
