"""Start and drive the test identity provider (a separate process: tests/support/oidc_provider/serve.py).

    provider = Provider(users={...}).start(tmp_dir)
    provider.issuer                     # http://127.0.0.1:PORT/o
    provider.rp_settings()              # settings.YIJIANSHI_OIDC for the platform
    provider.sign_in(url, "wangfang")   # a browser at the provider: log in, follow redirects; the callback URL
    provider.stop()

A user is `{"password": …, "claims": {…}, "enterprise": {…}, "userinfo_only": bool}`; the enterprise claims are
sent only when the platform asks for the enterprise scope."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]
CLIENT_ID = "yijianshi-test"
REDIRECT_URIS = [
    "http://testserver/accounts/oidc/callback/",
    "http://127.0.0.1/accounts/oidc/callback/",
    "http://localhost/accounts/oidc/callback/",
]
STARTUP_SECONDS = 90


@dataclass
class Provider:
    users: dict[str, dict[str, Any]]
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    url: str = ""
    _process: subprocess.Popen[str] | None = None

    @property
    def issuer(self) -> str:
        return self.url + "/o"

    def start(self, workdir: Path) -> Provider:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # made now, never kept
        key_file = workdir / "provider-key.pem"
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        config_file = workdir / "provider.json"
        config_file.write_text(
            json.dumps(
                {
                    "secret_key": secrets.token_urlsafe(32),
                    "database": str(workdir / "provider.sqlite3"),
                    "private_key": str(key_file),
                    "issuer": "",
                    "users": self.users,
                    "client": {"id": CLIENT_ID, "secret": self.client_secret, "redirect_uris": REDIRECT_URIS},
                }
            )
        )
        env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
        log = (workdir / "provider.log").open("w")
        self._process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "tests.support.oidc_provider.serve", str(config_file)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        timer = threading.Timer(STARTUP_SECONDS, self._process.kill)
        timer.start()
        try:
            line = self._process.stdout.readline() if self._process.stdout else ""
        finally:
            timer.cancel()
        if not line.startswith("READY "):
            self.stop()
            raise RuntimeError(
                f"the test OIDC provider did not start: {(workdir / 'provider.log').read_text()[-3000:]}"
            )
        self.url = line.split()[1]
        return self

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
            self._process = None

    def rp_settings(self, **overrides: Any) -> dict[str, Any]:
        """settings.YIJIANSHI_OIDC of a platform registered with this provider (endpoints by discovery)."""
        return {
            "issuer": self.issuer,
            "client_id": CLIENT_ID,
            "client_secret": self.client_secret,
            "discovery_url": "",
            "authorization_endpoint": "",
            "token_endpoint": "",
            "jwks_uri": "",
            "userinfo_endpoint": "",
            "scopes": "openid profile",
            "enterprise_scope": "enterprise",
            "claims": {},
            "assurance": {},
            "timeout": 10.0,
            **overrides,
        }

    def sign_in(self, authorize_url: str, username: str, password: str | None = None) -> str:
        """What the person's browser does at the provider: open the authorisation URL, log in, follow the
        redirects; the URL the provider sends the browser back to (the platform's callback, with code and state)."""
        browser = requests.Session()
        url = authorize_url
        for _ in range(10):
            if not url.startswith(self.url):
                return url
            answer = browser.get(url, allow_redirects=False, timeout=10)
            if answer.status_code in (301, 302, 303, 307, 308):
                url = urljoin(url, answer.headers["Location"])
                continue
            if answer.status_code == 200 and urlsplit(url).path == "/login/":
                posted = browser.post(
                    url,
                    data={
                        "username": username,
                        "password": password or self.users[username]["password"],
                        "next": dict(_query(url)).get("next", ""),
                        "csrfmiddlewaretoken": browser.cookies.get("provider_csrftoken", ""),
                    },
                    headers={"Referer": url},
                    allow_redirects=False,
                    timeout=10,
                )
                assert posted.status_code == 302, (
                    f"the provider refused the log-in of {username}: {posted.text[:300]}"
                )
                url = urljoin(url, posted.headers["Location"])
                continue
            raise AssertionError(f"the provider answered {answer.status_code} at {url}: {answer.text[:500]}")
        raise AssertionError("too many redirects at the provider")


def _query(url: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(urlsplit(url).query)
