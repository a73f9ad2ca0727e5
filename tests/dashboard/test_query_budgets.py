"""Dashboard pages cost a fixed number of queries, however many rows they show."""

import pytest
from django.utils import timezone

from disputes.models import Dispute
from payments.models import PaymentIntent
from tests.dashboard.helpers import disabled_for_failing, new_customer, new_endpoint
from webhooks.models import Event, WebhookDelivery, WebhookDeliveryAttempt

# session + user + membership with its merchant, then the page's own reads.
BUDGETS = {
    # keys, endpoints disabled for failing, the webhook backlog (one query), recent events,
    # the figures (customers, disputes; subscriptions in three; the rollups' marks, whether
    # test clocks were used, the volume and the charge outcomes each from the totals and the
    # rows, the hours rolled up with a charge pending)
    "/": 19,
    "/customers/": 4,
    "/events/": 4,
    "/webhooks/": 5,  # endpoints, endpoints disabled for failing
    "/developers/": 5,  # keys, a page of the request log
}


@pytest.mark.parametrize(("path", "budget"), BUDGETS.items())
def test_list_pages_stay_within_budget(owner, account, django_assert_max_num_queries,
                                       path, budget):
    for n in range(8):
        disabled_for_failing(new_endpoint(account, url=f"https://93.184.215.14/{n}"),
                             since=timezone.now())
    for n in range(30):
        new_customer(account, email=f"c{n}@example.test")

    with django_assert_max_num_queries(budget):
        assert owner.get(path).status_code == 200


def test_a_later_page_costs_one_more_query_for_its_cursor(owner, account,
                                                          django_assert_max_num_queries):
    customers = [new_customer(account) for _ in range(3)]

    with django_assert_max_num_queries(5):
        assert owner.get("/customers/", {"after": customers[-1].id}).status_code == 200


def test_detail_pages_stay_within_budget(owner, account, django_assert_max_num_queries):
    customer = new_customer(account, email="a@example.test")
    event = Event.objects.get()

    # the customer, their payments, subscriptions, invoices, events
    with django_assert_max_num_queries(8):
        assert owner.get(f"/customers/{customer.id}/").status_code == 200
    with django_assert_max_num_queries(4):
        assert owner.get(f"/events/{event.id}/").status_code == 200


def attempted(delivery: WebhookDelivery, n: int) -> None:
    WebhookDeliveryAttempt.objects.bulk_create([WebhookDeliveryAttempt(
        delivery=delivery, attempted_at=timezone.now(), duration_ms=5, status_code=500,
        response_excerpt="oops", succeeded=False) for _ in range(n)])


def test_webhook_pages_stay_within_budget(owner, account, django_assert_max_num_queries):
    # given an endpoint with 30 deliveries of three attempts each
    endpoint = new_endpoint(account)
    for n in range(30):
        new_customer(account, email=f"c{n}@example.test")
    deliveries = list(WebhookDelivery.objects.order_by("-created", "-id"))
    for delivery in deliveries:
        attempted(delivery, 3)
    page = f"/webhooks/{endpoint.id}/"

    # endpoint, deliveries with their events, their attempts; a later page: its cursor
    with django_assert_max_num_queries(6):
        assert owner.get(page).status_code == 200
    with django_assert_max_num_queries(7):
        assert owner.get(page, {"after": deliveries[5].id}).status_code == 200
    with django_assert_max_num_queries(6):
        assert owner.get(f"{page}deliveries/{deliveries[0].id}/").status_code == 200


def paid(account, n: int, **params) -> str:
    customer = new_customer(account, email=f"c{n}@example.test")
    response = account.api().post("/v1/payment_intents", {
        "amount": 2000 + n, "currency": "usd", "payment_method": "pm_card_visa",
        "confirm": True, "customer": customer.id, "metadata": {"order_id": str(n % 3)},
        **params})
    assert response.status_code == 200, response.content
    return response.json()["id"]


@pytest.mark.parametrize("params", [
    {}, {"q": "1"}, {"q": "status:'succeeded' AND amount>1"}, {"status": "succeeded"},
    # the filters at once (the later page, ids[7], matches them): a card's last4 is a
    # subquery, not a read (a customer's email too: test_a_customers_payments_...)
    {"q": "1", "status": "succeeded", "created_from": "2000-01-01", "created_to": "9998-12-31",
     "currency": "usd", "amount_min": "1", "amount_max": "100", "last4": "4242"},
    {"last4": "4242"}])
