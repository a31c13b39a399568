"""Every write names its actor (docs/adr/0010-actor.md): the services of datahub, licences, catalog, uploads,
the ledger and mandates take `actor: Actor`, keyword-only and required, so there is no "None means the
system" left; a job says `Actor.system()`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, get_type_hints

import pytest

from yijianshi.catalog import services as catalog
from yijianshi.core.actor import Actor
from yijianshi.datahub import services as datahub
from yijianshi.ledger import services as ledger
from yijianshi.licenses import services as licences
from yijianshi.mandates import services as mandates
from yijianshi.uploads import services as uploads

SERVICES: list[Callable[..., Any]] = [
    datahub.source_query,
    datahub.source_verify,
    datahub.source_check,
    datahub.prefill,
    datahub.party_file,
    datahub.consent_grant,
    datahub.consent_revoke,
    datahub.objection_raise,
    datahub.objection_raise_on_field,
    datahub.objection_resolve,
    datahub.source_records_load,
    datahub.source_connection_set,
    licences.signing_keys_ensure,
    licences.licence_issue,
    licences.licence_supersede,
    licences.licence_revoke,
    licences.licences_expire,
    licences.signing_key_revoke,
    catalog.catalog_load,
    catalog.bundle_version_publish,
    catalog.bundle_version_new_draft,
    uploads.upload_receive,
    uploads.upload_discard,
    uploads.uploads_claim,
    uploads.uploads_attach,
    ledger.ledger_append,
    mandates.mandate_grant,
    mandates.mandate_request,
    mandates.mandate_record_at_window,
    mandates.mandate_confirm,
    mandates.mandate_refuse,
    mandates.mandate_revoke,
    mandates.mandate_use,
]


def _unwrapped(service: Callable[..., Any]) -> Callable[..., Any]:
    return inspect.unwrap(service)  # through transaction.atomic and ledger_batch


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.__name__)
def test_the_actor_is_a_required_keyword_typed_actor(service: Callable[..., Any]) -> None:
    function = _unwrapped(service)
    parameter = inspect.signature(function).parameters.get("actor")
    assert parameter is not None, f"{function.__name__} takes no actor"
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY
    assert parameter.default is inspect.Parameter.empty, f"{function.__name__}: the actor has a default"
    assert get_type_hints(function)["actor"] is Actor  # not `Actor | None`, not a user


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.__name__)
def test_no_role_is_passed_beside_the_actor(service: Callable[..., Any]) -> None:
    assert "actor_role" not in inspect.signature(_unwrapped(service)).parameters


def test_a_call_without_an_actor_is_refused_before_anything_happens() -> None:
    with pytest.raises(TypeError, match="actor"):
        licences.licences_expire()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="actor"):
        uploads.upload_discard(upload=None)  # type: ignore[call-arg,arg-type]
