"""Delivery to a real HTTP receiver on loopback: signatures the SDK verifies, retries on
Stripe's schedule, giving up, auto-disable, manual resend, and the three atomic phases.

Tasks run inline here (the eager_tasks fixture); tests/webhooks/test_worker.py runs a real
Celery worker on PostgreSQL and Redis. Time is advanced by moving `next_attempt_at`, never
slept on.
"""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from tests.webhooks.conftest import create_endpoint
from tests.webhooks.receiver import HANG
from webhooks.models import Event, WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint
from webhooks.services import outbox as services

pytestmark = pytest.mark.usefixtures("allow_local")


def make_due(**filters) -> None:
    """Moves the clock past every pending delivery's next attempt."""
    past = timezone.now() - timedelta(seconds=1)
    WebhookDelivery.objects.filter(status="pending", **filters).update(
        next_attempt_at=past)


def test_a_delivery_is_a_signed_json_post_of_the_event(account, api, receiver, deliver):
    # given
    endpoint = create_endpoint(api, receiver.url("/hook"), ["customer.created"])

    # when
    event = deliver(account.merchant)

    # then the receiver got the event, signed as Stripe signs, verified by the SDK
    [request] = receiver.wait_for(1)
    verified = request.verified_event(endpoint["secret"])
    assert verified.id == event.id
    assert verified.type == "customer.created"
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["User-Agent"] == "Till/1.0 (+webhooks)"
    signature = request.headers["Stripe-Signature"]
    assert signature.startswith("t=") and signature.count("v1=") == 1
    assert abs(int(signature.split(",")[0][2:]) - time.time()) < 5

    # and the body is the Event object as the API shows it (then still pending)
    shown = api.get(f"/v1/events/{event.id}").json()
    assert request.event == {**shown, "pending_webhooks": 1}
    assert shown["pending_webhooks"] == 0

    # and the attempt is on record
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded"
    assert delivery.attempt_count == 1
    assert delivery.succeeded_at is not None
    assert delivery.next_attempt_at is None and delivery.in_flight_until is None
    [attempt] = delivery.attempts.all()
    assert attempt.succeeded is True
    assert attempt.status_code == 200
    assert attempt.response_excerpt == '{"received": true}'
    assert attempt.error is None
    assert attempt.manual is False
    assert attempt.duration_ms >= 0


def test_a_rolled_secret_signs_alongside_the_new_one(account, api, receiver, deliver):
    # given an endpoint whose secret was rolled
    endpoint = create_endpoint(api, receiver.url())
    new_secret = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret").json()[
        "secret"]

    # when
    deliver(account.merchant)

    # then handlers holding either secret accept the delivery
    [request] = receiver.wait_for(1)
    assert request.headers["Stripe-Signature"].count("v1=") == 2
    assert request.verified_event(new_secret).type == "customer.created"
    assert request.verified_event(endpoint["secret"]).type == "customer.created"


def test_after_the_grace_period_only_the_new_secret_signs(account, api, receiver, deliver):
    endpoint = create_endpoint(api, receiver.url())
    new_secret = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret").json()[
        "secret"]
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(
        previous_secret_expires_at=timezone.now() - timedelta(seconds=1))

    deliver(account.merchant)

    [request] = receiver.wait_for(1)
    assert request.headers["Stripe-Signature"].count("v1=") == 1
    assert request.verified_event(new_secret).type == "customer.created"


def test_each_endpoint_gets_its_own_signature(account, api, receiver, deliver):
    first = create_endpoint(api, receiver.url("/one"))
    second = create_endpoint(api, receiver.url("/two"))

    event = deliver(account.merchant)

    [one] = receiver.wait_for(1, "/one")
    [two] = receiver.wait_for(1, "/two")
    assert one.verified_event(first["secret"]).id == two.verified_event(second["secret"]).id
    assert event.id == one.event["id"]


