"""Notifications to applicants through channels that vary by deployment (STYLE.md, registries).

004 annex 3 asks that the applicant be told at each step: the receipt or the one-time deficiency notice at
intake, an SMS when a department accepts ("予以受理的，出具受理通知书并短信告知申请人"), the decision, the
delivery. A service builds a `Notice` and hands it to `notice_send_on_commit` (core/notices.py), which sends
it with `notify()` once the transaction commits; which channels carry it is configuration
(`settings.NOTIFY_CHANNELS`, in order):

- ``console``  one log line, phone and e-mail masked (development, and a trace in production logs);
- ``file``     one JSON line per notice appended to ``settings.NOTIFY_FILE``: the delivery record, so it keeps
               the full contact;
- ``smtp``     an e-mail through Django's mail backend (``EMAIL_*``, ``DEFAULT_FROM_EMAIL``);
- ``sms_http`` a POST of ``{"phone", "text", "reference", "event"}`` to ``settings.SMS_GATEWAY_URL`` with
               ``Authorization: Bearer <SMS_GATEWAY_KEY>``; 2xx means the gateway took it.

`notify()` never raises: a channel that fails or raises is recorded as ``Delivery(ok=False)``, so a down
gateway cannot undo a decision already committed. It runs after the commit, in the web process or a worker
(core/notices.py); a retry may repeat a message, so gateways should de-duplicate on ``(reference, event)``.

A deployment adds a channel by subclassing `Channel` and decorating it with ``@registry.register`` (the one
plugin registry, core/plugins.py); tests build a fresh `ChannelRegistry` and register the classes they need.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import IO, ClassVar

from django.conf import settings
from django.core.mail import send_mail

from . import clock
from .datafiles import PRIVATE, file_private
from .errors import DomainError
from .identifiers import mask
from .plugins import Registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One message to one recipient about one application, in both languages."""

    event: str  # e.g. "application.received", "item_case.accepted"
    reference: str  # the application number
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    phone: str = ""
    email: str = ""
    name: str = ""
    language: str = "zh-hans"

    @property
    def in_english(self) -> bool:
        return self.language.lower().startswith("en")

    @property
    def subject(self) -> str:
        """The subject in the recipient's language (Chinese unless the language is English)."""
        return self.subject_en if self.in_english else self.subject_zh

    @property
    def body(self) -> str:
        return self.body_en if self.in_english else self.body_zh


@dataclass(frozen=True)
class Delivery:
    channel: str
    ok: bool
    detail: str = ""


class Channel(ABC):
    """A way to reach an applicant. Stateless: settings are read when sending, so they can change at run time."""

    code: ClassVar[str]

    @abstractmethod
    def send(self, notice: Notice) -> Delivery: ...

    def check_config(self) -> list[str]:
        """Problems with this channel's configuration, for an admin health page (empty when all is well)."""
        return []

    def delivered(self, detail: str = "") -> Delivery:
        return Delivery(channel=self.code, ok=True, detail=detail)

    def failed(self, detail: str) -> Delivery:
        return Delivery(channel=self.code, ok=False, detail=detail)


class ChannelRegistry(Registry[Channel, str]):
    """The notification channels by code (core/plugins.py). A channel's configuration is the settings, so
    `check_config` is given only the code of a configured channel."""

    kind_zh = "通知渠道"
    kind_en = "notification channel"
    unknown_code = "unknown_notify_channel"
    field = "channel"

    def check(self, cls: type[Channel], config: str) -> list[str]:
        return cls().check_config()


registry = ChannelRegistry()


def notify(
    notice: Notice, *, channels: Sequence[str] | None = None, registry: ChannelRegistry = registry
) -> list[Delivery]:
    """Send `notice` through each channel in turn (default: ``settings.NOTIFY_CHANNELS``); never raises."""
    codes = list(settings.NOTIFY_CHANNELS if channels is None else channels)
    deliveries: list[Delivery] = []
    for code in codes:
        try:
            delivery = registry.get(code)().send(notice)
        except DomainError as exc:
            delivery = Delivery(channel=code, ok=False, detail=exc.detail.en)
        except Exception as exc:  # a channel's bug or outage must not undo the caller's work
            logger.exception("notify: channel %s raised on %s for %s", code, notice.event, notice.reference)
            delivery = Delivery(channel=code, ok=False, detail=f"{type(exc).__name__}: {exc}")
        if not delivery.ok:
            logger.warning("notify: %s not delivered by %s: %s", notice.event, code, delivery.detail)
        deliveries.append(delivery)
    return deliveries


def config_problems(
    *, channels: Sequence[str] | None = None, registry: ChannelRegistry = registry
) -> dict[str, list[str]]:
    """For the admin health page: each configured channel and what is wrong with its configuration."""
    return {
        code: registry.check_config(code)
        for code in (settings.NOTIFY_CHANNELS if channels is None else channels)
    }


