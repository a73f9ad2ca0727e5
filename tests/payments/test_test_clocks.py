"""Test clocks over the wire: the object, advancing it (the handlers' seam, the failure),
the customers that live on it and its deletion, test mode only; and payments' own times
(holds expiring, payments settling) running on it."""

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core import clock, hooks
from core.models import StatusChange
from payments import services, tasks
from payments.models import Customer, PaymentIntent, TestClock
from tests.api.helpers import error_of
from tests.payments.factories import event_types, ok

DAY = 86400
# Midnight yesterday: events stamped with the clock's times stay in the events' window.
FROZEN = int(timezone.now().timestamp()) // DAY * DAY - DAY
BASE = "/v1/test_helpers/test_clocks"


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def create_clock(api, frozen_time: int = FROZEN, **params) -> dict:
    return ok(api.post(BASE, {"frozen_time": frozen_time, **params}))


@pytest.fixture
def advance(django_capture_on_commit_callbacks):
    """POSTs an advance, and runs what it enqueued on commit (the advance's task, eager in
    the suite) as a worker would once the request's transaction commits."""

    def post(api, clock_id: str, frozen_time: int):
        with django_capture_on_commit_callbacks(execute=True):
            return api.post(f"{BASE}/{clock_id}/advance", {"frozen_time": frozen_time})

    return post


def customer_on(api, clock_id: str, **params) -> dict:
    return ok(api.post("/v1/customers", {"test_clock": clock_id, **params}))


@pytest.fixture
def advance_handler() -> Iterator[list[dict]]:
    """An advance handler registered for the test: each call's arguments, with the clock's
    "now" and the clock's status as the handler saw them."""
    calls: list[dict] = []

    def handler(**kwargs) -> None:
        status = TestClock.objects.get(pk=kwargs["clock_id"]).status
        calls.append({**kwargs, "now": clock.now(), "status": status})

    hooks.on_test_clock_advance(handler)
    yield calls
    hooks._advance_handlers.remove(handler)


@pytest.fixture
def failing_handler() -> Iterator[None]:
    def handler(**kwargs) -> None:
        raise RuntimeError("the engine broke")

    hooks.on_test_clock_advance(handler)
    yield
    hooks._advance_handlers.remove(handler)


# -- the object --------------------------------------------------------------------------

def test_a_new_clock_is_stripes_object_ready_at_its_frozen_time(api):
    before = int(timezone.now().timestamp())

    created = create_clock(api, name="Annual plan")

    assert list(created) == ["id", "object", "created", "deletes_after", "frozen_time",
                             "livemode", "name", "status", "status_details"]
    assert created["id"].startswith("clock_")
    assert created["object"] == "test_helpers.test_clock"
    assert before <= created["created"] <= int(timezone.now().timestamp())
    assert created["deletes_after"] == created["created"] + 30 * DAY
    assert (created["frozen_time"], created["livemode"], created["name"]) == (
        FROZEN, False, "Annual plan")
    assert (created["status"], created["status_details"]) == ("ready", {})
    assert ok(api.get(f"{BASE}/{created['id']}")) == created
    assert event_types(created["id"]) == ["test_helpers.test_clock.created"]


def test_a_clock_without_a_name_has_a_null_name(api):
    assert create_clock(api)["name"] is None


@pytest.mark.parametrize(("params", "param", "code"), [
    pytest.param({}, "frozen_time", "parameter_missing", id="frozen_time-missing"),
    pytest.param({"frozen_time": "soon"}, "frozen_time", "parameter_invalid_integer",
                 id="frozen_time-word"),
    pytest.param({"frozen_time": -1}, "frozen_time", "parameter_invalid_integer",
                 id="frozen_time-negative"),
    pytest.param({"frozen_time": FROZEN, "name": "n" * 301}, "name", None, id="name-301"),
    pytest.param({"frozen_time": FROZEN, "metadata": {"a": "b"}}, "metadata",
                 "parameter_unknown", id="metadata-unknown"),
])
def test_create_refuses_bad_params_and_creates_nothing(api, params, param, code):
    error = error_of(api.post(BASE, params), 400)

    assert (error["param"], error.get("code")) == (param, code)
    assert TestClock.objects.count() == 0


