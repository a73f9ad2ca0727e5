"""A merchant's dunning settings (merchant_dunning_set): Stripe's defaults, the custom
schedule's rules (increasing, each from 1 to 60 days, at most 4 retries), the final actions;
a refused setting names its field and changes nothing."""

import pytest

from core.exceptions import InvalidParameter
from merchants.models import Merchant
from merchants.services import merchant_dunning_set

pytestmark = pytest.mark.django_db


def test_a_new_merchant_retries_3_5_and_7_days_on_then_cancels(account):
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    assert (merchant.dunning_retry_days, merchant.dunning_subscription_action,
            merchant.dunning_invoice_action) == ([3, 5, 7], "cancel", "leave_open")


@pytest.mark.parametrize("days", [[], [1], [2, 9, 30, 60]])
def test_a_valid_schedule_and_actions_are_stored(account, days):
    merchant_dunning_set(merchant=account.merchant, retry_days=days,
                         subscription_action="mark_unpaid",
                         invoice_action="mark_uncollectible")
    stored = Merchant.objects.get(pk=account.merchant.pk)
    assert (stored.dunning_retry_days, stored.dunning_subscription_action,
            stored.dunning_invoice_action) == (days, "mark_unpaid", "mark_uncollectible")


@pytest.mark.parametrize(("days", "subscription_action", "invoice_action", "param", "says"), [
    ([5, 3], "cancel", "leave_open", "retry_days", "later than the one before"),
    ([3, 3], "cancel", "leave_open", "retry_days", "later than the one before"),
    ([0, 3], "cancel", "leave_open", "retry_days", "from 1 to 60"),
    ([3, 61], "cancel", "leave_open", "retry_days", "from 1 to 60"),
    ([1, 2, 3, 4, 5], "cancel", "leave_open", "retry_days", "At most 4"),
    ([True], "cancel", "leave_open", "retry_days", "whole numbers"),
    ([3], "delete", "leave_open", "subscription_action", "subscription_action"),
    ([3], "cancel", "void", "invoice_action", "invoice_action"),
])
def test_a_bad_setting_is_refused_naming_its_field_and_changes_nothing(
        account, days, subscription_action, invoice_action, param, says):
    with pytest.raises(InvalidParameter) as refused:
        merchant_dunning_set(merchant=account.merchant, retry_days=days,
                             subscription_action=subscription_action,
                             invoice_action=invoice_action)
    assert refused.value.param == param
    assert says in refused.value.message
    stored = Merchant.objects.get(pk=account.merchant.pk)
    assert (stored.dunning_retry_days, stored.dunning_subscription_action) == (
        [3, 5, 7], "cancel")
