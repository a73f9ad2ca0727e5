"""Hosted pages a cardholder sees: Till's 3-D Secure challenge (the simulated issuer's).

Plain HTML forms, usable without JavaScript; the client secret in the URL is the
cardholder's proof, as on Stripe's hosted pages.
"""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from api.errors import ApiError
from payments import services
from payments.models import PaymentIntent, SetupIntent


def _intent(intent_id: str, client_secret: str) -> PaymentIntent:
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    if intent is None or not client_secret or client_secret != intent.client_secret:
        raise Http404("No such payment")
    return intent


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit(parts._replace(query=query))


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
                id=intent.id, client_secret=client_secret, succeeded=outcome == "complete")
        except ApiError as exc:
            return render(request, "pages/authenticate.html",
                          {"intent": intent, "error": exc.message}, status=exc.status)
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
    if setup_intent is None or not client_secret or client_secret != setup_intent.client_secret:
        raise Http404("No such setup")
    context = {"intent": setup_intent, "setup": True}
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in ("complete", "fail"):
            return render(request, "pages/authenticate.html",
                          {**context, "error": "Choose to complete or fail."}, status=400)
        setup_intent = services.setup_intent_authenticate(
            id=setup_intent.id, client_secret=client_secret, succeeded=outcome == "complete")
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
