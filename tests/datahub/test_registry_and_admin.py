"""A deployment's own connector (a fresh registry, no patching), a connector that breaks, and the admin's
health view."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from tests.support.accounts import user
from tests.support.factories import SourceConnectionFactory
from yijianshi.accounts.demo import MOTHER_ID
from yijianshi.accounts.roles import actor_of
from yijianshi.catalog.models import DataSource
from yijianshi.core.actor import Actor
from yijianshi.core.identifiers import mask
from yijianshi.datahub.connectors import SourceConnector, SourceConnectorRegistry
from yijianshi.datahub.selectors import source_health
from yijianshi.datahub.services import source_connection_set, source_query
from yijianshi.ledger.models import LedgerEntry

pytestmark = pytest.mark.django_db


def fresh_registry() -> SourceConnectorRegistry:
    registry = SourceConnectorRegistry()

    @registry.register
    class ExchangeBus(SourceConnector):
        code = "bus"

        def fetch(self, subject_id, fields):
            return {k: f"{k}@bus" for k in fields}

    @registry.register
    class Exploding(SourceConnector):
        code = "exploding"

        def fetch(self, subject_id, fields):
            raise RuntimeError("a bug in a plug-in")

    return registry


def test_a_deployment_adds_a_connector(hub, purpose):
    registry = fresh_registry()
    SourceConnectionFactory(source__code="population", connector="bus")
    result = source_query(
        source="population",
        subject_id=MOTHER_ID,
        fields=["person.name"],
        purpose=purpose,
        actor=actor_of(user("clerk")),
        registry=registry,
    )
    assert result.values == {"person.name": "person.name@bus"}


def test_a_connector_that_raises_is_a_failure_not_an_error_page(hub, purpose):
    SourceConnectionFactory(source__code="population", connector="exploding")
    result = source_query(
        source="population",
        subject_id=MOTHER_ID,
        fields=["person.name"],
        purpose=purpose,
        actor=actor_of(user("clerk")),
        registry=fresh_registry(),
    )
    assert result.error == "connector_error" and result.detail == "RuntimeError"
    assert LedgerEntry.objects.get().outcome == "error"
    # a connector the registry does not know is a configuration problem, also answered as a failure
    assert (
        source_query(
            source="population",
            subject_id=MOTHER_ID,
            fields=["person.name"],
            purpose=purpose,
            actor=actor_of(user("clerk")),
        ).error
        == "not_configured"
    )
    assert any(
        "unknown connector" in p for p in next(h for h in source_health() if h.code == "population").problems
    )


def test_an_unknown_connector_or_setting_is_refused(hub):
    from yijianshi.core.errors import DomainError

    with pytest.raises(DomainError) as unknown:
        source_connection_set(source="population", actor=Actor.system(), connector="carrier-pigeon")
    assert unknown.value.code == "connection_unknown_connector"
    with pytest.raises(DomainError) as setting:
        source_connection_set(source="population", actor=Actor.system(), colour="red")
    assert setting.value.code == "connection_unknown_setting"


def test_the_admin_shows_sources_records_masked_and_objections(hub, client):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    source_connection_set(
        source="marriage", actor=actor_of(admin), connector="http", url="http://rk.example.cn/p", mapping={}
    )
    page = client.get("/admin/datahub/sourceconnection/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "{subject}" in text and "mapping" in text  # the configuration check, on the list
    population = DataSource.objects.get(code="population")
    records = client.get(f"/admin/datahub/sourcerecord/?source__id__exact={population.pk}")
    listed = records.content.decode()
    assert records.status_code == 200 and mask(MOTHER_ID) in listed
    assert not re.search(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])", listed)  # no identity number in the clear
    assert client.get("/admin/datahub/objection/").status_code == 200
    assert client.get("/admin/datahub/consent/").status_code == 200
