"""Races on the customer portal, on real PostgreSQL: a merchant's first portal sessions at
once make one default configuration, and a double-clicked "Pay" charges an invoice once.

Each thread is a request with its own database connection, released together by a barrier.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from checkout.models import PortalConfiguration, PortalSession
from payments.models import Charge
from tests.billing.factories import customer_with_card, ok, open_invoice
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from webhooks.models import Event

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_first_sessions_at_once_make_one_default_configuration(account):
    api = Api(account.key())
    owner = ok(api.post("/v1/customers", {"email": "jenny@example.com"}))

    responses = run_together(4, lambda _: Api(account.key()).post(
        "/v1/billing_portal/sessions", {"customer": owner["id"]}))

    assert [response.status_code for response in responses] == [200] * 4
    [default] = PortalConfiguration.objects.filter(is_default=True)
    assert {response.json()["configuration"] for response in responses} == {default.id}
    assert PortalSession.objects.count() == 4
    assert Event.objects.filter(type="billing_portal.configuration.created").count() == 1


def test_a_double_clicked_pay_charges_the_invoice_once(account):
    api = Api(account.key())
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1200)
    session = ok(api.post("/v1/billing_portal/sessions", {"customer": owner["id"]}))
    pay = urlsplit(session["url"]).path + f"/invoices/{invoice['id']}/pay"
    assert Client().get(urlsplit(session["url"]).path).status_code == 200

    responses = run_together(4, lambda _: Client().post(pay))

    statuses = sorted(response.status_code for response in responses)
    assert 302 in statuses and set(statuses) <= {302, 400, 429}, statuses
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["amount_paid"] == 1200
    assert Charge.objects.filter(status="succeeded", amount=1200).count() == 1
