"""Customer portal configurations (Stripe's `billing_portal.configuration`): create, update,
and the default one a merchant's first portal session makes.

`features` is stored in Stripe's wire shape. A create starts from every feature disabled
(Stripe's defaults for an API-made configuration) and applies what is given; an update
applies what is given to what is stored, each feature's fields one by one. Either way the
result is checked as a whole: an enabled `subscription_update` needs the prices it may switch
to and what it may change, each price a recurring price of its product.
"""

from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from billing import selectors as billing_selectors
from billing.services.subscription_changes import PRORATION_BEHAVIORS
from checkout import selectors
from checkout.models import PortalConfiguration
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from webhooks.services import EventSpec, events_record, previous_attributes

CANCEL_MODES = ("at_period_end", "immediately")
CANCEL_PRORATIONS = ("create_prorations", "none")
UPDATE_PRORATIONS = PRORATION_BEHAVIORS
ALLOWED_UPDATES = ("price", "quantity", "promotion_code")
CUSTOMER_UPDATES = ("address", "email", "name", "phone", "shipping", "tax_id")
MAX_PRODUCTS = 10

FEATURES_DISABLED: dict[str, dict[str, Any]] = {
    "customer_update": {"allowed_updates": [], "enabled": False},
    "invoice_history": {"enabled": False},
    "payment_method_update": {"enabled": False},
    "subscription_cancel": {"cancellation_reason": {"enabled": False, "options": []},
                            "enabled": False, "mode": "at_period_end",
                            "proration_behavior": "none"},
    "subscription_update": {"default_allowed_updates": [], "enabled": False, "products": [],
                            "proration_behavior": "none",
                            "schedule_at_period_end": {"conditions": []}},
}
# What a merchant's default configuration offers (made on its first portal session): the
# card, the invoices, and canceling at the period's end. Switching plans needs the prices a
# merchant chooses, so it stays off until a configuration lists them.
FEATURES_OF_DEFAULT: dict[str, dict[str, Any]] = {
    "invoice_history": {"enabled": True},
    "payment_method_update": {"enabled": True},
    "subscription_cancel": {"enabled": True, "mode": "at_period_end",
                            "proration_behavior": "none"},
}


@dataclass(frozen=True)
class BusinessProfile:
    headline: Maybe[str | None] = NOT_GIVEN
    privacy_policy_url: Maybe[str | None] = NOT_GIVEN
    terms_of_service_url: Maybe[str | None] = NOT_GIVEN


@dataclass(frozen=True)
class FeaturesUpdate:
    """The fields given of each feature, by Stripe's names (`subscription_update`:
    `{"enabled": True, "products": [{"product": ..., "prices": [...]}]}`); a feature not
    given keeps what it has."""

    changes: dict[str, dict[str, Any]] = field(default_factory=dict)


def _business_profile_apply(stored: dict[str, Any], given: BusinessProfile | None
                            ) -> dict[str, Any]:
    profile = {"headline": None, "privacy_policy_url": None, "terms_of_service_url": None,
               **stored}
    if given is not None:
        for name in profile:
            value = getattr(given, name)
            if value is not NOT_GIVEN:
                profile[name] = value or None
    return profile


def _features_apply(stored: dict[str, dict[str, Any]], given: FeaturesUpdate | None, *,
                    merchant: Merchant, livemode: bool) -> dict[str, dict[str, Any]]:
    features = deepcopy(FEATURES_DISABLED)
    for name, values in stored.items():
        features[name].update(deepcopy(values))
    for name, values in (given.changes if given else {}).items():
        if name not in features:
            raise InvalidParameter(f"Received unknown parameter: features[{name}]",
                                   param=f"features[{name}]")
        features[name].update(deepcopy(values))
    _cancel_check(features["subscription_cancel"])
    _customer_update_check(features["customer_update"])
    features["subscription_update"] = _update_check(
        features["subscription_update"], merchant=merchant, livemode=livemode)
    return features


def _cancel_check(cancel: dict[str, Any]) -> None:
    if cancel["mode"] not in CANCEL_MODES:
        raise InvalidParameter(f"Invalid features[subscription_cancel][mode]: must be one of "
                               f"{', '.join(CANCEL_MODES)}",
                               param="features[subscription_cancel][mode]")
    if cancel["proration_behavior"] not in CANCEL_PRORATIONS:
        raise InvalidParameter(
            "Invalid features[subscription_cancel][proration_behavior]: must be one of "
            f"{', '.join(CANCEL_PRORATIONS)}",
            param="features[subscription_cancel][proration_behavior]")
    if cancel["proration_behavior"] != "none" and cancel["mode"] != "immediately":
        raise InvalidParameter(
            "features[subscription_cancel][proration_behavior] can only be set when "
            "features[subscription_cancel][mode] is `immediately`.",
            param="features[subscription_cancel][proration_behavior]")


def _customer_update_check(update: dict[str, Any]) -> None:
    for value in update["allowed_updates"]:
        if value not in CUSTOMER_UPDATES:
            raise InvalidParameter(
                f"Invalid features[customer_update][allowed_updates]: '{value}'",
                param="features[customer_update][allowed_updates]")


