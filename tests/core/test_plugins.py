"""The one plugin registry (yijianshi/core/plugins.py): each test makes a fresh registry of a kind declared here,
and the project's three kinds are instances of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from yijianshi.core.errors import DomainError
from yijianshi.core.notify import ChannelRegistry
from yijianshi.core.notify import registry as channels
from yijianshi.core.plugins import Registry
from yijianshi.datahub.connectors import SourceConnectorRegistry
from yijianshi.datahub.connectors import registry as sources
from yijianshi.integrations.connectors import ConnectorRegistry
from yijianshi.integrations.connectors import registry as departments


class Printer:
    """A made-up kind of plugin: a printer at a service point, configured by a queue name."""

    code: ClassVar[str] = ""
    label: ClassVar[str] = ""

    def problems(self, queue: str) -> list[str]:
        return []


@dataclass(frozen=True)
class Queue:
    printer: str
    name: str


class PrinterRegistry(Registry[Printer, Queue]):
    kind_zh = "打印机"
    kind_en = "printer"
    unknown_code = "unknown_printer"
    field = "printer"

    def plugin_code(self, config: Queue) -> str:
        return config.printer

    def check(self, cls: type[Printer], config: Queue) -> list[str]:
        return cls().problems(config.name)


class Laser(Printer):
    code = "laser"
    label = "激光 laser"

    def problems(self, queue: str) -> list[str]:
        return [] if queue else ["队列未填写 / the queue is missing"]


class Thermal(Printer):
    code = "thermal"  # no label: the code stands in


class Jammed(Printer):
    code = "jammed"

    def problems(self, queue: str) -> list[str]:
        raise RuntimeError("a bug in a plug-in")


def fresh(*classes: type[Printer]) -> PrinterRegistry:
    registry = PrinterRegistry()
    for cls in classes:
        registry.register(cls)
    return registry


def test_register_is_a_decorator_and_the_registry_lists_in_order() -> None:
    registry = PrinterRegistry()

    @registry.register
    class Dot(Printer):
        code = "dot"

    registry.register(Laser)
    assert Dot.code == "dot"  # the decorator gives the class back
    assert registry.codes() == ["dot", "laser"]
    assert list(registry) == [Dot, Laser] and len(registry) == 2
    assert "laser" in registry and "inkjet" not in registry
    assert registry.get("laser") is Laser
    assert registry.choices() == [("dot", "dot"), ("laser", "激光 laser")]


def test_an_unknown_code_is_a_domain_error_of_the_kind() -> None:
    with pytest.raises(DomainError) as caught:
        fresh(Laser).get("inkjet")
    assert caught.value.detail.as_dict() == {
        "code": "unknown_printer",
        "field": "printer",
        "message": {"zh-hans": "未知的打印机：inkjet", "en": "Unknown printer: inkjet"},
    }


def test_the_same_class_twice_is_harmless_another_under_its_code_is_refused() -> None:
    class Impostor(Printer):
        code = "laser"

    registry = fresh(Laser)
    assert registry.register(Laser) is Laser
    with pytest.raises(ValueError, match="already registered by Laser"):
        registry.register(Impostor)
    assert registry.get("laser") is Laser


@pytest.mark.parametrize("code", ["", None, 7])
def test_a_plugin_without_a_code_is_refused(code: object) -> None:
    nameless = type("Nameless", (Printer,), {"code": code})
    with pytest.raises(TypeError, match="Nameless has no printer code"):
        PrinterRegistry().register(nameless)


def test_check_config_asks_the_plugin_the_configuration_names() -> None:
    registry = fresh(Laser, Thermal)
    assert registry.check_config(Queue("laser", "hall-1")) == []
    assert registry.check_config(Queue("laser", "")) == ["队列未填写 / the queue is missing"]
    assert registry.check_config(Queue("thermal", "")) == []  # the base class finds nothing to check


def test_check_config_reports_an_unknown_plugin_and_a_check_that_raises(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = fresh(Laser, Jammed)
    assert registry.check_config(Queue("inkjet", "q")) == ["未知的打印机：inkjet / unknown printer: inkjet"]
    assert registry.check_config(Queue("jammed", "q")) == [
        "配置检查出错 / the configuration check failed: RuntimeError"
    ]
    assert any(r.exc_info for r in caplog.records)  # logged with its traceback


def test_fresh_registries_share_nothing() -> None:
    one, two = fresh(Laser), PrinterRegistry()
    assert "laser" in one and "laser" not in two


def test_the_three_kinds_are_registries_with_their_builtin_plugins() -> None:
    assert isinstance(channels, ChannelRegistry) and isinstance(channels, Registry)
    assert isinstance(sources, SourceConnectorRegistry) and isinstance(sources, Registry)
    assert isinstance(departments, ConnectorRegistry) and isinstance(departments, Registry)
    assert {"console", "file", "smtp", "sms_http"} <= set(channels.codes())
    assert {"local", "http"} <= set(sources.codes())
    assert {"workbench", "manual", "webhook"} <= set(departments.codes())
    # each names a code nobody registered in its own words
    for registry, code in (
        (channels, "unknown_notify_channel"),
        (sources, "connection_unknown_connector"),
        (departments, "integration_unknown_mode"),
    ):
        with pytest.raises(DomainError) as caught:
            registry.get("carrier-pigeon")
        assert caught.value.code == code
