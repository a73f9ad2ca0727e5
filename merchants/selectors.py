from collections.abc import Iterable
from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import Case, OuterRef, Q, QuerySet, Subquery, Value, When
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.db import fetch_as, reader, table
from core.models import StatusChange
from merchants.models import ApiKey, Invitation, Membership, Merchant, MerchantLogo, hash_api_key


def api_key_get_by_token(*, token: str) -> ApiKey | None:
    """The key row for a presented token (active or not), with its merchant; one query,
    written by hand: every API request makes it (see core.db)."""
    rows = fetch_as(_api_key_sql(), [hash_api_key(token)], reader(ApiKey), reader(Merchant))
    if not rows:
        return None
    [(key, merchant)] = rows
    ApiKey._meta.get_field("merchant").set_cached_value(key, merchant)
    return key


@cache
def _api_key_sql() -> str:
    # Identifiers from the models' metadata; the only value is a parameter.
    return (f"SELECT {reader(ApiKey).columns('k')}, {reader(Merchant).columns('m')} "  # noqa: S608
            f"FROM {table(ApiKey)} k JOIN {table(Merchant)} m "
            "ON m.id = k.merchant_id WHERE k.key_hash = %s")


def api_key_list(*, merchant: Merchant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(merchant=merchant).order_by("livemode", "kind", "-created")


def api_key_get_locked(*, key_id: str, merchant: Merchant) -> ApiKey:
    return ApiKey.objects.select_for_update().get(id=key_id, merchant=merchant)


def merchant_ids() -> list[str]:
    """Every merchant's id: the rollups name them all, so that a range of time over every
    merchant walks each merchant's index (core.rollups)."""
    return list(Merchant.objects.values_list("id", flat=True))


def merchant_get_locked(*, id: str) -> Merchant:  # noqa: A002
    return Merchant.objects.select_for_update(of=("self",)).get(pk=id)


def invitation_get_locked(*, id: str) -> Invitation:  # noqa: A002
    return (Invitation.objects.select_for_update(of=("self",)).select_related("merchant")
            .get(pk=id))


def team_member_list(*, merchant: Merchant) -> QuerySet[Membership]:
    """The team, owners first, then by when each joined (one query, with the logins)."""
    order = Case(*(When(role=role, then=Value(rank)) for rank, role in
                   enumerate(Membership.Role.values)), default=Value(99))
    return (Membership.objects.filter(merchant=merchant).select_related("user")
            .order_by(order, "created", "pk"))


def team_change_list(*, merchant: Merchant, limit: int = 20) -> list[StatusChange]:
    """The team's recent changes, newest first: invitations (`inv_…`: invited, accepted as a
    role) and members (`user:<id>`: role from → to, removed), as merchants.services records
    them."""
    return list(StatusChange.objects.filter(merchant_id=merchant.pk, livemode=False)
                .filter(Q(object_id__startswith="inv_") | Q(object_id__startswith="user:"))
                .order_by("-at", "-pk")[:limit])


def invitation_list_open(*, merchant: Merchant, now) -> QuerySet[Invitation]:
    """Invitations not yet accepted nor expired, newest first."""
    return (Invitation.objects.filter(merchant=merchant, accepted_at__isnull=True,
                                      expires_at__gt=now).order_by("-created", "-pk"))


def membership_for_user(*, user) -> Membership | None:
    return (Membership.objects.select_related("merchant").filter(user=user)
            .order_by("created").first())


def user_get_by_email(*, email: str):
    return get_user_model().objects.filter(username=email.lower()).first()


def merchant_logo_png(*, digest: str) -> bytes | None:
    """The logo image whose digest a hosted page names, or None."""
    logo = MerchantLogo.objects.filter(digest=digest).only("png").first()
    return bytes(logo.png) if logo is not None else None


def user_awaiting_confirmation(*, email: str):
    """The login signed up with `email` whose address is not confirmed yet (inactive, never
    logged in), or None: a login an operator deactivated is not one."""
    return get_user_model().objects.filter(username=email.lower(), is_active=False,
                                           last_login__isnull=True).first()


def api_key_roll_chain_ids(*, key_id: str) -> set[str]:
    """The key and every key rolled from it or into it, transitively (`rolled_into`): one
    principal under successive secrets. A query per step of the chain (chains are short)."""
    chain = {key_id}
    frontier = {key_id}
    while frontier:
        linked = ApiKey.objects.filter(Q(id__in=frontier) | Q(rolled_into_id__in=frontier))
        found = {pk for pair in linked.values_list("id", "rolled_into_id") for pk in pair}
        found.discard(None)
        frontier = found - chain
        chain |= frontier
    return chain


def api_key_list_for_mode(*, merchant: Merchant, livemode: bool) -> QuerySet[ApiKey]:
    """One mode's keys, publishable before secret, newest first within each kind."""
    return (ApiKey.objects.filter(merchant=merchant, livemode=livemode)
            .order_by("kind", "-created", "-id"))


def api_key_get(*, key_id: str, merchant: Merchant) -> ApiKey | None:
    """A key of this merchant (active or not); another merchant's key is None."""
    return ApiKey.objects.filter(id=key_id, merchant=merchant).first()


def status_change_list_for_object(*, merchant: Merchant, livemode: bool,
                                  object_id: str) -> QuerySet[StatusChange]:
    """One object's transitions, oldest first: its timeline."""
    return (StatusChange.objects.filter(merchant_id=merchant.pk, livemode=livemode,
                                        object_id=object_id)
            .order_by("at", "pk"))


def status_change_list_for_objects(*, merchant: Merchant, livemode: bool,
                                   object_ids: Iterable[str]) -> QuerySet[StatusChange]:
    """Several objects' transitions (a payment's and its refunds'), oldest first: one
    timeline, in one query."""
    return (StatusChange.objects.filter(merchant_id=merchant.pk, livemode=livemode,
                                        object_id__in=list(object_ids))
            .order_by("at", "pk"))


USER_ACTOR_PREFIX = "user:"


def _user_pk(actor: str) -> int | None:
    """The user id in a `user:<id>` actor, else None."""
    rest = actor.removeprefix(USER_ACTOR_PREFIX)
    return int(rest) if rest != actor and rest.isdigit() else None


def actor_labels(*, merchant: Merchant, actors: Iterable[str]) -> dict[str, str]:
    """How the dashboard names who made a change: `API key sk_test_…abcd`, `dashboard user
    <email> (<role>)` (their role at the merchant now; none once they left it) or `Till`,
    for each StatusChange.actor given. At most two queries (keys, users with their role),
    none for actors that need neither."""
    actors = set(actors)
    key_ids = {actor for actor in actors if actor.startswith("key_")}
    user_pks = {pk for actor in actors if (pk := _user_pk(actor)) is not None}
    redacted = (dict(ApiKey.objects.filter(merchant=merchant, id__in=key_ids)
                     .values_list("id", "redacted")) if key_ids else {})
    role = Subquery(Membership.objects.filter(user=OuterRef("pk"), merchant=merchant)
                    .values("role")[:1])
    emails = ({user.pk: (user.email or user.get_username())
               + (f" ({user.merchant_role})" if user.merchant_role else "")
               for user in get_user_model().objects.filter(pk__in=user_pks)
               .annotate(merchant_role=role)}
              if user_pks else {})
    labels = {}
    for actor in actors:
        if actor in key_ids:
            labels[actor] = f"API key {redacted.get(actor, '(deleted)')}"
        elif actor.startswith(USER_ACTOR_PREFIX):
            labels[actor] = f"dashboard user {emails.get(_user_pk(actor), '(deleted)')}"
        else:
            labels[actor] = "Till"
    return labels


def totp_device_confirmed(*, user) -> TOTPDevice | None:
    """The login's confirmed two-factor device: with one, logging in asks for its code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(*, user) -> int:
    """How many of the login's two-factor recovery codes are still unused."""
    return StaticToken.objects.filter(device__user=user).count()


def totp_device_pending(*, user) -> TOTPDevice | None:
    """A device being set up: its QR code shown, no code confirmed yet."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