def test_the_list_pages_newest_first_and_takes_no_created_filter(api, other_account):
    first, second, third = (create_clock(api, FROZEN + n) for n in range(3))
    create_clock(other_account.api())

    page = ok(api.get(BASE, {"limit": 2}))
    rest = ok(api.get(BASE, {"starting_after": page["data"][-1]["id"]}))

    assert [c["id"] for c in page["data"]] == [third["id"], second["id"]]
    assert page["has_more"] is True
    assert page["url"] == BASE
    assert [c["id"] for c in rest["data"]] == [first["id"]]
    error = error_of(api.get(BASE, {"created": {"gte": 0}}), 400)
    assert (error["param"], error["code"]) == ("created", "parameter_unknown")


# -- advancing ---------------------------------------------------------------------------

def test_advance_answers_advancing_and_the_clock_is_ready_at_the_target_after(api, advance):
    # given
    test_clock = create_clock(api)

    # when
    advancing = ok(advance(api, test_clock["id"], FROZEN + 3 * DAY))

    # then the answer is the clock on its way, and (its work done) the clock has arrived
    assert advancing["status"] == "advancing"
    assert advancing["status_details"] == {"advancing": {"target_frozen_time": FROZEN + 3 * DAY}}
    assert advancing["frozen_time"] == FROZEN
    ready = ok(api.get(f"{BASE}/{test_clock['id']}"))
    assert (ready["status"], ready["status_details"], ready["frozen_time"]) == (
        "ready", {}, FROZEN + 3 * DAY)
    assert event_types(test_clock["id"]) == [
        "test_helpers.test_clock.created", "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.ready"]
    listed = ok(api.get("/v1/events", {"type": "test_helpers.test_clock.*"}))["data"]
    assert [e["type"] for e in listed] == [
        "test_helpers.test_clock.ready", "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.created"]
    assert listed[0]["data"]["object"]["frozen_time"] == FROZEN + 3 * DAY
    assert listed[1]["data"]["object"]["status"] == "advancing"
    changes = StatusChange.objects.filter(object_id=test_clock["id"]).order_by("at")
    assert [(c.source, c.target, c.actor) for c in changes][1:] == [
        ("ready", "advancing", changes[1].actor), ("advancing", "ready", "till")]
    assert changes[1].actor.startswith("key_")


def test_a_clock_advances_again_from_where_it_arrived(api, advance):
    test_clock = create_clock(api)
    ok(advance(api, test_clock["id"], FROZEN + DAY))

    ok(advance(api, test_clock["id"], FROZEN + 2 * DAY))

    assert ok(api.get(f"{BASE}/{test_clock['id']}"))["frozen_time"] == FROZEN + 2 * DAY


@pytest.mark.parametrize("target", [FROZEN, FROZEN - 1, FROZEN + 2 * 365 * DAY + 1],
                         ids=["same-time", "backwards", "over-two-years"])
def test_advance_refuses_a_time_not_ahead_or_too_far_and_changes_nothing(api, target, advance):
    test_clock = create_clock(api)

    error = error_of(advance(api, test_clock["id"], target), 400)

    assert (error["type"], error["param"]) == ("invalid_request_error", "frozen_time")
    assert ok(api.get(f"{BASE}/{test_clock['id']}")) == test_clock
    assert event_types(test_clock["id"]) == ["test_helpers.test_clock.created"]


def test_advance_takes_two_years_at_most(api, advance):
    test_clock = create_clock(api)

    ok(advance(api, test_clock["id"], FROZEN + 2 * 365 * DAY))

    assert ok(api.get(f"{BASE}/{test_clock['id']}"))["frozen_time"] == FROZEN + 2 * 365 * DAY


