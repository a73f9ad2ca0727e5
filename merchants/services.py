"""Merchants, their dashboard logins and their API keys."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import clock
from core.actor import Actor
from core.context import request_id_var
from core.exceptions import InvalidParameter, InvalidState
from core.ids import random_token
from core.models import StatusChange
from merchants.models import (
    INVITATION_VALID_DAYS,
    UPCOMING_INVOICE_DAYS_MAX,
    ApiKey,
    Invitation,
    Membership,
    Merchant,
    api_key_permissions_problem,
    dunning_retry_days_problem,
    hash_api_key,
    time_zone_names,
)
from merchants.selectors import (
    api_key_get_locked,
    invitation_get_locked,
    merchant_get_locked,
    user_get_by_email,
)


@dataclass(frozen=True)
class IssuedKey:
    """A key as issued: the only moment its secret token exists outside the client."""

    key: ApiKey
    token: str


@dataclass(frozen=True)
class CreatedMerchant:
    merchant: Merchant
    keys: dict[str, str]  # "test_secret_key" -> "sk_test_…", and so on


def _issue_key(*, merchant: Merchant, livemode: bool, kind: str, name: str = "",
               permissions: dict[str, str] | None = None) -> IssuedKey:
    key = ApiKey(merchant=merchant, livemode=livemode, kind=kind, name=name,
                 permissions=permissions or {})
    token = key.prefix + random_token(48)
    key.key_hash = hash_api_key(token)
    key.redacted = f"{key.prefix}…{token[-4:]}"
    if kind == ApiKey.Kind.PUBLISHABLE:
        key.publishable_token = token
    key.save()
    return IssuedKey(key=key, token=token)


def merchant_create(*, name: str, email: str, password: str,
                    confirmed: bool = True) -> CreatedMerchant:
    """Creates a merchant, its owner login and a secret and publishable key per mode.

    The secret tokens are returned once and stored only as hashes. Unless `confirmed`, the
    owner cannot log in until `email_confirm` takes the link sent to the address (sign-up).
    A login of that email already existing is refused (InvalidParameter on `email`).
    """
    email = email.strip().lower()
    try:
        with transaction.atomic(durable=True):
            merchant = Merchant.objects.create(name=name, email=email)
            # The login's unique username refuses a second sign-up of the email, races too.
            user = get_user_model().objects.create_user(username=email, email=email,
                                                        password=password,
                                                        is_active=confirmed)
            Membership.objects.create(user=user, merchant=merchant,
                                      role=Membership.Role.OWNER)
            keys = {}
            for livemode, mode in ((False, "test"), (True, "live")):
                for kind in (ApiKey.Kind.SECRET, ApiKey.Kind.PUBLISHABLE):
                    issued = _issue_key(merchant=merchant, livemode=livemode, kind=kind)
                    keys[f"{mode}_{kind}_key"] = issued.token
    except IntegrityError as error:
        if user_get_by_email(email=email) is None:
            raise
        raise InvalidParameter("A login with this email already exists: log in, or reset "
                               "its password.", param="email") from error
    return CreatedMerchant(merchant=merchant, keys=keys)


API_KEY_NAME_MAX = 100


def api_key_create(*, merchant: Merchant, livemode: bool, kind: str, name: str,
                   permissions: dict[str, str] | None = None) -> IssuedKey:
    """Issues a named secret key, or a restricted key with `permissions`
    ({resource: "none" | "read" | "write"}, "none" left out as the default). The token is
    returned once; bad input changes nothing (InvalidParameter naming the field)."""
    name = name.strip()
    if not name:
        raise InvalidParameter("Give the key a name.", param="name")
    if len(name) > API_KEY_NAME_MAX:
        raise InvalidParameter(f"A key's name has at most {API_KEY_NAME_MAX} characters.",
                               param="name")
    if kind == ApiKey.Kind.SECRET:
        permissions = {}
    elif kind == ApiKey.Kind.RESTRICTED:
        permissions = dict(permissions or {})
        if problem := api_key_permissions_problem(permissions):
            raise InvalidParameter(problem, param="permissions")
        permissions = {r: level for r, level in sorted(permissions.items()) if level != "none"}
    else:
        raise InvalidParameter("Only secret and restricted keys can be created.",
                               param="kind")
    with transaction.atomic(durable=True):
        return _issue_key(merchant=merchant, livemode=livemode, kind=kind, name=name,
                          permissions=permissions)


def api_key_roll(*, key_id: str, merchant: Merchant,
                 expires_at: datetime | None = None) -> IssuedKey:
    """Issues a replacement for a key; the old one keeps working until `expires_at`.

    Defaults to TILL_KEY_ROLL_GRACE_HOURS from now; `expires_at` of now ends it at once.
    """
    # The wall clock, not core's: authentication checks a key's expiry against real time.
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(hours=settings.TILL_KEY_ROLL_GRACE_HOURS)
    with transaction.atomic(durable=True):
        old = api_key_get_locked(key_id=key_id, merchant=merchant)
        if not old.is_active(now):
            raise ValueError("Only an active key can be rolled.")
        issued = _issue_key(merchant=merchant, livemode=old.livemode, kind=old.kind,
                            name=old.name, permissions=old.permissions)
        old.expires_at = max(expires_at, now)
        old.rolled_into = issued.key
        old.save(update_fields=["expires_at", "rolled_into"])
    return issued


def api_key_revoke(*, key_id: str, merchant: Merchant) -> ApiKey:
    """Revokes a key at once. Idempotent: revoking twice keeps the first time."""
    with transaction.atomic(durable=True):
        key = api_key_get_locked(key_id=key_id, merchant=merchant)
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            key.save(update_fields=["revoked_at"])
    return key


def merchant_dunning_set(*, merchant: Merchant, retry_days: list[int],
                         subscription_action: str, invoice_action: str) -> Merchant:
    """Sets how a failed renewal is retried: the days after its first failure on which it
    is retried (increasing, at most 4, each from 1 to 60: Stripe's custom schedule), and
    what the subscription and its invoice become when the last retry fails. Under the
    merchant's lock; invoices already in dunning follow the new schedule from their next
    attempt. Bad input changes nothing (InvalidParameter naming the field)."""
    problem = dunning_retry_days_problem(retry_days)
    if problem is not None:
        raise InvalidParameter(problem, param="retry_days")
    if subscription_action not in Merchant.DunningSubscriptionAction.values:
        raise InvalidParameter(
            f"Invalid subscription_action: must be one of "
            f"{', '.join(Merchant.DunningSubscriptionAction.values)}.",
            param="subscription_action")
    if invoice_action not in Merchant.DunningInvoiceAction.values:
        raise InvalidParameter(
            f"Invalid invoice_action: must be one of "
            f"{', '.join(Merchant.DunningInvoiceAction.values)}.", param="invoice_action")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.dunning_retry_days = list(retry_days)
        locked.dunning_subscription_action = subscription_action
        locked.dunning_invoice_action = invoice_action
        locked.save(update_fields=["dunning_retry_days", "dunning_subscription_action",
                                   "dunning_invoice_action"])
    merchant.dunning_retry_days = locked.dunning_retry_days
    merchant.dunning_subscription_action = subscription_action
    merchant.dunning_invoice_action = invoice_action
    return merchant


def merchant_upcoming_invoice_days_set(*, merchant: Merchant, days: int) -> Merchant:
    """Sets how many days before a renewal `invoice.upcoming` is sent (0: never), under the
    merchant's lock; subscriptions follow it from their next period. Out of range (0 to 45)
    is refused, changing nothing."""
    if not 0 <= days <= UPCOMING_INVOICE_DAYS_MAX:
        raise InvalidParameter(f"upcoming_invoice_days must be between 0 and "
                               f"{UPCOMING_INVOICE_DAYS_MAX}.", param="upcoming_invoice_days")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.upcoming_invoice_days = days
        locked.save(update_fields=["upcoming_invoice_days"])
    merchant.upcoming_invoice_days = days
    return merchant


BRAND_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def merchant_brand_color_set(*, merchant: Merchant, color: str) -> Merchant:
    """Sets the colour of the merchant's hosted invoice and receipt pages and invoice PDFs
    (`#rrggbb`, stored lowercase), under the merchant's lock; anything else is refused,
    changing nothing."""
    if not BRAND_COLOR.match(color or ""):
        raise InvalidParameter("brand_color must be a colour as #rrggbb.", param="brand_color")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.brand_color = color.lower()
        locked.save(update_fields=["brand_color"])
    merchant.brand_color = color.lower()
    return merchant


def merchant_profile_set(*, merchant: Merchant, name: str, support_email: str,
                         time_zone: str) -> Merchant:
    """Sets the business's name (its hosted pages, receipts and invoices show it), the
    support email customers are told to write to (blank: the merchant's own email) and the
    time zone of its dashboard, under the merchant's lock; a refused value changes
    nothing."""
    name = (name or "").strip()
    if not name:
        raise InvalidParameter("Enter the business's name.", param="name")
    if len(name) > Merchant._meta.get_field("name").max_length:
        raise InvalidParameter("A business name is at most 200 characters.", param="name")
    support_email = (support_email or "").strip()
    if support_email:
        try:
            validate_email(support_email)
        except ValidationError as exc:
            raise InvalidParameter("Enter a valid support email address.",
                                   param="support_email") from exc
    if time_zone not in time_zone_names():
        raise InvalidParameter(f"Unknown time zone: {time_zone!r}. Use an IANA name such as "
                               "Europe/Paris.", param="time_zone")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.name, locked.support_email, locked.time_zone = name, support_email, time_zone
        locked.save(update_fields=["name", "support_email", "time_zone"])
    merchant.name, merchant.support_email, merchant.time_zone = name, support_email, time_zone
    return merchant


# Sign-up's confirmation link and the team's invitations: signed (SECRET_KEY) tokens of an
# id, each with its own salt so one kind can never be passed off as the other.
EMAIL_CONFIRM_SALT = "merchants.email_confirm"
EMAIL_CONFIRM_VALID_DAYS = 3
INVITATION_SALT = "merchants.invitation"
ROLES = frozenset(Membership.Role.values)


def email_confirmation_token(*, user) -> str:
    """The token of the link that confirms a signed-up owner's email (valid 3 days)."""
    return signing.dumps(user.pk, salt=EMAIL_CONFIRM_SALT)


def email_confirm(*, token: str):
    """Confirms a signed-up owner's email: their login becomes active and can log in. Taking
    the same link again changes nothing; a forged or expired one is refused (InvalidState)."""
    try:
        pk = signing.loads(token, salt=EMAIL_CONFIRM_SALT,
                           max_age=timedelta(days=EMAIL_CONFIRM_VALID_DAYS))
    except signing.BadSignature as error:
        raise InvalidState("This confirmation link is invalid or has expired.") from error
    user = get_user_model().objects.filter(pk=pk).first()
    if user is None:
        raise InvalidState("This confirmation link is for an account that no longer exists.")
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def _team_record(*, merchant: Merchant, object_id: str, source: str, target: str,
                 actor: Actor) -> None:
    """The team change in the audit trail (a StatusChange: the role before and after)."""
    StatusChange.objects.create(merchant_id=merchant.pk, livemode=False, object_id=object_id,
                                source=source, target=target, actor=actor.id,
                                request_id=request_id_var.get())


def _role_check(role: str, *, by_owner: bool, param: str = "role") -> None:
    if role not in ROLES:
        raise InvalidParameter(f"Invalid role: must be one of {', '.join(sorted(ROLES))}.",
                               param=param)
    if role == Membership.Role.OWNER and not by_owner:
        raise InvalidParameter("Only an owner can make someone an owner.", param=param)


def invitation_create(*, merchant: Merchant, email: str, role: str, by_owner: bool,
                      actor: Actor) -> tuple[Invitation, str]:
    """Invites `email` to the team with `role` (only an owner may invite an owner); returns
    the invitation and the token of its link, valid INVITATION_VALID_DAYS and once. Someone
    already on the team is refused (InvalidParameter on `email`)."""
    email = email.strip().lower()
    _role_check(role, by_owner=by_owner)
    now = clock.now()
    with transaction.atomic(durable=True):
        if Membership.objects.filter(merchant=merchant, user__username=email).exists():
            raise InvalidParameter(f"{email} is already on the team.", param="email")
        invitation = Invitation.objects.create(
            merchant=merchant, email=email, role=role, invited_by_id=actor.user_pk,
            created=now, expires_at=now + timedelta(days=INVITATION_VALID_DAYS))
        _team_record(merchant=merchant, object_id=invitation.pk, source="", target="invited",
                     actor=actor)
    return invitation, signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_from_token(*, token: str) -> Invitation:
    """The open invitation a link's token names; forged, expired or used: InvalidState."""
    try:
        pk = signing.loads(token, salt=INVITATION_SALT,
                           max_age=timedelta(days=INVITATION_VALID_DAYS))
    except signing.BadSignature as error:
        raise InvalidState("This invitation link is invalid or has expired.") from error
    invitation = Invitation.objects.select_related("merchant").filter(pk=pk).first()
    if invitation is None or not invitation.is_open(clock.now()):
        raise InvalidState("This invitation has already been accepted or has expired.")
    return invitation


def invitation_accept(*, token: str, password: str | None = None, user=None) -> Membership:
    """Accepts an invitation once, under its row lock: the invited email's login (created
    with `password` if none exists; if one does, `user` must be it, logged in) joins the
    team with the invited role. A second acceptance is refused (InvalidState)."""
    invitation = invitation_from_token(token=token)
    with transaction.atomic(durable=True):
        invitation = invitation_get_locked(id=invitation.pk)
        if not invitation.is_open(clock.now()):
            raise InvalidState("This invitation has already been accepted or has expired.")
        existing = user_get_by_email(email=invitation.email)
        if existing is None:
            if not password:
                raise InvalidParameter("Choose a password.", param="password")
            existing = get_user_model().objects.create_user(
                username=invitation.email, email=invitation.email, password=password)
        elif user is None or user.pk != existing.pk:
            raise InvalidState(f"Log in as {invitation.email} to accept this invitation.")
        try:
            with transaction.atomic():
                membership = Membership.objects.create(user=existing,
                                                       merchant=invitation.merchant,
                                                       role=invitation.role)
        except IntegrityError as error:
            raise InvalidState(f"{invitation.email} is already on the team.") from error
        invitation.accepted_at = clock.now()
        invitation.save(update_fields=["accepted_at"])
        _team_record(merchant=invitation.merchant, object_id=invitation.pk, source="invited",
                     target=invitation.role, actor=Actor.user(existing.pk))
    return membership


def _member_locked(*, merchant: Merchant, member_id: int) -> Membership:
    """The member, with the merchant locked first: team changes of one merchant run one at
    a time, so two demotions cannot both see another owner left."""
    merchant_get_locked(id=merchant.pk)
    membership = (Membership.objects.select_for_update(of=("self",)).select_related("user")
                  .filter(merchant=merchant, pk=member_id).first())
    if membership is None:
        raise InvalidParameter("No such member of this team.", param="member")
    return membership


def _last_owner(membership: Membership) -> bool:
    return (membership.role == Membership.Role.OWNER and not Membership.objects.filter(
        merchant_id=membership.merchant_id, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk).exists())


def team_member_role_set(*, merchant: Merchant, member_id: int, role: str, by_owner: bool,
                         actor: Actor) -> Membership:
    """Changes a member's role, recorded in the audit trail. Only an owner makes or unmakes
    an owner, and the last owner stays one (InvalidParameter on `role`)."""
    _role_check(role, by_owner=by_owner)
    with transaction.atomic(durable=True):
        membership = _member_locked(merchant=merchant, member_id=member_id)
        before = membership.role
        if before == Membership.Role.OWNER and not by_owner:
            raise InvalidParameter("Only an owner can change an owner's role.", param="role")
        if role != Membership.Role.OWNER and _last_owner(membership):
            raise InvalidParameter("The team's last owner stays an owner: make someone else "
                                   "an owner first.", param="role")
        if before != role:
            membership.role = role
            membership.save(update_fields=["role"])
            _team_record(merchant=merchant, object_id=f"user:{membership.user_id}",
                         source=before, target=role, actor=actor)
    return membership


def team_member_remove(*, merchant: Merchant, member_id: int, by_owner: bool,
                       actor: Actor) -> None:
    """Removes a member from the team (their login stays, for other teams), recorded in the
    audit trail. Only an owner removes an owner; the last owner is never removed."""
    with transaction.atomic(durable=True):
        membership = _member_locked(merchant=merchant, member_id=member_id)
        if membership.role == Membership.Role.OWNER and not by_owner:
            raise InvalidParameter("Only an owner can remove an owner.", param="member")
        if _last_owner(membership):
            raise InvalidParameter("The team's last owner cannot be removed.", param="member")
        membership.delete()
        _team_record(merchant=merchant, object_id=f"user:{membership.user_id}",
                     source=membership.role, target="removed", actor=actor)
