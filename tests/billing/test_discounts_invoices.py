"""Discounts on invoices through the API: `discounts[]` on a draft (coupons and promotion
codes), what each line gives, totals before and after, redemptions counted, and every
refusal of Stripe's with its parameter, leaving the invoice as it was."""

import pytest

from tests.billing.factories import (
    coupon,
    customer_with_card,
    draft,
    error_of,
    invoice_item,
    ok,
    pay,
    promotion_code,
)
from tests.payments.factories import customer

pytestmark = pytest.mark.django_db


def test_a_percent_off_coupon_comes_off_each_line(api):
    # given a draft with lines of $10.01 and $9.99
    owner = customer(api)
    invoice = draft(api, owner["id"], 1001, 999)
    fifteen = coupon(api, percent_off=15)

    # when a 15% coupon is applied to it
    updated = ok(api.post(f"/v1/invoices/{invoice['id']}",
                          {"discounts": [{"coupon": fifteen["id"]}]}))

    # then each line gives its 15% (rounded), and the total is what is left
    [discount_id] = updated["discounts"]
    assert discount_id.startswith("di_")
    assert (updated["subtotal"], updated["total"], updated["amount_due"]) == (2000, 1700, 1700)
    assert (updated["subtotal_excluding_tax"], updated["total_excluding_tax"]) == (2000, 1700)
    assert updated["total_discount_amounts"] == [{"amount": 300, "discount": discount_id}]
    assert [line["discount_amounts"] for line in updated["lines"]["data"]] == [
        [{"amount": 150, "discount": discount_id}], [{"amount": 150, "discount": discount_id}]]
    assert updated["discount"]["coupon"]["id"] == fifteen["id"]
    assert (updated["discount"]["invoice"], updated["discount"]["customer"]) == (
        invoice["id"], owner["id"])
    assert ok(api.get(f"/v1/coupons/{fifteen['id']}"))["times_redeemed"] == 1


def test_an_amount_off_is_spread_over_the_lines_and_follows_new_ones(api):
    # given a draft of $30.00 and $10.00 with $10.00 off
    owner = customer(api)
    invoice = draft(api, owner["id"], 3000, 1000)
    ten = coupon(api, percent_off=None, amount_off=1000, currency="usd", duration="once")
    ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"coupon": ten["id"]}]}))

    # when a third line of $40.00 is added to the draft
    invoice_item(api, owner["id"], 4000, invoice=invoice["id"])
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))

    # then the $10.00 is spread over all three lines in proportion
    assert [line["discount_amounts"][0]["amount"] for line in shown["lines"]["data"]] == [
        375, 125, 500]
    assert (shown["subtotal"], shown["total"]) == (8000, 7000)


def test_an_amount_off_larger_than_the_invoice_leaves_nothing_due_never_less(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 300)
    big = coupon(api, percent_off=None, amount_off=5000, currency="usd")
    updated = ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"coupon": big["id"]}]}))
    assert (updated["subtotal"], updated["total"], updated["amount_due"]) == (300, 0, 0)


def test_a_draft_created_with_a_promotion_code_and_then_cleared(api):
    # given a customer's pending item and a promotion code for 10% off
    owner = customer(api)
    invoice_item(api, owner["id"], 5000)
    code = promotion_code(api, coupon(api, percent_off=10)["id"], code="TENOFF")

    # when an invoice takes the pending items and the code
    created = ok(api.post("/v1/invoices", {
        "customer": owner["id"], "pending_invoice_items_behavior": "include",
        "discounts": [{"promotion_code": code["id"]}]}))

    # then the code's coupon came off, and the code was redeemed once
    assert (created["subtotal"], created["total"]) == (5000, 4500)
    [discount_id] = created["discounts"]
    assert (created["discount"]["id"], created["discount"]["promotion_code"]) == (
        discount_id, code["id"])
    assert ok(api.get(f"/v1/promotion_codes/{code['id']}"))["times_redeemed"] == 1

    # when the discounts are cleared (`discounts=`)
    cleared = ok(api.post(f"/v1/invoices/{created['id']}", {"discounts": ""}))

    # then the invoice is whole again
    assert (cleared["discounts"], cleared["discount"], cleared["total"]) == ([], None, 5000)
    assert cleared["total_discount_amounts"] == []
    assert cleared["lines"]["data"][0]["discount_amounts"] == []


def test_a_kept_discount_is_named_by_its_id_and_a_coupon_is_not_applied_twice(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 1000)
    twenty = coupon(api)
    first = ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"coupon": twenty["id"]}]}))
    [kept] = first["discounts"]

    # when it is kept by id with a second coupon
    five = coupon(api, percent_off=None, amount_off=100, currency="usd")
    both = ok(api.post(f"/v1/invoices/{invoice['id']}", {
        "discounts": [{"discount": kept}, {"coupon": five["id"]}]}))
    # then 20% of $10, then $1 of the $8 left
    assert both["discounts"][0] == kept and both["total"] == 700
    assert both["discount"] is None  # several discounts: the deprecated field is empty
    # and the same coupon twice is refused
    error = error_of(api.post(f"/v1/invoices/{invoice['id']}", {
        "discounts": [{"discount": kept}, {"coupon": twenty["id"]}]}))
    assert error["param"] == "discounts[1][coupon]"


