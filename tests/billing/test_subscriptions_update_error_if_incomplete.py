"""`payment_behavior=error_if_incomplete` on `POST /v1/subscriptions/{id}`: a change invoiced
at once (`always_invoice`) applies only if its invoice is paid there and then. Declined, or
wanting 3-D Secure, the request is Stripe's 402 with the card error, and the subscription is
as it was: its items, its status, its latest invoice, nothing pending; the invoice is void.
"""

from datetime import timedelta

import pytest

from billing import services
from billing.models import Invoice, InvoiceItem, Subscription
from billing.services import subscription_pending_updates
from core import clock
from payments.models import Charge, PaymentIntent
from tests.billing.factories import (
    customer_with_card,
    error_of,
    invoice_item,
    monthly,
    ok,
    price,
)
from tests.billing.test_subscriptions_pending_updates import declining
from tests.billing.test_subscriptions_prorations import (
    CHANGE,
    END,
    START,
    change,
    share_of,
    subscribed,
)
from tests.concurrency import run_together
from tests.conftest import needs_postgres
from tests.payments.factories import attach, card_payment_method

pytestmark = pytest.mark.django_db

__all__ = ["declining", "subscribed"]  # fixtures


class Crash(BaseException):
    """The process dying: not an Exception, so nothing on the way catches it."""


def upgrade(api, subscription, new_price, at=CHANGE, **params):
    [item] = subscription["items"]["data"]
    return change(api, subscription, at=at, items=[{"id": item["id"], "price": new_price["id"]}],
                  proration_behavior="always_invoice", payment_behavior="error_if_incomplete",
                  **params)


def pending_items(owner_id: str) -> list[InvoiceItem]:
    return list(InvoiceItem.objects.filter(customer_id=owner_id, invoice__isnull=True))


def test_a_declined_upgrade_is_a_402_and_changes_nothing(api, declining, events_of):
    subscription, basic, pro, _ = declining
    before = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    told = len(events_of(subscription["id"]))

    # when the upgrade's invoice is declined
    error = error_of(upgrade(api, subscription, pro), 402)

    # then it is the card error
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    # and the subscription is exactly as it was, nothing pending, nothing told of it
    after = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert after == before
    assert [i["price"]["id"] for i in after["items"]["data"]] == [basic["id"]]
    assert (after["status"], after["pending_update"]) == ("active", None)
    assert len(events_of(subscription["id"])) == told
    # and the update's invoice is void, its payment canceled, and no proration is pending
    [voided] = Invoice.objects.filter(subscription_id=subscription["id"],
                                      billing_reason="subscription_update")
    shown = ok(api.get(f"/v1/invoices/{voided.id}"))
    assert (shown["status"], shown["amount_due"]) == ("void", share_of(3000) - share_of(1000))
    # (made at one frozen instant, the events' order in the list is not theirs)
    assert {"invoice.finalized", "invoice.payment_failed", "invoice.voided"} <= {
        e["type"] for e in events_of(voided.id)}
    assert PaymentIntent.objects.get(invoice_id=voided.id).status == "canceled"
    assert pending_items(after["customer"]) == []
    db = Subscription.objects.get(pk=subscription["id"])
    assert (db.pending_update_invoice_id, db.pending_update_items) == (None, None)

    # and the items can change again at once, and the next renewal bills the old price
    assert ok(change(api, subscription, at=CHANGE + timedelta(minutes=1),
                     metadata={"tried": "pro"}))["metadata"] == {"tried": "pro"}
    services.subscriptions_renew_due(now=END + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert [line["amount"] for line in renewed["latest_invoice"]["lines"]["data"]] == [1000]


def test_a_paid_upgrade_applies_and_is_told_as_one_update(api, subscribed, events_of):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]

    updated = ok(upgrade(api, subscription, pro, expand=["latest_invoice"]))

    # then the item moved, its invoice paid and the subscription's latest
    assert [(i["id"], i["price"]["id"]) for i in updated["items"]["data"]] == [
        (item["id"], pro["id"])]
    invoice = updated["latest_invoice"]
    assert (invoice["status"], invoice["billing_reason"], invoice["amount_paid"]) == (
        "paid", "subscription_update", share_of(3000) - share_of(1000))
    assert (updated["status"], updated["pending_update"]) == ("active", None)
    # and one `.updated` tells it, with what the items and the latest invoice were
    types = [e["type"] for e in events_of(subscription["id"])]
    assert "customer.subscription.pending_update_applied" not in types
    [told] = [e for e in events_of(subscription["id"])
              if e["type"] == "customer.subscription.updated"][-1:]
    assert set(told["data"]["previous_attributes"]) >= {"items", "latest_invoice"}
    assert told["data"]["previous_attributes"]["latest_invoice"] == subscription[
        "latest_invoice"]
    assert pending_items(owner["id"]) == []


