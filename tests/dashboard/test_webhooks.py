"""Webhooks in the dashboard: endpoints (add, secret shown once, enable, disable, roll,
delete), the notice when Till disabled one for failing, and deliveries with their attempts
and the resend button."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard.views import common
from tests.dashboard.helpers import (
    PUBLIC_URL,
    disabled_for_failing,
    new_endpoint,
    switch_mode,
)
from tests.webhooks.conftest import record_event
from webhooks import services
from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint

SECRET = re.compile(r'value="(whsec_[A-Za-z0-9]+)"')
FAILING_NOTICE = "because deliveries kept failing"


def add_endpoint(client, url: str = PUBLIC_URL, events: list[str] | None = None,
                 **fields: str):
    return client.post("/webhooks/new/", {"url": url, "enabled_events": events or ["*"],
                                          **fields})


# -- the list and adding endpoints ---------------------------------------------------------

def test_the_list_shows_the_modes_endpoints_with_status_and_events(owner, account):
    # given an enabled endpoint, one disabled on request, and one in live mode
    orders = new_endpoint(account, url="https://93.184.215.14/orders",
                          events=["customer.created", "customer.deleted"])
    paused = new_endpoint(account, url="https://93.184.215.14/paused")
    owner.post(f"/webhooks/{paused.id}/disable/")
    live = new_endpoint(account, livemode=True, url="https://93.184.215.14/live")

    # when
    response = owner.get("/webhooks/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert orders.url in html and paused.url in html and live.url not in html
    assert "customer.created" in html and "customer.deleted" in html
    assert "All events" in html
    assert "Enabled" in html and "Disabled" in html
    assert 'aria-current="page">Webhooks' in html


def test_an_empty_list_offers_to_add_one(owner):
    html = owner.get("/webhooks/").content.decode()

    assert "No test webhook endpoints yet" in html
    assert 'href="/webhooks/new/"' in html


def test_adding_an_endpoint_shows_its_secret_once_and_stores_it(owner, account):
    # when
    response = add_endpoint(owner, events=["customer.created", "customer.updated"],
                            description="Orders service")

    # then it exists as the API would have created it
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/webhooks/{endpoint.id}/"
    assert (endpoint.merchant, endpoint.livemode) == (account.merchant, False)
    assert endpoint.url == PUBLIC_URL
    assert endpoint.enabled_events == ["customer.created", "customer.updated"]
    assert endpoint.description == "Orders service"
    assert endpoint.status == "enabled"

    # and its page shows the signing secret, once, with the warning, never cached
    page = owner.get(f"/webhooks/{endpoint.id}/")
    html = page.content.decode()
    assert SECRET.search(html).group(1) == endpoint.secret
    assert "won't be shown again" in html
    assert "no-store" in page["Cache-Control"]
    again = owner.get(f"/webhooks/{endpoint.id}/").content.decode()
    assert endpoint.secret not in again
    assert endpoint.secret not in str(dict(owner.session.items()))


def test_all_events_wins_over_single_types(owner):
    add_endpoint(owner, events=["*", "customer.created"])

    assert WebhookEndpoint.objects.get().enabled_events == ["*"]


def test_the_form_offers_every_event_type_of_the_catalogue(owner):
    html = owner.get("/webhooks/new/").content.decode()

    assert 'type="checkbox" name="enabled_events" value="*"' in html
    for event_type in EVENT_TYPES:
        assert f'value="{event_type}"' in html


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.1:8000/hook", "ftp://93.184.215.14/x"])
def test_an_unsafe_url_is_a_form_error_and_creates_nothing(owner, url):
    response = add_endpoint(owner, url=url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-error">Invalid URL:' in html
    assert f'value="{url}"' in html  # the form keeps what was typed
    assert not WebhookEndpoint.objects.exists()


def test_a_url_whose_host_does_not_resolve_is_a_form_error(owner, dns):
    dns["typo.example.test"] = None

    response = add_endpoint(owner, url="https://typo.example.test/hook")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="field-error">Invalid URL: the host typo.example.test does not resolve' in html
    assert not WebhookEndpoint.objects.exists()


def test_live_mode_endpoints_need_https(owner):
    switch_mode(owner, "live")

    response = add_endpoint(owner, url="http://93.184.215.14/hook")

    assert "URL must use https in live mode" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_choosing_no_event_is_a_form_error(owner):
    response = owner.post("/webhooks/new/", {"url": PUBLIC_URL})

    assert "Choose at least one event type, or all events." in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_endpoint_limit_is_a_form_error(owner, account, monkeypatch):
    monkeypatch.setattr(services.endpoints, "MAX_ENDPOINTS_PER_MODE", 1)
    new_endpoint(account)

    response = add_endpoint(owner, url="https://93.184.215.14/second")

    assert "maximum of 1 test webhook endpoints" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 1


def test_live_mode_adds_a_live_endpoint(owner, account):
    switch_mode(owner, "live")

    add_endpoint(owner)

    assert WebhookEndpoint.objects.get().livemode is True


# -- managing an endpoint ------------------------------------------------------------------

def test_disable_and_enable_buttons(owner, account):
    endpoint = new_endpoint(account)

    disabled = owner.post(f"/webhooks/{endpoint.id}/disable/", follow=True)

    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.disabled_reason) == ("disabled", "requested")
    assert "Disabled https://93.184.215.14/webhooks" in disabled.content.decode()
    assert "Enable endpoint" in disabled.content.decode()

    enabled = owner.post(f"/webhooks/{endpoint.id}/enable/", follow=True)

    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.disabled_reason) == ("enabled", None)
    assert "Disable endpoint" in enabled.content.decode()


def test_disabling_cancels_pending_deliveries(owner, account):
    endpoint = new_endpoint(account)
    record_event(account.merchant)  # its delivery's message is never sent here

    owner.post(f"/webhooks/{endpoint.id}/disable/")

    assert WebhookDelivery.objects.get().status == "canceled"


def test_delete_asks_for_confirmation_then_deletes(owner, account):
    endpoint = new_endpoint(account)

    confirm = owner.get(f"/webhooks/{endpoint.id}/delete/")
    assert confirm.status_code == 200
    assert b"Delete endpoint" in confirm.content
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is None  # asking changes nothing

    response = owner.post(f"/webhooks/{endpoint.id}/delete/", follow=True)

    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None
    assert response.redirect_chain == [("/webhooks/", 302)]
    assert "No test webhook endpoints yet" in response.content.decode()
    assert owner.get(f"/webhooks/{endpoint.id}/").status_code == 404


def test_rolling_the_secret_shows_the_new_one_once(owner, account):
    endpoint = new_endpoint(account)
    old_secret = endpoint.secret

    response = owner.post(f"/webhooks/{endpoint.id}/roll/", {"expires_in": "1h"})

    endpoint.refresh_from_db()
    assert response.status_code == 302
    assert endpoint.secret != old_secret and endpoint.previous_secret == old_secret
    remaining = endpoint.previous_secret_expires_at - timezone.now()
    assert remaining.total_seconds() == pytest.approx(3600, abs=60)
    html = owner.get(f"/webhooks/{endpoint.id}/").content.decode()
    assert SECRET.search(html).group(1) == endpoint.secret
    assert "The old secret also signs each event" in html
    assert endpoint.secret not in owner.get(f"/webhooks/{endpoint.id}/").content.decode()


def test_rolling_with_an_unknown_expiry_changes_nothing(owner, account):
    endpoint = new_endpoint(account)

    response = owner.post(f"/webhooks/{endpoint.id}/roll/", {"expires_in": "forever"},
                          follow=True)

    assert b"Choose when the old signing secret should expire" in response.content
    assert WebhookEndpoint.objects.get().secret == endpoint.secret


# -- the notice about endpoints Till disabled ----------------------------------------------

def test_an_endpoint_disabled_for_failing_is_announced_on_webhooks_and_home(owner, account):
    # given an endpoint Till disabled after five days of failures
    since = timezone.now() - timedelta(days=5)
    endpoint = disabled_for_failing(new_endpoint(account), since=since)

    # when
    pages = [owner.get("/webhooks/").content.decode(), owner.get("/").content.decode()]

    # then both pages say which endpoint, since when, and that it can be re-enabled
    for html in pages:
        assert FAILING_NOTICE in html
        assert f'href="/webhooks/{endpoint.id}/"' in html
        assert f'datetime="{timezone.localtime(since).isoformat()}"' in html
        assert "5\xa0days ago" in html
        assert f'action="/webhooks/{endpoint.id}/enable/"' in html
        assert "Re-enable" in html


def test_no_notice_for_healthy_or_requested_disabled_endpoints(owner, account):
    new_endpoint(account)
    paused = new_endpoint(account, url="https://93.184.215.14/paused")
    owner.post(f"/webhooks/{paused.id}/disable/")
    # and one failing in the other mode
    disabled_for_failing(new_endpoint(account, livemode=True),
                         since=timezone.now() - timedelta(days=6))

    for path in ("/webhooks/", "/"):
        assert FAILING_NOTICE not in owner.get(path).content.decode()


def test_re_enabling_from_the_notice_clears_it(owner, account):
    endpoint = disabled_for_failing(new_endpoint(account),
                                    since=timezone.now() - timedelta(days=5))

    response = owner.post(f"/webhooks/{endpoint.id}/enable/", {"next": "/"}, follow=True)

    assert response.redirect_chain == [("/", 302)]
    assert FAILING_NOTICE not in response.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.failing_since) == ("enabled", None)


def test_a_support_member_sees_the_notice_without_the_button(support, account):
    endpoint = disabled_for_failing(new_endpoint(account),
                                    since=timezone.now() - timedelta(days=5))

    html = support.get("/").content.decode()

    assert FAILING_NOTICE in html
    assert f"/webhooks/{endpoint.id}/enable/" not in html


# -- deliveries ----------------------------------------------------------------------------

@pytest.mark.usefixtures("allow_local")
def test_deliveries_are_listed_newest_first_with_their_last_response(owner, account,
                                                                     receiver, deliver):
    # given two events delivered to an endpoint, the second refused
    endpoint = new_endpoint(account, url=receiver.url())
    receiver.respond("/hook", 200, 503)
    first = deliver(account.merchant, email="a@example.test")
    second = deliver(account.merchant, email="b@example.test")

    # when
    html = owner.get(f"/webhooks/{endpoint.id}/").content.decode()

    # then
    assert html.index(second.id) < html.index(first.id)
    assert f'href="/events/{first.id}/"' in html
    assert "customer.created" in html
    assert "HTTP 200" in html and "HTTP 503" in html
    assert "Succeeded" in html and "Retrying" in html


@pytest.mark.usefixtures("allow_local")
def test_a_delivery_page_shows_every_attempt(owner, account, receiver, deliver):
    endpoint = new_endpoint(account, url=receiver.url())
    receiver.respond("/hook", 500)
    event = deliver(account.merchant)
    delivery = WebhookDelivery.objects.get()

    response = owner.get(f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/")

    html = response.content.decode()
    [attempt] = WebhookDeliveryAttempt.objects.all()
    assert response.status_code == 200
    assert event.id in html
    assert "HTTP 500" in html
    assert f"{attempt.duration_ms} ms" in html
    assert "{&quot;received&quot;: true}" in html  # the first bytes of the response


def test_the_status_filter_and_its_htmx_results(owner, account):
    endpoint = new_endpoint(account)
    record_event(account.merchant)

    pending = owner.get(f"/webhooks/{endpoint.id}/", {"status": "pending"})
    failed = owner.get(f"/webhooks/{endpoint.id}/", {"status": "failed"},
                       headers={"HX-Request": "true"})

    assert "Pending" in pending.content.decode()
    assert "No failed deliveries" in failed.content.decode()
    assert "<html" not in failed.content.decode()


def test_pages_through_deliveries(owner, account, monkeypatch):
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    endpoint = new_endpoint(account)
    for n in range(3):
        record_event(account.merchant, email=f"c{n}@example.test")
    newest_first = list(WebhookDelivery.objects.order_by("-created", "-id")
                        .values_list("id", flat=True))

    page1 = owner.get(f"/webhooks/{endpoint.id}/").content.decode()
    page2 = owner.get(f"/webhooks/{endpoint.id}/", {"after": newest_first[1]}).content.decode()

    assert all(f"/deliveries/{pk}/" in page1 for pk in newest_first[:2])
    assert f"/deliveries/{newest_first[2]}/" not in page1
    assert f"/deliveries/{newest_first[2]}/" in page2
    assert f"/deliveries/{newest_first[0]}/" not in page2


@pytest.mark.usefixtures("allow_local")
def test_resend_makes_one_manual_attempt(owner, account, receiver, deliver, eager_tasks,
                                         django_capture_on_commit_callbacks):
    # given a delivered event
    endpoint = new_endpoint(account, url=receiver.url())
    event = deliver(account.merchant)
    delivery = WebhookDelivery.objects.get()
    page = f"/webhooks/{endpoint.id}/"

    # when the Resend button is pressed on the endpoint's page
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/resend/",
                              {"next": page})

    # then the receiver gets the event again, signed, and the attempt is on record
    assert response.status_code == 302 and response["Location"] == page
    first, second = receiver.wait_for(2)
    assert second.verified_event(endpoint.secret).id == event.id
    assert [a.manual for a in WebhookDeliveryAttempt.objects.all()] == [False, True]
    assert WebhookDelivery.objects.get().attempt_count == 1  # outside the schedule
    followed = owner.get(page).content.decode()
    assert "Resending customer.created" in followed
    assert "(resent)" in followed


def test_resend_to_a_disabled_endpoint_is_a_message(owner, account, eager_tasks,
                                                    django_capture_on_commit_callbacks):
    endpoint = new_endpoint(account)
    record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()
    owner.post(f"/webhooks/{endpoint.id}/disable/")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = owner.post(f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/resend/",
                              follow=True)

    assert response.status_code == 200
    assert f"Webhook endpoint {endpoint.id} is disabled; enable it to resend." in (
        response.content.decode())
    assert callbacks == []
    assert not WebhookDeliveryAttempt.objects.exists()


def test_a_delivery_of_another_endpoint_is_a_404(owner, account):
    mine = new_endpoint(account, url="https://93.184.215.14/a")
    other = new_endpoint(account, url="https://93.184.215.14/b", events=["customer.updated"])
    record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()

    assert owner.get(f"/webhooks/{mine.id}/deliveries/{delivery.id}/").status_code == 200
    assert owner.get(f"/webhooks/{other.id}/deliveries/{delivery.id}/").status_code == 404
    assert owner.post(f"/webhooks/{other.id}/deliveries/{delivery.id}/resend/"
                      ).status_code == 404


# -- who may do what -----------------------------------------------------------------------

def test_an_admin_can_add_and_manage_endpoints(admin_member, account):
    assert add_endpoint(admin_member).status_code == 302
    endpoint = WebhookEndpoint.objects.get()

    assert admin_member.post(f"/webhooks/{endpoint.id}/disable/").status_code == 302
    assert admin_member.post(f"/webhooks/{endpoint.id}/roll/",
                             {"expires_in": "now"}).status_code == 302
    assert admin_member.post(f"/webhooks/{endpoint.id}/delete/").status_code == 302


def test_a_developer_may_change_endpoints(developer, account):
    # given a developer, when they add, disable and delete an endpoint, then it is done
    assert add_endpoint(developer).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert developer.post(f"/webhooks/{endpoint.id}/disable/").status_code == 302
    assert developer.post(f"/webhooks/{endpoint.id}/delete/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None


def test_support_sees_but_may_not_change(support, account):
    # given
    client = support
    endpoint = new_endpoint(account)
    record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()
    base = f"/webhooks/{endpoint.id}"

    # when they read, the pages show no buttons that change anything
    listing = client.get("/webhooks/")
    detail = client.get(f"{base}/")
    assert listing.status_code == detail.status_code == 200
    assert endpoint.url in listing.content.decode()
    for button in (b"Add endpoint", b"Disable endpoint", b"Roll signing secret",
                   b"Delete endpoint", b"Resend"):
        assert button not in listing.content + detail.content

    # and every write is forbidden
    writes = [("/webhooks/new/", {"url": PUBLIC_URL, "enabled_events": ["*"]}),
              (f"{base}/disable/", {}), (f"{base}/enable/", {}),
              (f"{base}/roll/", {"expires_in": "now"}), (f"{base}/delete/", {}),
              (f"{base}/deliveries/{delivery.id}/resend/", {})]
    for path, data in writes:
        assert client.post(path, data).status_code == 403, path
    assert client.get("/webhooks/new/").status_code == 403
    assert client.get(f"{base}/delete/").status_code == 403

    # then nothing changed
    endpoint.refresh_from_db()
    assert WebhookEndpoint.objects.count() == 1
    assert (endpoint.status, endpoint.deleted_at) == ("enabled", None)
    assert endpoint.previous_secret is None


def test_writes_need_a_post(owner, account):
    endpoint = new_endpoint(account)

    for action in ("disable", "enable", "roll"):
        assert owner.get(f"/webhooks/{endpoint.id}/{action}/").status_code == 405


def test_an_unknown_endpoint_is_a_404(owner):
    assert owner.get("/webhooks/we_missing/").status_code == 404
    assert owner.post("/webhooks/we_missing/disable/").status_code == 404


# -- the notice about stalled deliveries ---------------------------------------------------

STALLED_NOTICE = "Webhook deliveries are stalled"


def test_home_warns_when_deliveries_wait_and_no_worker_sends_them(owner, account):
    # given a delivery owed for two minutes that no worker has tried (its message went to a
    # queue nobody consumes)
    new_endpoint(account)
    event = record_event(account.merchant)
    WebhookDelivery.objects.filter(event=event).update(
        created=timezone.now() - timedelta(minutes=2))

    # when / then Home says so, and why
    html = owner.get("/").content.decode()
    assert STALLED_NOTICE in html
    assert "no worker is consuming the <code>webhooks</code> queue" in html


def test_no_stalled_notice_while_deliveries_are_fresh_or_done(owner, account):
    new_endpoint(account)
    event = record_event(account.merchant)
    assert STALLED_NOTICE not in owner.get("/").content.decode()

    WebhookDelivery.objects.filter(event=event).update(
        created=timezone.now() - timedelta(minutes=2), status="succeeded", attempt_count=1)
    assert STALLED_NOTICE not in owner.get("/").content.decode()
