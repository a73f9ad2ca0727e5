"""Simultaneous payments of one invoice on PostgreSQL: exactly one charge, whoever retries."""

import pytest

from billing.models import Invoice
from payments.models import Charge, Customer, PaymentIntent
from tests.billing.factories import customer_with_card, draft, open_invoice, pay
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres

ALREADY_PAID = "Invoice is already paid"


def _refused_as_paid_or_busy(response) -> bool:
    """The loser of a race: the invoice was paid (400), or its payment was in flight (429
    `lock_timeout`, which SDKs retry, to find it paid)."""
    error = response.json().get("error", {})
    return (response.status_code, error.get("message")) == (400, ALREADY_PAID) or (
        response.status_code, error.get("code")) == (429, "lock_timeout")


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_simultaneous_pays_of_an_open_invoice_charge_once(account):
    # given an open invoice, and four clients paying it at the same moment
    api = account.api()
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 2000)
    apis = [Api(account.key()) for _ in range(4)]

    # when they all run
    responses = run_together(4, lambda i: pay(apis[i], invoice["id"]), timeout=60)

    # then one paid it, the others were refused, and the customer was charged once
    paid = [r for r in responses if r.status_code == 200]
    assert len(paid) == 1, [(r.status_code, r.content) for r in responses]
    assert all(_refused_as_paid_or_busy(r) for r in responses if r.status_code != 200)
    assert PaymentIntent.objects.filter(invoice_id=invoice["id"]).count() == 1
    assert Charge.objects.filter(status="succeeded").count() == 1
    shown = Invoice.objects.get(pk=invoice["id"])
    assert (shown.status, shown.amount_paid) == ("paid", 2000)


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_simultaneous_pays_of_a_draft_finalize_it_once_and_charge_once(account):
    # given a draft, and three clients paying it at the same moment
    api = account.api()
    owner, _ = customer_with_card(api)
    invoice = draft(api, owner["id"], 1500)
    apis = [Api(account.key()) for _ in range(3)]

    # when they all run
    responses = run_together(3, lambda i: pay(apis[i], invoice["id"]), timeout=60)

    # then it took one number and one charge
    assert sorted(r.status_code for r in responses)[0] == 200
    assert sum(r.status_code == 200 for r in responses) == 1
    shown = Invoice.objects.get(pk=invoice["id"])
    assert shown.status == "paid" and shown.number.endswith("-0001")
    assert Customer.objects.get(pk=owner["id"]).next_invoice_sequence == 2
    assert Charge.objects.filter(status="succeeded").count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_pay_racing_a_void_leaves_either_a_paid_invoice_or_a_void_one_uncharged(account):
    # given an open invoice; one client pays it while another voids it
    api = account.api()
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1000)
    apis = [Api(account.key()) for _ in range(2)]
    actions = [lambda: pay(apis[0], invoice["id"]),
               lambda: apis[1].post(f"/v1/invoices/{invoice['id']}/void")]

    # when both run
    run_together(2, lambda i: actions[i](), timeout=60)

    # then one of them won: never a charge on a void invoice
    shown = Invoice.objects.get(pk=invoice["id"])
    charged = Charge.objects.filter(status="succeeded").count()
    assert (shown.status, charged) in {("paid", 1), ("void", 0)}, (shown.status, charged)