def test_advance_requires_frozen_time(api):
    test_clock = create_clock(api)

    error = error_of(api.post(f"{BASE}/{test_clock['id']}/advance"), 400)

    assert (error["code"], error["param"]) == ("parameter_missing", "frozen_time")


@pytest.mark.parametrize("status", ["advancing", "internal_failure"])
def test_a_clock_advancing_or_failed_cannot_be_advanced(api, status, advance):
    test_clock = create_clock(api)
    TestClock.objects.filter(pk=test_clock["id"]).update(status=status)

    error = error_of(advance(api, test_clock["id"], FROZEN + DAY), 400)

    assert error["type"] == "invalid_request_error"
    assert status in error["message"]
    assert TestClock.objects.get(pk=test_clock["id"]).frozen_time == at(FROZEN)


def test_the_handlers_are_called_for_the_clock_with_the_clock_bound_to_the_target(
        api, account, advance_handler, advance):
    # given a clock and another one that stays put
    test_clock = create_clock(api)
    create_clock(api)

    # when it advances
    ok(advance(api, test_clock["id"], FROZEN + 5 * DAY))

    # then the registered handler ran once, for this clock, on its target time, while the
    # clock was still advancing
    assert advance_handler == [{
        "clock_id": test_clock["id"], "merchant_id": account.merchant.id, "livemode": False,
        "until": at(FROZEN + 5 * DAY), "now": at(FROZEN + 5 * DAY), "status": "advancing"}]


def test_a_failing_handler_leaves_the_clock_internal_failure_and_is_logged(
        api, failing_handler, caplog, advance):
    test_clock = create_clock(api)

    with caplog.at_level(logging.ERROR, logger="till.payments"):
        ok(advance(api, test_clock["id"], FROZEN + DAY))

    failed = ok(api.get(f"{BASE}/{test_clock['id']}"))
    assert (failed["status"], failed["status_details"], failed["frozen_time"]) == (
        "internal_failure", {}, FROZEN)
    assert event_types(test_clock["id"])[-1] == "test_helpers.test_clock.internal_failure"
    [logged] = {(r.levelno, r.getMessage(), r.exc_text) for r in caplog.records
                if r.name == "till.payments"}
    assert logged[:2] == (logging.ERROR, f"test clock {test_clock['id']} failed to advance to "
                                         f"{at(FROZEN + DAY).isoformat()}")
    assert "RuntimeError: the engine broke" in logged[2]
    assert error_of(advance(api, test_clock["id"], FROZEN + 2 * DAY), 400)


def test_running_an_advance_twice_finishes_it_once(api, advance_handler, advance):
    test_clock = create_clock(api)
    ok(advance(api, test_clock["id"], FROZEN + DAY))

    tasks.test_clock_advance.apply(args=[test_clock["id"]]).get()

    assert len(advance_handler) == 1
    assert event_types(test_clock["id"]).count("test_helpers.test_clock.ready") == 1


def test_an_advance_whose_message_was_lost_is_finished_by_beats_sweep(api, advance_handler):
    # given a clock left advancing, its message lost, for longer than an advance takes
    test_clock = create_clock(api)
    TestClock.objects.filter(pk=test_clock["id"]).update(
        status="advancing", target_frozen_time=at(FROZEN + DAY),
        advance_started_at=timezone.now() - timedelta(minutes=6))
    young = create_clock(api)
    TestClock.objects.filter(pk=young["id"]).update(
        status="advancing", target_frozen_time=at(FROZEN + DAY),
        advance_started_at=timezone.now())

    # when
    resumed = tasks.test_clocks_resume.apply().get()

    # then the stale one is finished; the young one is left to its own message
    assert resumed == 1
    assert ok(api.get(f"{BASE}/{test_clock['id']}"))["status"] == "ready"
    assert ok(api.get(f"{BASE}/{young['id']}"))["status"] == "advancing"
    assert [call["clock_id"] for call in advance_handler] == [test_clock["id"]]


