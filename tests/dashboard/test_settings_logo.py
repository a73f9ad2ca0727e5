"""The merchant's logo: uploaded in Settings (owners and admins), re-encoded by Till as a
PNG, shown on hosted pages, receipts and invoice PDFs; a file that is not an image is
refused and changes nothing."""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from merchants.models import MerchantLogo
from tests.billing.factories import customer, open_invoice
from tests.payments.factories import ok, paid_intent

pytestmark = pytest.mark.django_db


def image_file(fmt: str = "PNG", size: tuple[int, int] = (1200, 300),
               name: str = "logo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def logo_url(html: str) -> str | None:
    match = re.search(r'src="(/receipts/brand/logo/[0-9a-f]{64}\.png)"', html)
    return match.group(1) if match else None


def test_an_uploaded_logo_is_shown_on_receipts_invoices_and_their_pdf(account, owner, api):
    response = owner.post("/settings/logo/", {"logo": image_file("JPEG", name="logo.jpg")})

    assert response.status_code == 302
    account.merchant.refresh_from_db()
    stored = MerchantLogo.objects.get(merchant=account.merchant)
    # re-encoded as a PNG that fits 800 × 240, its proportions kept
    assert (stored.width, stored.height) == (800, 200)
    served = Client().get(logo_url(owner.get("/settings/").content.decode()))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert "immutable" in served["Cache-Control"]
    assert Image.open(io.BytesIO(served.content)).format == "PNG"
    # on the customer's receipt
    paid = paid_intent(api, amount=2500)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    receipt = Client().get(urlsplit(charge["receipt_url"]).path).content.decode()
    assert logo_url(receipt) == f"/receipts/brand/logo/{stored.digest}.png"
    # and on a hosted invoice and its PDF (an image in it)
    invoice = open_invoice(api, customer(api, email="jenny@example.com")["id"], 1500)
    page = Client().get(urlsplit(invoice["hosted_invoice_url"]).path).content.decode()
    assert logo_url(page) is not None
    pdf = Client().get(urlsplit(invoice["invoice_pdf"]).path).content
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf


def test_without_a_logo_pages_show_the_name_alone(api):
    paid = paid_intent(api, amount=2500)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))

    receipt = Client().get(urlsplit(charge["receipt_url"]).path).content.decode()

    assert logo_url(receipt) is None


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'>"
                        b"<script>alert(1)</script></svg>", content_type="image/svg+xml"),
     "not an image Till can read"),
    (SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n not really", content_type="image/png"),
     "not an image Till can read"),
    (image_file("BMP", name="logo.bmp"), "PNG, JPEG, WebP or GIF"),
    (SimpleUploadedFile("big.png", b"0" * (600 * 1024), content_type="image/png"),
     "at most 512 KB"),
])
def test_a_file_that_is_not_an_allowed_image_is_refused(account, owner, upload, message):
    response = owner.post("/settings/logo/", {"logo": upload})

    assert response.status_code == 200
    assert message in response.content.decode()
    account.merchant.refresh_from_db()
    assert account.merchant.logo_digest == "" and not MerchantLogo.objects.exists()


def test_removing_the_logo_and_who_may(account, owner, support, developer):
    owner.post("/settings/logo/", {"logo": image_file()})
    assert support.post("/settings/logo/", {"remove": "1"}).status_code == 403
    assert developer.post("/settings/logo/", {"logo": image_file()}).status_code == 403
    account.merchant.refresh_from_db()
    old = account.merchant.logo_digest
    assert old

    owner.post("/settings/logo/", {"remove": "1"})

    account.merchant.refresh_from_db()
    assert account.merchant.logo_digest == "" and not MerchantLogo.objects.exists()
    assert Client().get(f"/receipts/brand/logo/{old}.png").status_code == 404