@pytest.mark.parametrize(("off_session", "code"), [
    ("true", "authentication_required"),  # the bank's decline of an off-session payment
    ("false", "subscription_payment_intent_requires_action"),
])
def test_3d_secure_wanted_is_a_402_and_changes_nothing(api, subscribed, off_session, code):
    owner, subscription, basic, pro = subscribed
    with clock.bound(CHANGE - timedelta(minutes=1)):
        card = card_payment_method(api, "4000002760003184")
        attach(api, card["id"], owner["id"])
        ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                    {"default_payment_method": card["id"]}))

    error = error_of(upgrade(api, subscription, pro, off_session=off_session), 402)

    assert (error["type"], error["code"]) == ("card_error", code)
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [basic["id"]]
    assert shown["latest_invoice"] == subscription["latest_invoice"]
    # and the payment is canceled, never to be completed for a change not made
    [voided] = Invoice.objects.filter(subscription_id=subscription["id"],
                                      billing_reason="subscription_update")
    assert voided.status == "void"
    intent = PaymentIntent.objects.get(invoice_id=voided.id)
    assert intent.status == "canceled"


def test_the_customers_other_pending_items_stay_pending_for_the_next_invoice(api, declining):
    subscription, _, pro, _ = declining
    with clock.bound(CHANGE - timedelta(minutes=1)):
        waiting = invoice_item(api, subscription["customer"], 700)

    error_of(upgrade(api, subscription, pro), 402)

    assert [item.id for item in pending_items(subscription["customer"])] == [waiting["id"]]


def test_add_invoice_items_go_with_the_voided_invoice(api, declining):
    subscription, _, pro, _ = declining
    setup = price(api, unit_amount=500)

    error_of(upgrade(api, subscription, pro, add_invoice_items=[{"price": setup["id"]}]), 402)

    assert pending_items(subscription["customer"]) == []
    voided = Invoice.objects.get(subscription_id=subscription["id"], status="void")
    assert 500 in [line.amount for line in voided.lines.all()]


def test_without_an_invoice_to_pay_it_applies_as_allow_incomplete(api, declining):
    subscription, _, pro, _ = declining
    [item] = subscription["items"]["data"]

    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}],
                        payment_behavior="error_if_incomplete", metadata={"plan": "pro"}))

    assert [i["price"]["id"] for i in updated["items"]["data"]] == [pro["id"]]
    assert updated["metadata"] == {"plan": "pro"}
    assert len(pending_items(subscription["customer"])) == 2  # the prorations, for later


def test_what_cannot_be_held_is_refused_with_always_invoice(api, declining):
    subscription, basic, pro, _ = declining
    invoices = Invoice.objects.count()

    error = error_of(upgrade(api, subscription, pro, description="Pro"))

    assert (error["type"], error["param"]) == ("invalid_request_error", "description")
    assert "error_if_incomplete" in error["message"]
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [basic["id"]]
    assert Invoice.objects.count() == invoices