# -- customers on a clock ----------------------------------------------------------------

def test_a_customer_created_on_a_clock_lives_on_its_time(api):
    test_clock = create_clock(api)

    customer = customer_on(api, test_clock["id"], email="jenny@example.test")

    assert customer["test_clock"] == test_clock["id"]
    assert customer["created"] == FROZEN
    expanded = ok(api.get(f"/v1/customers/{customer['id']}", {"expand": ["test_clock"]}))
    assert expanded["test_clock"] == ok(api.get(f"{BASE}/{test_clock['id']}"))
    [event] = ok(api.get("/v1/events", {"type": "customer.created"}))["data"]
    assert (event["created"], event["data"]["object"]["test_clock"]) == (
        FROZEN, test_clock["id"])


def test_a_customer_on_no_clock_renders_a_null_test_clock(api):
    customer = ok(api.post("/v1/customers", {"email": "jenny@example.test"}))

    assert customer["test_clock"] is None
    assert customer["created"] >= FROZEN + DAY


def test_customers_are_listed_by_clock(api):
    test_clock, other_clock = create_clock(api), create_clock(api)
    on_it = {customer_on(api, test_clock["id"])["id"] for _ in range(2)}
    customer_on(api, other_clock["id"])
    ok(api.post("/v1/customers"))

    listed = ok(api.get("/v1/customers", {"test_clock": test_clock["id"]}))["data"]

    assert {c["id"] for c in listed} == on_it


def test_a_clock_takes_three_customers(api):
    test_clock = create_clock(api)
    for _ in range(3):
        customer_on(api, test_clock["id"])

    error = error_of(api.post("/v1/customers", {"test_clock": test_clock["id"]}), 400)

    assert (error["type"], error["param"]) == ("invalid_request_error", "test_clock")
    assert Customer.objects.filter(test_clock_id=test_clock["id"]).count() == 3


def test_a_deleted_customer_frees_its_place_on_the_clock(api):
    test_clock = create_clock(api)
    first, *_ = (customer_on(api, test_clock["id"]) for _ in range(3))
    ok(api.delete(f"/v1/customers/{first['id']}"))

    assert customer_on(api, test_clock["id"])["test_clock"] == test_clock["id"]


def test_a_customer_cannot_join_an_advancing_clock(api):
    test_clock = create_clock(api)
    TestClock.objects.filter(pk=test_clock["id"]).update(status="advancing")

    error = error_of(api.post("/v1/customers", {"test_clock": test_clock["id"]}), 400)

    assert error["param"] == "test_clock"
    assert Customer.objects.count() == 0


def test_a_clock_the_caller_cannot_see_is_missing(api, account, other_account):
    # given another merchant's clock, and a deleted one of the caller's
    foreign = create_clock(other_account.api())
    deleted = create_clock(api)
    ok(api.delete(f"{BASE}/{deleted['id']}"))

    for clock_id, caller in ((foreign["id"], api), (deleted["id"], api),
                             (create_clock(api)["id"], account.api("live_secret_key"))):
        # when a customer is created on it (the last: with a live key)
        error = error_of(caller.post("/v1/customers", {"test_clock": clock_id}), 404)

        # then
        assert (error["code"], error["param"]) == ("resource_missing", "test_clock")
        assert clock_id in error["message"]
    assert Customer.objects.count() == 0


def test_a_customers_clock_cannot_be_changed_by_an_update(api):
    test_clock = create_clock(api)
    customer = ok(api.post("/v1/customers"))

    error = error_of(api.post(f"/v1/customers/{customer['id']}",
                              {"test_clock": test_clock["id"]}), 400)

    assert (error["code"], error["param"]) == ("parameter_unknown", "test_clock")