def test_a_failure_is_retried_on_schedule_then_succeeds(account, api, receiver, deliver,
                                                        sweep):
    # given a receiver that fails once
    endpoint = create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500)

    # when the event is sent
    before = timezone.now()
    event = deliver(account.merchant)

    # then the failure is recorded and a retry is scheduled (test mode: 5 minutes)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempt_count == 1
    assert delivery.in_flight_until is None
    assert before + timedelta(seconds=299) < delivery.next_attempt_at < (
        timezone.now() + timedelta(seconds=301))
    [failed] = delivery.attempts.all()
    assert (failed.succeeded, failed.status_code, failed.error) == (False, 500, "HTTP 500")
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).failing_since is not None
    assert sweep() == 0  # not due yet

    # when the retry comes due
    make_due()
    assert sweep() == 1

    # then the same event arrives again, newly signed, and the delivery succeeded
    first, second = receiver.wait_for(2)
    assert first.event["id"] == second.event["id"] == event.id
    assert first.verified_event(endpoint["secret"]).id == event.id
    assert second.verified_event(endpoint["secret"]).id == event.id
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert delivery.attempt_count == 2
    assert [a.succeeded for a in delivery.attempts.all()] == [False, True]
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).failing_since is None
    event.refresh_from_db()
    assert event.pending_webhooks == 0


def test_retries_exhausted_give_up(account, api, receiver, deliver, sweep, settings):
    # given a receiver that always fails, and two retries
    settings.TILL_WEBHOOK_RETRY_SCHEDULE_TEST = [60, 120]
    create_endpoint(api, receiver.url())
    receiver.respond("/hook", then=503)

    # when every retry comes due
    event = deliver(account.merchant)
    for _ in range(2):
        make_due()
        assert sweep() == 1

    # then three attempts of the same event, and the delivery gave up
    requests = receiver.wait_for(3)
    assert {r.event["id"] for r in requests} == {event.id}
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempt_count == 3
    assert delivery.next_attempt_at is None
    assert [a.status_code for a in delivery.attempts.all()] == [503, 503, 503]
    event.refresh_from_db()
    assert event.pending_webhooks == 0
    make_due()
    assert sweep() == 0
    assert len(receiver.received()) == 3


def test_the_schedules_are_stripes(settings):
    live = [services.retry_delay(livemode=True, attempt=n) for n in range(1, 20)]
    test = [services.retry_delay(livemode=False, attempt=n) for n in range(1, 20)]

    live_steps = [d for d in live if d is not None]
    test_steps = [d for d in test if d is not None]
    # live: exponential backoff for about three days; test: three retries over hours
    assert live_steps == sorted(live_steps)
    assert timedelta(days=2.5) < sum(live_steps, timedelta()) <= timedelta(days=3)
    assert len(test_steps) == 3
    assert sum(test_steps, timedelta()) < timedelta(hours=6)


@pytest.mark.parametrize(("answer", "error"), [
    (302, "Redirects are not followed (HTTP 302)"),
    (404, "HTTP 404"),
    (HANG, "Timed out after 0.5s"),
])
def test_anything_but_a_2xx_in_time_fails(account, api, receiver, deliver, settings, answer,
                                          error):
    settings.TILL_WEBHOOK_TIMEOUT = 0.5
    create_endpoint(api, receiver.url())
    receiver.respond("/hook", answer)

    deliver(account.merchant)

    [attempt] = WebhookDeliveryAttempt.objects.all()
    assert attempt.succeeded is False
    assert attempt.error == error
    assert WebhookDelivery.objects.get().status == "pending"


def test_a_closed_port_fails_with_the_reason(account, api, deliver):
    create_endpoint(api, "http://127.0.0.1:9/hook")

    deliver(account.merchant)

    [attempt] = WebhookDeliveryAttempt.objects.all()
    assert attempt.status_code is None
    assert attempt.error.startswith("Could not connect")


def test_only_the_first_kibibyte_of_the_response_is_kept(account, api, receiver, deliver,
                                                         monkeypatch):
    from tests.webhooks import receiver as receiver_module

    create_endpoint(api, receiver.url())
    original = receiver_module._Handler.do_POST

    def long_answer(handler):
        handler.rfile.read(int(handler.headers["Content-Length"]))
        body = b"x" * 5000 + b"\x00"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    monkeypatch.setattr(receiver_module._Handler, "do_POST", long_answer)
    deliver(account.merchant)
    monkeypatch.setattr(receiver_module._Handler, "do_POST", original)

    [attempt] = WebhookDeliveryAttempt.objects.all()
    assert attempt.succeeded is True
    assert attempt.response_excerpt == "x" * 1024


# -- endpoints failing for days ------------------------------------------------------------

