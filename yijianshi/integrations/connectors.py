"""Department connectors: a registry of the ways a message reaches a department (STYLE.md, registries).

004 annex 3 三(三) names three ways a department works on its item cases:
- "workbench": in our workbench. Nothing external is called: the officer sees the case in the workbench, and
  delivering the message only records that it was delivered.
- "manual": the department has no connected system and an officer updates progress by hand. Delivery is
  recorded the same way; the mode flags that no system will report back on its own.
- "webhook": the department's own system. We POST the message as JSON, signed (signing.py), and it reports
  progress back through our API (docs/integrations.md).

A deployment adds its own connector (a provincial exchange bus, a message queue) by subclassing
`DepartmentConnector` and decorating it with `@registry.register` (the one plugin registry, core/plugins.py).
Tests build a fresh `ConnectorRegistry`.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from yijianshi.core import clock
from yijianshi.core.plugins import Registry

from . import signing

if TYPE_CHECKING:
    from .models import DepartmentIntegration, OutboxMessage

logger = logging.getLogger(__name__)

USER_AGENT = "yijianshi-outbox/1"
MIN_SECRET_LENGTH = 16


class DeliveryFailed(Exception):  # noqa: N818 - the name the interface promises
    """The message did not reach the department's system; the outbox will try again later.

    The text is stored in `OutboxMessage.last_error`: it never contains the secret."""


class DepartmentConnector(ABC):
    """One way of delivering an outbox message to a department."""

    code: str = ""
    label: str = ""
    external: bool = False  # does delivery leave this system?

    @abstractmethod
    def deliver(self, message: OutboxMessage) -> None:
        """Deliver the message or raise `DeliveryFailed`. Must be safe to repeat: the receiver sees the same
        Idempotency-Key on every attempt."""

    def check_config(self, integration: DepartmentIntegration) -> list[str]:
        """Problems with the integration's configuration, in words for the administrator; [] when fine."""
        return []


class ConnectorRegistry(Registry[DepartmentConnector, "DepartmentIntegration"]):
    """The department connectors by code (core/plugins.py). A department's integration names its connector by
    its `mode`, and that connector checks it. Connectors are stateless: one is made for each use."""

    kind_zh = "对接方式"
    kind_en = "mode"
    unknown_code = "integration_unknown_mode"
    field = "mode"

    def plugin_code(self, config: DepartmentIntegration) -> str:
        return config.mode

    def check(self, cls: type[DepartmentConnector], config: DepartmentIntegration) -> list[str]:
        return cls().check_config(config)


registry = ConnectorRegistry()


@registry.register
class WorkbenchConnector(DepartmentConnector):
    code = "workbench"
    label = "工作台 workbench"

    def deliver(self, message: OutboxMessage) -> None:
        # The item case is already in our database, which the workbench reads; delivery is the record of it.
        return None


@registry.register
class ManualConnector(DepartmentConnector):
    code = "manual"
    label = "人工 manual (no connected system)"

    def deliver(self, message: OutboxMessage) -> None:
        return None


def envelope(message: OutboxMessage) -> dict[str, Any]:
    """What a webhook receives (docs/integrations.md)."""
    return {
        "topic": message.topic,
        "idempotency_key": message.idempotency_key,
        "payload": message.payload,
        "created_at": message.created_at.isoformat(),
        "sent_at": clock.now().isoformat(),
    }


def encode_body(data: dict[str, Any]) -> bytes:
    return json.dumps(
        data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: a 3xx answer fails the attempt (urllib would turn the POST into a GET)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirect())


@registry.register
class WebhookConnector(DepartmentConnector):
    code = "webhook"
    label = "推送 webhook"
    external = True

    def timeout(self) -> float:
        return float(getattr(settings, "OUTBOX_WEBHOOK_TIMEOUT", 5.0))

    def deliver(self, message: OutboxMessage) -> None:
        integration = _integration_of(message)
        if integration is None or not integration.url or not integration.secret:
            raise DeliveryFailed("webhook not configured (url and secret are required)")
        if urlsplit(integration.url).scheme not in ("http", "https"):
            raise DeliveryFailed("webhook url must be http or https")
        body = encode_body(envelope(message))
        timestamp = str(int(clock.now().timestamp()))
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            integration.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "Idempotency-Key": message.idempotency_key,
                "X-Yijianshi-Topic": message.topic,
                "X-Yijianshi-Timestamp": timestamp,
                "X-Yijianshi-Signature": signing.sign(integration.secret, timestamp, body),
            },
        )
        try:
            with _opener().open(request, timeout=self.timeout()) as response:
                response.read(65536)
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace") if exc.fp is not None else ""
            raise DeliveryFailed(f"HTTP {exc.code} from {_host(integration.url)}: {detail}".strip()) from None
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise DeliveryFailed(f"{type(exc).__name__} to {_host(integration.url)}: {reason}") from None
        if not 200 <= status < 300:  # pragma: no cover - urllib raises HTTPError for these
            raise DeliveryFailed(f"HTTP {status} from {_host(integration.url)}")

    def check_config(self, integration: DepartmentIntegration) -> list[str]:
        problems = []
        if not integration.url:
            problems.append("推送地址未填写 / the webhook url is missing")
        elif urlsplit(integration.url).scheme not in ("http", "https"):
            problems.append("推送地址须为 http 或 https / the url must be http or https")
        elif urlsplit(integration.url).scheme == "http" and not _is_local(integration.url):
            problems.append("推送地址未使用 https / the url is not https")
        if not integration.secret:
            problems.append("签名密钥未填写 / the signing secret is missing")
        elif len(integration.secret) < MIN_SECRET_LENGTH:
            problems.append(
                f"签名密钥过短（至少 {MIN_SECRET_LENGTH} 位）/ the secret is shorter than "
                f"{MIN_SECRET_LENGTH} characters"
            )
        if not integration.active:
            problems.append("对接未启用，消息按工作台方式记录 / inactive: messages are recorded as workbench")
        return problems


def _integration_of(message: OutboxMessage) -> DepartmentIntegration | None:
    if message.department is None:
        return None
    # the reverse one-to-one raises RelatedObjectDoesNotExist (an AttributeError) when there is no row
    integration: DepartmentIntegration | None = getattr(message.department, "integration", None)
    return integration


def _host(url: str) -> str:
    """The host of a url, for error texts (never the query string, which might carry a token)."""
    return urlsplit(url).netloc or "?"


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def connector_code_for(message: OutboxMessage) -> str:
    """Which connector delivers a message: the department's mode; "workbench" for a message with no
    department, a department with no integration row, or an inactive integration."""
    integration = _integration_of(message)
    if integration is None or not integration.active:
        return WorkbenchConnector.code
    return integration.mode
