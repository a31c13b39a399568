"""Sign-in: the rate limit, the accounts of real-name sign-ins, and the staff an enterprise names.

Rate limiting: a password may be guessed at most `MAX_FAILURES` times per account, and
`MAX_FAILURES_PER_IP` times per client address, within `WINDOW_SECONDS`; after that the sign-in page and the API
token endpoint answer 429 until the window ends. Counters live in the Django cache (LocMem in one process,
Redis when REDIS_URL is set, so that every web process shares them). A successful sign-in clears the account's
counter, not the address's.

When the shared cache cannot be reached (Redis down), sign-in goes on and stays limited: each web process counts
in its own memory for the next 30 s (core/outage.py), then tries the shared cache again. During an outage an
attacker gets at most the limit per process; failing every sign-in instead (a 500) would lock every citizen out.

Real-name sign-in (`realname_signin_record`): the identity service vouched for a person (accounts/realname.py);
the account is the applicant account of that identity number — one for the person, one for each enterprise the
person acts for — created on the first sign-in and brought up to date from the claims on every one. An enterprise's
legal representative is let in on the service's word; anyone else acting for an enterprise only while the
representative's naming record (`EnterpriseStaff`, 经办人) is active. Removing the record switches the staff
member's enterprise account off at once (their sessions end at the next request).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import User
from django.core.cache import BaseCache, cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from redis.exceptions import RedisError

from yijianshi.core.actor import Actor
from yijianshi.core.errors import DomainError, NotFound
from yijianshi.core.identifiers import resident_id
from yijianshi.core.outage import Quiet

from .models import ApiToken, EnterpriseRole, EnterpriseStaff, PartyType, Profile, Role, token_digest
from .realname import RealNameClaims, SignInRefused

MAX_FAILURES = int(getattr(settings, "SIGNIN_MAX_FAILURES", 5))
MAX_FAILURES_PER_IP = int(getattr(settings, "SIGNIN_MAX_FAILURES_PER_IP", 20))
WINDOW_SECONDS = int(getattr(settings, "SIGNIN_WINDOW_SECONDS", 15 * 60))


T = TypeVar("T")

_shared = Quiet("the shared cache (sign-in counters)")
_counters_local = LocMemCache(
    "yijianshi-signin-local", {}
)  # this process's counters while the shared one is down


class TooManyAttempts(DomainError):
    status = 429


class NotPermitted(DomainError):
    status = 403


def with_counters(fn: Callable[[BaseCache], T]) -> T:
    """`fn` on the shared cache; when that fails or failed a moment ago, on this process's own counters."""
    if not _shared.down():
        try:
            return fn(cache)
        except (RedisError, OSError):
            _shared.failed("unreachable; sign-in failures are counted per process meanwhile")
    return fn(_counters_local)


@dataclass(frozen=True)
class SigninKeys:
    username: str
    ip: str


def _key(kind: str, value: str) -> str:
    return f"signin-fail:{kind}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]}"


def client_ip(request: HttpRequest) -> str:
    """The peer address. Forwarded headers are not trusted: a proxy in front must set REMOTE_ADDR."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def signin_keys(*, username: str, ip: str) -> SigninKeys:
    return SigninKeys(username=_key("user", username), ip=_key("ip", ip))


def signin_attempt_check(*, username: str, ip: str) -> None:
    """Raise TooManyAttempts (429) when the account or the address has used up its failures."""
    keys = signin_keys(username=username, ip=ip)
    counts = with_counters(lambda counters: counters.get_many([keys.username, keys.ip]))
    if counts.get(keys.username, 0) >= MAX_FAILURES or counts.get(keys.ip, 0) >= MAX_FAILURES_PER_IP:
        minutes = WINDOW_SECONDS // 60
        raise TooManyAttempts(
            "too_many_signin_attempts",
            f"登录失败次数过多，请 {minutes} 分钟后再试",
            f"Too many failed sign-in attempts; try again in {minutes} minutes",
            field="username",
        )


def signin_attempt_record(*, username: str, ip: str, succeeded: bool) -> None:
    """Count a failure against the account and the address (the window starts at the first failure); a
    success clears the account's count."""
    keys = signin_keys(username=username, ip=ip)

    def record(counters: BaseCache) -> None:
        if succeeded:
            counters.delete(keys.username)
            return
        for key in (keys.username, keys.ip):
            if not counters.add(key, 1, WINDOW_SECONDS):
                try:
                    counters.incr(key)
                except ValueError:  # expired between add and incr
                    counters.add(key, 1, WINDOW_SECONDS)

    with_counters(record)


# --- API tokens ---------------------------------------------------------------------------------------------

TOKENS_PER_USER = (
    10  # a user's newest tokens (one per device or script); signing in again past that drops the oldest
)


def api_token_issue(*, user: AbstractBaseUser) -> str:
    """A new API token for `user`, returned once: only its digest is stored (models.ApiToken). The user's expired
    tokens are deleted, and their oldest past `TOKENS_PER_USER`. Each sign-in gives a new token; the earlier
    ones stay good until they expire."""
    raw = secrets.token_hex(20)
    expired = timezone.now() - timedelta(seconds=float(settings.YIJIANSHI_TOKEN_SECONDS))
    with transaction.atomic():
        ApiToken.objects.filter(user_id=user.pk, created__lte=expired).delete()
        ApiToken.objects.create(user_id=user.pk, digest=token_digest(raw), prefix=raw[:8])
        kept = (
            ApiToken.objects.filter(user_id=user.pk).order_by("-created", "-pk").values_list("pk", flat=True)
        )
        ApiToken.objects.filter(user_id=user.pk).exclude(pk__in=list(kept[:TOKENS_PER_USER])).delete()
    return raw