def test_an_endpoint_failing_for_days_is_disabled_and_the_merchant_told(account, api,
                                                                        receiver, deliver):
    # given an endpoint that has failed for six days, and a healthy one listening for all
    failing = create_endpoint(api, receiver.url("/broken"), ["customer.created"])
    watcher = create_endpoint(api, receiver.url("/watcher"), ["*"])
    receiver.respond("/broken", then=500)
    WebhookEndpoint.objects.filter(pk=failing["id"]).update(
        failing_since=timezone.now() - timedelta(days=6))

    # when its next delivery fails too
    deliver(account.merchant)

    # then it is disabled, its pending deliveries canceled, and an event says so
    endpoint = WebhookEndpoint.objects.get(pk=failing["id"])
    assert endpoint.status == "disabled"
    assert endpoint.disabled_reason == "failing"
    assert api.get(f"/v1/webhook_endpoints/{failing['id']}").json()["status"] == "disabled"
    delivery = WebhookDelivery.objects.get(endpoint_id=failing["id"])
    assert delivery.status == "canceled"
    notice = Event.objects.get(type="webhook_endpoint.disabled")
    assert notice.data["object"]["id"] == failing["id"]
    assert notice.data["object"]["status"] == "disabled"
    assert "secret" not in notice.data["object"]
    listed = api.get("/v1/events", {"type": "webhook_endpoint.disabled"}).json()["data"]
    assert [e["id"] for e in listed] == [notice.id]
    # the healthy endpoint subscribed to everything hears about it
    assert WebhookDelivery.objects.filter(event=notice, endpoint_id=watcher["id"]).exists()


def test_an_endpoint_failing_for_less_than_the_threshold_stays_enabled(account, api,
                                                                       receiver, deliver):
    failing = create_endpoint(api, receiver.url("/broken"))
    receiver.respond("/broken", then=500)
    WebhookEndpoint.objects.filter(pk=failing["id"]).update(
        failing_since=timezone.now() - timedelta(days=4))

    deliver(account.merchant)

    assert WebhookEndpoint.objects.get(pk=failing["id"]).status == "enabled"
    assert not Event.objects.filter(type="webhook_endpoint.disabled").exists()


# -- manual resend -------------------------------------------------------------------------

def resend(api, event_id: str, endpoint_id: str, capture):
    with capture(execute=True):
        return api.post(f"/v1/events/{event_id}/retry", {"webhook_endpoint": endpoint_id})


def test_an_event_can_be_resent_by_hand(account, api, receiver, deliver, eager_tasks,
                                        django_capture_on_commit_callbacks):
    # given a delivered event
    endpoint = create_endpoint(api, receiver.url())
    event = deliver(account.merchant)

    # when it is resent to the endpoint
    response = resend(api, event.id, endpoint["id"], django_capture_on_commit_callbacks)

    # then the API answers with the event, and the endpoint receives it again
    assert response.status_code == 200, response.content
    assert response.json()["id"] == event.id
    first, second = receiver.wait_for(2)
    assert second.verified_event(endpoint["secret"]).id == event.id
    attempts = list(WebhookDeliveryAttempt.objects.all())
    assert [a.manual for a in attempts] == [False, True]
    assert WebhookDelivery.objects.get().attempt_count == 1  # outside the schedule


def test_a_given_up_delivery_succeeds_by_hand(account, api, receiver, deliver, settings,
                                              eager_tasks, django_capture_on_commit_callbacks):
    settings.TILL_WEBHOOK_RETRY_SCHEDULE_TEST = []
    endpoint = create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500)
    event = deliver(account.merchant)
    assert WebhookDelivery.objects.get().status == "failed"

    resend(api, event.id, endpoint["id"], django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "succeeded"
    event.refresh_from_db()
    assert event.pending_webhooks == 0


def test_a_failed_manual_resend_changes_nothing(account, api, receiver, deliver,
                                                eager_tasks,
                                                django_capture_on_commit_callbacks):
    endpoint = create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500, 500)
    event = deliver(account.merchant)
    before = WebhookDelivery.objects.values("status", "attempt_count", "next_attempt_at").get()

    resend(api, event.id, endpoint["id"], django_capture_on_commit_callbacks)

    after = WebhookDelivery.objects.values("status", "attempt_count", "next_attempt_at").get()
    assert after == before
    assert [a.manual for a in WebhookDeliveryAttempt.objects.all()] == [False, True]


