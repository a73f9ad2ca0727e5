"""The customer portal's pages (`/portal/p/<token>`): the customer's subscriptions, default
card and invoices, and what the session's configuration lets them do: update the card (a
SetupIntent, 3-D Secure through the existing challenge), pay an open invoice, cancel (after
a confirmation step), renew or switch a subscription, then return to the merchant.

Plain HTML forms, CSRF-protected and never cached, working without JavaScript. The token in
the URL is the visitor's proof; every request checks the session has not expired
(checkout.services.portal_session_visit), and every object named in a URL or a form must be
the session's customer's (checkout.services.portal_actions). Outcomes are read from the
database, never from a query string; the notice shown after an action is one of a fixed set.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from billing.hosted import hosted_invoice_url, invoice_pdf_url
from checkout import selectors, services
from checkout.models import PortalSession
from core.exceptions import (
    CardError,
    DomainError,
    InvalidRequest,
    InvalidState,
    NotFound,
    NotPermitted,
)
from payments import services as payment_services
from payments.models import PaymentIntent, SetupIntent
from payments.pages import SENSITIVE_NAMES, card_params, field_for, page_status

NOTICES = {
    "card": "Your card is updated: it will be used for your next payments.",
    "paid": "Thank you: the invoice is paid.",
    "canceled": "Your subscription is canceled.",
    "cancels": "Your subscription will be canceled at the end of the current period.",
    "renewed": "Your subscription will renew as before.",
    "changed": "Your plan is changed.",
}


class Expired(Exception):
    def __init__(self, session: PortalSession) -> None:
        self.session = session


def _session(token: str) -> PortalSession:
    """The page's session, its expiry checked (and its visit started) on every request."""
    try:
        session = services.portal_session_visit(url_token=token)
    except InvalidState as exc:
        raise Expired(exc.related["session"]) from exc
    if session is None:
        raise Http404("No such portal session")
    return session


