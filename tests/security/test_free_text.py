"""Finding 2 (issue 17, lows): free text was stored with NUL and direction-override characters (withdraw reasons,
objection reasons, authorisations, clerk findings, names). One normaliser at the edge takes every free-text field:
`yijianshi.core.fields.CleanText` in the API serializers and `CleanTextField` in the workbench's and the portal's
forms. Both refuse control characters (NUL …) and the direction overrides, embeddings and isolates, naming the
field; in names they also refuse zero-width and other invisible format characters; what they keep is NFC and
stripped.

The structural tests walk every request serializer and every form, so that a new free-text field without the
normaliser fails here; the others send the characters to each free-text field of each endpoint."""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import segno
from django import forms as django_forms
from django.test import Client
from rest_framework import serializers
from rest_framework.test import APIClient

from tests.support.factories import catalogue_snapshot
from tests.support.factories import submitted_application as submit_online
from yijianshi.cases.models import Application

pytestmark = pytest.mark.django_db
BAD = {"nul": "\x00", "override": "\u202e"}
ZERO_WIDTH = "\u200b"


# --- every free-text field has the normaliser --------------------------------------------------------------


def request_modules() -> list[str]:
    """Every part's `api` and `serializers` module (each part owns its own), so a new part cannot be forgotten."""
    import pkgutil

    import yijianshi

    return [
        m.name
        for m in pkgutil.walk_packages(yijianshi.__path__, "yijianshi.")
        if m.name.rsplit(".", 1)[-1] in ("api", "serializers")
    ]


def request_serializers() -> Iterator[type[serializers.Serializer[Any]]]:
    import importlib

    for name in request_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, serializers.Serializer)
                and not issubclass(cls, serializers.ModelSerializer)
                and cls.__module__ == name
                and not cls.__name__.endswith("Out")
            ):
                yield cls


def char_fields(field: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(field, serializers.ListField | serializers.DictField):
        yield from char_fields(field.child, f"{path}.*")
    elif isinstance(field, serializers.Serializer):
        for name, sub in field.fields.items():
            yield from char_fields(sub, f"{path}.{name}")
    elif isinstance(field, serializers.CharField) and not field.read_only:
        yield path, field


def test_every_free_text_field_of_the_api_is_clean_text() -> None:
    from yijianshi.core.fields import CleanText

    found, plain = [], []
    for cls in request_serializers():
        for name, field in cls().fields.items():
            for path, f in char_fields(field, f"{cls.__name__}.{name}"):
                found.append(path)
                if not isinstance(f, CleanText):
                    plain.append(path)
    assert (
        "WithdrawRequest.reason" in found
        and "OnBehalfOf.name" in found
        and "ObjectionRequest.reason" in found
    )
    assert plain == [], "free-text fields without the normaliser (yijianshi/core/fields.py CleanText)"


def every_form() -> Iterator[django_forms.Form]:
    from yijianshi.web import forms as portal
    from yijianshi.workbench import forms as wb

    snap = catalogue_snapshot()
    yield wb.IntakeForm()
    yield wb.UploadForm(materials=[])
    yield wb.SupplementForm(materials=[])
    yield wb.CounterStartForm(bundles=[])
    yield wb.CounterApplyForm(snapshot=snap)
    yield wb.TransitionForm()
    yield wb.PostCheckForm()
    yield wb.DeliverForm()
    yield portal.WithdrawForm()
    yield portal.DisputeForm()


def test_every_free_text_field_of_the_forms_is_clean_text(newborn: None) -> None:
    from yijianshi.core.fields import CleanTextField

    plain = [
        f"{type(form).__name__}.{name}"
        for form in every_form()
        for name, field in form.fields.items()
        if isinstance(field, django_forms.CharField) and not isinstance(field, CleanTextField)
    ]
    assert plain == [], "form fields without the normaliser (yijianshi/core/fields.py CleanTextField)"


# --- the normaliser itself -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202a", "\u202e", "\u2066", "\u2069"]
)
def test_clean_text_refuses_controls_and_direction_overrides(bad: str) -> None:
    from yijianshi.core.fields import CleanText, CleanTextField

    with pytest.raises(serializers.ValidationError) as refused:
        CleanText().run_validation(f"王{bad}芳")
    assert refused.value.detail[0].code == "invalid_characters"
    with pytest.raises(django_forms.ValidationError) as refused_form:
        CleanTextField().clean(f"王{bad}芳")
    assert refused_form.value.code == "invalid_characters" and " / " in refused_form.value.messages[0]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_names_refuse_zero_width_characters(invisible: str) -> None:
    from yijianshi.core.fields import CleanText, CleanTextField

    assert (
        CleanText().run_validation(f"a{invisible}b") == f"a{invisible}b"
    )  # free text: as typed (emoji need ZWJ)
    with pytest.raises(serializers.ValidationError) as refused:
        CleanText(name=True).run_validation(f"王{invisible}芳")
    assert refused.value.detail[0].code == "invisible_characters"
    with pytest.raises(django_forms.ValidationError):
        CleanTextField(name=True).clean(f"王{invisible}芳")


