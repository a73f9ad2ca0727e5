"""Who may do what in the dashboard: the one place that says it.

Every page runs as the logged-in user's Membership (their merchant and role) in one mode,
test or live, kept in the session: `merchant_view` resolves them into `Current`. What only
some roles may do is a `Rule` here, named once with what everyone else is told; a view
names the rule it needs (`merchant_view(requires=...)`), and a template asks `current.may_*`
before it shows the buttons.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.actor import Actor
from merchants.models import Membership, Merchant
from merchants.selectors import membership_for_user

LIVEMODE_SESSION_KEY = "dashboard_livemode"

# Owners and admins may do everything; developers also manage API keys and webhooks (never
# money movement or billing); support only looks. Only an owner makes or unmakes owners
# (merchants.services.membership_role_set / membership_remove refuse it to anyone else).
MANAGERS = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})
DEVELOPERS = MANAGERS | {Membership.Role.DEVELOPER}


@dataclass(frozen=True)
class Rule:
    """One kind of action only some roles may take, and what the others are told."""

    roles: frozenset[str]
    refusal: str


KEY_CREATE = Rule(DEVELOPERS, "Only owners, admins and developers can create API keys.")
KEY_ROLL = Rule(DEVELOPERS, "Only owners, admins and developers can roll API keys.")
KEY_REVOKE = Rule(DEVELOPERS, "Only owners, admins and developers can revoke API keys.")
# Add an endpoint, roll its signing secret, disable, enable or delete it, resend a delivery.
WEBHOOK_ENDPOINT_CHANGE = Rule(DEVELOPERS, "Only owners, admins and developers can change "
                                           "webhook endpoints.")
# Money moves, or a hold is released.
PAYMENT_CAPTURE_OR_CANCEL = Rule(MANAGERS,
                                 "Only owners and admins can capture or cancel payments.")
PAYMENT_REFUND = Rule(MANAGERS, "Only owners and admins can refund payments.")
# Approve or reject a refund waiting for approval, or change the approval threshold.
REFUND_DECIDE = Rule(MANAGERS, "Only owners and admins can approve or reject refunds and "
                               "change the approval threshold.")
# Finalize, pay, void or mark uncollectible an invoice.
INVOICE_MANAGE = Rule(MANAGERS, "Only owners and admins can finalize, charge, void or mark "
                                "invoices uncollectible.")
# Create products and prices, archive or reactivate them.
CATALOGUE_MANAGE = Rule(MANAGERS, "Only owners and admins can create, archive or reactivate "
                                  "products and prices.")
# Create a payment link from a price, deactivate or reactivate it.
PAYMENT_LINK_MANAGE = Rule(MANAGERS, "Only owners and admins can create, deactivate or "
                                     "reactivate payment links.")
# Cancel a subscription now or at its period's end (or undo that), resume a paused one.
SUBSCRIPTION_MANAGE = Rule(MANAGERS, "Only owners and admins can cancel or resume "
                                     "subscriptions.")
# Create, advance or delete a test clock.
TEST_CLOCK_MANAGE = Rule(MANAGERS, "Only owners and admins can create, advance or delete "
                                   "test clocks.")
# Change how failed subscription payments are retried and what ends their dunning.
BILLING_SETTINGS_CHANGE = Rule(MANAGERS, "Only owners and admins can change the billing "
                                         "settings.")
# Settings → Pricing and payouts: card fees, payout delay and schedule.
BUSINESS_SETTINGS_CHANGE = Rule(MANAGERS, "Only owners and admins can change the business's "
                                          "details and time zone.")
PRICING_CHANGE = Rule(MANAGERS, "Only owners and admins can change pricing and payouts.")
# Save or submit evidence, accept a dispute or close an inquiry.
DISPUTE_ANSWER = Rule(MANAGERS, "Only owners and admins can answer disputes.")
# Settings → Processor: see, connect or disconnect the mode's Stripe account.
PROCESSOR_MANAGE = Rule(MANAGERS, "Only owners and admins can see or change the processor "
                                  "settings.")
# The team page's Invite, Change role and Remove (an admin's reach stops at owners).
TEAM_MANAGE = Rule(MANAGERS, "Only owners and admins can invite, change or remove members.")


@dataclass(frozen=True)
class Current:
    """Who is looking, at which merchant, in which mode."""

    membership: Membership
    livemode: bool

    @property
    def merchant(self) -> Merchant:
        return self.membership.merchant

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def actor(self) -> Actor:
        """The logged-in user, as the services record who acted."""
        return Actor.user(self.membership.user_id)

    def may(self, rule: Rule) -> bool:
        return self.role in rule.roles

    # What the pages ask before showing an area's buttons (templates cannot pass a rule).

    @property
    def may_manage_keys(self) -> bool:
        """The keys table's Roll and Revoke."""
        return self.may(KEY_CREATE) and self.may(KEY_ROLL) and self.may(KEY_REVOKE)

    @property
    def may_change_webhooks(self) -> bool:
        return self.may(WEBHOOK_ENDPOINT_CHANGE)

    @property
    def may_manage_payments(self) -> bool:
        """A payment's Manage card: Capture, Cancel and Refund."""
        return self.may(PAYMENT_CAPTURE_OR_CANCEL) and self.may(PAYMENT_REFUND)

    @property
    def may_decide_refunds(self) -> bool:
        return self.may(REFUND_DECIDE)

    @property
    def may_manage_invoices(self) -> bool:
        return self.may(INVOICE_MANAGE)

    @property
    def may_manage_catalogue(self) -> bool:
        return self.may(CATALOGUE_MANAGE)

    @property
    def may_manage_payment_links(self) -> bool:
        return self.may(PAYMENT_LINK_MANAGE)

    @property
    def may_manage_subscriptions(self) -> bool:
        return self.may(SUBSCRIPTION_MANAGE)

    @property
    def may_manage_test_clocks(self) -> bool:
        return self.may(TEST_CLOCK_MANAGE)

    @property
    def may_change_billing_settings(self) -> bool:
        return self.may(BILLING_SETTINGS_CHANGE)

    @property
    def may_change_business_settings(self) -> bool:
        return self.may(BUSINESS_SETTINGS_CHANGE)

    @property
    def may_change_pricing(self) -> bool:
        return self.may(PRICING_CHANGE)

    @property
    def may_answer_disputes(self) -> bool:
        return self.may(DISPUTE_ANSWER)

    @property
    def processor_connected(self) -> bool:
        """The mode moves its money through a processor of the merchant's own (no query)."""
        return self.merchant.processor_connected(self.livemode)

    @property
    def may_manage_processor(self) -> bool:
        return self.may(PROCESSOR_MANAGE)

    @property
    def may_manage_team(self) -> bool:
        return self.may(TEAM_MANAGE)

    @property
    def is_owner(self) -> bool:
        """Owners alone may invite, promote, demote or remove owners."""
        return self.role == Membership.Role.OWNER

    @property
    def time_zone(self) -> ZoneInfo:
        """The merchant's time zone (UTC when this machine no longer knows its name)."""
        try:
            return ZoneInfo(self.merchant.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def context(self) -> dict[str, Any]:
        """What every dashboard template is given about who is looking."""
        return {"current": self, "merchant": self.merchant, "livemode": self.livemode}


def forbidden(request: HttpRequest, current: Current, message: str) -> HttpResponse:
    """The 403 page: what the user may not do, and their role."""
    return render(request, "dashboard/forbidden.html", {**current.context(), "message": message},
                  status=403)


DashboardView = Callable[..., HttpResponse]


@overload
def merchant_view(view: DashboardView, /) -> DashboardView: ...


@overload
def merchant_view(*, requires: Rule) -> Callable[[DashboardView], DashboardView]: ...


def merchant_view(view: DashboardView | None = None, /, *, requires: Rule | None = None
                  ) -> DashboardView | Callable[[DashboardView], DashboardView]:
    """Login required; the view receives the Current merchant and mode after the request.
    With `requires`, a user whose role the rule does not let through gets the 403 page with
    its refusal, before the view looks at anything.

    Every change the view makes goes through a service with `current.actor`: recorded as
    this user's (`user:<id>`), as the API records the key that made it.
    """
    if view is None:
        return lambda view: merchant_view(view, requires=requires)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_for_user(user=request.user)
        if membership is None:
            return render(request, "dashboard/no_merchant.html", status=403)
        current = Current(membership=membership,
                          livemode=bool(request.session.get(LIVEMODE_SESSION_KEY, False)))
        # The merchant's dates in its own time zone (Home's days too); UTC on hover.
        with timezone.override(current.time_zone):
            if requires is not None and not current.may(requires):
                return forbidden(request, current, requires.refusal)
            return view(request, current, *args, **kwargs)

    return login_required(wrapper)