def _update_check(update: dict[str, Any], *, merchant: Merchant, livemode: bool
                  ) -> dict[str, Any]:
    prefix = "features[subscription_update]"
    if update["proration_behavior"] not in UPDATE_PRORATIONS:
        raise InvalidParameter(f"Invalid {prefix}[proration_behavior]: must be one of "
                               f"{', '.join(UPDATE_PRORATIONS)}",
                               param=f"{prefix}[proration_behavior]")
    for value in update["default_allowed_updates"]:
        if value not in ALLOWED_UPDATES:
            raise InvalidParameter(f"Invalid {prefix}[default_allowed_updates]: '{value}'",
                                   param=f"{prefix}[default_allowed_updates]")
    if len(update["products"]) > MAX_PRODUCTS:
        raise InvalidParameter(f"{prefix}[products] can have at most {MAX_PRODUCTS} products.",
                               param=f"{prefix}[products]")
    products = []
    currencies = set()
    for index, entry in enumerate(update["products"]):
        param = f"{prefix}[products][{index}]"
        if not entry.get("prices"):
            raise InvalidParameter(f"Missing required param: {param}[prices].",
                                   code="parameter_missing", param=f"{param}[prices]")
        for position, price_id in enumerate(entry["prices"]):
            price = billing_selectors.price_get(id=price_id, merchant=merchant,
                                                livemode=livemode,
                                                param=f"{param}[prices][{position}]")
            if price.product_id != entry["product"]:
                raise InvalidParameter(
                    f"The price {price_id} does not belong to the product "
                    f"{entry['product']}.", param=f"{param}[prices][{position}]")
            if not price.recurring_interval:
                raise InvalidParameter(
                    f"The price {price_id} is not a recurring price: a subscription can only "
                    "switch to recurring prices.", param=f"{param}[prices][{position}]")
            currencies.add(price.currency)
        products.append({"prices": list(dict.fromkeys(entry["prices"])),
                         "product": entry["product"]})
    if update["enabled"]:
        if not products:
            raise InvalidParameter(
                f"Missing required param: {prefix}[products]: an enabled subscription update "
                "needs the prices customers may switch to.", code="parameter_missing",
                param=f"{prefix}[products]")
        if not update["default_allowed_updates"]:
            raise InvalidParameter(
                f"Missing required param: {prefix}[default_allowed_updates]: an enabled "
                "subscription update needs what customers may change.",
                code="parameter_missing", param=f"{prefix}[default_allowed_updates]")
    return {**update, "products": products,
            "default_allowed_updates": list(dict.fromkeys(update["default_allowed_updates"]))}


def portal_configuration_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, features: FeaturesUpdate,
        business_profile: BusinessProfile | None = None, default_return_url: str | None = None,
        metadata: MetadataUpdate | None = None) -> PortalConfiguration:
    """An active, non-default configuration (`billing_portal.configuration.created`)."""
    now = clock.now()
    configuration = PortalConfiguration(
        merchant=merchant, livemode=livemode, created=now, updated=now,
        business_profile=_business_profile_apply({}, business_profile),
        default_return_url=default_return_url or None,
        features=_features_apply({}, features, merchant=merchant, livemode=livemode),
        metadata=metadata_apply({}, metadata))
    with transaction.atomic(durable=True):
        configuration.save()
        events_record(EventSpec("billing_portal.configuration.created", configuration,
                                payload=render(configuration)))
    return configuration


def portal_configuration_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        active: Maybe[bool] = NOT_GIVEN, business_profile: BusinessProfile | None = None,
        default_return_url: Maybe[str | None] = NOT_GIVEN,
        features: FeaturesUpdate | None = None,
        metadata: MetadataUpdate | None = None) -> PortalConfiguration:
    """Updates a configuration under its row lock (`billing_portal.configuration.updated`
    with the old values, only when something changed). An inactive configuration opens no
    new portal session; the default configuration cannot be deactivated, as Stripe refuses."""
    with transaction.atomic(durable=True):
        configuration = selectors.portal_configuration_get_locked(
            id=id, merchant=merchant, livemode=livemode)
        before = render(configuration)
        if active is not NOT_GIVEN:
            if not active and configuration.is_default:
                raise InvalidParameter("The default configuration cannot be deactivated.",
                                       param="active")
            configuration.active = active
        configuration.business_profile = _business_profile_apply(
            configuration.business_profile, business_profile)
        if default_return_url is not NOT_GIVEN:
            configuration.default_return_url = default_return_url or None
        configuration.features = _features_apply(configuration.features, features,
                                                 merchant=merchant, livemode=livemode)
        configuration.metadata = metadata_apply(configuration.metadata, metadata)
        after = render(configuration)
        changed = previous_attributes(before, after)
        if changed:
            configuration.updated = clock.now()
            configuration.save()
            after = render(configuration)
            events_record(EventSpec("billing_portal.configuration.updated", configuration,
                                    payload=after, previous_attributes=changed))
    return configuration


def portal_configuration_default(*, merchant: Merchant, livemode: bool) -> PortalConfiguration:
    """The merchant's default configuration, made on first use (card, invoices and canceling
    at the period's end; `billing_portal.configuration.created`). Two first uses at once
    make one: the database keeps one default per merchant and mode."""
    existing = selectors.portal_configuration_default(merchant=merchant, livemode=livemode)
    if existing is not None:
        return existing
    now = clock.now()
    configuration = PortalConfiguration(
        merchant=merchant, livemode=livemode, created=now, updated=now, is_default=True,
        business_profile=_business_profile_apply({}, None),
        features=_features_apply(
            {}, FeaturesUpdate(deepcopy(FEATURES_OF_DEFAULT)), merchant=merchant,
            livemode=livemode))
    try:
        with transaction.atomic(durable=True):
            configuration.save()
            events_record(EventSpec("billing_portal.configuration.created", configuration,
                                    payload=render(configuration)))
    except IntegrityError:
        existing = selectors.portal_configuration_default(merchant=merchant,
                                                          livemode=livemode)
        if existing is None:
            raise
        return existing
    return configuration
