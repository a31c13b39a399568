"""One plugin registry for the parts that vary by deployment (STYLE.md, extending; issue 16, point 1).

A registry holds the classes of one kind of plugin, each under its ``code``: the notification channels
(core/notify.py), the data-source connectors (datahub/connectors.py), the department connectors
(integrations/connectors.py). A deployment adds a plugin by subclassing the kind's base class and decorating it
with ``@registry.register``; a test makes a fresh registry of the kind (``ChannelRegistry()`` …) and registers
only what it needs, instead of patching the project's.

The behaviour is written once, here. A kind declares what differs: its name in both languages and the error
code for a code nobody registered (`get` raises a `DomainError`, so an unknown code reaching the API is a 4xx),
which plugin a configuration names (`plugin_code`: a data source's connector, a department's mode) and how
that plugin checks it (`check`). `check_config(config)` turns that into the lines an admin health page shows —
an unknown plugin, or a check that raises, is one more problem on the page, not an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import ClassVar, Generic, TypeVar

from .errors import DomainError

logger = logging.getLogger(__name__)

P = TypeVar("P")  # the kind's base class
C = TypeVar("C")  # a configuration, which names the plugin that checks it


class Registry(Generic[P, C]):
    """The plugins of one kind by code. Subclass it to declare the kind; use one instance per deployment."""

    kind_zh: ClassVar[str] = "插件"
    kind_en: ClassVar[str] = "plugin"
    unknown_code: ClassVar[str] = "unknown_plugin"  # the DomainError's code for a code nobody registered
    field: ClassVar[str] = "code"  # the DomainError's field

    def __init__(self) -> None:
        self._classes: dict[str, type[P]] = {}

    def register(self, cls: type[P]) -> type[P]:
        """Class decorator: make `cls` available under its ``code``. Registering the same class again is
        harmless; another class under a code already taken is refused."""
        code = getattr(cls, "code", "")
        if not isinstance(code, str) or not code:
            raise TypeError(f"{cls.__name__} has no {self.kind_en} code")
        known = self._classes.get(code)
        if known is not None and known is not cls:
            raise ValueError(f"{self.kind_en} {code!r} is already registered by {known.__name__}")
        self._classes[code] = cls
        return cls

    def get(self, code: str) -> type[P]:
        """The class registered under `code`; a `DomainError` (the kind's `unknown_code`) when there is none."""
        try:
            return self._classes[code]
        except KeyError:
            raise DomainError(
                self.unknown_code,
                f"未知的{self.kind_zh}：{code}",
                f"Unknown {self.kind_en}: {code}",
                field=self.field,
            ) from None

    def __contains__(self, code: object) -> bool:
        return code in self._classes

    def __iter__(self) -> Iterator[type[P]]:
        return iter(self._classes.values())

    def __len__(self) -> int:
        return len(self._classes)

    def codes(self) -> list[str]:
        return list(self._classes)

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs for a form's select, in the order registered; the code when there is no label."""
        return [(code, getattr(cls, "label", "") or code) for code, cls in self._classes.items()]

    def check_config(self, config: C) -> list[str]:
        """What is wrong with `config`, in words for the administrator ([] when all is well): what the admin's
        health pages show. The plugin the configuration names (`plugin_code`) checks it; an unknown plugin is one
        problem, and so is a check that raises (logged with its traceback)."""
        code = self.plugin_code(config)
        cls = self._classes.get(code)
        if cls is None:
            return [f"未知的{self.kind_zh}：{code} / unknown {self.kind_en}: {code}"]
        try:
            return list(self.check(cls, config))
        except Exception as exc:  # a plugin's bug must not take the health page down with it
            logger.exception("plugins: the configuration check of %s %r raised", self.kind_en, code)
            return [f"配置检查出错 / the configuration check failed: {type(exc).__name__}"]

    def plugin_code(self, config: C) -> str:
        """The code of the plugin a configuration names; by default the configuration is that code."""
        return str(config)

    def check(self, cls: type[P], config: C) -> list[str]:
        """How a plugin of this kind checks `config`; each kind's registry says (nothing to check by default)."""
        return []
