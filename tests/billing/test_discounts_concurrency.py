"""Simultaneous redemptions on PostgreSQL: a coupon or promotion code with
`max_redemptions=1`, applied by several requests at the same moment, is redeemed once."""

import pytest

from billing.models import Coupon, Discount, PromotionCode
from tests.billing.factories import coupon, draft, promotion_code
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import customer


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_coupon_redeemable_once_applied_twice_at_once_is_redeemed_once(account):
    # given a coupon redeemable once, and two drafts being discounted at the same moment
    api = account.api()
    once = coupon(api, max_redemptions=1)
    owner = customer(api)
    invoices = [draft(api, owner["id"], 1000) for _ in range(2)]
    apis = [Api(account.key()) for _ in range(2)]

    # when both apply it
    responses = run_together(2, lambda i: apis[i].post(
        f"/v1/invoices/{invoices[i]['id']}", {"discounts": [{"coupon": once["id"]}]}))

    # then one got it, the other was refused as Stripe refuses an expired coupon
    assert sorted(r.status_code for r in responses) == [200, 400], [r.content for r in responses]
    refused = next(r for r in responses if r.status_code == 400).json()["error"]
    assert refused["code"] == "coupon_expired"
    assert Coupon.objects.get(pk=once["id"]).times_redeemed == 1
    assert Discount.objects.filter(coupon_id=once["id"]).count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_promotion_code_redeemable_once_used_by_three_at_once_is_redeemed_once(account):
    api = account.api()
    code = promotion_code(api, coupon(api)["id"], code="ONLYONE", max_redemptions=1)
    owners = [customer(api) for _ in range(3)]
    invoices = [draft(api, owner["id"], 1000) for owner in owners]
    apis = [Api(account.key()) for _ in range(3)]

    responses = run_together(3, lambda i: apis[i].post(
        f"/v1/invoices/{invoices[i]['id']}", {"discounts": [{"promotion_code": code["id"]}]}))

    assert sorted(r.status_code for r in responses) == [200, 400, 400]
    assert PromotionCode.objects.get(pk=code["id"]).times_redeemed == 1
    assert Discount.objects.filter(promotion_code_id=code["id"]).count() == 1
