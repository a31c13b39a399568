"""`python -m tests.support.oidc_provider.serve CONFIG.json`: migrate the provider's own database, create its
users and the platform's client, then serve on a free 127.0.0.1 port, printing `READY http://127.0.0.1:PORT` once
it accepts requests. It runs until it is terminated."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _not_yet(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"starting"]


def _seed(config: dict[str, Any]) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for username, entry in config["users"].items():
        User.objects.create_user(username, password=entry["password"])
    client = config["client"]
    Application.objects.create(
        name="yijianshi",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


def main() -> None:
    config_path = Path(sys.argv[1])
    config = json.loads(config_path.read_text())
    httpd = make_server("127.0.0.1", 0, _not_yet, server_class=_Server, handler_class=_Quiet)
    base = f"http://127.0.0.1:{httpd.server_port}"
    config["issuer"] = base + "/o"  # known once the port is
    config_path.write_text(json.dumps(config))
    os.environ["OIDC_PROVIDER_CONFIG"] = str(config_path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.support.oidc_provider.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    _seed(config)
    httpd.set_app(get_wsgi_application())
    print(f"READY {base}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
