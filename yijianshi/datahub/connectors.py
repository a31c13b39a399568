"""Data-source connectors: a registry of the ways a data source is read (STYLE.md, registries).

Two ship with the platform:
- ``local``: records held in our own database (`SourceRecord`), loaded from the provider's files — how data
  "returns to the grassroots" (数据直达基层, 001 §15). The default for a source with no `SourceConnection`.
- ``http``: the provider's JSON-over-REST service. ``url`` is a template with ``{subject}``; ``mapping``
  says where each of our vocabulary keys is in their answer (``{"person.name": "data.xm"}``, a dotted path,
  list indexes allowed); a 404 means "no record"; a timeout, a 5xx, an unreachable host or an answer that is not
  a JSON object raise `SourceUnavailable`, after ``retries`` more attempts. The circuit breaker around it is
  kept by the services (per source, in the database, so every process sees it).

A connector is built per source from a `ConnectionConfig` (a plain snapshot of the `SourceConnection` row),
so it can be tested without the database. A deployment adds one (a provincial exchange bus, a database view)
by subclassing `SourceConnector` and decorating it with ``@registry.register`` (the one plugin registry,
core/plugins.py); tests build a fresh `SourceConnectorRegistry`.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from django.db.models import Q

from yijianshi.core.plugins import Registry

USER_AGENT = "yijianshi-datahub/1"
MAX_BODY = 1_000_000


class SourceUnavailable(Exception):  # noqa: N818 - the name the interface promises
    """The source could not answer. `code` is stable (``timeout``, ``http_error``, ``bad_response``,
    ``unreachable``, ``not_configured``, ``unsupported``); `detail` is for staff and never holds a secret or
    an unmasked identity number."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class ConnectionConfig:
    source: str
    connector: str = "local"
    url: str = ""
    lookup_url: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    timeout: float = 3.0
    retries: int = 1
    source_id: int | None = None  # the DataSource's primary key, for the local connector


class SourceConnector(ABC):
    """One way of reading a data source, bound to one source's configuration."""

    code: str = ""
    label: str = ""
    external: bool = False

    def __init__(self, config: ConnectionConfig) -> None:
        self.config = config

    @abstractmethod
    def fetch(self, subject_id: str, fields: Sequence[str]) -> dict[str, Any]:
        """The values the source holds on the subject for these keys (all it holds when `fields` is empty);
        {} when it holds no record. Raises `SourceUnavailable`."""

    def lookup(self, role: str, party_id: str) -> list[str]:
        """The subjects of the records naming `party_id` in `role` (e.g. birth records whose ``mother`` is X),
        newest first. Raises `SourceUnavailable`."""
        raise SourceUnavailable("unsupported", f"{self.code} connector cannot look up by {role}")

    def verify(self, subject_id: str, key: str, value: Any) -> bool | None:
        """Whether the source holds `value` for `key` (None: it holds nothing to compare). The value held is
        never returned to the caller."""
        held = self.fetch(subject_id, [key])
        if key not in held or held[key] in (None, ""):
            return None
        return same_value(held[key], value)

    def holds(self, subject_id: str) -> bool:
        """Whether the source holds a record on the subject (a data check, 数据核验, standing in for a
        material); nothing it holds is returned."""
        return bool(self.fetch(subject_id, []))

    def check_config(self) -> list[str]:
        """Problems with the configuration, in words for the administrator; [] when fine."""
        return []


def same_value(a: Any, b: Any) -> bool:
    """Values compare as trimmed text, case-insensitively (an identity number's X, a date either way)."""
    return str(a).strip().upper() == str(b).strip().upper()


class SourceConnectorRegistry(Registry[SourceConnector, ConnectionConfig]):
    """The data-source connectors by code (core/plugins.py). A source's configuration names its connector, and
    the connector built from it checks it."""

    kind_zh = "连接方式"
    kind_en = "connector"
    unknown_code = "connection_unknown_connector"
    field = "connector"

    def build(self, config: ConnectionConfig) -> SourceConnector:
        """The connector for one source; `SourceUnavailable` (not_configured) when its connector is unknown."""
        if config.connector not in self:
            raise SourceUnavailable("not_configured", f"unknown connector {config.connector!r}")
        return self.get(config.connector)(config)

    def plugin_code(self, config: ConnectionConfig) -> str:
        return config.connector

    def check(self, cls: type[SourceConnector], config: ConnectionConfig) -> list[str]:
        return cls(config).check_config()


registry = SourceConnectorRegistry()


