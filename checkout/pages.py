"""Hosted Checkout pages: a session's page (line items, total, email and card form), its
3-D Secure return, Till's confirmation page, and a payment link's visit.

Plain HTML forms, usable without JavaScript (till.js only polishes the card inputs), as the
payment page (payments.pages), whose card parsing and wording they share. The token in the
URL is the visitor's proof; another session's or link's token shows nothing of it. A card
number and CVC pass from the POST to payment_method_create and nowhere else.
"""

from csp.decorators import csp_replace
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from checkout import selectors, services
from checkout.models import CheckoutSession
from core import clock
from core.exceptions import CardError, DomainError, InvalidParameter
from payments import services as payment_services
from payments.pages import (
    SENSITIVE_NAMES,
    card_params,
    cardholder_message,
    field_for,
    page_status,
)

Status = CheckoutSession.Status

# The session's form, once paid, redirects to the merchant's `success_url` (another origin):
# browsers hold a form's redirects to `form-action`, so the pages that render it lift it, as
# the payment page's do (dashboard.middleware).
_form_redirects_anywhere = csp_replace({"form-action": None})


def _session(token: str) -> CheckoutSession:
    session = selectors.checkout_session_for_page(url_token=token)
    if session is None:
        raise Http404("No such checkout session")
    return session


def _success_redirect(session: CheckoutSession) -> HttpResponse:
    """The merchant's `success_url` with `{CHECKOUT_SESSION_ID}` filled in, or Till's own
    confirmation page when there is none."""
    if session.success_url:
        return redirect(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))
    return redirect(reverse("checkout:session-done", args=[session.url_token]))


def _expired(request: HttpRequest, session: CheckoutSession) -> HttpResponse:
    return render(request, "pages/checkout_expired.html",
                  {"session": session, "merchant": session.merchant,
                   "livemode": session.livemode}, status=410)


def _render(request: HttpRequest, session: CheckoutSession, *, errors: dict[str, str],
            values: dict[str, str], status: int = 200, notice: str | None = None
            ) -> HttpResponse:
    """Only the email, name and expiry are ever given back to the form, never number or CVC."""
    lines = list(selectors.checkout_session_line_items(session=session))
    intent = selectors.checkout_session_intent(session=session)
    return render(request, "pages/checkout.html", {
        "session": session, "merchant": session.merchant, "lines": lines, "errors": errors,
        "values": values, "intent": intent, "livemode": session.livemode,
        "ask_email": session.customer_id is None, "notice": notice,
        "adjustable": any((line.adjustable_quantity or {}).get("enabled") for line in lines),
        "action": reverse("checkout:session", args=[session.url_token])}, status=status)


@sensitive_variables(*SENSITIVE_NAMES)
@sensitive_post_parameters("number", "cvc")
@never_cache
@_form_redirects_anywhere
@require_http_methods(["GET", "POST"])
def session_page(request: HttpRequest, token: str) -> HttpResponse:
    """`/checkout/c/<token>`: the session's line items and a card form. A POST tokenizes the
    card and pays the session's intent with it: 3-D Secure redirects to the challenge, a
    decline shows the form again with the card's error, success goes to `success_url`. A
    completed session goes to `success_url` at once; an expired one says so."""
    session = _session(token)
    if session.status == Status.COMPLETE:
        return _success_redirect(session)
    if session.status == Status.EXPIRED or session.expires_at <= clock.now():
        return _expired(request, session)
    default_email = session.customer_email or ""
    if request.method == "GET":
        return _render(request, session, errors={}, values={"email": default_email})

    values = {"name": request.POST.get("name", "")[:256],
              "expiry": request.POST.get("expiry", "")[:9],
              "email": (request.POST.get("email", "").strip()[:512] or default_email)}
    # New quantities first: the customer sees the new total before any card is charged.
    try:
        quantities = _quantities(request)
        changed = bool(quantities) and services.checkout_session_quantities_set(
            id=session.id, quantities=quantities)
    except DomainError as exc:
        return _render(request, _session(token), errors={"quantity": exc.message},
                       values=values, status=400)
    if changed or "update" in request.POST:
        return _render(request, _session(token), errors={}, values=values,
                       notice="Your order is updated: check the total, then pay.")
    params, errors = card_params(request.POST)
    if session.customer_id is None:
        email_error = _email_error(values["email"])
        if email_error:
            errors["email"] = email_error
    if params is None or errors:
        return _render(request, session, errors=errors, values=values, status=400)
    try:
        payment_method = payment_services.payment_method_create(
            merchant=session.merchant, livemode=session.livemode, **params)
        session = services.checkout_session_pay(
            id=session.id, payment_method=payment_method.id, email=values["email"] or None,
            name=values["name"] or None,
            return_url=settings.TILL_PUBLIC_URL + reverse("checkout:session-return",
                                                          args=[session.url_token]))
    except DomainError as exc:
        # A decline is committed before it is raised: the session's intent is ready for
        # another card, unless a racing request completed the session meanwhile.
        session = _session(token)
        if session.status == Status.COMPLETE:
            return _success_redirect(session)
        if session.status == Status.EXPIRED:
            return _expired(request, session)
        field = field_for(exc) if isinstance(exc, CardError) else "form"
        return _render(request, session, errors={field: exc.message}, values=values,
                       status=page_status(exc))
    if session.status == Status.COMPLETE:
        return _success_redirect(session)
    intent = selectors.checkout_session_intent(session=session)
    if intent is not None and intent.status == "requires_action":
        return redirect(intent.next_action["redirect_to_url"]["url"])
    return _render(request, session, errors={"form": "Your payment was not completed."},
                   values=values, status=400)


