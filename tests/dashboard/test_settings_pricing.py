"""Settings → Pricing and payouts: every member sees the card fees and payout settings;
owners and admins change them, each change recorded in the audit trail; a refused value is
shown with its reason and nothing changes."""

from decimal import Decimal

import pytest

from core.models import StatusChange
from merchants.models import Merchant
from tests.dashboard.helpers import owner_of
from tests.payments.factories import paid_intent

pytestmark = pytest.mark.django_db

CHANGED = {"card_fee_percent": "1.5", "card_fee_fixed": '{"usd": 20, "eur": 10}',
           "payout_delay_days": "7", "payout_schedule": "manual"}


def text(response) -> str:
    return " ".join(response.content.decode().split())


def stored(account) -> tuple:
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    return (merchant.card_fee_percent, merchant.card_fee_fixed, merchant.payout_delay_days,
            merchant.payout_schedule)


def test_an_owner_changes_pricing_and_payouts_and_each_change_is_audited(owner, account):
    # given the defaults, linked from Settings
    assert 'href="/settings/pricing/"' in owner.get("/settings/").content.decode()
    page = text(owner.get("/settings/pricing/"))
    assert "2.9% of each captured payment" in page and "Daily, automatically" in page

    # when the owner saves new pricing and payouts
    response = owner.post("/settings/pricing/", CHANGED, follow=True)

    # then they are stored, the page says so and lists each change with who made it
    assert response.status_code == 200
    assert stored(account) == (Decimal("1.500"), {"usd": 20, "eur": 10}, 7, "manual")
    page = text(response)
    assert "Saved your pricing and payouts." in page
    assert "1.5% of each captured payment" in page and "7 days after a payment" in page
    changes = set(StatusChange.objects.filter(object_id=account.merchant.pk)
                  .values_list("source", "target", "actor"))
    user = f"user:{owner_of(account).pk}"
    assert changes == {("card_fee_percent:2.900", "card_fee_percent:1.500", user),
                       ("card_fee_fixed.eur:-", "card_fee_fixed.eur:10", user),
                       ("card_fee_fixed.usd:-", "card_fee_fixed.usd:20", user),
                       ("payout_delay_days:2", "payout_delay_days:7", user),
                       ("payout_schedule:daily", "payout_schedule:manual", user)}
    assert "payout_schedule:daily" in page and owner_of(account).email in page

    # and saving the same values again records nothing more
    owner.post("/settings/pricing/", CHANGED)
    assert StatusChange.objects.filter(object_id=account.merchant.pk).count() == 5


def test_new_charges_take_the_new_fee(admin_member, account):
    # when an admin sets 1.5% + 20 cents
    admin_member.post("/settings/pricing/", CHANGED)

    # then a $20.00 payment's fee is 30 + 20 cents
    paid = paid_intent(account.api(), amount=2000)
    page = text(admin_member.get(f"/payments/{paid['id']}/"))
    assert 'Fee</dt><dd class="nowrap">$0.50' in page


@pytest.mark.parametrize(("field", "typed", "says"), [
    ("card_fee_percent", "101", "no more than 2 digits before the decimal point"),
    ("card_fee_percent", "-1", "greater than or equal to 0"),
    ("card_fee_fixed", '{"usd": -5}', "whole number of minor units"),
    ("card_fee_fixed", '{"xyz": 5}', "not a lowercase currency code"),
    ("card_fee_fixed", "[30]", "Enter an object of currencies"),
    ("payout_delay_days", "31", "less than or equal to 30"),
    ("payout_schedule", "weekly", "not one of the available choices"),
])
def test_a_refused_value_is_shown_with_its_reason_and_nothing_changes(owner, account, field,
                                                                      typed, says):
    before = stored(account)

    response = owner.post("/settings/pricing/", {**CHANGED, field: typed})

    assert response.status_code == 200  # the form again, with the reason beside the field
    assert says in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert stored(account) == before
    assert not StatusChange.objects.filter(object_id=account.merchant.pk).exists()


def test_support_and_developers_see_the_settings_but_cannot_change_them(support, developer,
                                                                        account):
    for client in (support, developer):
        page = client.get("/settings/pricing/")
        assert page.status_code == 200
        assert "Only owners and admins can change pricing and payouts." in text(page)
        assert 'action="/settings/pricing/"' not in page.content.decode()

        refused = client.post("/settings/pricing/", CHANGED)
        assert refused.status_code == 403
        assert "Only owners and admins can change pricing and payouts." in text(refused)
    assert stored(account) == (Decimal("2.900"), {}, 2, "daily")
