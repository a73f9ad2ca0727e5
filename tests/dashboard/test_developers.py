"""Developers: create named secret and restricted keys (shown once), roll and revoke from
the page, last use; the API request log, filtered, paged, and one request's detail."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import RequestLog
from merchants.models import ApiKey
from tests.conftest import Api
from tests.dashboard.helpers import key_row, switch_mode

NEW_KEY = re.compile(r'value="((?:sk|rk)_test_[A-Za-z0-9]+)"')


def create_key(client, name: str = "Reporting", kind: str = "restricted", **permissions):
    data = {"name": name, "kind": kind, **{f"perm_{r}": v for r, v in permissions.items()}}
    return client.post("/developers/keys/new/", data)


def shown_token(client) -> str:
    html = client.get("/developers/").content.decode()
    match = NEW_KEY.search(html)
    assert match, "the new key is shown"
    return match.group(1)


def test_an_owner_creates_a_restricted_key_shown_once(owner, account):
    # when the owner creates a restricted key that may read customers
    response = create_key(owner, customers="read")
    assert response.status_code == 302 and response["Location"] == "/developers/"

    # then the page shows its token once
    token = shown_token(owner)
    assert token.startswith("rk_test_")
    assert token not in owner.get("/developers/").content.decode()
    # and it works as granted
    key = key_row(token)
    assert (key.name, key.kind, key.permissions) == ("Reporting", "restricted",
                                                     {"customers": "read"})
    assert Api(token).get("/v1/customers").status_code == 200
    assert Api(token).post("/v1/customers", {"email": "a@b.test"}).status_code == 403
    # and the page lists it by name with its permissions
    html = owner.get("/developers/").content.decode()
    assert "Reporting" in html and "customers: read" in html and key.redacted in html


def test_a_named_secret_key_is_created(owner, account):
    create_key(owner, name="Billing server", kind="secret", customers="read")
    token = shown_token(owner)
    assert token.startswith("sk_test_")
    assert key_row(token).permissions == {}


def test_a_key_with_no_name_or_no_permission_is_refused(owner, account):
    before = ApiKey.objects.count()
    create_key(owner, name="", customers="read")
    create_key(owner, name="Nothing")
    assert ApiKey.objects.count() == before
    html = owner.get("/developers/").content.decode()
    assert "at least one read or write permission" in html


def test_a_live_key_is_made_in_live_mode(owner, account):
    switch_mode(owner, "live")
    create_key(owner, customers="write")
    assert shown_token_live(owner).startswith("rk_live_")


def shown_token_live(client) -> str:
    match = re.search(r'value="(rk_live_[A-Za-z0-9]+)"', client.get("/developers/")
                      .content.decode())
    assert match
    return match.group(1)


def test_a_developer_manages_keys_and_support_only_looks(developer, support, account):
    # a developer creates, rolls and revokes
    assert create_key(developer, customers="read").status_code == 302
    token = shown_token(developer)
    key = key_row(token)
    rolled = developer.post(f"/keys/{key.id}/roll/", {"expires_in": "now",
                                                      "next": "/developers/"})
    assert rolled["Location"] == "/developers/"
    assert developer.post(f"/keys/{key.id}/revoke/", {"next": "/developers/"}
                          )["Location"] == "/developers/"
    # support sees the page without its buttons, and is refused the actions
    html = support.get("/developers/").content.decode()
    assert "Create a key" not in html and "Roll key" not in html
    before = ApiKey.objects.count()
    assert create_key(support, customers="read").status_code == 403
    assert ApiKey.objects.count() == before


def test_last_use_is_shown(owner, account):
    account.api().get("/v1/customers")
    html = owner.get("/developers/").content.decode()
    used = key_row(account.key()).last_used_at
    assert used is not None
    assert used.strftime("%b %-d, %Y, %H:%M") in html


# -- the request log ---------------------------------------------------------------------

def test_the_log_lists_this_modes_requests_newest_first(owner, account):
    api = account.api()
    api.get("/v1/customers")
    api.post("/v1/customers", {"email": "a@b.test"})
    account.api("live_secret_key").get("/v1/charges")

    html = owner.get("/developers/").content.decode()
    assert html.index("POST") < html.index("/v1/customers</code>")
    assert "/v1/charges" not in html  # live mode's


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ({"status": "4"}, "/v1/payment_intents", "/v1/customers"),
    ({"status": "2"}, "/v1/customers", "/v1/payment_intents"),
    ({"method": "GET"}, "/v1/customers", "/v1/payment_intents"),
    ({"path": "/v1/payment_"}, "/v1/payment_intents", "/v1/customers"),
])
def test_the_log_is_filtered(owner, account, query, shown, hidden):
    api = account.api()
    api.get("/v1/customers")
    api.post("/v1/payment_intents", {"amount": "-1", "currency": "usd"})
    html = owner.get("/developers/", query).content.decode()
    assert shown in html and f">{hidden}</code>" not in html


def test_the_log_is_filtered_by_key_and_date(owner, account):
    create_key(owner, customers="read")
    restricted = shown_token(owner)
    Api(restricted).get("/v1/customers", {"limit": 3})
    account.api().get("/v1/customers", {"limit": 4})
    key = key_row(restricted)

    html = owner.get("/developers/", {"key": key.id}).content.decode()
    assert "limit=3" in html and "limit=4" not in html

    # an old entry falls outside today's range
    RequestLog.objects.filter(path__contains="limit=4").update(
        created=timezone.now() - timedelta(days=3))
    today = timezone.now().date().isoformat()
    html = owner.get("/developers/", {"date_from": today, "date_to": today}).content.decode()
    assert "limit=3" in html and "limit=4" not in html


def test_htmx_filters_swap_only_the_results(owner, account):
    account.api().get("/v1/customers")
    response = owner.get("/developers/", {"method": "GET"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "/v1/customers" in html and "<html" not in html and "Create a key" not in html


def test_the_log_is_keyset_paged(owner, account, settings):
    settings.TILL_RATE_LIMIT_TEST = 10_000
    api = account.api()
    for i in range(30):
        api.get("/v1/customers", {"limit": i + 1})
    first = owner.get("/developers/").content.decode()
    assert "limit=30" in first and "limit=1&quot;" not in first
    older = re.search(r'href="\?after=([^"&]+)"', first)
    assert older, "a link to the older page"
    second = owner.get("/developers/", {"after": older.group(1)}).content.decode()
    assert "limit=1<" in second or "limit=1</code>" in second
    assert "limit=30" not in second


def test_a_request_s_detail_shows_its_error_and_idempotency_key(owner, account):
    account.api().post("/v1/payment_intents", {"amount": "-1", "currency": "usd"},
                       headers={"Idempotency-Key": "try-1"})
    entry = RequestLog.objects.get(merchant=account.merchant)
    html = owner.get(f"/developers/logs/{entry.id}/").content.decode()
    assert entry.request_id in html and "try-1" in html
    assert entry.error_type in html and entry.error_param in html
    assert entry.api_key_redacted in html and account.key() not in html


def test_another_merchants_request_is_a_404(owner, other_account):
    other_account.api().get("/v1/customers")
    entry = RequestLog.objects.get(merchant=other_account.merchant)
    assert owner.get(f"/developers/logs/{entry.id}/").status_code == 404
    assert entry.request_id not in owner.get("/developers/").content.decode()


def test_an_empty_log_says_what_to_do(owner, account):
    html = owner.get("/developers/").content.decode()
    assert "No test API requests yet" in html


def test_the_page_costs_the_same_for_one_request_or_thirty(owner, account, settings,
                                                            django_assert_max_num_queries):
    settings.TILL_RATE_LIMIT_TEST = 10_000
    api = account.api()
    api.get("/v1/customers")
    with django_assert_max_num_queries(5) as one:
        assert owner.get("/developers/").status_code == 200
    for _ in range(29):
        api.get("/v1/customers")
    # session, user, membership with its merchant, the keys, the log's page
    with django_assert_max_num_queries(5) as thirty:
        assert owner.get("/developers/").status_code == 200
    assert len(one.captured_queries) == len(thirty.captured_queries)
