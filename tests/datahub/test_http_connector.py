"""The HTTP connector against a real local HTTP server that answers, times out, fails and answers garbage;
the circuit breaker opening after N failures and closing after M seconds (time moved with clock.frozen).
A failing source never fails the form: the fields stay empty for the applicant, the failure is visible to
staff and in the ledger (issue 4, "what bad input gets")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.datahub.registry_server import RegistryServer
from tests.support.accounts import user
from yijianshi.accounts.demo import FATHER_ID, MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.core import clock
from yijianshi.core.actor import Actor
from yijianshi.datahub.connectors import ConnectionConfig, HttpConnector, SourceUnavailable, registry
from yijianshi.datahub.models import SourceConnection
from yijianshi.datahub.selectors import source_health
from yijianshi.datahub.services import prefill, source_connection_set, source_query
from yijianshi.ledger.models import LedgerEntry

PEOPLE = {
    MOTHER_ID: {
        "code": 0,
        "data": {
            "xm": "王芳",
            "sfzh": MOTHER_ID,
            "xb": "女",
            "hj": {"dz": "陵川县崇文镇城南社区建设路18号"},
            "tags": ["a", "b"],
        },
    }
}
MAPPING = {
    "person.name": "data.xm",
    "person.id_number": "data.sfzh",
    "person.gender": "data.xb",
    "person.household_address": "data.hj.dz",
    "person.ethnicity": "data.mz",
}


@pytest.fixture
def server():
    with RegistryServer(PEOPLE, links={"mother:" + MOTHER_ID: ["B140000001"]}, slow_seconds=2.0) as s:
        yield s


def connect(server: RegistryServer, **extra):
    settings = dict(
        connector="http",
        url=server.url("/persons/{subject}"),
        mapping=MAPPING,
        timeout=0.3,
        retries=0,
        breaker_threshold=3,
        breaker_seconds=60,
    )
    return source_connection_set(source="population", actor=Actor.system(), **{**settings, **extra})


def read(purpose, fields=("person.name", "person.gender")):
    return source_query(
        source="population",
        subject_id=MOTHER_ID,
        fields=list(fields),
        purpose=purpose,
        actor=actor_of(user("clerk")),
    )


# --------------------------------------------------------------------------------------- the connector alone


def test_the_mapping_picks_values_by_path_and_a_404_is_no_record(server):
    config = ConnectionConfig(
        source="population",
        connector="http",
        url=server.url("/persons/{subject}"),
        mapping={**MAPPING, "person.photo": "data.tags.1"},
        timeout=1,
        retries=0,
    )
    connector = registry.build(config)
    assert isinstance(connector, HttpConnector)
    assert connector.fetch(
        MOTHER_ID,
        ["person.name", "person.household_address", "person.photo", "person.ethnicity", "person.email"],
    ) == {
        "person.name": "王芳",
        "person.household_address": "陵川县崇文镇城南社区建设路18号",
        "person.photo": "b",
    }
    assert connector.fetch(FATHER_ID, ["person.name"]) == {}  # 404: the source holds nothing on him
    assert connector.verify(MOTHER_ID, "person.gender", "女") is True
    assert connector.verify(MOTHER_ID, "person.gender", "男") is False
    assert connector.verify(MOTHER_ID, "person.ethnicity", "汉族") is None


def test_a_path_that_names_a_structure_is_a_bad_response(server):
    config = ConnectionConfig(
        source="population",
        connector="http",
        url=server.url("/persons/{subject}"),
        mapping={"person.name": "data.hj"},
        timeout=1,
        retries=0,
    )
    with pytest.raises(SourceUnavailable) as bad:
        registry.build(config).fetch(MOTHER_ID, ["person.name"])
    assert bad.value.code == "bad_response"


def test_retries_ask_again_after_a_5xx_but_not_after_a_4xx(server):
    config = ConnectionConfig(
        source="population",
        connector="http",
        url=server.url("/persons/{subject}"),
        mapping=MAPPING,
        timeout=1,
        retries=2,
    )
    server.behaviour = "error"
    with pytest.raises(SourceUnavailable) as failed:
        registry.build(config).fetch(MOTHER_ID, ["person.name"])
    assert failed.value.code == "http_error" and "500" in failed.value.detail and server.hits == 3
    server.behaviour, server.hits = "ok", 0
    bad_path = ConnectionConfig(
        source="population",
        connector="http",
        url=server.url("/nothing/here/{subject}"),
        mapping=MAPPING,
        timeout=1,
        retries=2,
    )
    assert registry.build(bad_path).fetch(MOTHER_ID, ["person.name"]) == {} and server.hits == 1


def test_lookup_reads_a_json_array(server):
    config = ConnectionConfig(
        source="birth",
        connector="http",
        url=server.url("/persons/{subject}"),
        lookup_url=server.url("/links/{role}/{party}"),
        mapping=MAPPING,
        timeout=1,
    )
    assert registry.build(config).lookup("mother", MOTHER_ID) == ["B140000001"]
    assert registry.build(config).lookup("father", MOTHER_ID) == []
    server.behaviour = "garbage"
    with pytest.raises(SourceUnavailable):
        registry.build(config).lookup("mother", MOTHER_ID)


def test_the_configuration_check_names_every_problem():
    config = ConnectionConfig(
        source="population", connector="http", url="ftp://example.cn/people", mapping={}, timeout=0
    )
    problems = " ".join(registry.check_config(config))
    assert "http or https" in problems and "{subject}" in problems and "mapping" in problems
    assert "timeout" in problems
    plain = ConnectionConfig(
        source="population", connector="http", url="http://rk.example.cn/p/{subject}", mapping=MAPPING
    )
    assert any("https" in p for p in registry.check_config(plain))
    assert registry.check_config(ConnectionConfig(source="x", connector="carrier-pigeon"))


# --------------------------------------------------------------------------------------- through the service


@pytest.mark.parametrize(
    ("behaviour", "code"),
    [("slow", "timeout"), ("error", "http_error"), ("garbage", "bad_response"), ("array", "bad_response")],
)
def test_a_failing_source_is_a_result_with_an_error_never_an_exception(hub, server, purpose, behaviour, code):
    connect(server)
    server.behaviour = behaviour
    result = read(purpose)
    assert not result.ok and result.error == code and result.values == {}
    row = LedgerEntry.objects.get()
    assert (row.source, row.outcome, row.purpose_reference) == ("population", "error", "YJS-TEST-0001")
    assert row.detail.startswith(code) and MOTHER_ID not in row.detail
    conn = SourceConnection.objects.get(source__code="population")
    assert conn.failures == 1 and conn.last_error.startswith(code) and conn.last_error_at is not None


def test_a_working_source_answers_through_the_service(hub, server, purpose):
    connect(server)
    result = read(purpose)
    assert result.ok and result.values == {"person.name": "王芳", "person.gender": "女"}
    assert LedgerEntry.objects.get().outcome == "ok"
    assert SourceConnection.objects.get(source__code="population").last_ok_at is not None


def test_the_breaker_opens_after_n_failures_and_closes_after_m_seconds(hub, server, purpose):
    connect(server, breaker_threshold=3, breaker_seconds=60)
    start = clock.now()
    server.behaviour = "error"
    with clock.frozen(start):
        assert [read(purpose).error for _ in range(3)] == ["http_error"] * 3
        assert server.hits == 3
        # open: the source is not called at all, and the staff see why
        assert read(purpose).error == "breaker_open" and server.hits == 3
        health = next(h for h in source_health() if h.code == "population")
        assert health.breaker_open and health.failures == 3 and health.last_error.startswith("http_error")
    with clock.frozen(start + timedelta(seconds=59)):
        assert read(purpose).error == "breaker_open" and server.hits == 3
    # after M seconds one trial call goes through; it fails, so the breaker opens again at once
    with clock.frozen(start + timedelta(seconds=61)):
        assert read(purpose).error == "http_error" and server.hits == 4
        assert read(purpose).error == "breaker_open" and server.hits == 4
    # the next trial succeeds: the breaker closes
    server.behaviour = "ok"
    with clock.frozen(start + timedelta(seconds=122)):
        assert read(purpose).ok and server.hits == 5
        assert read(purpose).ok and server.hits == 6
    conn = SourceConnection.objects.get(source__code="population")
    assert conn.failures == 0 and conn.open_until is None
    outcomes = list(LedgerEntry.objects.order_by("seq").values_list("outcome", "detail"))
    assert [o for o, _ in outcomes] == ["error"] * 7 + ["ok"] * 2
    assert sum(d.startswith("breaker_open") for _, d in outcomes) == 3


def test_the_form_is_served_when_a_source_fails_and_the_failure_is_named(hub, server, newborn_keys, purpose):
    # given the marriage registry is reached over HTTP and answers 500
    source_connection_set(
        source="marriage",
        actor=Actor.system(),
        connector="http",
        url=server.url("/persons/{subject}"),
        mapping={"spouse.name": "data.xm"},
        timeout=0.3,
        retries=0,
    )
    server.behaviour = "error"
    # when the mother's form is prefilled
    result = prefill(
        form_keys=newborn_keys, applicant_id=MOTHER_ID, purpose=purpose, actor=actor_of(user("mother"))
    )
    # then the father's fields are left to type, the rest is filled, and the failure is named
    assert result.failures == {"marriage": "http_error"} and "500" in result.failure_details["marriage"]
    assert "father.name" not in result.values and "father.id_number" not in result.values
    assert {"father.name", "father.id_number"} <= set(result.empty)
    assert result.values["mother.name"].value == "王芳" and result.values["child.gender"].value == "女"


def test_an_inactive_connection_is_not_called(hub, server, purpose):
    connect(server, active=False)
    result = read(purpose)
    assert result.error == "inactive" and server.hits == 0
    assert SourceConnection.objects.get(source__code="population").failures == 0
