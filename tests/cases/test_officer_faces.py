"""Every face shows an officer what the one scoping rule says (issue 16 point 4, issue 17 point 4;
cases/permissions.py `application_scope`, `visible_documents`).

The faces are found from the URL resolver: every GET route that names an application (`<number>`), a document
(`<number>.pdf`) or an item case (`<pk>`), on the API, the workbench and the portal. For each, as the officer
of one department of a newborn application whose every item was accepted (so that every department has a
decision document), the answer must not carry any value of a form field outside the officer's items, nor the
number of another department's document, nor another department's decision; and every document the rule
lets the officer see opens on each document face while every other one is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.cases import services
from yijianshi.cases.models import Application, Document, ItemCase
from yijianshi.cases.permissions import application_scope, visible_documents
from yijianshi.cases.samples import sample_form

pytestmark = pytest.mark.django_db
OFFICER = "officer_health"


def _routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _faces() -> dict[str, list[str]]:
    """The GET routes about one application, one document and one item case (no public verification page:
    that one shows what the holder would show, to anyone)."""
    faces: dict[str, list[str]] = {"application": [], "document": [], "item_case": []}
    for route in _routes():
        if route.startswith("verify/") or route.startswith("licences/"):
            continue
        if route.endswith("<str:number>.pdf"):
            faces["document"].append(route)
        elif "<str:number>" in route and not route.rstrip("/").endswith(
            ("intake", "upload", "supplement", "deliver", "tolerated", "withdraw", "archive")
        ):
            faces["application"].append(route)
        elif (
            "<int:pk>" in route
            and ("item-cases" in route or "department/cases" in route)
            and not route.rstrip("/").endswith(("act", "transitions"))
        ):
            faces["item_case"].append(route)
    return faces


def _received(mother: APIClient) -> Application:
    """The mother's newborn application, every required material listed and confirmed at intake: received."""
    guide = mother.get("/api/bundles/140524-09/").json()
    form = sample_form(guide["form"], overrides={"mother.id_number": MOTHER_ID})
    needed = [m["code"] for m in guide["materials"] if m["required"] and not m["waiver"]]
    number = mother.post(
        "/api/applications/", {"bundle": "140524-09", "form": form, "materials": needed}, format="json"
    ).json()["number"]
    return services.application_intake(
        application=Application.objects.get(number=number),
        actor=actor_of(User.objects.get(username="clerk")),
        confirmed=needed,
    )


@pytest.fixture
def decided(newborn: None, as_user: Callable[[str], APIClient]) -> Application:
    """The mother's newborn application, received, every item case accepted by its department."""
    app = _received(as_user("mother"))
    admin = actor_of(User.objects.get(username="admin"))
    for case in ItemCase.objects.filter(application=app).order_by("position"):
        services.item_case_accept(item_case=case, actor=admin, expected_version=case.version)
    return Application.objects.get(pk=app.pk)


def _fill(route: str, value: str) -> str:
    return "/" + route.replace("<str:number>", value).replace("<int:pk>", value)


