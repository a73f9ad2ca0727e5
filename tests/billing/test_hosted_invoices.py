"""The hosted invoice page (`hosted_invoice_url`) and its PDF (`invoice_pdf`): unguessable
links of finalized invoices that expire as Stripe's do, and a card form that pays the invoice
through invoice_pay (declines, retries, 3-D Secure back to the page, never twice)."""

import re
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client

from billing.models import Invoice
from core import clock
from payments.models import Charge, PaymentIntent, PaymentMethod
from tests.billing.factories import customer, draft, open_invoice
from tests.payments.factories import ok
from tests.payments.test_pages import (
    CVC,
    DECLINED,
    GOOD,
    THREE_D_SECURE,
    card_form,
    local,
)

pytestmark = pytest.mark.django_db


def freeze_time(day: str):
    return clock.bound(datetime.fromisoformat(day).replace(tzinfo=UTC))


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def invoice(api) -> dict:
    owner = customer(api, name="Jenny Rosen", email="jenny@example.com")
    return open_invoice(api, owner["id"], 1500, 500, description="Consulting")


def test_a_draft_has_no_links_and_finalization_gives_them(api):
    owner = customer(api)
    created = draft(api, owner["id"], 1000)
    assert (created["hosted_invoice_url"], created["invoice_pdf"]) == (None, None)

    finalized = ok(api.post(f"/v1/invoices/{created['id']}/finalize"))

    url, pdf = finalized["hosted_invoice_url"], finalized["invoice_pdf"]
    assert url.startswith("http") and f"/i/{created['id']}/" in url
    assert pdf == url + "/pdf"
    token = Invoice.objects.get(pk=created["id"]).hosted_token
    assert len(token) >= 40 and token in url


def test_the_page_shows_the_invoice_and_a_card_form(client, invoice):
    response = client.get(path_of(invoice["hosted_invoice_url"]))

    assert response.status_code == 200
    body = response.content.decode()
    assert invoice["number"] in body
    assert "$20.00" in body and "Pay $20.00" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("change", ["token", "signature", "other-invoice"])
def test_a_wrong_link_is_a_404_and_shows_nothing(client, api, invoice, change):
    url = path_of(invoice["hosted_invoice_url"])
    link = url.rsplit("/", 1)[1]
    token, expires, signature = link.split("_")
    if change == "token":
        url = url.replace(token, token[:-1] + ("a" if token[-1] != "a" else "b"))
    elif change == "signature":
        url = url.replace(signature, "0" * len(signature))
    else:
        other = open_invoice(api, customer(api)["id"], 700)
        url = url.replace(invoice["id"], other["id"])
    response = client.get(url)
    assert response.status_code == 404
    assert invoice["number"] not in response.content.decode()
    assert client.get(url + "/pdf").status_code == 404
    assert client.post(url, card_form()).status_code == 404
    assert not Charge.objects.exists()


def test_links_expire_30_days_after_the_due_date_and_a_fresh_one_comes_from_the_api(api):
    with freeze_time("2026-01-01"):
        owner = customer(api)
        created = draft(api, owner["id"], 1000, collection_method="send_invoice",
                        days_until_due=5)
        finalized = ok(api.post(f"/v1/invoices/{created['id']}/finalize"))
    url = path_of(finalized["hosted_invoice_url"])
    client = Client()
    with freeze_time("2026-02-04"):  # due Jan 6 (+5 days), + 30 days
        assert client.get(url).status_code == 200
    with freeze_time("2026-02-06"):
        response = client.get(url)
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        fresh = ok(api.get(f"/v1/invoices/{created['id']}"))["hosted_invoice_url"]
    with freeze_time("2026-02-15"):  # a link read from the API works 10 days at least
        assert client.get(path_of(fresh)).status_code == 200


def test_a_good_card_pays_the_invoice_once(client, invoice):
    url = path_of(invoice["hosted_invoice_url"])

    response = client.post(url, card_form())

    assert response.status_code == 302 and response["Location"] == url
    paid = Invoice.objects.get(pk=invoice["id"])
    assert (paid.status, paid.amount_paid) == ("paid", 2000)
    page = client.get(url).content.decode()
    assert "Paid" in page and "Visa ending in 4242" in page and "View receipt" in page
    assert 'name="number"' not in page
    # a second submit (another tab) charges nothing more
    again = client.post(url, card_form())
    assert again.status_code == 200 and "Paid" in again.content.decode()
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert PaymentIntent.objects.filter(invoice_id=invoice["id"]).count() == 1


