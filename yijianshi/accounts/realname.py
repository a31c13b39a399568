"""Real-name claims: what the province's identity service (统一身份认证) says about who signed in, in our words.

The service's claim names are not public (docs/identity.md). Ours are `CLAIMS` below; a deployment maps its
service's names onto them (`settings.YIJIANSHI_OIDC["claims"]`) and its assurance values onto our levels
(`["assurance"]`). Every value is checked here, at the edge, before anything is stored:

- the identity number is a valid resident identity number (core/identifiers.py), the name is given;
- the assurance value is one the map knows: an unknown level is refused, never taken for the lowest;
- for an enterprise sign-in, the enterprise's unified social credit code is valid and the service says whether
  the person is its legal representative; anyone else needs a naming record (accounts/services.py).

Only claims read from a verified ID token (or the userinfo endpoint of the same service, for the same subject:
accounts/oidc.py) come here: nothing the browser sends."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from yijianshi.core.errors import DomainError
from yijianshi.core.identifiers import credit_code, resident_id

from .models import AssuranceLevel, PartyType

# our name -> the claim the service sends (the defaults are the names our test provider uses)
CLAIMS = {
    "id_number": "id_number",  # 公民身份号码
    "name": "name",  # 姓名
    "assurance": "acr",  # 认证等级 (OpenID Connect's Authentication Context Class Reference)
    "enterprise_uscc": "enterprise_uscc",  # 统一社会信用代码 of the enterprise the person signs in for
    "enterprise_name": "enterprise_name",  # 企业名称
    "enterprise_role": "enterprise_role",  # "legal_representative" when the person is the legal representative
}
# the service's assurance value -> our level
ASSURANCE = {"realname:document": AssuranceLevel.DOCUMENT, "realname:face": AssuranceLevel.FACE}
LEGAL_REPRESENTATIVE = "legal_representative"


class SignInRefused(DomainError):
    """The identity service vouched for someone we may not let in as asked (403)."""

    status = 403


@dataclass(frozen=True)
class EnterpriseClaims:
    uscc: str
    name: str
    legal_representative: bool


@dataclass(frozen=True)
class RealNameClaims:
    subject: str
    id_number: str
    name: str
    assurance: str  # an AssuranceLevel (never "password")
    enterprise: EnterpriseClaims | None = None


def claim_names(config: Mapping[str, Any]) -> dict[str, str]:
    return {**CLAIMS, **{k: str(v) for k, v in (config.get("claims") or {}).items() if k in CLAIMS}}


def assurance_map(config: Mapping[str, Any]) -> dict[str, str]:
    levels = {AssuranceLevel.DOCUMENT.value, AssuranceLevel.FACE.value}
    configured = {str(k): str(v) for k, v in (config.get("assurance") or {}).items() if str(v) in levels}
    return {**{k: v.value for k, v in ASSURANCE.items()}, **configured}


def _text(raw: Mapping[str, Any], claim: str) -> str:
    value = raw.get(claim)
    if isinstance(value, list):  # a multi-valued claim (acr may come as one): the first
        value = value[0] if value else ""
    return str(value).strip() if isinstance(value, str | int) else ""


def _missing(what_zh: str, what_en: str, claim: str) -> SignInRefused:
    return SignInRefused(
        "realname_claim_missing",
        f"统一身份认证未提供{what_zh}（{claim}），无法登录",
        f"The identity service did not send the {what_en} ({claim}); you cannot be signed in",
        field=claim,
    )


def realname_claims_parse(
    raw: Mapping[str, Any], *, acting_as: str, config: Mapping[str, Any]
) -> RealNameClaims:
    """Our claims from the service's, checked; `acting_as` is the kind of sign-in the person chose (person or
    enterprise): enterprise claims are used only when asked for, and required then."""
    names = claim_names(config)
    subject = _text(raw, "sub")
    if not subject:
        raise _missing("用户标识", "subject", "sub")
    number_raw = _text(raw, names["id_number"])
    if not number_raw:
        raise _missing("公民身份号码", "identity number", names["id_number"])
    try:
        id_number = resident_id(number_raw, field=names["id_number"])
    except DomainError as exc:
        raise SignInRefused(
            "realname_id_number_invalid",
            f"统一身份认证提供的身份证号无效：{exc.detail.zh}",
            f"The identity number from the identity service is not valid: {exc.detail.en}",
            field=names["id_number"],
        ) from None
    name = _text(raw, names["name"])
    if not name:
        raise _missing("姓名", "name", names["name"])
    if len(name) > 50:
        raise SignInRefused(
            "realname_name_invalid",
            "统一身份认证提供的姓名过长",
            "The name from the identity service is too long",
            field=names["name"],
        )
    level_raw = _text(raw, names["assurance"])
    level = assurance_map(config).get(level_raw)
    if level is None:
        raise SignInRefused(
            "realname_assurance_unknown",
            f"未知的实名认证等级“{level_raw[:40]}”，无法登录",
            f"Unknown real-name assurance level '{level_raw[:40]}'; you cannot be signed in",
            field=names["assurance"],
        )
    enterprise = None
    if acting_as == PartyType.ENTERPRISE:
        uscc_raw = _text(raw, names["enterprise_uscc"])
        if not uscc_raw:
            raise SignInRefused(
                "not_a_representative",
                "统一身份认证未确认您可代表企业办事，请以个人身份登录",
                "The identity service did not confirm that you act for an enterprise; sign in as a person",
                field=names["enterprise_uscc"],
            )
        try:
            uscc = credit_code(uscc_raw, field=names["enterprise_uscc"])
        except DomainError as exc:
            raise SignInRefused(
                "realname_uscc_invalid",
                f"统一身份认证提供的统一社会信用代码无效：{exc.detail.zh}",
                f"The credit code from the identity service is not valid: {exc.detail.en}",
                field=names["enterprise_uscc"],
            ) from None
        enterprise = EnterpriseClaims(
            uscc=uscc,
            name=_text(raw, names["enterprise_name"])[:100],
            legal_representative=_text(raw, names["enterprise_role"]) == LEGAL_REPRESENTATIVE,
        )
    return RealNameClaims(
        subject=subject, id_number=id_number, name=name, assurance=level, enterprise=enterprise
    )