def test_resend_errors_name_their_parameter(account, api, receiver, deliver, eager_tasks,
                                            django_capture_on_commit_callbacks):
    subscribed = create_endpoint(api, receiver.url(), ["customer.created"])
    event = deliver(account.merchant)
    not_sent = create_endpoint(api, receiver.url("/late"))
    disabled = subscribed["id"]

    missing = resend(api, event.id, "we_nope", django_capture_on_commit_callbacks)
    unsent = resend(api, event.id, not_sent["id"], django_capture_on_commit_callbacks)
    no_event = resend(api, "evt_nope", subscribed["id"], django_capture_on_commit_callbacks)
    no_param = api.post(f"/v1/events/{event.id}/retry")
    api.post(f"/v1/webhook_endpoints/{disabled}", {"disabled": "true"})
    off = resend(api, event.id, disabled, django_capture_on_commit_callbacks)

    assert (missing.status_code, missing.json()["error"]["param"]) == (404, "webhook_endpoint")
    assert (unsent.status_code, unsent.json()["error"]["param"]) == (400, "webhook_endpoint")
    assert (no_event.status_code, no_event.json()["error"]["param"]) == (404, "id")
    assert (no_param.status_code, no_param.json()["error"]["param"]) == (400,
                                                                         "webhook_endpoint")
    assert (off.status_code, off.json()["error"]["param"]) == (400, "webhook_endpoint")
    assert len(receiver.received()) == 1


# -- the atomic phases ---------------------------------------------------------------------

def test_a_duplicate_or_stale_message_is_a_no_op(account, api, receiver, deliver):
    create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500)
    deliver(account.merchant)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempt_count == 1

    # the first message again (a broker redelivery): the attempt it asked for was made
    assert services.deliveries_attempt(items=[(delivery.id, 0)]) == 0
    # a message for the next attempt, before the sweep sent it: allowed once, then stale
    assert services.deliveries_attempt(items=[(delivery.id, 1)]) == 1
    assert services.deliveries_attempt(items=[(delivery.id, 1)]) == 0
    assert len(receiver.received()) == 2