@registry.register
class LocalConnector(SourceConnector):
    code = "local"
    label = "本地库 local tables (数据直达基层)"

    def fetch(self, subject_id: str, fields: Sequence[str]) -> dict[str, Any]:
        from .models import SourceRecord

        found = SourceRecord.objects.filter(
            source_id=self.config.source_id, subject_id=subject_id
        ).values_list("data", flat=True)[:1]
        return self.select(next(iter(found), None), fields)

    @staticmethod
    def fetch_all(wanted: Iterable[tuple[int, str]]) -> dict[tuple[int, str], dict[str, Any]]:
        """The record each local source holds on each subject, for these (source id, subject) pairs, in one
        query: what `fetch` would read pair by pair (the prefill of a form reads several sources about the
        applicant, then about the spouse and the child). Only the pairs asked for are read."""
        from .models import SourceRecord

        by_subject: dict[str, list[int]] = {}
        for source_id, subject_id in wanted:
            by_subject.setdefault(subject_id, []).append(source_id)
        which = Q()
        for subject_id, source_ids in by_subject.items():
            which |= Q(subject_id=subject_id, source_id__in=source_ids)
        held: dict[tuple[int, str], dict[str, Any]] = {}
        for source_id, subject_id, data in SourceRecord.objects.filter(which).values_list(
            "source_id", "subject_id", "data"
        ):
            held.setdefault((source_id, subject_id), data)
        return held

    @staticmethod
    def select(data: dict[str, Any] | None, fields: Sequence[str]) -> dict[str, Any]:
        """These keys of a record (all of them when `fields` is empty); {} when there is no record."""
        if not data:
            return {}
        if not fields:
            return dict(data)
        return {k: data[k] for k in fields if k in data}

    def lookup(self, role: str, party_id: str) -> list[str]:
        from .models import SourceLink

        return list(
            SourceLink.objects.filter(source_id=self.config.source_id, role=role, party_id=party_id)
            .order_by("-record__effective_date", "-record_id")
            .values_list("record__subject_id", flat=True)
        )

    def check_config(self) -> list[str]:
        from .models import SourceRecord

        if not SourceRecord.objects.filter(source_id=self.config.source_id).exists():
            return ["本地库无数据，请导入 / no records held locally: load the provider's file"]
        return []


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def dig(payload: Any, path: str) -> Any:
    """The value at a dotted path (``data.persons.0.xm``); raises KeyError when it is not there."""
    value = payload
    for part in path.split("."):
        if isinstance(value, dict):
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(path)
    return value


@registry.register
class HttpConnector(SourceConnector):
    code = "http"
    label = "接口 JSON over HTTP"
    external = True

    def _host(self, url: str) -> str:
        return urlsplit(url).netloc or "?"

    def _get(self, url: str) -> Any:
        """GET a JSON document, with retries; None for a 404."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise SourceUnavailable("not_configured", "the url must be http or https")
        opener = urllib.request.build_opener(_NoRedirect())
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the scheme is checked above
        last: SourceUnavailable | None = None
        for _attempt in range(1 + max(0, self.config.retries)):
            try:
                with opener.open(request, timeout=self.config.timeout) as response:
                    body = response.read(MAX_BODY + 1)
            except urllib.error.HTTPError as exc:
                if exc.code == 404:
                    return None
                last = SourceUnavailable("http_error", f"HTTP {exc.code} from {self._host(url)}")
                if exc.code < 500 and exc.code != 429:
                    break  # our request is wrong: asking again will not help
                continue
            except TimeoutError as exc:
                last = SourceUnavailable(
                    "timeout",
                    f"no answer from {self._host(url)} within "
                    f"{self.config.timeout:g}s ({type(exc).__name__})",
                )
                continue
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    last = SourceUnavailable(
                        "timeout", f"no answer from {self._host(url)} within {self.config.timeout:g}s"
                    )
                else:
                    last = SourceUnavailable("unreachable", f"{self._host(url)}: {exc.reason}")
                continue
            except (http.client.HTTPException, OSError, ValueError) as exc:
                last = SourceUnavailable("unreachable", f"{type(exc).__name__} from {self._host(url)}")
                continue
            if len(body) > MAX_BODY:
                raise SourceUnavailable("bad_response", f"answer from {self._host(url)} is too large")
            try:
                return json.loads(body.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise SourceUnavailable(
                    "bad_response", f"answer from {self._host(url)} is not JSON"
                ) from None
        assert last is not None
        raise last

    def fetch(self, subject_id: str, fields: Sequence[str]) -> dict[str, Any]:
        if not self.config.url:
            raise SourceUnavailable("not_configured", "the url is missing")
        payload = self._get(self.config.url.replace("{subject}", quote(subject_id, safe="")))
        if payload is None:
            return {}
        if not isinstance(payload, dict):
            raise SourceUnavailable("bad_response", "the answer is not a JSON object")
        out: dict[str, Any] = {}
        for key in fields or list(self.config.mapping):
            path = self.config.mapping.get(key)
            if not path:
                continue
            try:
                value = dig(payload, path)
            except KeyError:
                continue
            if isinstance(value, dict | list):
                raise SourceUnavailable("bad_response", f"{key}: expected a value at {path}, got a structure")
            out[key] = value
        return out

    def lookup(self, role: str, party_id: str) -> list[str]:
        if not self.config.lookup_url:
            return super().lookup(role, party_id)
        url = self.config.lookup_url.replace("{role}", quote(role, safe="")).replace(
            "{party}", quote(party_id, safe="")
        )
        payload = self._get(url)
        if payload is None:
            return []
        if not isinstance(payload, list) or not all(isinstance(x, str) for x in payload):
            raise SourceUnavailable("bad_response", "a lookup must answer a JSON array of strings")
        return list(payload)

    def check_config(self) -> list[str]:
        problems = []
        url = self.config.url
        if not url:
            problems.append("查询地址未填写 / the url is missing")
        else:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https"):
                problems.append("查询地址须为 http 或 https / the url must be http or https")
            elif parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
                problems.append("查询地址未使用 https / the url is not https")
            if "{subject}" not in url:
                problems.append("查询地址缺少 {subject} 占位符 / the url has no {subject} placeholder")
        if not self.config.mapping:
            problems.append("字段映射为空 / the field mapping is empty")
        elif not all(isinstance(v, str) and v for v in self.config.mapping.values()):
            problems.append("字段映射的路径须为非空字符串 / every mapped path must be a non-empty string")
        if self.config.timeout <= 0:
            problems.append("超时须大于 0 / the timeout must be positive")
        return problems
