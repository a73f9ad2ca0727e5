"""Customer portal sessions (Stripe's `billing_portal.session`): create, and each visit.

A session's URL is short-lived, as Stripe's: it must be opened within
UNVISITED_LIFETIME of its creation, and from the first visit it lasts VISIT_LIFETIME; every
request to the portal checks it (portal_session_visit), so an old link, forwarded or found in
a history, opens nothing.
"""

from datetime import timedelta

from django.db import transaction

from checkout import selectors
from checkout.models import PortalSession
from checkout.services.portal_configurations import portal_configuration_default
from core import clock
from core.actor import Actor
from core.exceptions import InvalidRequest, InvalidState
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from webhooks.services import EventSpec, events_record

UNVISITED_LIFETIME = timedelta(minutes=5)
VISIT_LIFETIME = timedelta(hours=1)
EXPIRED = "This customer portal session has expired. Return to the site you came from to " \
          "open the portal again."


def portal_session_create(*, merchant: Merchant, livemode: bool, actor: Actor, customer: str,
                          configuration: str | None = None, return_url: str | None = None,
                          locale: str | None = None) -> PortalSession:
    """A portal session for one of the merchant's customers (`billing_portal.session.created`),
    with the configuration given or the merchant's default (made now if it has none). An
    inactive configuration is refused. `return_url` defaults to the configuration's
    `default_return_url`."""
    owner = payment_selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                           param="customer")
    if configuration is None:
        chosen = portal_configuration_default(merchant=merchant, livemode=livemode)
    else:
        chosen = selectors.portal_configuration_get(id=configuration, merchant=merchant,
                                                    livemode=livemode, param="configuration")
    if not chosen.active:
        raise InvalidRequest(f"The configuration {chosen.id} is not active: activate it or "
                             "use another.", param="configuration")
    now = clock.now()
    session = PortalSession(
        merchant=merchant, livemode=livemode, created=now, customer=owner, configuration=chosen,
        return_url=return_url or chosen.default_return_url, locale=locale,
        expires_at=now + UNVISITED_LIFETIME)
    with transaction.atomic(durable=True):
        session.save()
        events_record(EventSpec("billing_portal.session.created", session,
                                payload=render(session)))
    return session


def portal_session_visit(*, url_token: str) -> PortalSession | None:
    """A request to the portal (None: no session has this token): refused once the session
    has expired (the error's `session` is it); the first one starts the session's
    VISIT_LIFETIME (under the session's lock, so two first requests at once start it
    once)."""
    with transaction.atomic(durable=True):
        session = selectors.portal_session_for_page_locked(url_token=url_token)
        if session is None:
            return None
        now = clock.now()
        if session.expires_at <= now:
            raise InvalidState(EXPIRED, code="billing_portal_session_expired",
                               session=session)
        if session.visited_at is None:
            session.visited_at = now
            session.expires_at = now + VISIT_LIFETIME
            session.save(update_fields=["visited_at", "expires_at"])
    return session