def test_a_delivery_whose_worker_died_is_sent_again_after_its_lease(account, api, receiver,
                                                                     sweep):
    # given a delivery claimed by a worker that then died (no outcome recorded)
    endpoint = create_endpoint(api, receiver.url())
    from tests.webhooks.conftest import record_event

    event = record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()
    [claimed] = services.deliveries_claim(items=[(delivery.id, 0)])
    assert claimed.in_flight_until > timezone.now()

    # then nothing re-sends it while its lease runs
    assert sweep() == 0
    assert services.deliveries_attempt(items=[(delivery.id, 1)]) == 0

    # when the lease expires, the sweep sends it again
    WebhookDelivery.objects.filter(pk=delivery.id).update(
        in_flight_until=timezone.now() - timedelta(seconds=1),
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert sweep() == 1

    [request] = receiver.wait_for(1)
    assert request.verified_event(endpoint["secret"]).id == event.id
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    assert delivery.attempt_count == 2
    lost, sent = delivery.attempts.all()
    assert lost.error == services.LOST_ATTEMPT and not lost.succeeded
    assert sent.succeeded


def test_a_lost_message_is_swept_after_its_lease(account, api, receiver, sweep):
    # given an event whose on-commit message never reached a worker
    create_endpoint(api, receiver.url())
    from tests.webhooks.conftest import record_event

    record_event(account.merchant)  # its on_commit never runs in this test
    assert sweep() == 0  # the message may still be on its way

    make_due()
    assert sweep() == 1
    assert len(receiver.wait_for(1)) == 1
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_slow_endpoint_is_capped_and_its_delivery_left_for_the_sweep(
        account, api, receiver, settings, monkeypatch, django_capture_on_commit_callbacks):
    # given an endpoint with as many attempts in flight as allowed, running for seconds
    settings.TILL_WEBHOOK_MAX_IN_FLIGHT = 1
    create_endpoint(api, receiver.url())
    from tests.webhooks.conftest import record_event

    record_event(account.merchant)
    record_event(account.merchant, email="second@example.test")
    first, second = WebhookDelivery.objects.order_by("created", "id")
    assert services.deliveries_claim(items=[(first.id, 0)])
    WebhookDelivery.objects.filter(pk=first.pk).update(
        in_flight_until=F("in_flight_until") - services.SLOW_ATTEMPT)
    sent: list = []
    monkeypatch.setattr(services, "_enqueue", lambda items, countdown=None: sent.append(items))

    # when the other delivery's message arrives
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_claim(items=[(second.id, 0)]) == []

    # then it is not attempted, nor sent to a worker again, and is due for the sweep soon
    second.refresh_from_db()
    assert second.attempt_count == 0
    assert second.in_flight_until is None
    assert second.next_attempt_at <= timezone.now() + timedelta(seconds=2)
    assert sent == []


def test_a_burst_over_the_cap_is_sent_again_shortly_not_left_for_the_sweep(
        account, api, receiver, settings, monkeypatch, django_capture_on_commit_callbacks):
    # given a healthy endpoint with as many attempts in flight as allowed, just started
    settings.TILL_WEBHOOK_MAX_IN_FLIGHT = 1
    create_endpoint(api, receiver.url())
    from tests.webhooks.conftest import record_event

    record_event(account.merchant)
    record_event(account.merchant, email="second@example.test")
    first, second = WebhookDelivery.objects.order_by("created", "id")
    assert services.deliveries_claim(items=[(first.id, 0)])
    sent: list = []
    monkeypatch.setattr(services, "_enqueue",
                        lambda items, countdown=None: sent.append((items, countdown)))

    # when the other delivery's message arrives
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_claim(items=[(second.id, 0)]) == []

    # then it is not attempted yet, but a message for it leaves a moment later
    second.refresh_from_db()
    assert second.attempt_count == 0
    assert sent == [([(second.id, 0)], services.BURST_RETRY_SECONDS)]
    # and should that message be lost, the sweep sends it after the lease
    assert second.next_attempt_at > timezone.now() + timedelta(seconds=20)


def test_a_hanging_endpoint_does_not_delay_a_healthy_one(account, api, receiver, deliver,
                                                         settings):
    # given one endpoint that never answers and one that does
    settings.TILL_WEBHOOK_TIMEOUT = 2
    create_endpoint(api, receiver.url("/slow"))
    healthy = create_endpoint(api, receiver.url("/fast"))
    receiver.respond("/slow", then=HANG)

    # when an event goes to both
    committed = time.time()
    deliver(account.merchant)

    # then the healthy one had it at once, recorded before the other timed out
    [fast] = receiver.received("/fast")
    assert fast.at - committed < 0.5
    assert fast.verified_event(healthy["secret"])
    done = {d.endpoint_id: d for d in WebhookDelivery.objects.all()}
    assert done[healthy["id"]].status == "succeeded"
    slow_attempt = WebhookDeliveryAttempt.objects.get(succeeded=False)
    assert slow_attempt.error == "Timed out after 2s"
    assert done[healthy["id"]].succeeded_at < slow_attempt.attempted_at + timedelta(seconds=1)


def test_a_delivery_for_a_deleted_endpoint_is_canceled_not_sent(account, api, receiver):
    endpoint = create_endpoint(api, receiver.url())
    from tests.webhooks.conftest import record_event

    event = record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()
    WebhookEndpoint.objects.filter(pk=endpoint["id"]).update(deleted_at=timezone.now())

    assert services.deliveries_attempt(items=[(delivery.id, 0)]) == 0

    delivery.refresh_from_db()
    event.refresh_from_db()
    assert delivery.status == "canceled"
    assert event.pending_webhooks == 0
    assert receiver.received() == []


# -- the deliveries list (Till's extension) ------------------------------------------------

def test_an_endpoints_deliveries_list_shows_every_attempt(account, api, receiver, deliver,
                                                          sweep):
    endpoint = create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500)
    event = deliver(account.merchant)
    make_due()
    sweep()
    deliver(account.merchant, email="other@example.test")

    listed = api.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries").json()
    failed_first = api.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries",
                           {"event": event.id, "expand": ["data.event"]}).json()["data"]
    pending = api.get(f"/v1/webhook_endpoints/{endpoint['id']}/deliveries",
                      {"status": "pending"}).json()["data"]

    assert listed["object"] == "list"
    assert [d["object"] for d in listed["data"]] == ["webhook_delivery"] * 2
    newest, oldest = listed["data"]
    assert oldest["id"].startswith("whdel_")
    assert oldest["event"] == event.id
    assert oldest["webhook_endpoint"] == endpoint["id"]
    assert oldest["status"] == "succeeded"
    assert oldest["attempt_count"] == 2
    assert [(a["status_code"], a["succeeded"], a["manual"]) for a in oldest["attempts"]] == [
        (500, False, False), (200, True, False)]
    assert set(oldest["attempts"][0]) == {"attempted_at", "duration_ms", "error", "manual",
                                          "response_excerpt", "status_code", "succeeded"}
    assert newest["attempt_count"] == 1
    [expanded] = failed_first
    assert expanded["event"]["id"] == event.id and expanded["event"]["object"] == "event"
    assert pending == []