def test_clean_text_keeps_line_breaks_emoji_and_uyghur_normalises_and_strips() -> None:
    from yijianshi.core.fields import CleanText, CleanTextField

    kept = "第一行\n第二行\t👩‍👩‍👧 ئۇيغۇر 阿依古丽·买买提"
    assert CleanText().run_validation(kept) == kept
    assert CleanText().run_validation("  Cafe\u0301  ") == "Café"  # NFC, stripped
    assert CleanTextField().clean("  Cafe\u0301  ") == "Café"
    assert CleanText(name=True).run_validation("阿依古丽·买买提") == "阿依古丽·买买提"


# --- each free-text field of each endpoint -----------------------------------------------------------------


def png() -> bytes:
    out = io.BytesIO()
    segno.make("yijianshi").save(out, kind="png", scale=4)
    return out.getvalue()


def put(body: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """`body` with `value` at the dotted `path` (`on_behalf_of.name`, `materials.0`, `answers.q`)."""
    body = {
        k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
        for k, v in body.items()
    }
    head, _, rest = path.partition(".")
    if not rest:
        body[head] = value
    elif rest.isdigit():
        body[head] = [value]
    else:
        body[head] = {**body.get(head, {}), rest: value}
    return body


def api_cases(number: str) -> list[tuple[str, str, str, dict[str, Any], list[str], bool]]:
    """(user, method path, body before the bad value, free-text fields, multipart?)"""
    submit = {"bundle": "140524-09", "form": {}}
    return [
        (
            "mother",
            "/api/applications/",
            "json",
            submit,
            [
                "bundle",
                "service_point",
                "materials.0",
                "tolerated.0",
                "commitments.0",
                "answers.birth.place",
                "on_behalf_of.name",
                "on_behalf_of.id_number",
                "on_behalf_of.uscc",
                "on_behalf_of.phone",
                "on_behalf_of.authorisation",
            ],
            False,
        ),
        ("clerk", f"/api/applications/{number}/intake/", "json", {}, ["problems.0"], False),
        ("mother", f"/api/applications/{number}/withdraw/", "json", {}, ["reason"], False),
        ("mother", f"/api/applications/{number}/supplement/", "json", {}, ["materials.0"], False),
        (
            "clerk",
            f"/api/applications/{number}/deliver/",
            "json",
            {"method": "post"},
            ["tracking_number", "address"],
            False,
        ),
        ("clerk", f"/api/applications/{number}/tolerated/", "json", {}, ["code"], False),
        (
            "officer_health",
            "/api/item-cases/1/transitions/",
            "json",
            {"action": "reject", "expected_version": 1},
            ["reason", "corrections.0"],
            False,
        ),
        ("officer_health", "/api/commitments/1/post-check/", "json", {"kept": False}, ["note"], False),
        (
            "mother",
            "/api/objections/",
            "json",
            {"claimed_value": "王芳芳", "reason": "姓名有误", "key": "mother.name"},
            ["key", "application", "source", "reason"],
            False,
        ),
        ("admin", "/api/objections/1/resolve/", "json", {"outcome": "confirmed"}, ["note"], False),
        ("admin", "/api/licences/1/revoke/", "json", {}, ["reason"], False),
        ("anonymous", "/api/licences/verify/", "json", {}, ["code"], False),
        (
            "mother",
            "/api/uploads/",
            "multipart",
            {"bundle": "140524-09", "material": "child.birth_vaccination_record"},
            ["bundle", "material", "application"],
            True,
        ),
    ]


def named(body: dict[str, Any], field: str) -> bool:
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors", [])}
    return field in fields


def test_each_free_text_field_of_each_endpoint_refuses_nul_and_overrides(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    number = submit_online("mother").number
    wrong = []
    for username, path, kind, base, fields, multipart in api_cases(number):
        client = APIClient() if username == "anonymous" else as_user(username)
        for field in fields:
            for label, bad in (
                *BAD.items(),
                *((("zero_width", ZERO_WIDTH),) if field.endswith("name") else ()),
            ):
                body = put(base, field, f"甲{bad}乙")
                if multipart:
                    response = client.post(path, {**body, "file": io.BytesIO(png())}, format="multipart")
                else:
                    response = client.post(path, body, format=kind)
                answer = response.json() if response["Content-Type"].startswith("application/json") else {}
                if response.status_code != 400 or not named(answer, field):
                    wrong.append(f"{path} {field} {label}: {response.status_code} {response.content[:200]!r}")
    assert Application.objects.get(number=number).status == "submitted"
    assert wrong == []


def test_query_fields_of_the_figures_refuse_overrides(
    newborn: None, as_user: Callable[[str], APIClient]
) -> None:
    for field in ("region", "bundle"):
        response = as_user("admin").get("/api/figures/applications/", {field: "14\u202e0524"})
        assert response.status_code == 400 and named(response.json(), field), response.content


# --- the pages --------------------------------------------------------------------------------------------


def test_the_portal_withdraw_reason_refuses_nul_and_overrides(
    newborn: None, signed_in: Callable[[str], Client]
) -> None:
    app = submit_online("mother")
    mother = signed_in("mother")
    for bad in BAD.values():
        response = mother.post(
            f"/me/applications/{app.number}/withdraw/", {"reason": f"不办了{bad}", "version": app.version}
        )
        assert response.status_code == 400, response.status_code
        assert response.context["errors"]["withdraw"].field == "reason"
    app.refresh_from_db()
    assert app.status == "submitted"


def test_the_portal_dispute_form_names_its_fields() -> None:
    from yijianshi.web.forms import DisputeForm

    for field in ("claimed_value", "reason"):
        for bad in BAD.values():
            form = DisputeForm({"claimed_value": "王芳芳", "reason": "有误", field: f"甲{bad}乙"})
            assert not form.is_valid() and field in form.errors, (field, form.errors)


def test_the_workbench_refuses_overrides_and_names_the_field(
    newborn: None, signed_in: Callable[[str], Client]
) -> None:
    app = submit_online("mother")
    clerk = signed_in("clerk")
    start = clerk.post(
        "/workbench/window/counter/",
        {"id_number": "140524199001010011", "bundle": "140524-09", "name": f"王{ZERO_WIDTH}芳"},
    )
    assert start.status_code == 400 and "name" in start.context["form"].errors, start.status_code
    for bad in BAD.values():
        intake = clerk.post(
            f"/workbench/window/applications/{app.number}/intake/",
            {"decision": "deficient", "problems": f"照片不清{bad}", "expected_version": app.version},
        )
        assert intake.status_code == 400 and "problems" in intake.context["intake_form"].errors, (
            intake.status_code
        )


@pytest.mark.parametrize("field", ["reason", "corrections", "result_summary", "result_number"])
def test_the_transition_form_names_each_field(field: str) -> None:
    from yijianshi.workbench.forms import TransitionForm

    for bad in BAD.values():
        form = TransitionForm({"action": "approve", "expected_version": 1, field: f"甲{bad}乙"})
        assert not form.is_valid() and field in form.errors, form.errors
