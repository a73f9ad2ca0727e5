"""A Checkout Session's end without payment: expired by the API or at its `expires_at` by
beat's sweep, its intent canceled first so that nothing is taken afterwards."""

from django.db import transaction

from checkout import selectors
from checkout.models import CheckoutSession
from checkout.services.session_subscriptions import session_subscription_drop
from checkout.services.sessions import PAYMENT_DONE, checkout_session_reconcile, session_rendered
from core import clock
from core.actor import TILL, Actor
from core.exceptions import DomainError, InvalidState
from merchants.models import Merchant
from payments import services as payment_services
from payments.models import PaymentIntent, SetupIntent
from webhooks.services import EventSpec, events_record


def checkout_session_expire(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                            actor: Actor) -> CheckoutSession:
    """Expires an open session (`checkout.session.expired`): its intent canceled first, so no
    payment can succeed afterwards; a session whose intent already did its work completes
    instead, and a session no longer open is refused, as Stripe refuses it."""
    session = selectors.checkout_session_get(id=id, merchant=merchant, livemode=livemode)
    session = checkout_session_reconcile(id=session.id)
    if session.status != CheckoutSession.Status.OPEN:
        raise InvalidState(
            f"Only Checkout Sessions with a status in [\"open\"] can be expired. This "
            f"Checkout Session has a status of \"{session.status}\".",
            code="checkout_session_unexpected_state", checkout_session=session)
    return _expire(session, actor=actor)


def _expire(session: CheckoutSession, *, actor: Actor) -> CheckoutSession:
    intent = session.payment_intent
    setup_intent = session.setup_intent
    if intent is not None and intent.status not in (PaymentIntent.Status.CANCELED,
                                                    *PAYMENT_DONE):
        payment_services.payment_intent_cancel(
            id=intent.id, merchant=session.merchant, livemode=session.livemode, actor=actor,
            cancellation_reason=PaymentIntent.CancellationReason.ABANDONED)
    elif setup_intent is not None and setup_intent.status not in (
            SetupIntent.Status.CANCELED, SetupIntent.Status.SUCCEEDED):
        payment_services.setup_intent_cancel(
            id=setup_intent.id, merchant=session.merchant, livemode=session.livemode,
            actor=actor, cancellation_reason="abandoned")
    elif session.subscription is not None:
        session_subscription_drop(session.subscription)
    # The intent is canceled, or did its work meanwhile: completion wins over expiry.
    session = checkout_session_reconcile(id=session.id)
    with transaction.atomic(durable=True):
        session = selectors.checkout_session_get_locked_by_id(id=session.id)
        if session.status == CheckoutSession.Status.OPEN:
            session.expire(at=clock.now())
            session.save()
            events_record(EventSpec("checkout.session.expired", session,
                                    payload=session_rendered(session)))
    return session


def checkout_sessions_expire_due(*, limit: int = 500) -> int:
    """Beat's sweep: open sessions past `expires_at` complete (their intent did its work) or
    expire. Returns how many expired."""
    expired = 0
    for pk in selectors.checkout_session_ids_expiring(now=clock.now(), limit=limit):
        session = CheckoutSession.objects.select_related(
            "merchant", "payment_intent", "setup_intent").get(pk=pk)
        try:
            session = _expire(session, actor=TILL)
        except DomainError:
            continue  # the intent is in flight: the next sweep decides
        expired += session.status == CheckoutSession.Status.EXPIRED
    return expired
