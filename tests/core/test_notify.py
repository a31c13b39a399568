"""The notification channels against real endpoints: a local HTTP server, Django's locmem mail, a temp file."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from django.core import mail

from yijianshi.core import clock
from yijianshi.core.errors import DomainError
from yijianshi.core.notify import (
    Channel,
    ChannelRegistry,
    ConsoleChannel,
    Delivery,
    FileChannel,
    Notice,
    SmsHttpChannel,
    SmtpChannel,
    config_problems,
    notify,
    registry,
)

PHONE = "13812345678"
EMAIL = "zhang.san@example.com"


def make_notice(**changes: Any) -> Notice:
    values: dict[str, Any] = {
        "event": "item_case.accepted",
        "reference": "YJS-20261121-000123",
        "subject_zh": "受理通知",
        "subject_en": "Application accepted",
        "body_zh": "您的申请已受理。",
        "body_en": "Your application has been accepted.",
        "phone": PHONE,
        "email": EMAIL,
        "name": "张三丰",
    }
    values.update(changes)
    return Notice(**values)


def fresh(*classes: type[Channel]) -> ChannelRegistry:
    reg = ChannelRegistry()
    for cls in classes:
        reg.register(cls)
    return reg


# --- a real SMS gateway on 127.0.0.1 ------------------------------------------------------------------------


@dataclass
class Gateway:
    url: str
    status: int = 200
    hang: bool = False
    redirect_to: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    state = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "body": json.loads(self.rfile.read(length).decode("utf-8")),
                }
            )
            if state.hang:
                state.released.wait(10)
                return
            self.send_response(state.status)
            if state.redirect_to:
                self.send_header("Location", state.redirect_to)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST

        def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/sms"
    try:
        yield state
    finally:
        state.released.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def sms_settings(settings: Any, gateway: Gateway) -> Any:
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_KEY = "test-key-123"
    return settings


def test_sms_gateway_receives_the_notice_as_json_with_the_bearer_key(
    sms_settings: Any, gateway: Gateway
) -> None:
    # when
    [delivery] = notify(make_notice(), channels=["sms_http"], registry=fresh(SmsHttpChannel))
    # then
    assert delivery == Delivery(channel="sms_http", ok=True, detail="HTTP 200")
    [request] = gateway.received
    assert request["path"] == "/sms"
    assert request["authorization"] == "Bearer test-key-123"
    assert request["content_type"].startswith("application/json")
    assert request["body"] == {
        "phone": PHONE,
        "text": "您的申请已受理。",
        "reference": "YJS-20261121-000123",
        "event": "item_case.accepted",
    }


def test_sms_text_follows_the_recipients_language(sms_settings: Any, gateway: Gateway) -> None:
    notify(make_notice(language="en"), channels=["sms_http"], registry=fresh(SmsHttpChannel))
    assert gateway.received[0]["body"]["text"] == "Your application has been accepted."


@pytest.mark.parametrize("status", [500, 401, 404])
def test_sms_gateway_error_is_a_failed_delivery(sms_settings: Any, gateway: Gateway, status: int) -> None:
    gateway.status = status
    [delivery] = notify(make_notice(), channels=["sms_http"], registry=fresh(SmsHttpChannel))
    assert not delivery.ok
    assert delivery.detail == f"gateway answered HTTP {status}"
    assert len(gateway.received) == 1


def test_sms_gateway_redirect_is_not_followed(sms_settings: Any, gateway: Gateway) -> None:
    # a redirect would resend the key elsewhere (and urllib would turn the POST into a GET)
    gateway.status = 302
    gateway.redirect_to = gateway.url + "/elsewhere"
    [delivery] = notify(make_notice(), channels=["sms_http"], registry=fresh(SmsHttpChannel))
    assert not delivery.ok
    assert "302" in delivery.detail
    assert [r["path"] for r in gateway.received] == ["/sms"]


def test_sms_gateway_that_hangs_times_out(sms_settings: Any, gateway: Gateway) -> None:
    class QuickSms(SmsHttpChannel):  # the same channel with a shorter timeout, to keep the suite fast
        timeout = 0.3

    gateway.hang = True
    started = datetime.now(UTC)
    [delivery] = notify(make_notice(), channels=["sms_http"], registry=fresh(QuickSms))
    elapsed = (datetime.now(UTC) - started).total_seconds()
    assert not delivery.ok
    assert "did not answer within 0.3 s" in delivery.detail
    assert 0.25 <= elapsed < 3
    assert len(gateway.received) == 1


def test_sms_timeout_is_five_seconds() -> None:
    assert SmsHttpChannel.timeout == 5.0


def test_sms_gateway_unreachable_is_a_failed_delivery(settings: Any) -> None:
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # discard port: nothing listens
    settings.SMS_GATEWAY_KEY = "k"
    [delivery] = notify(make_notice(), channels=["sms_http"], registry=fresh(SmsHttpChannel))
    assert not delivery.ok
    assert delivery.detail.startswith("gateway unreachable")


def test_sms_without_phone_or_url_is_skipped(sms_settings: Any, gateway: Gateway) -> None:
    reg = fresh(SmsHttpChannel)
    assert notify(make_notice(phone=""), channels=["sms_http"], registry=reg) == [
        Delivery("sms_http", False, "no phone number")
    ]
    sms_settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    assert notify(make_notice(), channels=["sms_http"], registry=reg) == [
        Delivery("sms_http", False, "SMS_GATEWAY_URL is not an http(s) address")
    ]
    assert gateway.received == []


def test_sms_check_config(settings: Any) -> None:
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_GATEWAY_KEY = ""
    assert SmsHttpChannel().check_config() == ["SMS_GATEWAY_URL is empty", "SMS_GATEWAY_KEY is empty"]
    settings.SMS_GATEWAY_URL = "http://sms.example.gov.cn/send"
    settings.SMS_GATEWAY_KEY = "k"
    assert SmsHttpChannel().check_config() == [
        "SMS_GATEWAY_URL is plain http: the key and phone numbers travel unencrypted"
    ]
    settings.SMS_GATEWAY_URL = "https://sms.example.gov.cn/send"
    assert SmsHttpChannel().check_config() == []


# --- e-mail ---------------------------------------------------------------------------------------------------


@pytest.fixture
def locmem(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "noreply@yijianshi.test"
    mail.outbox = []
    return settings


def test_smtp_sends_one_mail_in_the_recipients_language(locmem: Any) -> None:
    reg = fresh(SmtpChannel)
    assert notify(make_notice(), channels=["smtp"], registry=reg) == [Delivery("smtp", True)]
    assert notify(make_notice(language="en"), channels=["smtp"], registry=reg) == [Delivery("smtp", True)]
    zh, en = mail.outbox
    assert (zh.subject, zh.body, zh.to, zh.from_email) == (
        "受理通知",
        "您的申请已受理。",
        [EMAIL],
        "noreply@yijianshi.test",
    )
    assert (en.subject, en.body) == ("Application accepted", "Your application has been accepted.")


def test_smtp_without_address_is_skipped(locmem: Any) -> None:
    assert notify(make_notice(email=""), channels=["smtp"], registry=fresh(SmtpChannel)) == [
        Delivery("smtp", False, "no e-mail address")
    ]
    assert mail.outbox == []


def test_smtp_server_down_is_a_failed_delivery(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    [delivery] = notify(make_notice(), channels=["smtp"], registry=fresh(SmtpChannel))
    assert not delivery.ok
    assert delivery.detail.startswith("ConnectionRefusedError")


# --- file and console -----------------------------------------------------------------------------------------


def test_file_channel_appends_one_json_line_per_notice(settings: Any, tmp_path: Path) -> None:
    target = tmp_path / "not" / "yet" / "notifications.jsonl"
    settings.NOTIFY_FILE = target
    reg = fresh(FileChannel)
    moment = datetime(2026, 11, 21, 6, 30, tzinfo=UTC)
    # when
    with clock.frozen(moment):
        first = notify(make_notice(), channels=["file"], registry=reg)
        notify(make_notice(event="application.delivered", language="en"), channels=["file"], registry=reg)
    # then
    assert first == [Delivery("file", True, str(target))]
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    one, two = (json.loads(line) for line in lines)
    assert one["at"] == "2026-11-21T06:30:00+00:00"
    assert (one["event"], one["reference"], one["phone"], one["email"], one["name"]) == (
        "item_case.accepted",
        "YJS-20261121-000123",
        PHONE,
        EMAIL,
        "张三丰",
    )  # the record keeps the contact
    assert one["body_zh"] == "您的申请已受理。"
    assert (two["event"], two["language"]) == ("application.delivered", "en")


def test_file_channel_on_a_folder_fails_without_raising(settings: Any, tmp_path: Path) -> None:
    settings.NOTIFY_FILE = tmp_path  # a folder, not a file
    [delivery] = notify(make_notice(), channels=["file"], registry=fresh(FileChannel))
    assert not delivery.ok
    assert FileChannel().check_config() == [f"NOTIFY_FILE {tmp_path} is a folder"]


def test_console_logs_one_line_with_contacts_masked(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="yijianshi.core.notify"):
        assert notify(make_notice(), channels=["console"], registry=fresh(ConsoleChannel)) == [
            Delivery("console", True)
        ]
    [record] = [r for r in caplog.records if r.name == "yijianshi.core.notify"]
    line = record.getMessage()
    assert "\n" not in line
    assert "YJS-20261121-000123" in line and "item_case.accepted" in line and "受理通知" in line
    assert "138******78" in line
    assert PHONE not in line
    assert EMAIL not in line and "zha" in line
    assert "张三丰" not in line


# --- the registry and notify() --------------------------------------------------------------------------------


class Boom(Channel):
    code = "boom"

    def send(self, notice: Notice) -> Delivery:
        raise RuntimeError("gateway library crashed")


class Refuses(Channel):
    code = "refuses"

    def send(self, notice: Notice) -> Delivery:
        return self.failed("quota exceeded")


class Records(Channel):
    code = "records"
    sent: ClassVar[list[Notice]] = []

    def send(self, notice: Notice) -> Delivery:
        Records.sent.append(notice)
        return self.delivered()


def test_a_failing_channel_never_stops_the_others(caplog: pytest.LogCaptureFixture) -> None:
    Records.sent = []
    reg = fresh(Boom, Refuses, Records)
    with caplog.at_level(logging.WARNING, logger="yijianshi.core.notify"):
        deliveries = notify(make_notice(), channels=["boom", "refuses", "nowhere", "records"], registry=reg)
    assert deliveries == [
        Delivery("boom", False, "RuntimeError: gateway library crashed"),
        Delivery("refuses", False, "quota exceeded"),
        Delivery("nowhere", False, "Unknown notification channel: nowhere"),
        Delivery("records", True),
    ]
    assert len(Records.sent) == 1
    assert any(r.exc_info for r in caplog.records)  # the crash is logged with its traceback


def test_channels_default_to_the_setting(settings: Any) -> None:
    Records.sent = []
    settings.NOTIFY_CHANNELS = ["records", "refuses"]
    assert [d.channel for d in notify(make_notice(), registry=fresh(Records, Refuses))] == [
        "records",
        "refuses",
    ]
    assert len(Records.sent) == 1


def test_registry_refuses_a_second_channel_with_the_same_code() -> None:
    class Other(Channel):
        code = "records"

        def send(self, notice: Notice) -> Delivery:
            return self.delivered()

    reg = fresh(Records)
    assert reg.register(Records) is Records  # registering the same class again is harmless
    with pytest.raises(ValueError, match="already registered"):
        reg.register(Other)
    assert reg.codes() == ["records"]
    assert reg.get("records") is Records
    with pytest.raises(DomainError) as caught:
        reg.get("fax")
    assert caught.value.code == "unknown_notify_channel"


def test_registry_refuses_a_channel_without_code() -> None:
    class Nameless(Channel):
        def send(self, notice: Notice) -> Delivery:
            return self.delivered()

    with pytest.raises(TypeError):
        ChannelRegistry().register(Nameless)


def test_the_project_registry_holds_the_four_builtin_channels() -> None:
    assert {"console", "file", "smtp", "sms_http"} <= set(registry.codes())


def test_config_problems_names_each_configured_channel(settings: Any) -> None:
    settings.SMS_GATEWAY_URL = ""
    settings.SMS_GATEWAY_KEY = ""
    problems = config_problems(
        channels=["console", "sms_http", "fax"], registry=fresh(ConsoleChannel, SmsHttpChannel)
    )
    assert problems == {
        "console": [],
        "sms_http": ["SMS_GATEWAY_URL is empty", "SMS_GATEWAY_KEY is empty"],
        "fax": ["未知的通知渠道：fax / unknown notification channel: fax"],
    }


def test_notice_language_picks_subject_and_body() -> None:
    assert make_notice(language="en").subject == "Application accepted"
    assert make_notice(language="zh-hans").body == "您的申请已受理。"
    assert make_notice(language="fr").subject == "受理通知"  # anything else reads Chinese
