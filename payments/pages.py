"""Hosted pages a cardholder sees: the payment page, its result, and Till's 3-D Secure
challenge (the simulated issuer's).

Plain HTML forms, usable without JavaScript (till.js only polishes the inputs); the client
secret in the URL is the cardholder's proof, as on Stripe's hosted pages. A card number and
CVC pass from the POST to `payment_method_create` and nowhere else: never logged, stored or
rendered back into the form.
"""

import re
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from core.actor import TILL
from core.exceptions import CardError, DomainError, InvalidRequest, ObjectBusy
from payments import services
from payments.models import PaymentIntent, SetupIntent

Status = PaymentIntent.Status


def _secret_matches(intent: PaymentIntent | SetupIntent, client_secret: str) -> bool:
    """Whether `client_secret` is the intent's, through the API's own constant-time check
    (an empty secret never is: None would mean a secret key, which a page never has)."""
    if not client_secret:
        return False
    try:
        services.client_secret_check(intent=intent, client_secret=client_secret)
    except InvalidRequest:
        return False
    return True


def _intent(intent_id: str, client_secret: str) -> PaymentIntent:
    """The intent whose client secret this is; anything else is the same 404."""
    intent = (PaymentIntent.objects.select_related("merchant", "payment_method",
                                                   "latest_charge")
              .filter(pk=intent_id).first())
    if intent is None or not _secret_matches(intent, client_secret):
        raise Http404("No such payment")
    return intent


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


# == the payment page =======================================================================

# Nothing left for the cardholder to do here: the page shows the outcome instead of the form.
SETTLED = (Status.SUCCEEDED, Status.PROCESSING, Status.REQUIRES_CAPTURE, Status.CANCELED)
BRAND_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express",
               "discover": "Discover", "diners": "Diners Club", "jcb": "JCB",
               "unionpay": "UnionPay"}
_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*[/-]?\s*(\d{2}|\d{4})\s*$")
# Hidden from error reports in every frame below the views (services' frames too).
SENSITIVE_NAMES = ("number", "cvc", "card", "card_params", "params")
# The form's fields by the `param` of a card error (`card[exp_month]` → expiry, ...).
_FIELD_OF_PARAM = {"number": "number", "exp_month": "expiry", "exp_year": "expiry",
                   "cvc": "cvc"}


# What the cardholder is told for an error whose API message speaks to the developer (Stripe's
# hosted pages' wording); any other error's message is the card's own ("Your card was
# declined.").
_CARDHOLDER_MESSAGES = {
    "payment_intent_authentication_failure":
        "We are unable to authenticate your payment method. Please choose a different "
        "payment method and try again.",
    "setup_intent_authentication_failure":
        "We are unable to authenticate your payment method. Please choose a different "
        "payment method and try again.",
}


def cardholder_message(error: dict | None) -> str | None:
    """An intent's `last_payment_error` / `last_setup_error` as the cardholder reads it."""
    if not error:
        return None
    return _CARDHOLDER_MESSAGES.get(error.get("code"), error.get("message"))


def field_for(error: DomainError) -> str:
    param = (error.param or "").removeprefix("card[").removesuffix("]")
    return _FIELD_OF_PARAM.get(param, "form")


@sensitive_variables(*SENSITIVE_NAMES)
def card_params(post: QueryDict) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The POSTed card as `payment_method_create` params, or the form's errors. Messages are
    Stripe.js's for an incomplete card; the service judges the rest (Luhn, dates, CVC)."""
    errors: dict[str, str] = {}
    number = post.get("number", "").replace(" ", "").replace("-", "")
    cvc = post.get("cvc", "").strip()
    name = post.get("name", "").strip()
    expiry = _EXPIRY.match(post.get("expiry", ""))
    if not number:
        errors["number"] = "Your card number is incomplete."
    elif len(number) > 19:
        errors["number"] = "Your card number is incorrect."
    if not post.get("expiry", "").strip():
        errors["expiry"] = "Your card's expiration date is incomplete."
    elif expiry is None:
        errors["expiry"] = "Your card's expiration date is invalid."
    if not cvc:
        errors["cvc"] = "Your card's security code is incomplete."
    elif len(cvc) > 4:
        errors["cvc"] = "Your card's security code is invalid."
    if len(name) > 256:
        errors["name"] = "The name on the card is too long."
    if errors or expiry is None:
        return None, errors
    card = services.CardInput(number=number, exp_month=int(expiry[1]),
                              exp_year=int(expiry[2]), cvc=cvc)
    return {"card": card, "billing_details": {"name": name or None}}, {}


