from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from merchants.models import ApiKey, Membership, Merchant, hash_api_key


def api_key_get_by_token(*, token: str) -> ApiKey | None:
    """The key row for a presented token (active or not), with its merchant; one query."""
    return (ApiKey.objects.select_related("merchant")
            .filter(key_hash=hash_api_key(token)).first())


def api_key_list(*, merchant: Merchant) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(merchant=merchant).order_by("livemode", "kind", "-created")


def api_key_get_locked(*, key_id: str, merchant: Merchant) -> ApiKey:
    return ApiKey.objects.select_for_update().get(id=key_id, merchant=merchant)


def membership_for_user(*, user) -> Membership | None:
    return (Membership.objects.select_related("merchant").filter(user=user)
            .order_by("created").first())


def user_get_by_email(*, email: str):
    return get_user_model().objects.filter(username=email.lower()).first()


def api_key_list_for_mode(*, merchant: Merchant, livemode: bool) -> QuerySet[ApiKey]:
    """One mode's keys, publishable before secret, newest first within each kind."""
    return (ApiKey.objects.filter(merchant=merchant, livemode=livemode)
            .order_by("kind", "-created", "-id"))


def api_key_get(*, key_id: str, merchant: Merchant) -> ApiKey | None:
    """A key of this merchant (active or not); another merchant's key is None."""
    return ApiKey.objects.filter(id=key_id, merchant=merchant).first()