def _quantities(request: HttpRequest) -> dict[str, int]:
    """The POSTed `quantity-<line item id>` fields, as whole numbers."""
    quantities = {}
    for name, value in request.POST.items():
        if name.startswith("quantity-"):
            try:
                quantities[name.removeprefix("quantity-")] = int(value)
            except ValueError:
                raise InvalidParameter("Enter a whole number of items.",
                                       param="quantity") from None
    return quantities


def _email_error(email: str) -> str | None:
    if not email:
        return "Your email is incomplete."
    try:
        validate_email(email)
    except ValidationError:
        return "Your email address is invalid."
    return None


@never_cache
@_form_redirects_anywhere
@require_GET
def session_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where 3-D Secure comes back to (the intent's `return_url`): the session follows its
    intent, read from the database (never from `redirect_status` in the URL), then goes on
    to `success_url`, or back to its page with the bank's answer."""
    session = _session(token)
    session = services.checkout_session_reconcile(id=session.id)
    if session.status == Status.COMPLETE:
        return _success_redirect(session)
    session = _session(token)
    intent = selectors.checkout_session_intent(session=session)
    error = (getattr(intent, "last_payment_error", None)
             or getattr(intent, "last_setup_error", None))
    if session.status == Status.OPEN and error:
        # The form back as the customer left it before the bank's page (the email is required).
        given = session.customer_details or {}
        values = {"email": given.get("email") or session.customer_email or "",
                  "name": given.get("name") or ""}
        return _render(request, session, errors={"form": cardholder_message(error)},
                       values=values, status=402)
    return redirect(reverse("checkout:session", args=[token]))


@never_cache
@require_GET
def session_done(request: HttpRequest, token: str) -> HttpResponse:
    """Till's confirmation page, for a completed session without a `success_url` (a payment
    link's hosted confirmation, with its custom message)."""
    session = _session(token)
    if session.status != Status.COMPLETE:
        return redirect(reverse("checkout:session", args=[token]))
    link = session.payment_link
    return render(request, "pages/checkout_done.html", {
        "session": session, "merchant": session.merchant, "livemode": session.livemode,
        "message": link.confirmation_message if link else None,
        "lines": list(selectors.checkout_session_line_items(session=session))})


@never_cache
@require_GET
def payment_link_visit(request: HttpRequest, token: str) -> HttpResponse:
    """`/checkout/l/<token>`: each visit opens a new Checkout Session for the link's line
    items and goes to its page; an inactive link says so."""
    link = selectors.payment_link_for_page(url_token=token)
    if link is None:
        raise Http404("No such payment link")
    try:
        session = services.payment_link_session_open(link=link)
    except DomainError as exc:
        return render(request, "pages/payment_link_inactive.html",
                      {"link": link, "merchant": link.merchant, "livemode": link.livemode,
                       "error": exc.message}, status=410 if not link.active else 400)
    return redirect(reverse("checkout:session", args=[session.url_token]))