def test_a_customers_update_and_deletion_are_on_its_clocks_time(api, advance):
    # given a customer on a clock that has advanced
    test_clock = create_clock(api)
    customer = customer_on(api, test_clock["id"])
    ok(advance(api, test_clock["id"], FROZEN + DAY))

    # when it is updated, then deleted
    ok(api.post(f"/v1/customers/{customer['id']}", {"name": "Jenny"}))
    ok(api.delete(f"/v1/customers/{customer['id']}"))

    # then both happened at the clock's new time (the same instant: a frozen clock)
    events = ok(api.get("/v1/events", {"type": "customer.*"}))["data"]
    assert sorted((e["created"], e["type"]) for e in events) == [
        (FROZEN, "customer.created"), (FROZEN + DAY, "customer.deleted"),
        (FROZEN + DAY, "customer.updated")]
    assert Customer.objects.get(pk=customer["id"]).deleted_at == at(FROZEN + DAY)


# -- deleting a clock --------------------------------------------------------------------

def test_deleting_a_clock_deletes_its_customers_and_then_it_is_missing(api, advance):
    # given a clock with two customers, and a customer on no clock
    test_clock = create_clock(api)
    on_it = [customer_on(api, test_clock["id"]) for _ in range(2)]
    elsewhere = ok(api.post("/v1/customers"))

    # when
    deleted = ok(api.delete(f"{BASE}/{test_clock['id']}"))

    # then Stripe's answer, the clock gone from the API, its customers deleted as any
    # customer is (with their events), the other customer untouched
    assert deleted == {"id": test_clock["id"], "object": "test_helpers.test_clock",
                       "deleted": True}
    missing = error_of(api.get(f"{BASE}/{test_clock['id']}"), 404)
    assert (missing["code"], missing["param"]) == ("resource_missing", "id")
    assert ok(api.get(BASE))["data"] == []
    for customer in on_it:
        assert ok(api.get(f"/v1/customers/{customer['id']}")) == {
            "id": customer["id"], "object": "customer", "deleted": True}
        assert event_types(customer["id"]) == ["customer.created", "customer.deleted"]
    assert ok(api.get(f"/v1/customers/{elsewhere['id']}"))["id"] == elsewhere["id"]
    assert event_types(test_clock["id"])[-1] == "test_helpers.test_clock.deleted"
    for verb in (lambda: advance(api, test_clock["id"], FROZEN + DAY),
                 lambda: api.delete(f"{BASE}/{test_clock['id']}")):
        assert error_of(verb(), 404)["code"] == "resource_missing"


def test_an_advance_under_way_stops_when_its_clock_is_deleted(api, advance_handler):
    test_clock = create_clock(api)
    TestClock.objects.filter(pk=test_clock["id"]).update(
        status="advancing", target_frozen_time=at(FROZEN + DAY))
    ok(api.delete(f"{BASE}/{test_clock['id']}"))

    tasks.test_clock_advance.apply(args=[test_clock["id"]]).get()

    assert advance_handler == []
    assert TestClock.objects.get(pk=test_clock["id"]).status == "advancing"


def test_beats_sweep_deletes_clocks_past_their_deletes_after(api):
    expired, kept = create_clock(api), create_clock(api)
    customer = customer_on(api, expired["id"])
    TestClock.objects.filter(pk=expired["id"]).update(
        deletes_after=timezone.now() - timedelta(seconds=1))

    assert tasks.test_clocks_delete_expired.apply().get() == 1

    assert error_of(api.get(f"{BASE}/{expired['id']}"), 404)
    assert ok(api.get(f"/v1/customers/{customer['id']}"))["deleted"] is True
    assert ok(api.get(f"{BASE}/{kept['id']}"))["status"] == "ready"
    assert services.test_clocks_delete_expired() == 0


# -- test mode only ----------------------------------------------------------------------