# --- the built-in channels ----------------------------------------------------------------------------------


@registry.register
class ConsoleChannel(Channel):
    """One log line per notice; contacts are masked because logs travel further than the delivery record."""

    code = "console"

    def send(self, notice: Notice) -> Delivery:
        logger.info(
            "notice %s %s to %s phone=%s email=%s: %s",
            notice.event,
            notice.reference,
            mask(notice.name) or "-",
            mask(notice.phone) or "-",
            mask(notice.email) or "-",
            notice.subject,
        )
        return self.delivered()


@registry.register
class FileChannel(Channel):
    """Appends one JSON line per notice to ``settings.NOTIFY_FILE`` (created with its folder)."""

    code = "file"

    def send(self, notice: Notice) -> Delivery:
        path = Path(settings.NOTIFY_FILE)
        record = {
            "at": clock.now().isoformat(),
            "event": notice.event,
            "reference": notice.reference,
            "name": notice.name,
            "phone": notice.phone,
            "email": notice.email,
            "language": notice.language,
            "subject_zh": notice.subject_zh,
            "subject_en": notice.subject_en,
            "body_zh": notice.body_zh,
            "body_en": notice.body_en,
        }
        line = (json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        # one unbuffered write to a file opened for appending: lines from several processes do not interleave;
        # created 0600, as it holds full contacts (core/datafiles.py)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE)
        with os.fdopen(fd, "ab", buffering=0) as fh:
            file_private(path)  # one written by an older version may be world-readable
            written = fh.write(line)
        if written != len(line):
            return self.failed(f"short write to {path}: {written} of {len(line)} bytes")
        return self.delivered(str(path))

    def check_config(self) -> list[str]:
        path = Path(settings.NOTIFY_FILE)
        if path.is_dir():
            return [f"NOTIFY_FILE {path} is a folder"]
        if path.exists():
            return [] if os.access(path, os.W_OK) else [f"NOTIFY_FILE {path} is not writable"]
        folder = path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK | os.X_OK):
            return [f"cannot create NOTIFY_FILE {path}: {folder} is not writable"]
        return []


@registry.register
class SmtpChannel(Channel):
    """An e-mail in the recipient's language through Django's configured mail backend."""

    code = "smtp"

    def send(self, notice: Notice) -> Delivery:
        if not notice.email:
            return self.failed("no e-mail address")
        sent = send_mail(
            notice.subject,
            notice.body,
            settings.DEFAULT_FROM_EMAIL,
            [notice.email],
            fail_silently=False,
        )
        return self.delivered() if sent == 1 else self.failed("the mail backend sent nothing")

    def check_config(self) -> list[str]:
        problems = []
        if not settings.DEFAULT_FROM_EMAIL:
            problems.append("DEFAULT_FROM_EMAIL is empty")
        if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
            problems.append("EMAIL_HOST is empty")
        return problems


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following it would resend the bearer key elsewhere, and urllib turns POST into GET."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


@registry.register
class SmsHttpChannel(Channel):
    """An SMS through an HTTP gateway: POST JSON, bearer key, 5 s timeout, 2xx means accepted."""

    code = "sms_http"
    timeout: ClassVar[float] = 5.0

    def send(self, notice: Notice) -> Delivery:
        if not notice.phone:
            return self.failed("no phone number")
        url = settings.SMS_GATEWAY_URL
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            return self.failed("SMS_GATEWAY_URL is not an http(s) address")
        payload = {
            "phone": notice.phone,
            "text": notice.body,
            "reference": notice.reference,
            "event": notice.event,
        }
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            url,
            data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
            },
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            return self.failed(f"gateway answered HTTP {exc.code}")
        except TimeoutError:
            return self.failed(f"gateway did not answer within {self.timeout:g} s")
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return self.failed(f"gateway did not answer within {self.timeout:g} s")
            return self.failed(f"gateway unreachable: {exc.reason}")
        except OSError as exc:
            return self.failed(f"gateway connection failed: {exc}")
        if 200 <= status < 300:
            return self.delivered(f"HTTP {status}")
        return self.failed(f"gateway answered HTTP {status}")

    def check_config(self) -> list[str]:
        problems = []
        parts = urllib.parse.urlsplit(settings.SMS_GATEWAY_URL)
        if not settings.SMS_GATEWAY_URL:
            problems.append("SMS_GATEWAY_URL is empty")
        elif parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append("SMS_GATEWAY_URL is not an http(s) address")
        elif parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            problems.append("SMS_GATEWAY_URL is plain http: the key and phone numbers travel unencrypted")
        if not settings.SMS_GATEWAY_KEY:
            problems.append("SMS_GATEWAY_KEY is empty")
        return problems
