"""Invoices in the dashboard: the list (newest first, status filter), an invoice's page (its
lines, totals, payment and timeline), and managing it — finalize, charge, void, mark
uncollectible — by owners and admins, through billing's services, attributed to the user."""

import pytest

from billing.models import Invoice
from core.models import StatusChange
from tests.conftest import Account
from tests.dashboard.helpers import owner_of
from tests.payments.factories import attach, ok


def customer_with_card(account: Account, card: str = "pm_card_visa") -> str:
    api = account.api()
    customer = ok(api.post("/v1/customers", {"email": "ana@example.test"}))
    method = attach(api, card, customer["id"])
    ok(api.post(f"/v1/customers/{customer['id']}",
                {"invoice_settings[default_payment_method]": method["id"]}))
    return customer["id"]


def draft(account: Account, customer_id: str, amounts=(4200,)) -> dict:
    api = account.api()
    for amount in amounts:
        ok(api.post("/v1/invoiceitems", {"customer": customer_id, "amount": amount,
                                         "currency": "usd", "description": f"Item {amount}"}))
    return ok(api.post("/v1/invoices", {"customer": customer_id,
                                        "pending_invoice_items_behavior": "include"}))


def test_the_list_shows_this_merchants_invoices_and_filters_by_status(owner, account,
                                                                     other_account):
    customer = customer_with_card(account)
    open_one = ok(account.api().post(f"/v1/invoices/{draft(account, customer)['id']}/finalize"))
    drafted = draft(account, customer, amounts=(900,))
    theirs = draft(other_account, customer_with_card(other_account))

    page = owner.get("/invoices/").content.decode()
    only_open = owner.get("/invoices/", {"status": "open"}).content.decode()

    assert drafted["id"] in page and open_one["number"] in page and theirs["id"] not in page
    assert "$42.00 USD" in page and "$9.00 USD" in page
    assert open_one["number"] in only_open and drafted["id"] not in only_open
    assert 'aria-current="page">Invoices' in page


def test_an_invoices_page_shows_its_lines_and_totals(owner, account):
    invoice = draft(account, customer_with_card(account), amounts=(4200, 800))

    html = owner.get(f"/invoices/{invoice['id']}/").content.decode()

    assert "Item 4200" in html and "Item 800" in html
    assert "$50.00 USD" in html  # the total
    assert "Draft" in html and "given at finalization" in html
    assert f"/invoices/{invoice['id']}/finalize/" in html


def test_charging_a_draft_finalizes_it_and_pays_it_with_the_customers_card(owner, account):
    invoice = draft(account, customer_with_card(account))

    response = owner.post(f"/invoices/{invoice['id']}/pay/", follow=True)

    paid = Invoice.objects.get(pk=invoice["id"])
    assert (paid.status, paid.amount_paid, paid.amount_remaining) == ("paid", 4200, 0)
    html = response.content.decode()
    assert f"Charged $42.00 USD: invoice {paid.number} is paid." in html
    assert f"/payments/{paid.payment_intent_id}/" in html
    # the finalization and the payment are recorded as the user's (the invoice is then paid
    # by the payment's success)
    user = f"user:{owner_of(account).id}"
    assert StatusChange.objects.filter(object_id=paid.id, target="open", actor=user).exists()
    assert StatusChange.objects.filter(object_id=paid.payment_intent_id, target="succeeded",
                                       actor=user).exists()


def test_a_declined_charge_is_shown_and_the_invoice_stays_open(owner, account):
    invoice = draft(account, customer_with_card(account, "pm_card_chargeCustomerFail"))

    response = owner.post(f"/invoices/{invoice['id']}/pay/", follow=True)

    assert "Your card was declined." in response.content.decode()
    refused = Invoice.objects.get(pk=invoice["id"])
    assert (refused.status, refused.amount_paid, refused.attempt_count) == ("open", 0, 1)


def test_void_and_mark_uncollectible(owner, account):
    customer = customer_with_card(account)
    first = ok(account.api().post(f"/v1/invoices/{draft(account, customer)['id']}/finalize"))
    second = ok(account.api().post(f"/v1/invoices/{draft(account, customer)['id']}/finalize"))

    owner.post(f"/invoices/{first['id']}/void/")
    owner.post(f"/invoices/{second['id']}/mark-uncollectible/")

    assert Invoice.objects.get(pk=first["id"]).status == "void"
    assert Invoice.objects.get(pk=second["id"]).status == "uncollectible"
    closed = owner.get(f"/invoices/{first['id']}/").content.decode()
    assert "a void invoice is closed" in closed and "/pay/" not in closed


def test_a_refused_action_changes_nothing(owner, account):
    invoice = draft(account, customer_with_card(account))

    response = owner.post(f"/invoices/{invoice['id']}/void/", follow=True)

    assert Invoice.objects.get(pk=invoice["id"]).status == "draft"
    assert "You can only void an open or uncollectible invoice" in response.content.decode()


def test_a_support_member_sees_the_invoice_without_its_buttons(support, account):
    invoice = draft(account, customer_with_card(account))

    html = support.get(f"/invoices/{invoice['id']}/").content.decode()

    assert "Item 4200" in html and "/pay/" not in html
    assert "Only owners and admins can finalize, charge or void invoices." in html


@pytest.mark.parametrize("path", ["/invoices/in_missing/", "/invoices/in_missing/pay/"])
def test_another_merchants_or_a_missing_invoice_is_a_404(owner, other_account, path):
    theirs = draft(other_account, customer_with_card(other_account))

    assert owner.get(f"/invoices/{theirs['id']}/").status_code == 404
    method = owner.post if path.endswith("/pay/") else owner.get
    assert method(path).status_code == 404
    assert Invoice.objects.get(pk=theirs["id"]).status == "draft"


def test_the_pages_stay_within_their_query_budgets(owner, account, django_assert_max_num_queries):
    customer = customer_with_card(account)
    invoices = [draft(account, customer, amounts=(100 * n, 50)) for n in range(1, 6)]

    # the session, the user and membership, the page of invoices with their customers, their
    # lines: the same for five invoices as for one
    with django_assert_max_num_queries(5):
        assert owner.get("/invoices/").status_code == 200
    # the invoice with its customer, its lines, its status changes and their users, events
    with django_assert_max_num_queries(8):
        assert owner.get(f"/invoices/{invoices[0]['id']}/").status_code == 200