def test_every_face_shows_an_officer_only_their_items(decided: Application) -> None:
    officer = User.objects.get(username=OFFICER)
    actor = actor_of(officer)
    scope = application_scope(actor, decided)
    assert scope.refs, "the health department handles an item of the newborn bundle"
    others = set(decided.item_cases.values_list("ref", flat=True)) - set(scope.refs)
    assert others, "and other departments handle the rest"
    hidden_keys = {f["key"] for f in decided.snapshot["form"]} - scope.form_keys(decided)
    hidden_values = {
        str(v)
        for k, v in decided.form_data.items()
        if k in hidden_keys
        and len(str(v)) >= 6
        and not any(str(v) in str(w) for key, w in decided.form_data.items() if key not in hidden_keys)
    }
    assert hidden_values, "some values belong to other departments' items only"
    allowed_docs = set(visible_documents(actor).filter(application=decided).values_list("number", flat=True))
    other_docs = (
        set(Document.objects.filter(application=decided).values_list("number", flat=True)) - allowed_docs
    )
    assert other_docs and allowed_docs

    api, page = APIClient(), Client()
    api.force_authenticate(officer)
    page.force_login(officer)
    faces = _faces()
    assert faces["application"] and faces["document"] and faces["item_case"], faces
    own_case = decided.item_cases.filter(ref__in=scope.refs).order_by("position").first()
    assert own_case is not None
    seen = 0
    for route in faces["application"] + faces["item_case"]:
        value = decided.number if "<str:number>" in route else str(own_case.pk)
        client = api if route.startswith("api/") else page
        response = client.get(_fill(route, value))
        if response.status_code in (
            404,
            405,
        ):  # not a face of the officer (the applicant's pages), or not a read
            continue
        assert response.status_code == 200, (route, response.status_code)
        body = response.content.decode()
        seen += 1
        leaked = [v for v in hidden_values if v in body]
        assert not leaked, (route, leaked)
        assert not [n for n in other_docs if n in body], route
    assert seen >= 4, "the API's application, history and documents and the workbench's case page were read"
    for route in faces["document"]:
        client = api if route.startswith("api/") else page
        for number in allowed_docs:
            assert client.get(_fill(route, number)).status_code == 200, (route, number)
        for number in other_docs:
            assert client.get(_fill(route, number)).status_code == 404, (route, number)


def test_the_api_answer_of_an_application_is_the_officers_part(decided: Application) -> None:
    officer = APIClient()
    officer.force_authenticate(User.objects.get(username=OFFICER))
    scope = application_scope(actor_of(User.objects.get(username=OFFICER)), decided)
    data = officer.get(f"/api/applications/{decided.number}/").json()
    assert set(data["form_data"]) <= scope.form_keys(decided)
    assert {c["ref"] for c in data["item_cases"]} == set(scope.refs or ())
    assert set(data["snapshot"]["prefill"]) <= scope.form_keys(decided)
    assert {i["ref"] for i in data["snapshot"]["items"]} == set(scope.refs or ())
    assert "evidence" not in data["snapshot"]
    # the clerk of the service point sees the whole application
    clerk = APIClient()
    clerk.force_authenticate(User.objects.get(username="clerk"))
    whole = clerk.get(f"/api/applications/{decided.number}/").json()
    assert set(whole["form_data"]) == set(decided.form_data)
    assert len(whole["item_cases"]) == decided.item_cases.count()


def test_every_face_of_an_uploaded_file_shows_an_officer_only_their_items_files(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    """The files faces (the API's metadata and content, the workbench's view), found from the resolver: the
    officer opens the file of a material their item needs and gets a 404 for one only another department's
    items need."""
    from tests.support.uploads import upload
    from yijianshi.uploads.accept import accepted_types

    clerk = as_user("clerk")
    app = _received(as_user("mother"))  # received: the item cases exist, and it still takes materials
    number = app.number
    refs = set(application_scope(actor_of(User.objects.get(username=OFFICER)), app).refs or ())
    by_code = {m["code"]: set(m["items"]) for m in app.snapshot["materials"]}
    pdf = {c for c in by_code if "application/pdf" in accepted_types(c)}
    theirs = next(c for c, items in sorted(by_code.items()) if c in pdf and items and items <= refs)
    others = next(c for c, items in sorted(by_code.items()) if c in pdf and items and not items & refs)
    own_file = upload(clerk, theirs, application=number)["id"]
    other_file = upload(clerk, others, application=number)["id"]

    routes = [r for r in _routes() if "upload" in r and ("<str:pk>" in r or "<uuid:pk>" in r)]
    assert len(routes) >= 3, routes  # the API's metadata and content, the workbench's view
    officer = User.objects.get(username=OFFICER)
    api, page = APIClient(), Client()
    api.force_authenticate(officer)
    page.force_login(officer)
    for route in routes:
        client = api if route.startswith("api/") else page
        fill = "/" + route.replace("<str:pk>", "{}").replace("<uuid:pk>", "{}")
        assert client.get(fill.format(own_file)).status_code == 200, (route, theirs)
        assert client.get(fill.format(other_file)).status_code == 404, (route, others)