def _card_summary(intent: PaymentIntent) -> dict[str, str] | None:
    method = intent.payment_method
    if method is None:
        return None
    brand = method.card.get("brand", "")
    return {"brand": BRAND_NAMES.get(brand, brand.title()), "last4": method.card.get("last4")}


def _render_form(request: HttpRequest, intent: PaymentIntent, *, errors: dict[str, str],
                 values: dict[str, str], status: int = 200) -> HttpResponse:
    """Only the name and expiry are ever given back to the form, never number or CVC."""
    action = reverse("pages:pay", args=[intent.id]) + "?" + urlencode(
        {"client_secret": intent.client_secret})
    return render(request, "pages/pay.html", {
        "intent": intent, "merchant": intent.merchant, "errors": errors, "values": values,
        "action": action, "card": _card_summary(intent)}, status=status)


def _render_outcome(request: HttpRequest, intent: PaymentIntent) -> HttpResponse:
    retry = reverse("pages:pay", args=[intent.id]) + "?" + urlencode(
        {"client_secret": intent.client_secret})
    return render(request, "pages/pay_result.html", {
        "intent": intent, "merchant": intent.merchant, "card": _card_summary(intent),
        "charge": intent.latest_charge, "retry_url": retry,
        "error_message": cardholder_message(intent.last_payment_error)})


def page_status(error: DomainError) -> int:
    """The page's HTTP status for a refusal, as the API would answer it: 402 for the card,
    429 while the payment is busy, else 400."""
    if isinstance(error, CardError):
        return 402
    return 429 if isinstance(error, ObjectBusy) else 400


def _result_url(intent: PaymentIntent) -> str:
    return reverse("pages:result", args=[intent.id]) + "?" + urlencode(
        {"payment_intent": intent.id, "payment_intent_client_secret": intent.client_secret})


# CSRF stays on (Django's default) although the client secret, not a cookie, authorizes this
# POST, so there is no ambient credential to ride. What it still buys: another site cannot
# make visitors' browsers submit cards here (card testing laundered through their IPs), and
# the page needs no exemption to audit. The 3-D Secure page below is exempt: its POST carries
# no card and its only outcome is the one the cardholder is asked to choose.
@sensitive_variables(*SENSITIVE_NAMES)
@sensitive_post_parameters("number", "cvc")
@never_cache
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, intent_id: str) -> HttpResponse:
    """`/pay/<intent>?client_secret=…`: the amount, the merchant and a card form. A POST
    tokenizes the card, then confirms the intent with Till's result page as `return_url`:
    3-D Secure redirects to the challenge, a decline shows the form again, success the
    result. An intent with nothing left to pay shows its outcome instead."""
    client_secret = request.GET.get("client_secret") or request.POST.get("client_secret", "")
    intent = _intent(intent_id, client_secret)
    if intent.status in SETTLED:
        return _render_outcome(request, intent)
    if request.method == "GET":
        return _render_form(request, intent, errors={}, values={})

    values = {"name": request.POST.get("name", "")[:256],
              "expiry": request.POST.get("expiry", "")[:9]}
    params, errors = card_params(request.POST)
    if params is None:
        return _render_form(request, intent, errors=errors, values=values, status=400)
    try:
        payment_method = services.payment_method_create(
            merchant=intent.merchant, livemode=intent.livemode, **params)
    except DomainError as exc:
        return _render_form(request, intent, errors={field_for(exc): exc.message},
                            values=values, status=page_status(exc))
    try:
        intent = services.payment_intent_confirm(
            id=intent.id, merchant=intent.merchant, livemode=intent.livemode, actor=TILL,
            client_secret=client_secret, payment_method=payment_method.id,
            return_url=settings.TILL_PUBLIC_URL + reverse("pages:result", args=[intent.id]))
    except DomainError as exc:
        # A decline is committed before it is raised: the intent is back to
        # requires_payment_method, ready for another card (or settled by a racing request).
        intent = _intent(intent.id, client_secret)
        if intent.status in SETTLED:
            return _render_outcome(request, intent)
        field = field_for(exc) if isinstance(exc, CardError) else "form"
        return _render_form(request, intent, errors={field: exc.message}, values=values,
                            status=page_status(exc))
    if intent.status == Status.REQUIRES_ACTION:
        return redirect(intent.next_action["redirect_to_url"]["url"])
    return redirect(_result_url(intent))