def test_a_decline_shows_stripes_wording_then_another_card_pays(client, invoice):
    url = path_of(invoice["hosted_invoice_url"])

    declined = client.post(url, card_form(number=DECLINED))

    assert declined.status_code == 402
    body = declined.content.decode()
    assert "Your card was declined." in body
    assert DECLINED not in body and CVC not in body
    assert Invoice.objects.get(pk=invoice["id"]).status == "open"

    retried = client.post(url, card_form())
    assert retried.status_code == 302
    assert Invoice.objects.get(pk=invoice["id"]).status == "paid"
    assert PaymentIntent.objects.filter(invoice_id=invoice["id"]).count() == 1


def test_3ds_goes_through_the_challenge_and_back_to_the_invoice(client, invoice):
    url = path_of(invoice["hosted_invoice_url"])

    response = client.post(url, card_form(number=THREE_D_SECURE))

    assert response.status_code == 302
    challenge = local(response["Location"])
    assert "Complete authentication" in client.get(challenge).content.decode()
    answered = client.post(challenge, {"outcome": "complete"})
    back = urlsplit(answered["Location"])
    assert back.path == url
    assert dict(parse_qsl(back.query))["redirect_status"] == "succeeded"
    page = client.get(local(answered["Location"])).content.decode()
    assert "Paid" in page
    assert Invoice.objects.get(pk=invoice["id"]).status == "paid"


def test_a_failed_challenge_shows_the_error_and_the_form(client, invoice):
    url = path_of(invoice["hosted_invoice_url"])
    response = client.post(url, card_form(number=THREE_D_SECURE))
    answered = client.post(local(response["Location"]), {"outcome": "fail"})

    page = client.get(local(answered["Location"]))

    assert page.status_code == 402
    assert "authenticat" in page.content.decode()
    assert 'name="number"' in page.content.decode()
    assert Invoice.objects.get(pk=invoice["id"]).status == "open"


def test_void_and_uncollectible_invoices_say_so_and_take_no_card(client, api, invoice):
    ok(api.post(f"/v1/invoices/{invoice['id']}/void"))
    url = path_of(invoice["hosted_invoice_url"])
    page = client.get(url).content.decode()
    assert "Void" in page and 'name="number"' not in page
    response = client.post(url, card_form())
    assert response.status_code == 200 and not Charge.objects.exists()


def test_the_pdf_downloads_under_the_invoice_number(client, invoice):
    response = client.get(path_of(invoice["invoice_pdf"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="Invoice-{invoice["number"]}.pdf"')


def test_the_card_number_is_never_stored_in_clear(client, invoice):
    client.post(path_of(invoice["hosted_invoice_url"]), card_form(number=GOOD))
    method = PaymentMethod.objects.get()
    assert GOOD not in str(method.__dict__)


def test_days_until_due_sets_the_expiry_window(api):
    from billing.hosted import link_expires_at

    owner = customer(api)
    created = draft(api, owner["id"], 1000, collection_method="send_invoice",
                    days_until_due=200)
    ok(api.post(f"/v1/invoices/{created['id']}/finalize"))
    inv = Invoice.objects.get(pk=created["id"])
    # never more than 120 days after finalization
    assert link_expires_at(inv, now=inv.finalized_at) == inv.finalized_at + timedelta(days=120)


def test_the_merchants_brand_colour_styles_the_page_and_the_pdf(client, account, invoice):
    from merchants.services import merchant_brand_color_set

    merchant_brand_color_set(merchant=account.merchant, color="#FF5500")

    body = client.get(path_of(invoice["hosted_invoice_url"])).content.decode()
    css_url = "/receipts/brand/ff5500.css"
    assert f'href="{css_url}"' in body
    css = client.get(css_url)
    assert css["Content-Type"] == "text/css" and "#ff5500" in css.content.decode()
    assert client.get("/receipts/brand/zz5500.css").status_code == 404
    pdf = client.get(path_of(invoice["invoice_pdf"])).content
    drawn = b"".join(zlib.decompress(stream) for stream in
                     re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S))
    assert b"1 0.3333 0 rg" in drawn  # the bar and the title in #ff5500


def test_a_brand_colour_must_be_rrggbb(account):
    from core.exceptions import InvalidParameter
    from merchants.services import merchant_brand_color_set

    with pytest.raises(InvalidParameter) as refused:
        merchant_brand_color_set(merchant=account.merchant, color="red")
    assert refused.value.param == "brand_color"
