"""The relying party of the province's identity service: OpenID Connect, the authorisation-code flow with PKCE
(S256), on Authlib.

Authlib rather than mozilla-django-oidc: Authlib checks what the standard asks a client to check of the ID
token — its signature against the service's published keys (JWKS, fetched again when the key id is new), the
nonce, expiry and issue time, the access-token hash — reads the discovery document, and does PKCE, with one
dependency (cryptography, through joserfc). mozilla-django-oidc (5.0) leaves the ID token's issuer and audience
unchecked. Here the issuer must be the configured one and the audience must name our client id (`CHECKS`).

The flow:
1. `signin_redirect`: the browser goes to the service with a fresh state, nonce and PKCE verifier, all kept in
   the session (Authlib's state data, with the kind of sign-in asked for: person or enterprise, and where to go
   afterwards).
2. `signin_complete`, at the callback: the state must be one this session started (else refused), the code is
   exchanged for tokens with the verifier and the client secret, the ID token is verified; the claims come from
   it, or from the userinfo endpoint for the same subject when the ID token does not carry the identity number.
   They are then checked (accounts/realname.py) and handed to the authentication backend (accounts/backends.py).

Any failure is a `DomainError` (a `SignInRefused` for who may not come in) with a bilingual message (400/403; 503 when the service cannot be
reached), never a 500. The settings are `settings.YIJIANSHI_OIDC` (None: real-name sign-in is off)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from joserfc.errors import JoseError

from yijianshi.core.errors import DomainError

from .models import PartyType
from .realname import RealNameClaims, claim_names, realname_claims_parse

NAME = "province"


class ServiceUnavailable(DomainError):
    status = 503


@dataclass(frozen=True)
class Callback:
    claims: RealNameClaims
    acting_as: str
    next: str


def config() -> dict[str, Any] | None:
    value: dict[str, Any] | None = getattr(settings, "YIJIANSHI_OIDC", None)
    return value if value and value.get("issuer") and value.get("client_id") else None


def enabled() -> bool:
    return config() is not None


@lru_cache(maxsize=8)
def _client_for(frozen: str) -> DjangoOAuth2App:
    c = json.loads(frozen)
    explicit = all(c.get(k) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri"))
    metadata: dict[str, Any] = {"issuer": c["issuer"]}
    if explicit:
        metadata.update({k: c[k] for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")})
        if c.get("userinfo_endpoint"):
            metadata["userinfo_endpoint"] = c["userinfo_endpoint"]
    discovery = c.get("discovery_url") or c["issuer"].rstrip("/") + "/.well-known/openid-configuration"
    oauth = OAuth()
    client: DjangoOAuth2App = oauth.register(
        NAME,
        client_id=c["client_id"],
        client_secret=c.get("client_secret") or None,
        server_metadata_url=None if explicit else discovery,
        client_kwargs={
            "scope": c.get("scopes") or "openid",
            "code_challenge_method": "S256",
            "default_timeout": float(c.get("timeout") or 10),
        },
        **metadata,
    )
    return client


def client() -> DjangoOAuth2App:
    c = config()
    assert c is not None, "real-name sign-in is off"
    return _client_for(json.dumps(c, sort_keys=True))


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable(
        "identity_service_unavailable",
        "统一身份认证服务暂时无法访问，请稍后再试或使用账号密码登录",
        "The identity service cannot be reached just now; try again later",
    )


def signin_redirect(request: HttpRequest, *, acting_as: str, next_url: str) -> HttpResponse:
    """To the identity service, asking for the enterprise claims too when the person signs in for an enterprise."""
    c = config()
    assert c is not None
    app = client()
    scopes = (c.get("scopes") or "openid").split()
    if acting_as == PartyType.ENTERPRISE and c.get("enterprise_scope"):
        scopes.append(c["enterprise_scope"])
    redirect_uri = request.build_absolute_uri(reverse("oidc-callback"))
    try:
        found = app.create_authorization_url(redirect_uri, scope=" ".join(scopes))
    except (requests.RequestException, ValueError, RuntimeError):  # the discovery document
        raise _unavailable() from None
    app.save_authorize_data(request, redirect_uri=redirect_uri, acting_as=acting_as, next=next_url, **found)
    return HttpResponseRedirect(found["url"])


def signin_complete(request: HttpRequest) -> Callback:
    """The claims of whom the service vouched for, from the callback's code; refused unless every check passes."""
    c = config()
    assert c is not None
    app = client()
    state = request.GET.get("state") or ""
    started = app.framework.get_state_data(request.session, state) if state else None
    if not started:
        raise DomainError(
            "oidc_state_mismatch",
            "登录请求已失效或不是从本站发起的，请重新登录",
            "This sign-in was not started here or has expired; please sign in again",
        )
    if request.GET.get("error"):
        app.framework.clear_state_data(request.session, state)
        raise DomainError("oidc_denied", "统一身份认证未完成登录", "The identity service did not sign you in")
    checks = {
        "iss": {"essential": True, "values": [c["issuer"]]},
        "aud": {"essential": True, "values": [c["client_id"]]},
    }
    try:
        token = app.authorize_access_token(request, claims_options=checks)
        raw = dict(token.get("userinfo") or {})
        if not raw:
            raise DomainError(
                "oidc_no_id_token", "统一身份认证未返回身份令牌", "The identity service sent no ID token"
            )
        if not raw.get(claim_names(c)["id_number"]) and app.load_server_metadata().get("userinfo_endpoint"):
            more = dict(app.userinfo(token=token))
            if more.get("sub") != raw.get("sub"):
                raise DomainError(
                    "oidc_subject_mismatch",
                    "统一身份认证返回的用户信息不属于登录者",
                    "The identity service's user information is about someone else",
                )
            raw = {**more, **raw}
    except (requests.ConnectionError, requests.Timeout):
        raise _unavailable() from None
    except (AuthlibBaseError, JoseError, requests.RequestException, ValueError, KeyError):
        raise DomainError(
            "oidc_token_invalid",
            "统一身份认证的身份令牌未通过校验，请重新登录",
            "The identity service's answer did not pass our checks; please sign in again",
        ) from None
    acting_as = str(started.get("acting_as") or PartyType.PERSON)
    claims = realname_claims_parse(raw, acting_as=acting_as, config=c)
    return Callback(claims=claims, acting_as=acting_as, next=str(started.get("next") or ""))