@never_cache
@require_GET
def result(request: HttpRequest, intent_id: str) -> HttpResponse:
    """Where the payment page and the 3-D Secure challenge come back to (its `return_url`):
    the intent's state, from the database, never from `redirect_status` in the URL."""
    client_secret = (request.GET.get("payment_intent_client_secret")
                     or request.GET.get("client_secret", ""))
    return _render_outcome(request, _intent(intent_id, client_secret))


# == 3-D Secure =============================================================================

REDIRECT_STATUS = {"succeeded": "succeeded", "processing": "succeeded",
                   "requires_capture": "succeeded"}


# The client secret in the form authorizes the post (no session, no cookie): CSRF is moot.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def authenticate(request: HttpRequest, intent_id: str) -> HttpResponse:
    """GET shows the challenge; POST `outcome=complete|fail` answers it, then the browser
    goes to `return_url` with `payment_intent`, `payment_intent_client_secret` and
    `redirect_status`, or sees the result here when there is none."""
    client_secret = request.GET.get("client_secret") or request.POST.get("client_secret", "")
    intent = _intent(intent_id, client_secret)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("complete", "fail"):
            return render(request, "pages/authenticate.html",
                          {"intent": intent, "error": "Choose to complete or fail."},
                          status=400)
        try:
            intent = services.payment_intent_authenticate(
                id=intent.id, client_secret=client_secret, succeeded=outcome == "complete",
                actor=TILL)
        except DomainError as exc:
            return render(request, "pages/authenticate.html",
                          {"intent": intent, "error": exc.message}, status=page_status(exc))
        if intent.return_url:
            return redirect(_with_query(intent.return_url, {
                "payment_intent": intent.id,
                "payment_intent_client_secret": intent.client_secret,
                "redirect_status": REDIRECT_STATUS.get(intent.status, "failed")}))
        return render(request, "pages/authenticate_done.html", {"intent": intent})
    if intent.status != PaymentIntent.Status.REQUIRES_ACTION:
        return render(request, "pages/authenticate_done.html", {"intent": intent})
    return render(request, "pages/authenticate.html", {"intent": intent})


SETUP_REDIRECT_STATUS = {"succeeded": "succeeded", "processing": "succeeded"}


@csrf_exempt  # authorized by the client secret, as `authenticate`
@require_http_methods(["GET", "POST"])
def authenticate_setup(request: HttpRequest, setup_intent_id: str) -> HttpResponse:
    """The same challenge for a SetupIntent saving a card; then to `return_url` with
    `setup_intent`, `setup_intent_client_secret` and `redirect_status`."""
    client_secret = request.GET.get("client_secret") or request.POST.get("client_secret", "")
    setup_intent = SetupIntent.objects.select_related("payment_method").filter(
        pk=setup_intent_id).first()
    if setup_intent is None or not _secret_matches(setup_intent, client_secret):
        raise Http404("No such setup")
    context = {"intent": setup_intent, "setup": True}
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("complete", "fail"):
            return render(request, "pages/authenticate.html",
                          {**context, "error": "Choose to complete or fail."}, status=400)
        setup_intent = services.setup_intent_authenticate(
            id=setup_intent.id, client_secret=client_secret, succeeded=outcome == "complete",
            actor=TILL)
        if setup_intent.return_url:
            return redirect(_with_query(setup_intent.return_url, {
                "setup_intent": setup_intent.id,
                "setup_intent_client_secret": setup_intent.client_secret,
                "redirect_status": SETUP_REDIRECT_STATUS.get(setup_intent.status, "failed")}))
        return render(request, "pages/authenticate_done.html",
                      {"intent": setup_intent, "setup": True})
    if setup_intent.status != SetupIntent.Status.REQUIRES_ACTION:
        return render(request, "pages/authenticate_done.html", context)
    return render(request, "pages/authenticate.html", context)
