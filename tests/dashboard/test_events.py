"""Events: the list (filter by type, keyset pages) and the detail with its JSON payload."""

import json
import re
from html import unescape

from dashboard.views import common
from payments.services import customer_update
from tests.dashboard.helpers import new_customer
from webhooks.models import Event

EVENT_LINK = re.compile(r'href="/events/(evt_[A-Za-z0-9]+)/"')
PAYLOAD = re.compile(r'<pre class="json"[^>]*>(.*?)</pre>', re.DOTALL)


def listed(html: str) -> list[str]:
    return list(dict.fromkeys(EVENT_LINK.findall(html)))


def test_lists_events_newest_first(owner, account):
    customer = new_customer(account, email="a@example.test")
    customer_update(id=customer.id, merchant=account.merchant, livemode=False,
                    name="A")
    created, updated = Event.objects.order_by("created")

    response = owner.get("/events/")

    assert response.status_code == 200
    assert listed(response.content.decode()) == [updated.id, created.id]


def test_filter_by_type_and_wildcard(owner, account):
    customer = new_customer(account)
    customer_update(id=customer.id, merchant=account.merchant, livemode=False,
                    name="A")
    updated = Event.objects.get(type="customer.updated")

    only_updates = owner.get("/events/", {"type": "customer.updated"}).content.decode()
    wildcard = owner.get("/events/", {"type": "customer.*"}).content.decode()

    assert listed(only_updates) == [updated.id]
    assert len(listed(wildcard)) == 2
    assert '<option value="customer.updated" selected>' in only_updates


def test_an_unknown_type_filters_nothing_out(owner, account):
    new_customer(account)

    html = owner.get("/events/", {"type": "bogus"}).content.decode()

    assert len(listed(html)) == 1


def test_htmx_filter_returns_only_the_results(owner, account):
    new_customer(account)

    response = owner.get("/events/", {"type": "customer.created"},
                         headers={"HX-Request": "true"})

    assert "<html" not in response.content.decode()
    assert len(listed(response.content.decode())) == 1


def test_pages_through_events(owner, account, monkeypatch):
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    for _ in range(3):
        new_customer(account)
    newest_first = list(Event.objects.order_by("-created", "-id").values_list("id", flat=True))

    page1 = owner.get("/events/").content.decode()
    page2 = owner.get("/events/", {"after": newest_first[1]}).content.decode()

    assert listed(page1) == newest_first[:2]
    assert listed(page2) == newest_first[2:]


def test_detail_pretty_prints_the_payload(owner, account):
    customer = new_customer(account, email="jenny@example.test", metadata={"k": "v"})
    event = Event.objects.get()

    response = owner.get(f"/events/{event.id}/")

    html = response.content.decode()
    assert response.status_code == 200
    payload_text = unescape(PAYLOAD.search(html).group(1))
    payload = json.loads(payload_text)
    assert payload["id"] == event.id and payload["object"] == "event"
    assert payload["type"] == "customer.created"
    assert payload["data"]["object"]["id"] == customer.id
    assert '\n  "data": {' in payload_text  # indented, one key a line
    assert f'href="/customers/{customer.id}/"' in html


def test_unknown_event_is_a_404(owner):
    assert owner.get("/events/evt_missing/").status_code == 404
