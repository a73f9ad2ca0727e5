"""Customers: the list (newest first, keyset pages, email search) and the detail page."""

import re

from dashboard.views import common
from payments.services import customer_delete, customer_update
from tests.dashboard.helpers import new_customer

CUSTOMER_LINK = re.compile(r'href="/customers/(cus_[A-Za-z0-9]+)/"')


def listed(html: str) -> list[str]:
    """Customer ids in the order the page lists them (each row links twice)."""
    return list(dict.fromkeys(CUSTOMER_LINK.findall(html)))


def test_lists_customers_newest_first_without_the_deleted(owner, account):
    first = new_customer(account, email="first@example.test")
    second = new_customer(account, email="second@example.test")
    gone = new_customer(account, email="gone@example.test")
    customer_delete(id=gone.id, merchant=account.merchant, livemode=False)

    response = owner.get("/customers/")

    assert response.status_code == 200
    assert listed(response.content.decode()) == [second.id, first.id]


def test_pages_older_and_newer(owner, account, monkeypatch):
    # given five customers, two to a page
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    ids = [new_customer(account, email=f"c{n}@example.test").id for n in range(5)]
    newest_first = ids[::-1]

    # when walking older
    page1 = owner.get("/customers/").content.decode()
    page2 = owner.get("/customers/", {"after": newest_first[1]}).content.decode()
    page3 = owner.get("/customers/", {"after": newest_first[3]}).content.decode()

    # then
    assert listed(page1) == newest_first[0:2]
    assert listed(page2) == newest_first[2:4]
    assert listed(page3) == newest_first[4:]
    assert "Older →" in page1 and f"after={newest_first[1]}" in page1
    assert f"before={newest_first[2]}" in page2 and f"after={newest_first[3]}" in page2
    assert 'rel="next"' not in page3 and 'rel="prev"' not in page1
    # and walking back newer
    back = owner.get("/customers/", {"before": newest_first[2]}).content.decode()
    assert listed(back) == newest_first[0:2]
    assert 'rel="prev"' not in back


def test_pages_keep_the_search(owner, account, monkeypatch):
    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    for _ in range(2):
        new_customer(account, email="twin@example.test")

    html = owner.get("/customers/", {"email": "twin@example.test"}).content.decode()

    assert "email=twin%40example.test" in html and "after=" in html


def test_search_by_exact_email(owner, account):
    match = new_customer(account, email="jenny@example.test")
    new_customer(account, email="jenny.rosen@example.test")

    html = owner.get("/customers/", {"email": " jenny@example.test "}).content.decode()

    assert listed(html) == [match.id]
    assert owner.get("/customers/", {"email": "jenny"}).content.decode().count("cus_") == 0


def test_htmx_search_returns_only_the_results(owner, account):
    match = new_customer(account, email="jenny@example.test")

    response = owner.get("/customers/", {"email": "jenny@example.test"},
                         headers={"HX-Request": "true"})

    html = response.content.decode()
    assert listed(html) == [match.id]
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_empty_list(owner):
    assert b"No test customers yet" in owner.get("/customers/").content


def test_detail_shows_fields_metadata_and_the_customers_events(owner, account):
    # given
    customer = new_customer(account, email="jenny@example.test", name="Jenny Rosen",
                            phone="+15555550100", balance=-1250,
                            address={"line1": "1 Main St", "city": "Springfield"},
                            metadata={"order_id": "6735"})
    customer.currency = "usd"
    customer.save(update_fields=["currency"])
    customer_update(id=customer.id, merchant=account.merchant, livemode=False,
                    name="Jenny R.")
    unrelated = new_customer(account, email="other@example.test")

    # when
    response = owner.get(f"/customers/{customer.id}/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("jenny@example.test", "Jenny R.", "+15555550100", "1 Main St",
                 "Springfield", "order_id", "6735", "-$12.50 USD"):
        assert text in html
    assert "customer.created" in html and "customer.updated" in html
    assert unrelated.id not in html


def test_a_deleted_customer_still_shows_with_its_events(owner, account):
    customer = new_customer(account, email="gone@example.test")
    customer_delete(id=customer.id, merchant=account.merchant, livemode=False)

    html = owner.get(f"/customers/{customer.id}/").content.decode()

    assert "Deleted" in html and "customer.deleted" in html


def test_unknown_customer_is_a_404(owner):
    assert owner.get("/customers/cus_missing/").status_code == 404