def test_a_crash_before_the_charge_is_dropped_by_the_engine_after_the_hour(
        api, subscribed, monkeypatch, events_of):
    # given a process that dies after the update committed, before its invoice is charged
    owner, subscription, basic, pro = subscribed
    monkeypatch.setattr(subscription_pending_updates, "invoice_pay",
                        lambda **kwargs: (_ for _ in ()).throw(Crash))
    with pytest.raises(Crash):
        upgrade(api, subscription, pro)
    monkeypatch.undo()

    # then nothing of it shows, and the items cannot change while its invoice is open
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert ([i["price"]["id"] for i in shown["items"]["data"]], shown["pending_update"],
            shown["latest_invoice"]) == ([basic["id"]], None, subscription["latest_invoice"])
    held = Subscription.objects.get(pk=subscription["id"]).pending_update_invoice_id
    refused = error_of(upgrade(api, subscription, pro, at=CHANGE + timedelta(minutes=5)))
    assert held in refused["message"]

    # when the engine runs after the hour, the invoice is voided and the hold dropped
    lapse = CHANGE + timedelta(hours=1, seconds=1)
    told = len(events_of(subscription["id"]))
    with clock.bound(lapse):
        services.subscriptions_renew_due(now=lapse)
    assert ok(api.get(f"/v1/invoices/{held}"))["status"] == "void"
    assert Subscription.objects.get(pk=subscription["id"]).pending_update_invoice_id is None
    assert len(events_of(subscription["id"])) == told  # never shown, nothing to tell
    assert not PaymentIntent.objects.filter(invoice_id=held).exists()

    # and the upgrade can be asked again, and applies
    again = ok(upgrade(api, subscription, pro, at=lapse + timedelta(minutes=1)))
    assert [i["price"]["id"] for i in again["items"]["data"]] == [pro["id"]]


def test_a_send_invoice_subscription_applies_as_allow_incomplete(api, subscribed):
    _, subscription, _, pro = subscribed
    ok(change(api, subscription, at=CHANGE - timedelta(minutes=1),
              collection_method="send_invoice", days_until_due=30))

    updated = ok(upgrade(api, subscription, pro, expand=["latest_invoice"]))

    assert [i["price"]["id"] for i in updated["items"]["data"]] == [pro["id"]]
    assert updated["latest_invoice"]["status"] == "open"


def test_a_credit_paid_at_once_applies_at_once(api, declining):
    subscription, basic, pro, _ = declining
    [item] = subscription["items"]["data"]
    cheaper = monthly(api, unit_amount=500)

    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": cheaper["id"]}],
                        proration_behavior="always_invoice",
                        payment_behavior="error_if_incomplete", expand=["latest_invoice"]))

    assert [i["price"]["id"] for i in updated["items"]["data"]] == [cheaper["id"]]
    assert updated["latest_invoice"]["status"] == "paid"


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_upgrades_at_once_with_error_if_incomplete_charge_once(account):
    # given a customer with a good card on $10.00 a month since START
    api = account.api()
    owner, _ = customer_with_card(api)
    basic, pro = monthly(api, unit_amount=1000), monthly(api, unit_amount=3000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}]}))
    [item] = subscription["items"]["data"]
    charges_before = Charge.objects.filter(status="succeeded").count()

    # when the same upgrade is asked twice at the same moment
    def upgrade(index: int) -> int:
        with clock.bound(CHANGE):
            return account.api().post(f"/v1/subscriptions/{subscription['id']}", {
                "items": [{"id": item["id"], "price": pro["id"]}],
                "proration_behavior": "always_invoice",
                "payment_behavior": "error_if_incomplete"}).status_code

    codes = run_together(2, upgrade, timeout=60)

    # then one applied it; the other found it applied (nothing left to bill) or held (400)
    assert sorted(codes) in ([200, 200], [200, 400])
    # and the customer paid for it once
    assert Charge.objects.filter(status="succeeded").count() == charges_before + 1
    updates = Invoice.objects.filter(subscription_id=subscription["id"],
                                     billing_reason="subscription_update")
    assert [(invoice.status, invoice.amount_paid) for invoice in updates] == [
        ("paid", share_of(3000) - share_of(1000))]
    shown = Subscription.objects.get(pk=subscription["id"])
    assert [i.price_id for i in shown.items.all()] == [pro["id"]]
    assert (shown.pending_update_invoice_id, shown.latest_invoice_id) == (None, updates[0].id)