# ------------------------------------------------------------------------------------------------ real-name sign-in


@transaction.atomic
def realname_signin_record(*, claims: RealNameClaims) -> User:
    """The account of whom the identity service vouched for, acting as the claims say (a person, or for an
    enterprise); created on the first sign-in, its name, assurance level and sign-in time updated on every one.
    Refused (403) for a staff member of an enterprise the legal representative has not named, for an account
    switched off, and when two accounts would match."""
    enterprise = claims.enterprise
    if enterprise is None:
        party = {"party_type": PartyType.PERSON, "enterprise_uscc": ""}
        enterprise_role = ""
    else:
        party = {"party_type": PartyType.ENTERPRISE, "enterprise_uscc": enterprise.uscc}
        enterprise_role = (
            EnterpriseRole.LEGAL_REPRESENTATIVE if enterprise.legal_representative else EnterpriseRole.STAFF
        )
        if (
            not enterprise.legal_representative
            and not EnterpriseStaff.objects.filter(
                enterprise_uscc=enterprise.uscc, id_number=claims.id_number, active=True
            ).exists()
        ):
            raise SignInRefused(
                "enterprise_staff_not_named",
                "您不是该企业的法定代表人，也未被其指定为经办人，不能代表该企业办事",
                "You are neither the enterprise's legal representative nor a staff member the representative has "
                "named; you cannot act for this enterprise",
                field="enterprise_uscc",
            )
    matches = list(
        Profile.objects.select_for_update()
        .select_related("user")
        .filter(role=Role.APPLICANT, id_number=claims.id_number, **party)[:2]
    )
    if len(matches) > 1:
        raise SignInRefused(
            "account_ambiguous",
            "该身份对应多个账户，请联系管理员",
            "More than one account has this identity; please contact the administrator",
        )
    if matches:
        profile = matches[0]
        user = profile.user
        if not user.is_active:
            raise SignInRefused("account_inactive", "该账户已停用", "This account has been switched off")
    else:
        user = User(username=f"rn-{secrets.token_hex(8)}")
        user.set_unusable_password()  # signs in through the identity service only
        user.save()
        profile = Profile(user=user, role=Role.APPLICANT, id_number=claims.id_number, **party)
    profile.name = claims.name
    profile.assurance = claims.assurance
    profile.realname_at = timezone.now()  # real time, as Django stamps last_login: not the platform's clock
    profile.enterprise_role = enterprise_role
    if enterprise is not None and enterprise.name:
        profile.enterprise_name = enterprise.name
    profile.save()
    return user


# ------------------------------------------------------------------------------------------------ enterprise staff


def _legal_representative(actor: Actor) -> Profile:
    profile = None
    if actor.user_id is not None and actor.role == Role.APPLICANT:
        profile = Profile.objects.filter(user_id=actor.user_id).first()
    if (
        profile is None
        or profile.party_type != PartyType.ENTERPRISE
        or not profile.enterprise_uscc
        or profile.enterprise_role != EnterpriseRole.LEGAL_REPRESENTATIVE
    ):
        raise NotPermitted(
            "not_legal_representative",
            "只有企业的法定代表人可以指定或撤销经办人",
            "Only the enterprise's legal representative can name or remove staff members",
        )
    return profile


def _staff_accounts(uscc: str, id_number: str) -> list[int]:
    return list(
        Profile.objects.filter(
            party_type=PartyType.ENTERPRISE,
            enterprise_uscc=uscc,
            id_number=id_number,
            enterprise_role=EnterpriseRole.STAFF,
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def enterprise_staff_name(*, actor: Actor, id_number: str, name: str) -> EnterpriseStaff:
    """The legal representative names a staff member (经办人) of their enterprise — the enterprise is the
    representative's own, never one the request names. Naming again someone removed makes them staff again."""
    representative = _legal_representative(actor)
    number = resident_id(id_number)
    name = (name or "").strip()
    if not name:
        raise DomainError("required", "请输入经办人姓名", "Enter the staff member's name", field="name")
    if len(name) > 50:
        raise DomainError("too_long", "姓名最多 50 个字", "The name is at most 50 characters", field="name")
    if number == representative.id_number:
        raise DomainError(
            "already_representative",
            "法定代表人无需指定为经办人",
            "The legal representative needs no naming",
            field="id_number",
        )
    now = timezone.now()
    record, created = EnterpriseStaff.objects.select_for_update().get_or_create(
        enterprise_uscc=representative.enterprise_uscc,
        id_number=number,
        defaults={"name": name, "named_by_id": representative.user_id, "named_at": now},
    )
    if not created:
        record.name, record.named_by_id, record.named_at, record.active = (
            name,
            representative.user_id,
            now,
            True,
        )
        record.removed_by, record.removed_at = None, None
        record.save()
    User.objects.filter(pk__in=_staff_accounts(record.enterprise_uscc, number)).update(is_active=True)
    return record


@transaction.atomic
def enterprise_staff_remove(*, actor: Actor, staff_id: int) -> EnterpriseStaff:
    """The legal representative removes a staff member they named: the staff member's account for the enterprise
    is switched off at once."""
    representative = _legal_representative(actor)
    record = (
        EnterpriseStaff.objects.select_for_update()
        .filter(pk=staff_id, enterprise_uscc=representative.enterprise_uscc, active=True)
        .first()
    )
    if record is None:
        raise NotFound("not_found", "没有这位经办人", "No such staff member", field="staff")
    record.active, record.removed_by_id, record.removed_at = False, representative.user_id, timezone.now()
    record.save()
    User.objects.filter(pk__in=_staff_accounts(record.enterprise_uscc, record.id_number)).update(
        is_active=False
    )
    return record
