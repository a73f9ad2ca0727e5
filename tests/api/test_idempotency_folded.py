"""Idempotency-Key on the payment path, where the key is claimed with the payment's first
transaction and its response stored by the last (api.idempotency.FoldedKey): the same
answers as any key gives — replays, declines, errors before and inside the change, keys in
flight — and the statements that folding saves. (The race of sixteen clients on one key is
tests/payments/test_concurrency.py's.)"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.idempotency import request_fingerprint
from api.models import IdempotencyKey
from payments import services
from payments.models import Charge, PaymentIntent, SimulatedOperation
from tests.api.helpers import error_of
from tests.conftest import needs_postgres
from tests.payments.factories import intent

KEY = {"Idempotency-Key": "order-1138-payment"}
PAY = {"amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}


def test_a_retried_payment_replays_its_answer_and_charges_once(api):
    first = api.post("/v1/payment_intents", PAY, headers=KEY)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "succeeded"
    assert first["Content-Type"] == "application/json"
    assert first["Original-Request"] == first["Request-Id"]

    again = api.post("/v1/payment_intents", PAY, headers=KEY)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Original-Request"] == first["Request-Id"]
    assert (PaymentIntent.objects.count(), Charge.objects.count(),
            SimulatedOperation.objects.count()) == (1, 1, 1)
    stored = IdempotencyKey.objects.get()
    assert bytes(stored.response_body) == first.content
    assert stored.completed_at is not None


def test_a_declined_payment_replays_its_card_error(api):
    declined = {**PAY, "payment_method": "pm_card_chargeDeclined"}
    first = api.post("/v1/payment_intents", declined, headers=KEY)
    assert error_of(first, 402)["code"] == "card_declined"

    again = api.post("/v1/payment_intents", declined, headers=KEY)

    assert again.status_code == 402
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert (PaymentIntent.objects.count(), Charge.objects.count()) == (1, 1)


def test_an_error_inside_the_change_is_stored_though_its_transaction_rolled_back(api):
    # given a create refused inside its transaction, after the key was claimed in it
    refused = {**PAY, "setup_future_usage": "off_session"}  # needs a customer
    first = api.post("/v1/payment_intents", refused, headers=KEY)
    assert error_of(first, 400)["param"] == "setup_future_usage"
    assert not PaymentIntent.objects.exists()

    # when it is retried, then the error is what the key answers
    again = api.post("/v1/payment_intents", refused, headers=KEY)
    assert again.status_code == 400
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert not PaymentIntent.objects.exists()


def test_a_server_error_is_stored_and_replayed(api, monkeypatch):
    def broken(**_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "payment_intent_create", broken)
    first = api.post("/v1/payment_intents", PAY, headers=KEY)
    error_of(first, 500)
    monkeypatch.undo()

    again = api.post("/v1/payment_intents", PAY, headers=KEY)

    assert again.status_code == 500
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert not PaymentIntent.objects.exists()


def test_a_parameter_error_leaves_the_key_free(api):
    failed = api.post("/v1/payment_intents", {**PAY, "amount": "lots"}, headers=KEY)
    assert error_of(failed, 400)["param"] == "amount"

    fixed = api.post("/v1/payment_intents", PAY, headers=KEY)

    assert fixed.status_code == 200, fixed.content
    assert "Idempotent-Replayed" not in fixed


def test_a_key_in_flight_is_a_409_and_nothing_is_made(account, api):
    IdempotencyKey.objects.create(
        merchant=account.merchant, livemode=False, key=KEY["Idempotency-Key"],
        request_fingerprint=request_fingerprint(method="POST", path="/v1/payment_intents",
                                                params={k: str(v).lower() if v is True
                                                        else str(v) for k, v in PAY.items()}),
        request_id="req_first", response_status=None)

    response = api.post("/v1/payment_intents", PAY, headers=KEY)

    assert error_of(response, 409)["code"] == "idempotency_key_in_use"
    assert not PaymentIntent.objects.exists()
    assert not SimulatedOperation.objects.exists()


def test_the_same_key_with_other_parameters_is_refused_and_changes_nothing(api):
    ok = api.post("/v1/payment_intents", PAY, headers=KEY)
    assert ok.status_code == 200

    other = api.post("/v1/payment_intents", {**PAY, "amount": 2500}, headers=KEY)

    assert error_of(other, 400)["type"] == "idempotency_error"
    assert PaymentIntent.objects.count() == 1


def test_capture_and_cancel_replay_their_answers(api):
    held = intent(api, capture_method="manual", confirm=True, payment_method="pm_card_visa")
    captured = api.post(f"/v1/payment_intents/{held['id']}/capture", {}, headers=KEY)
    assert captured.json()["status"] == "succeeded"
    again = api.post(f"/v1/payment_intents/{held['id']}/capture", {}, headers=KEY)
    assert again.content == captured.content
    assert again["Idempotent-Replayed"] == "true"

    open_intent = intent(api)
    cancel_key = {"Idempotency-Key": "cancel-1"}
    canceled = api.post(f"/v1/payment_intents/{open_intent['id']}/cancel", {},
                        headers=cancel_key)
    assert canceled.json()["status"] == "canceled"
    again = api.post(f"/v1/payment_intents/{open_intent['id']}/cancel", {},
                     headers=cancel_key)
    assert again.content == canceled.content


def test_a_publishable_confirm_stores_the_cut_down_intent(account):
    secret, publishable = account.api(), account.api("test_publishable_key")
    made = intent(secret, payment_method="pm_card_visa")
    params = {"client_secret": made["client_secret"]}

    first = publishable.post(f"/v1/payment_intents/{made['id']}/confirm", params, headers=KEY)
    again = publishable.post(f"/v1/payment_intents/{made['id']}/confirm", params, headers=KEY)

    assert first.status_code == 200, first.content
    assert "metadata" not in first.json()  # what a publishable key is shown
    assert again.content == first.content


@needs_postgres("counts what PostgreSQL is sent: one statement per batch there")
def test_a_create_and_confirm_is_seven_statements_in_two_transactions(api):
    api.post("/v1/payment_intents", PAY, headers={"Idempotency-Key": "warm"})

    with CaptureQueriesContext(connection) as captured:
        response = api.post("/v1/payment_intents", PAY, headers=KEY)

    assert response.status_code == 200
    sent = [q["sql"] for q in captured.captured_queries]
    # the key, [the endpoints, the intent with its claim and event], the processor's record,
    # [the intent locked, the outcome with the stored response], the request log; in tests
    # transactions are savepoints, and the simulated processor's own INSERT has one too (in
    # production it commits on its own, as a real processor's call is no SQL of Till's)
    statements = [sql for sql in sent if not sql.startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) <= 7, "\n".join(statements)
    transactions = [sent[n + 1] for n, sql in enumerate(sent) if sql.startswith("SAVEPOINT")
                    and '"payments_simulatedoperation"' not in sent[n + 1]]
    assert len(transactions) == 2, transactions
    assert not any(sql.startswith('UPDATE "api_idempotencykey"') for sql in statements)