def portal_view(methods: list[str]):
    """never_cache, the allowed methods, and the expired page for an expired session."""
    def wrap(view):
        @never_cache
        @require_http_methods(methods)
        def page(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            try:
                session = _session(token)
            except Expired as exc:
                return render(request, "pages/portal_expired.html", {
                    "session": exc.session, "merchant": exc.session.merchant,
                    "livemode": exc.session.livemode}, status=410)
            return view(request, session, *args, **kwargs)
        page.__name__ = view.__name__
        page.__doc__ = view.__doc__
        return page
    return wrap


def _status(error: DomainError) -> int:
    """The page's HTTP status for a refusal, as the API would answer it."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, NotPermitted):
        return 403
    return page_status(error)


def _url(name: str, session: PortalSession, *args: str) -> str:
    return reverse(f"portal:{name}", args=[session.url_token, *args])


def _home(session: PortalSession, notice: str | None = None) -> HttpResponse:
    return redirect(_url("home", session) + (f"?done={notice}" if notice else ""))


def _context(session: PortalSession, **extra) -> dict:
    configuration = session.configuration
    return {"session": session, "merchant": session.merchant, "livemode": session.livemode,
            "profile": configuration.business_profile, "features": configuration.features,
            **extra}


def _render_home(request: HttpRequest, session: PortalSession, *, error: str | None = None,
                 status: int = 200) -> HttpResponse:
    subscriptions = list(selectors.portal_subscriptions(session=session))
    listed = services.portal_prices_listed(session) if subscriptions else []
    rows = [{"subscription": subscription, "items": list(subscription.items.all()),
             "can_change": services.portal_subscription_changeable(session, subscription,
                                                                   listed)}
            for subscription in subscriptions]
    # Each finalized invoice with its hosted page and PDF (null for a draft), as Stripe's
    # portal links them.
    invoices = ([{"invoice": invoice, "view_url": hosted_invoice_url(invoice),
                  "pdf_url": invoice_pdf_url(invoice)}
                 for invoice in selectors.portal_invoices(session=session)]
                if session.configuration.enabled("invoice_history") else [])
    return render(request, "pages/portal.html", _context(
        session, rows=rows, card=selectors.portal_default_card(session=session),
        invoices=invoices, error=error, notice=NOTICES.get(request.GET.get("done", ""))),
        status=status)


@portal_view(["GET"])
def home(request: HttpRequest, session: PortalSession) -> HttpResponse:
    """The customer's subscriptions, default card and invoices."""
    return _render_home(request, session)


# -- the card ------------------------------------------------------------------------------

def _render_card(request: HttpRequest, session: PortalSession, *, errors: dict[str, str],
                 values: dict[str, str], status: int = 200) -> HttpResponse:
    return render(request, "pages/portal_card.html", _context(
        session, errors=errors, values=values,
        card=selectors.portal_default_card(session=session),
        action=_url("card", session)), status=status)


@sensitive_post_parameters("number", "cvc")
@portal_view(["GET", "POST"])
@sensitive_variables(*SENSITIVE_NAMES)
def card(request: HttpRequest, session: PortalSession) -> HttpResponse:
    """A card form; a POST saves the card through a SetupIntent and makes it the default.
    A decline shows the card's wording; 3-D Secure goes to the challenge and back."""
    if not session.configuration.enabled("payment_method_update"):
        return _render_home(request, session, status=403, error=(
            f"Updating your card isn't available here. Contact {session.merchant.name} "
            "for help."))
    if request.method == "GET":
        return _render_card(request, session, errors={}, values={})
    values = {"name": request.POST.get("name", "")[:256],
              "expiry": request.POST.get("expiry", "")[:9]}
    params, errors = card_params(request.POST)
    if params is None or errors:
        return _render_card(request, session, errors=errors, values=values, status=400)
    try:
        payment_method = payment_services.payment_method_create(
            merchant=session.merchant, livemode=session.livemode, **params)
        setup_intent = services.portal_card_save(
            session=session, payment_method=payment_method.id,
            return_url=settings.TILL_PUBLIC_URL + _url("card-return", session))
    except DomainError as exc:
        field = field_for(exc) if isinstance(exc, CardError) else "form"
        return _render_card(request, session, errors={field: exc.message}, values=values,
                            status=page_status(exc))
    if setup_intent.status == SetupIntent.Status.REQUIRES_ACTION:
        return redirect(setup_intent.next_action["redirect_to_url"]["url"])
    return _home(session, "card")


@portal_view(["GET"])
def card_return(request: HttpRequest, session: PortalSession) -> HttpResponse:
    """Where the card's 3-D Secure comes back to: the session's SetupIntent, read from the
    database, becomes the default card once it succeeded; a failure shows the card form
    with the bank's answer."""
    try:
        setup_intent = services.portal_card_finish(session=session)
    except DomainError as exc:
        return _render_card(request, session, errors={"form": exc.message}, values={},
                            status=page_status(exc))
    if setup_intent is not None and setup_intent.status == SetupIntent.Status.SUCCEEDED:
        return _home(session, "card")
    error = (setup_intent.last_setup_error or {}).get("message") if setup_intent else None
    return _render_card(request, session, values={}, status=402 if error else 200,
                        errors={"form": error or "Your card was not saved."})


# -- invoices ------------------------------------------------------------------------------

@portal_view(["POST"])
def invoice_pay(request: HttpRequest, session: PortalSession, invoice_id: str) -> HttpResponse:
    """Pays an open invoice with the default card, on-session: 3-D Secure goes to the
    challenge and back, a decline is shown with the card's wording."""
    try:
        result = services.portal_invoice_pay(
            session=session, invoice=invoice_id,
            return_url=settings.TILL_PUBLIC_URL + _url("invoice-return", session, invoice_id))
    except DomainError as exc:
        return _render_home(request, session, error=exc.message, status=_status(exc))
    if isinstance(result, PaymentIntent):
        return redirect(result.next_action["redirect_to_url"]["url"])
    return _home(session, "paid")


@portal_view(["GET"])
def invoice_return(request: HttpRequest, session: PortalSession,
                   invoice_id: str) -> HttpResponse:
    """Where an invoice's 3-D Secure comes back to: the invoice as the database has it."""
    try:
        invoice = services.portal_invoice_of(session, invoice_id)
    except DomainError as exc:
        return _render_home(request, session, error=exc.message, status=404)
    if invoice.status == invoice.Status.PAID:
        return _home(session, "paid")
    intent = (PaymentIntent.objects.filter(pk=invoice.payment_intent_id).first()
              if invoice.payment_intent_id else None)
    error = (intent.last_payment_error or {}).get("message") if intent else None
    return _render_home(request, session, status=402,
                        error=error or "The invoice is not paid yet.")


# -- subscriptions -------------------------------------------------------------------------

@portal_view(["GET", "POST"])
def subscription_cancel(request: HttpRequest, session: PortalSession,
                        subscription_id: str) -> HttpResponse:
    """GET asks to confirm (saying when the subscription ends); POST cancels, as the
    configuration says."""
    try:
        subscription = services.portal_subscription_of(session, subscription_id)
        if request.method == "GET":
            if not session.configuration.enabled("subscription_cancel"):
                return _render_home(request, session, status=403, error=(
                    "Canceling a subscription isn't available here. Contact "
                    f"{session.merchant.name} for help."))
            return render(request, "pages/portal_cancel.html", _context(
                session, subscription=subscription, items=list(subscription.items.all()),
                mode=session.configuration.feature("subscription_cancel")["mode"]))
        subscription = services.portal_subscription_cancel(session=session,
                                                           subscription=subscription_id)
    except DomainError as exc:
        return _render_home(request, session, error=exc.message, status=_status(exc))
    return _home(session, "cancels" if subscription.cancel_at_period_end else "canceled")


@portal_view(["POST"])
def subscription_renew(request: HttpRequest, session: PortalSession,
                       subscription_id: str) -> HttpResponse:
    try:
        services.portal_subscription_renew(session=session, subscription=subscription_id)
    except DomainError as exc:
        return _render_home(request, session, error=exc.message, status=_status(exc))
    return _home(session, "renewed")


@portal_view(["GET", "POST"])
def subscription_update(request: HttpRequest, session: PortalSession,
                        subscription_id: str) -> HttpResponse:
    """GET lists the prices the configuration offers (and the quantity, if allowed); POST
    switches to the chosen one with the configuration's proration behaviour."""
    try:
        subscription = services.portal_subscription_of(session, subscription_id)
        if request.method == "POST":
            quantity = request.POST.get("quantity", "").strip()
            if quantity and not quantity.isdigit():
                raise InvalidRequest("Enter a whole number.", param="quantity")
            services.portal_subscription_change(
                session=session, subscription=subscription_id,
                price=request.POST.get("price") or None,
                quantity=int(quantity) if quantity else None)
            return _home(session, "changed")
        if not session.configuration.enabled("subscription_update"):
            return _render_home(request, session, status=403, error=(
                f"Changing a plan isn't available here. Contact {session.merchant.name} "
                "for help."))
    except DomainError as exc:
        return _render_home(request, session, error=exc.message, status=_status(exc))
    if not services.portal_subscription_changeable(session, subscription):
        return _render_home(request, session, status=400,
                            error="This subscription's plan can't be changed here.")
    prices = services.portal_prices_offered(session, subscription)
    feature = session.configuration.feature("subscription_update")
    return render(request, "pages/portal_update.html", _context(
        session, subscription=subscription, items=list(subscription.items.all()),
        prices=prices, allow_price="price" in feature["default_allowed_updates"],
        allow_quantity="quantity" in feature["default_allowed_updates"]))