def test_the_payments_list_stays_within_budget(owner, account, django_assert_max_num_queries,
                                               params):
    # given 30 payments, each with a customer and a card to show (ten to each order id),
    # every third refunded (its badge reads the latest charge)
    ids = [paid(account, n) for n in range(30)]
    for intent_id in ids[::3]:
        account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 100})

    # the payments with their customers and cards; a later page: its cursor
    with django_assert_max_num_queries(4):
        assert owner.get("/payments/", params).status_code == 200
    with django_assert_max_num_queries(5):
        assert owner.get("/payments/", {**params, "after": ids[7]}).status_code == 200


@pytest.mark.parametrize("customer", ["c7@example.test", "C7@example.test"])
def test_a_customers_payments_by_email_stay_within_budget(owner, account, customer,
                                                          django_assert_max_num_queries):
    for n in range(30):
        paid(account, n)

    # the customers with that email are a subquery of the payments' one
    with django_assert_max_num_queries(4):
        response = owner.get("/payments/", {"customer": customer, "last4": "4242"})
    assert response.status_code == 200 and "c7@example.test" in response.content.decode()


def test_the_payments_export_stays_within_budget(owner, account, django_assert_max_num_queries):
    # given 30 payments, each with a customer and a card, every third refunded
    ids = [paid(account, n) for n in range(30)]
    for intent_id in ids[::3]:
        account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 100})

    # the payments with their customers, cards, charges and fees: one chunk, streamed
    with django_assert_max_num_queries(4):
        response = owner.get("/payments/export.csv", {"currency": "usd"})
        assert len(b"".join(response.streaming_content).splitlines()) == 31


def test_the_payment_page_stays_within_budget(owner, account, django_assert_max_num_queries):
    # given a payment declined, retried and captured from the dashboard: two charges, and a
    # timeline by an API key and a dashboard user
    response = account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
        "confirm": True, "capture_method": "manual"})
    intent_id = response.json()["error"]["payment_intent"]["id"]
    account.api().post(f"/v1/payment_intents/{intent_id}/confirm",
                       {"payment_method": "pm_card_visa"})
    owner.post(f"/payments/{intent_id}/capture/", {"amount": "10.00"})
    assert PaymentIntent.objects.get(pk=intent_id).status == "succeeded"

    # the intent with customer, card and latest charge, charges, refunds (a captured
    # payment's), status changes, the keys and users who made them, events
    with django_assert_max_num_queries(10):
        assert owner.get(f"/payments/{intent_id}/").status_code == 200


def test_the_dispute_pages_stay_within_budget(owner, account, django_assert_max_num_queries,
                                              django_capture_on_commit_callbacks):
    # given eight disputed payments, one answered from the dashboard (under review)
    for n in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            intent_id = paid(account, n, payment_method="pm_card_createDispute")
    dispute = Dispute.objects.get(payment_intent_id=intent_id)
    owner.post(f"/disputes/{dispute.id}/evidence/", {"uncategorized_text": "x",
                                                     "action": "submit"})

    # the disputes with their charges
    with django_assert_max_num_queries(4):
        assert owner.get("/disputes/").status_code == 200
    # the dispute with its charge, status changes, the users who made them, events
    with django_assert_max_num_queries(7):
        assert owner.get(f"/disputes/{dispute.id}/").status_code == 200
    # the payment page spends one query on the disputes of its disputed charge and one on
    # their balance transactions (the chargeback, any reinstatement), and, its charge
    # captured, one on its refunds (with their balance transactions)
    with django_assert_max_num_queries(11):
        assert owner.get(f"/payments/{intent_id}/").status_code == 200


def test_the_refunds_page_stays_within_budget(owner, account, django_assert_max_num_queries):
    # given twelve refunds, three of them waiting for approval
    ids = [paid(account, n) for n in range(12)]
    for n, intent_id in enumerate(ids):
        if n == 9:
            account.merchant.refund_approval_thresholds = {"usd": 10}
            account.merchant.save()
        account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 100})

    # the waiting refunds with their charges, the recent ones
    with django_assert_max_num_queries(5):
        assert owner.get("/refunds/").status_code == 200


def test_the_balance_and_payouts_pages_stay_within_budget(owner, account,
                                                          django_assert_max_num_queries):
    # given 30 captured payments, each with a refund: sixty balance transactions
    from tests.dashboard.test_payouts import a_payout

    for n in range(30):
        intent_id = paid(account, n)
        account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 100})
    for _ in range(3):
        a_payout(account)

    # the session's user and membership, the balance per currency, the page of
    # transactions, the payments of their charges and of their refunds
    with django_assert_max_num_queries(7):
        assert owner.get("/balance/").status_code == 200
    # the payouts with their bank accounts
    with django_assert_max_num_queries(4):
        assert owner.get("/payouts/").status_code == 200