def test_a_live_key_finds_no_test_clocks_anywhere(api, account, advance):
    # given a test clock, and the same merchant's live key
    test_clock = create_clock(api)
    live = account.api("live_secret_key")

    # when the live key uses every test clock endpoint, then each is Stripe's 404
    for response in (live.post(BASE, {"frozen_time": FROZEN}), live.get(BASE),
                     live.get(f"{BASE}/{test_clock['id']}"),
                     advance(live, test_clock["id"], FROZEN + DAY),
                     live.delete(f"{BASE}/{test_clock['id']}")):
        error = error_of(response, 404)
        assert (error["type"], error["code"]) == ("invalid_request_error", "resource_missing")
    assert TestClock.objects.count() == 1
    assert ok(api.get(f"{BASE}/{test_clock['id']}")) == test_clock


# -- payments on the clock ---------------------------------------------------------------

def test_a_payment_for_a_customer_on_a_clock_is_on_its_time(api):
    test_clock = create_clock(api)
    customer = customer_on(api, test_clock["id"])

    paid = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "customer": customer["id"],
        "payment_method": "pm_card_visa", "confirm": True}))

    assert (paid["status"], paid["created"]) == ("succeeded", FROZEN)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    assert charge["created"] == FROZEN


def test_a_hold_on_a_clock_expires_when_its_clock_passes_seven_days(api, advance):
    # given a hold for a customer on a clock, confirmed after its creation
    test_clock = create_clock(api)
    customer = customer_on(api, test_clock["id"])
    held = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "customer": customer["id"],
        "payment_method": "pm_card_visa", "capture_method": "manual"}))
    held = ok(api.post(f"/v1/payment_intents/{held['id']}/confirm"))
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    capture_before = charge["payment_method_details"]["card"]["capture_before"]
    assert capture_before == FROZEN + 7 * DAY

    # when the wall clock's sweep runs long after (in real time), nothing expires
    with clock.bound(at(FROZEN + 30 * DAY)):
        assert services.payment_intents_expire_authorizations() == 0
    # and when the clock advances short of it, nothing either
    ok(advance(api, test_clock["id"], FROZEN + 7 * DAY - 1))
    assert ok(api.get(f"/v1/payment_intents/{held['id']}"))["status"] == "requires_capture"

    # when it passes it
    ok(advance(api, test_clock["id"], FROZEN + 8 * DAY))

    # then the hold expired at its own time, as the wall clock's sweep expires others
    expired = ok(api.get(f"/v1/payment_intents/{held['id']}"))
    assert (expired["status"], expired["cancellation_reason"]) == ("canceled", "automatic")
    assert expired["canceled_at"] == capture_before
    assert event_types(held["latest_charge"])[-1] == "charge.expired"
    assert ok(api.get(f"{BASE}/{test_clock['id']}"))["status"] == "ready"


def test_an_async_payment_on_a_clock_settles_as_its_clock_advances(api, settings, advance):
    # given a payment settling asynchronously for a customer on a clock
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 60
    test_clock = create_clock(api)
    customer = customer_on(api, test_clock["id"])
    processing = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "customer": customer["id"],
        "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "automatic_async"}))
    assert processing["status"] == "processing"

    # when the settlement sweep runs (in real time, long after), it is still the clock's
    with clock.bound(timezone.now() + timedelta(days=1)):
        services.payment_intents_settle_due()
    services.payment_intent_settle(id=processing["id"])
    assert PaymentIntent.objects.get(pk=processing["id"]).status == "processing"

    # when the clock passes the settlement's due time
    ok(advance(api, test_clock["id"], FROZEN + 120))

    # then it settled then
    settled = ok(api.get(f"/v1/payment_intents/{processing['id']}"))
    assert settled["status"] == "succeeded"
    [event] = [e for e in ok(api.get("/v1/events", {"type": "payment_intent.succeeded"}))
               ["data"] if e["data"]["object"]["id"] == processing["id"]]
    assert event["created"] == FROZEN + 60