def test_a_finalized_invoice_keeps_its_discount_and_is_charged_the_total(api):
    # given a draft with 20% off for a customer with a card
    owner, _ = customer_with_card(api)
    invoice = draft(api, owner["id"], 2500)
    twenty = coupon(api)
    ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"coupon": twenty["id"]}]}))

    # when it is paid
    paid = ok(pay(api, invoice["id"]))

    # then $20.00 was charged, and its discounts can no longer change
    assert (paid["status"], paid["amount_paid"], paid["total"]) == ("paid", 2000, 2000)
    error = error_of(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": ""}))
    assert (error["code"], error["param"]) == ("invoice_already_finalized", "discounts")


def _refused(api, invoice_id: str, discounts, *, status: int = 400) -> dict:
    before = ok(api.get(f"/v1/invoices/{invoice_id}"))
    error = error_of(api.post(f"/v1/invoices/{invoice_id}", {"discounts": discounts}), status)
    assert ok(api.get(f"/v1/invoices/{invoice_id}")) == before  # nothing changed
    return error


def test_unknown_expired_and_maxed_out_coupons_are_refused(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 1000)
    # an unknown coupon
    error = _refused(api, invoice["id"], [{"coupon": "NOPE"}], status=404)
    assert (error["code"], error["param"]) == ("resource_missing", "discounts[0][coupon]")
    # a coupon redeemed its maximum number of times
    once = coupon(api, max_redemptions=1)
    other = draft(api, owner["id"], 1000)
    ok(api.post(f"/v1/invoices/{other['id']}", {"discounts": [{"coupon": once["id"]}]}))
    assert ok(api.get(f"/v1/coupons/{once['id']}"))["valid"] is False
    error = _refused(api, invoice["id"], [{"coupon": once["id"]}])
    assert (error["code"], error["param"]) == ("coupon_expired", "discounts[0][coupon]")
    # a deleted coupon
    gone = coupon(api)
    ok(api.delete(f"/v1/coupons/{gone['id']}"))
    assert _refused(api, invoice["id"], [{"coupon": gone["id"]}], status=404)["code"] == (
        "resource_missing")
    # an amount in another currency
    euros = coupon(api, percent_off=None, amount_off=100, currency="eur")
    error = _refused(api, invoice["id"], [{"coupon": euros["id"]}])
    assert "eur" in error["message"] and error["param"] == "discounts[0][coupon]"
    # a discount that is not the invoice's
    error = _refused(api, invoice["id"], [{"discount": "di_nope"}])
    assert error["param"] == "discounts[0][discount]"
    # an entry with two things at once
    error = _refused(api, invoice["id"], [{"coupon": once["id"], "promotion_code": "promo_x"}])
    assert error["param"] == "discounts[0]"


def test_promotion_codes_restrictions_are_enforced(api):
    # given a customer with a paid invoice already, and another with none
    regular, _ = customer_with_card(api)
    ok(pay(api, draft(api, regular["id"], 1000)["id"]))
    newcomer = customer(api)
    twenty = coupon(api)
    invoice = draft(api, regular["id"], 1000)
    small = draft(api, newcomer["id"], 500)

    inactive = promotion_code(api, twenty["id"], code="INACTIVE", active=False)
    first_time = promotion_code(api, twenty["id"], code="FIRST",
                                restrictions={"first_time_transaction": True})
    minimum = promotion_code(api, twenty["id"], code="MIN", restrictions={
        "minimum_amount": 1000, "minimum_amount_currency": "usd"})
    someone_else = promotion_code(api, twenty["id"], code="THEIRS", customer=newcomer["id"])
    used_up = promotion_code(api, twenty["id"], code="ONCE", max_redemptions=1)
    ok(api.post(f"/v1/invoices/{small['id']}", {"discounts": [{"promotion_code": used_up["id"]}]}))

    def refusal(invoice_id: str, code: dict) -> str:
        error = _refused(api, invoice_id, [{"promotion_code": code["id"]}])
        assert error["param"] == "discounts[0][promotion_code]"
        return error["message"]

    assert "inactive" in refusal(invoice["id"], inactive)
    assert "prior transactions" in refusal(invoice["id"], first_time)
    assert "another customer" in refusal(invoice["id"], someone_else)
    assert "maximum number of times" in refusal(invoice["id"], used_up)
    assert "$10.00 USD" in refusal(small["id"], minimum)
    # and where each restriction is met, the code applies
    for invoice_id, code in ((small["id"], first_time), (invoice["id"], minimum),
                             (small["id"], someone_else)):
        applied = ok(api.post(f"/v1/invoices/{invoice_id}",
                              {"discounts": [{"promotion_code": code["id"]}]}))
        assert applied["discount"]["promotion_code"] == code["id"]
