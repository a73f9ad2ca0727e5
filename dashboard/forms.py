import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone

from api.errors import ParameterError
from api.search import search_query_parse
from billing.models import Invoice
from core.money import CURRENCIES, SYMBOLS, currency_exponent
from disputes.models import Dispute
from merchants.models import API_KEY_RESOURCES, Merchant, time_zone_names
from payments.models import PaymentIntent
from payments.search import PAYMENT_INTENT_SEARCH_FIELDS
from payments.selectors import PaymentIntentFilter
from refunds.models import Refund
from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookDelivery


class EmailLoginForm(AuthenticationForm):
    """Django's login form, with the email as the user name (stored lowercased)."""

    username = forms.EmailField(
        label="Email", max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}))

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()


class RollKeyForm(forms.Form):
    EXPIRIES = {
        "now": timedelta(0),
        "1h": timedelta(hours=1),
        "24h": timedelta(hours=24),
        "7d": timedelta(days=7),
    }
    expires_in = forms.ChoiceField(
        label="Old key expires",
        choices=[("now", "now"), ("1h", "in 1 hour"), ("24h", "in 24 hours"),
                 ("7d", "in 7 days")],
        initial="24h")

    def grace(self) -> timedelta:
        return self.EXPIRIES[self.cleaned_data["expires_in"]]


def minor_units(amount: Decimal, currency: str) -> int:
    """An amount typed in the currency's major unit (`15.00`) as integer minor units, by the
    currency's exponent (Stripe's zero- and three-decimal tables); never through a float."""
    exponent = currency_exponent(currency)
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        places = f"{exponent} decimal places" if exponent else "no decimal places"
        raise forms.ValidationError(f"{currency.upper()} amounts have {places}.")
    return int(minor)


def major_units(amount: int, currency: str) -> str:
    """Integer minor units as the form fields show them: `1500, "usd"` → `15.00`."""
    exponent = currency_exponent(currency)
    return f"{Decimal(amount).scaleb(-exponent):.{exponent}f}"


# `100.00`, `100.00 USD`, `USD 100`, `$1,000.50`: a number, a symbol and a code at most.
_TYPED_AMOUNT = re.compile(
    r"^(?P<pre>[A-Za-z]{3})?\s*(?P<symbol>[" + "".join(SYMBOLS.values()) + r"])?\s*"
    r"(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)\s*(?P<post>[A-Za-z]{3})?$")


class RefundApprovalThresholdForm(forms.Form):
    """The approval threshold typed as an amount in a currency's major unit (`100.00 USD`,
    or `100.00` and the currency chosen beside it), stored as the minor units the refunds
    service compares every refund's amount with."""

    threshold = forms.CharField(
        label="Approve refunds above", required=False, max_length=40, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "placeholder": "100.00", "spellcheck": "false"}))
    currency = forms.ChoiceField(label="Currency", required=False,
                                 choices=[(code, code.upper()) for code in sorted(CURRENCIES)])

    def clean(self) -> dict:
        cleaned = super().clean()
        text = cleaned.get("threshold") or ""
        cleaned["minor"] = None
        if not text or "currency" not in cleaned:
            return cleaned
        match = _TYPED_AMOUNT.match(text)
        if match is None:
            raise forms.ValidationError({"threshold": "Enter an amount such as 100.00 or "
                                                      "100.00 USD, or leave it empty."})
        code = (match["pre"] or match["post"] or cleaned["currency"] or "usd").lower()
        if match["pre"] and match["post"] and match["pre"].lower() != match["post"].lower():
            raise forms.ValidationError({"threshold": "Name one currency."})
        if code not in CURRENCIES:
            raise forms.ValidationError({"threshold": f"{code.upper()} is not a currency "
                                                      "Till takes payments in."})
        try:
            cleaned["minor"] = minor_units(Decimal(match["number"].replace(",", "")), code)
        except forms.ValidationError as exc:
            raise forms.ValidationError({"threshold": exc.messages}) from exc
        cleaned["currency"] = code
        return cleaned


class DunningSettingsForm(forms.Form):
    """How failed renewals are retried: the days after the first failure, typed as a list
    (`3, 5, 7`; empty: never retried), and the final actions. The service checks the
    schedule's rules; this form only reads the numbers."""

    retry_days = forms.CharField(
        label="Retry days after the first failure", required=False, max_length=60,
        strip=True, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off",
                                                  "placeholder": "3, 5, 7",
                                                  "spellcheck": "false"}))
    subscription_action = forms.ChoiceField(
        label="If all retries fail, the subscription",
        choices=Merchant.DunningSubscriptionAction.choices)
    invoice_action = forms.ChoiceField(label="and the invoice",
                                       choices=Merchant.DunningInvoiceAction.choices)

    def clean_retry_days(self) -> list[int]:
        parts = [part.strip() for part in re.split(r"[,\s]+", self.cleaned_data["retry_days"])]
        parts = [part for part in parts if part]
        if any(not part.isdigit() or len(part) > 3 for part in parts):
            raise forms.ValidationError("Enter whole numbers of days separated by commas, "
                                        "such as 3, 5, 7.")
        return [int(part) for part in parts]


class UpcomingInvoiceSettingsForm(forms.Form):
    """How many days before a renewal `invoice.upcoming` is sent (the service checks the
    range)."""

    upcoming_invoice_days = forms.IntegerField(label="Days before a renewal", min_value=0,
                                               max_value=999)


class BrandSettingsForm(forms.Form):
    """The colour of hosted invoice and receipt pages and invoice PDFs (the service checks
    it is `#rrggbb`)."""

    brand_color = forms.CharField(label="Brand colour", max_length=7,
                                  widget=forms.TextInput(attrs={"type": "color"}))


class BusinessSettingsForm(forms.Form):
    """The business's public details and the dashboard's time zone (the service checks
    them)."""

    name = forms.CharField(label="Business name", max_length=200)
    support_email = forms.EmailField(
        label="Support email", required=False,
        help_text="Shown on receipts, hosted invoices and invoice PDFs. Blank: your account's "
                  "email.")
    time_zone = forms.ChoiceField(label="Time zone", choices=())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name.replace("_", " "))
                                            for name in sorted(time_zone_names())]


class LogoForm(forms.Form):
    """The logo of hosted pages, receipts and invoice PDFs (the service decodes and checks
    it)."""

    logo = forms.FileField(label="Logo", widget=forms.ClearableFileInput(attrs={
        "accept": "image/png,image/jpeg,image/webp,image/gif"}))


class CustomerSearchForm(forms.Form):
    email = forms.CharField(required=False, max_length=512, strip=True,
                            widget=forms.TextInput(attrs={
                                "type": "search", "placeholder": "Exact email address",
                                "autocomplete": "off"}))


def _event_type_choices() -> list[tuple[str, str]]:
    groups = sorted({event_type.split(".")[0] for event_type in EVENT_TYPES})
    return ([("", "All event types")]
            + [(f"{group}.*", f"{group}.*") for group in groups]
            + [(event_type, event_type) for event_type in sorted(EVENT_TYPES)])


class EventFilterForm(forms.Form):
    type = forms.ChoiceField(required=False, choices=_event_type_choices)  # noqa: A003


ALL_EVENTS = "*"


class WebhookEndpointForm(forms.Form):
    """A new endpoint: what the API's create takes, minus metadata and api_version. The URL
    is vetted by the service (webhooks.services.webhook_endpoint_create), not here."""

    url = forms.CharField(
        label="Endpoint URL", max_length=5000,
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/webhooks/till",
                                     "autocomplete": "off", "spellcheck": "false"}))
    enabled_events = forms.MultipleChoiceField(
        label="Events to send",
        choices=[(ALL_EVENTS, "All events, including types added later")]
        + [(event_type, event_type) for event_type in EVENT_TYPES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event type, or all events."})
    description = forms.CharField(label="Description", required=False, max_length=5000,
                                  widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean_enabled_events(self) -> list[str]:
        chosen = self.cleaned_data["enabled_events"]
        return [ALL_EVENTS] if ALL_EVENTS in chosen else chosen

    def params(self) -> dict[str, str | list[str] | None]:
        """The service's params: as the API would pass them."""
        return {"url": self.cleaned_data["url"],
                "enabled_events": self.cleaned_data["enabled_events"],
                "description": self.cleaned_data["description"] or None}


class ProcessorConnectForm(forms.Form):
    """Settings → Processor: the mode's Stripe keys. Only the shape is checked here; the
    service (payments.services.processor_connect) checks the mode and verifies the key with
    Stripe. The key is never rendered back into the page."""

    secret_key = forms.CharField(
        label="Stripe secret or restricted key", max_length=300,
        widget=forms.PasswordInput(render_value=False, attrs={
            "autocomplete": "off", "spellcheck": "false", "placeholder": "sk_… or rk_…"}))
    publishable_key = forms.CharField(
        label="Stripe publishable key", max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                      "placeholder": "pk_…"}))
    webhook_secret = forms.CharField(
        label="Webhook signing secret", max_length=300, required=False,
        widget=forms.PasswordInput(render_value=False, attrs={
            "autocomplete": "off", "spellcheck": "false", "placeholder": "whsec_…"}))

    # The service's parameter names are the form's fields: its errors land on them.
    def params(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] or ""
                for name in ("secret_key", "publishable_key", "webhook_secret")}


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False,
                               choices=[("", "All statuses"), *WebhookDelivery.Status.choices])


# -- payments --------------------------------------------------------------------------------

PAYMENT_STATUS_LABELS = {
    PaymentIntent.Status.SUCCEEDED: "Succeeded",
    PaymentIntent.Status.REQUIRES_CAPTURE: "Uncaptured",
    PaymentIntent.Status.PROCESSING: "Processing",
    PaymentIntent.Status.REQUIRES_ACTION: "Requires action",
    PaymentIntent.Status.REQUIRES_CONFIRMATION: "Requires confirmation",
    PaymentIntent.Status.REQUIRES_PAYMENT_METHOD: "Requires payment method",
    PaymentIntent.Status.CANCELED: "Canceled",
}
# An id typed into the search box: found by that id, not as an order id.
_OBJECT_ID = re.compile(r"^(pi|ch|cus)_[A-Za-z0-9]+$")
# The start of a Stripe search query (`status:`, `amount>`, `metadata[`, `-currency:`): what
# else is typed is an order id. `=` is here so the parser can say to use `:` instead.
_SEARCH_QUERY = re.compile(r"^-?(metadata\s*\[|[A-Za-z_][A-Za-z0-9_.]*\s*[:~<>=])")


def _quoted(value: str) -> str:
    """`value` as a quoted value of Stripe's search language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_CUSTOMER_ID = re.compile(r"^cus_[A-Za-z0-9]+$")
_LAST4 = re.compile(r"^[0-9]{4}$")
# Dates a filter takes: enough for any payment, and far from datetime's own limits.
_FIRST_YEAR, _LAST_YEAR = 1970, 9998


def _day(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _amount(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=12, decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "size": 8, "placeholder": "0.00"}))


def _day_start(day: date) -> datetime:
    """Midnight starting `day` in the active time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


class PaymentFilterForm(forms.Form):
    """The payments list's filters, all applied together (and to its export). The search box
    takes an order id (`metadata['order_id']`), a `pi_`, `ch_` or `cus_` id, or a Stripe
    search query as the API's search takes it; the dates are whole days in the active time
    zone, both included; the amounts are in the major unit of the currency, which they
    need (10.00 is 1000 cents but 10 yen)."""

    # Shown each with its label and, beside it, its errors (the search's are explained in
    # the results, with what it takes).
    BESIDE = ("created_from", "created_to", "amount_min", "amount_max", "currency",
              "customer", "last4")
    FILTERS = ("q", "status", *BESIDE)

    q = forms.CharField(
        label="Search", required=False, max_length=500, strip=True,
        widget=forms.TextInput(attrs={
            "type": "search", "autocomplete": "off", "spellcheck": "false",
            "placeholder": "Order id, pi_…, ch_…, cus_…, or status:'succeeded'"}))
    status = forms.ChoiceField(required=False, choices=[("", "All statuses"),
                                                        *PAYMENT_STATUS_LABELS.items()])
    created_from = _day("Created from")
    created_to = _day("Created to")
    amount_min = _amount("Amount from")
    amount_max = _amount("Amount to")
    currency = forms.CharField(
        label="Currency", required=False, max_length=20, strip=True,
        widget=forms.TextInput(attrs={"size": 4, "placeholder": "usd",
                                      "autocomplete": "off", "spellcheck": "false"}))
    customer = forms.CharField(
        label="Customer", required=False, max_length=512, strip=True,
        widget=forms.TextInput(attrs={"placeholder": "cus_… or email", "autocomplete": "off",
                                      "spellcheck": "false"}))
    last4 = forms.CharField(
        label="Card last 4", required=False, max_length=20, strip=True,
        widget=forms.TextInput(attrs={"size": 4, "inputmode": "numeric",
                                      "placeholder": "4242", "autocomplete": "off"}))

    condition: Q | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # templates/dashboard/payments/_filter.html shows these errors beside their inputs.
        for name in self.BESIDE:
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_errors"
        # What a browser lets be typed; longer input (from a URL) is told what is wrong.
        self.fields["currency"].widget.attrs["maxlength"] = 3
        self.fields["last4"].widget.attrs["maxlength"] = 4

    def clean_q(self) -> str:
        text = self.cleaned_data["q"]
        self.condition = None
        if not text:
            return text
        if match := _OBJECT_ID.match(text):
            lookup = {"pi": "pk", "ch": "charges__pk", "cus": "customer_id"}[match.group(1)]
            self.condition = Q(**{lookup: text})
            return text
        query = text if _SEARCH_QUERY.match(text) else f"metadata['order_id']:{_quoted(text)}"
        try:
            self.condition = search_query_parse(query, fields=PAYMENT_INTENT_SEARCH_FIELDS)
        except ParameterError as exc:
            raise forms.ValidationError(exc.message) from exc
        return text

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data[name]
        if day is not None and not _FIRST_YEAR <= day.year <= _LAST_YEAR:
            raise forms.ValidationError(
                f"Enter a date between {_FIRST_YEAR} and {_LAST_YEAR}.")
        return day

    def clean_created_from(self) -> date | None:
        return self._clean_day("created_from")

    def clean_created_to(self) -> date | None:
        return self._clean_day("created_to")

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].lower()
        if code and code not in CURRENCIES:
            raise forms.ValidationError("Enter a currency's 3-letter code, such as usd.")
        return code

    def clean_customer(self) -> str:
        text = self.cleaned_data["customer"]
        if not text or _CUSTOMER_ID.match(text):
            return text
        try:
            validate_email(text)
        except forms.ValidationError as exc:
            raise forms.ValidationError("Enter a customer id (cus_…) or an email.") from exc
        return text

    def clean_last4(self) -> str:
        digits = self.cleaned_data["last4"]
        if digits and not _LAST4.match(digits):
            raise forms.ValidationError("Enter the card number's last 4 digits.")
        return digits

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", "Pick a day on or after the first.")
        amounts = [name for name in ("amount_min", "amount_max")
                   if cleaned.get(name) is not None]
        code = cleaned.get("currency")
        if amounts and not code:
            if "currency" not in self.errors:
                self.add_error("currency", "Enter the currency of the amounts: 10.00 is a "
                                           "different amount in each currency.")
            return cleaned
        for name in amounts:
            try:
                cleaned[name] = minor_units(cleaned[name], code)
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        low, high = cleaned.get("amount_min"), cleaned.get("amount_max")
        if not self.errors.keys() & set(amounts) and low is not None and high is not None \
                and low > high:
            self.add_error("amount_max", "Enter an amount no less than the first.")
        return cleaned

    def beside_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.BESIDE]

    @property
    def filtered(self) -> bool:
        """Whether any filter is set (what was typed, valid or not)."""
        return any(self.data.get(name) for name in self.FILTERS)

    def filters(self) -> PaymentIntentFilter:
        """The valid form's filters, as payments' selectors take them."""
        data = self.cleaned_data
        customer = data["customer"] or None
        end = data["created_to"]
        return PaymentIntentFilter(
            status=data["status"] or None, condition=self.condition,
            created_gte=_day_start(data["created_from"]) if data["created_from"] else None,
            # The day after `to` starts where the range ends.
            created_lt=_day_start(end + timedelta(days=1)) if end else None,
            currency=data["currency"] or None,
            amount_gte=data["amount_min"], amount_lte=data["amount_max"],
            customer=customer if customer and customer.startswith("cus_") else None,
            customer_email=customer if customer and not customer.startswith("cus_") else None,
            card_last4=data["last4"] or None)


class CaptureForm(forms.Form):
    """How much of an authorization to capture, in the currency's major unit (`15.00`);
    blank captures all of it."""

    amount = forms.DecimalField(
        label="Amount to capture", required=False, max_digits=12, decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "size": 10}))

    def __init__(self, *args, intent: PaymentIntent, **kwargs) -> None:
        self.intent = intent
        kwargs.setdefault("initial", {"amount": major_units(intent.amount_capturable,
                                                            intent.currency)})
        super().__init__(*args, **kwargs)

    def clean_amount(self) -> int | None:
        amount = self.cleaned_data["amount"]
        if amount is None:
            return None
        minor = minor_units(amount, self.intent.currency)
        if minor <= 0:
            raise forms.ValidationError("Enter an amount greater than zero.")
        return minor


REFUND_REASONS = [
    (Refund.Reason.REQUESTED_BY_CUSTOMER, "Requested by customer"),
    (Refund.Reason.DUPLICATE, "Duplicate"),
    (Refund.Reason.FRAUDULENT, "Fraudulent"),
]


class RefundForm(forms.Form):
    """A refund of a payment's latest charge: an amount in the currency's major unit (by
    default what remains unrefunded), Stripe's reason, and a token minted with the form so
    that submitting it twice refunds once (see dashboard.views.payments.payment_refund)."""

    amount = forms.DecimalField(
        label="Amount to refund", max_digits=12, decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "size": 10}))
    reason = forms.ChoiceField(label="Reason", required=False,
                               choices=[("", "No reason given"), *REFUND_REASONS])
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, intent: PaymentIntent, refundable: int, **kwargs) -> None:
        self.intent = intent
        kwargs.setdefault("initial", {"amount": major_units(refundable, intent.currency),
                                      "token": uuid.uuid4()})
        kwargs.setdefault("auto_id", "refund_%s")
        super().__init__(*args, **kwargs)

    def clean_amount(self) -> int:
        minor = minor_units(self.cleaned_data["amount"], self.intent.currency)
        if minor <= 0:
            raise forms.ValidationError("Enter an amount greater than zero.")
        return minor

    def params(self) -> dict[str, str | int]:
        """The service's params, as the API would pass them."""
        params: dict[str, str | int] = {"payment_intent": self.intent.id,
                                        "amount": self.cleaned_data["amount"]}
        if self.cleaned_data["reason"]:
            params["reason"] = self.cleaned_data["reason"]
        return params


# -- disputes --------------------------------------------------------------------------------

DISPUTE_STATUS_LABELS = {
    Dispute.Status.NEEDS_RESPONSE: "Needs response",
    Dispute.Status.UNDER_REVIEW: "Under review",
    Dispute.Status.WON: "Won",
    Dispute.Status.LOST: "Lost",
    Dispute.Status.WARNING_NEEDS_RESPONSE: "Inquiry: needs response",
    Dispute.Status.WARNING_UNDER_REVIEW: "Inquiry: under review",
    Dispute.Status.WARNING_CLOSED: "Inquiry: closed",
}


class DisputeFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All statuses"),
                                                        *DISPUTE_STATUS_LABELS.items()])


INVOICE_STATUS_LABELS = {
    Invoice.Status.DRAFT: "Draft",
    Invoice.Status.OPEN: "Open",
    Invoice.Status.PAID: "Paid",
    Invoice.Status.UNCOLLECTIBLE: "Uncollectible",
    Invoice.Status.VOID: "Void",
}


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "All statuses"),
                                                        *INVOICE_STATUS_LABELS.items()])


class DisputeEvidenceForm(forms.Form):
    """The evidence most disputes are answered with: some of Stripe's evidence fields, as the
    API takes them (`evidence[…]`), shown with what is saved; a field cleared is cleared.
    The button pressed decides whether the evidence goes to the bank now or is saved."""

    FIELDS = ("product_description", "customer_name", "customer_email_address",
              "customer_communication", "refund_policy", "shipping_tracking_number",
              "uncategorized_text")
    SUBMIT = "submit"

    product_description = forms.CharField(label="Product or service", required=False,
                                          max_length=20000, widget=forms.Textarea(
                                              attrs={"rows": 2}))
    customer_name = forms.CharField(label="Customer name", required=False, max_length=20000)
    customer_email_address = forms.CharField(label="Customer email", required=False,
                                             max_length=20000)
    customer_communication = forms.CharField(label="Communication with the customer",
                                             required=False, max_length=20000,
                                             widget=forms.Textarea(attrs={"rows": 3}))
    refund_policy = forms.CharField(label="Refund policy", required=False, max_length=20000,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    shipping_tracking_number = forms.CharField(label="Shipping tracking number",
                                               required=False, max_length=20000)
    uncategorized_text = forms.CharField(label="Anything else", required=False,
                                         max_length=20000,
                                         widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, dispute: Dispute, **kwargs) -> None:
        kwargs.setdefault("initial", {name: dispute.evidence.get(name) or ""
                                      for name in self.FIELDS})
        super().__init__(*args, **kwargs)

    def has_evidence(self) -> bool:
        return any(self.cleaned_data[name] for name in self.FIELDS)

    def evidence(self) -> dict[str, str]:
        """The evidence as the service takes it: every field, empty ones as ''."""
        return {name: self.cleaned_data[name] for name in self.FIELDS}


# -- products and prices ---------------------------------------------------------------------

class ProductFilterForm(forms.Form):
    active = forms.ChoiceField(required=False, choices=[("", "All products"),
                                                        ("true", "Active"),
                                                        ("false", "Archived")])

    def active_value(self) -> bool | None:
        return {"true": True, "false": False}.get(self.cleaned_data["active"])


class ProductForm(forms.Form):
    """A new product: its name and description (the rest through the API)."""

    name = forms.CharField(label="Name", max_length=5000, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    description = forms.CharField(label="Description", required=False, max_length=5000,
                                  strip=True, widget=forms.Textarea(attrs={"rows": 2}))


PRICE_INTERVALS = [("day", "Daily"), ("week", "Weekly"), ("month", "Monthly"),
                   ("year", "Yearly")]


class PriceForm(forms.Form):
    """A new per-unit price of a product: an amount typed in the currency's major unit
    (`15.00`, `$15.00`, `15.00 USD`, parsed as the refund approval threshold is), one-time or
    recurring every `interval_count` intervals. The terms are checked by billing.pricing, as
    the API's are."""

    amount = forms.CharField(
        label="Amount", max_length=40, strip=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                      "placeholder": "15.00", "spellcheck": "false"}))
    currency = forms.ChoiceField(label="Currency",
                                 choices=[(code, code.upper()) for code in sorted(CURRENCIES)],
                                 initial="usd")
    type = forms.ChoiceField(label="Billing", choices=[  # noqa: A003
        ("recurring", "Recurring"), ("one_time", "One time")], initial="recurring")
    interval = forms.ChoiceField(label="Every", choices=PRICE_INTERVALS, initial="month",
                                 required=False)
    interval_count = forms.IntegerField(label="Intervals", min_value=1, initial=1,
                                        required=False,
                                        widget=forms.NumberInput(attrs={"size": 4}))
    nickname = forms.CharField(label="Nickname", required=False, max_length=5000, strip=True)

    def clean(self) -> dict:
        cleaned = super().clean()
        text, code = cleaned.get("amount") or "", cleaned.get("currency")
        if not text or not code:
            return cleaned
        match = _TYPED_AMOUNT.match(text)
        if match is None:
            raise forms.ValidationError({"amount": "Enter an amount such as 15.00."})
        typed = (match["pre"] or match["post"] or code).lower()
        if typed != code:
            raise forms.ValidationError({"amount": f"This price is in {code.upper()}: "
                                                   f"the amount names {typed.upper()}."})
        try:
            cleaned["minor"] = minor_units(Decimal(match["number"].replace(",", "")), code)
        except forms.ValidationError as exc:
            raise forms.ValidationError({"amount": exc.messages}) from exc
        if cleaned["type"] == "recurring" and not cleaned.get("interval"):
            raise forms.ValidationError({"interval": "Choose how often it is billed."})
        return cleaned


# -- subscriptions ---------------------------------------------------------------------------

SUBSCRIPTION_STATUS_LABELS = {
    "active": "Active",
    "trialing": "Trialing",
    "past_due": "Past due",
    "unpaid": "Unpaid",
    "paused": "Paused",
    "incomplete": "Incomplete",
    "incomplete_expired": "Incomplete, expired",
    "canceled": "Canceled",
}


class SubscriptionFilterForm(forms.Form):
    """Stripe's list filter: no status lists every subscription not canceled, `all` every
    one, `ended` the canceled and expired ones."""

    status = forms.ChoiceField(required=False, choices=[
        ("", "Not canceled"), ("all", "All"), ("ended", "Ended"),
        *SUBSCRIPTION_STATUS_LABELS.items()])
    customer = forms.CharField(required=False, max_length=100, strip=True,
                               widget=forms.TextInput(attrs={
                                   "type": "search", "placeholder": "cus_…",
                                   "autocomplete": "off", "spellcheck": "false"}))


# -- test clocks -----------------------------------------------------------------------------

class TestClockForm(forms.Form):
    """A new test clock: a name and the time it starts frozen at (UTC)."""

    __test__ = False  # a form, not a test class

    name = forms.CharField(label="Name", required=False, max_length=300, strip=True)
    frozen_time = forms.DateTimeField(
        label="Frozen at (UTC)", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M",
                                                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"))

    def clean_frozen_time(self):
        moment = self.cleaned_data["frozen_time"]
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class TestClockAdvanceForm(TestClockForm):
    """Where to move a clock: a later frozen time (the service checks it)."""

    name = None
    frozen_time = TestClockForm.base_fields["frozen_time"]


class PaymentLinkForm(forms.Form):
    """A payment link for one active one-time price of the merchant's (the choices are set
    per merchant and mode), so many of it, with Till's confirmation page after payment."""

    price = forms.ChoiceField(label="Price")
    quantity = forms.IntegerField(label="Quantity", min_value=1, max_value=999_999, initial=1,
                                  widget=forms.NumberInput(attrs={"size": 6}))
    adjustable = forms.BooleanField(label="Let the customer change the quantity",
                                    required=False)
    message = forms.CharField(label="Confirmation message", required=False, max_length=500,
                              strip=True)
    limit = forms.IntegerField(label="Stop after this many payments", required=False,
                               min_value=1, max_value=10_000,
                               widget=forms.NumberInput(attrs={"size": 6}))
    save_card_and_make_default = forms.BooleanField(
        label="Save the card as the customer's default for invoices", required=False)

    def __init__(self, *args, prices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["price"].choices = prices


class CreateKeyForm(forms.Form):
    """A named secret key, or a restricted key with a level per resource (a select each,
    `perm_<resource>`); the service vets the permissions."""

    name = forms.CharField(label="Name", max_length=100)
    kind = forms.ChoiceField(label="Type", choices=[("secret", "Secret key"),
                                                    ("restricted", "Restricted key")],
                             initial="restricted")

    def permissions(self, data) -> dict[str, str]:
        return {resource: data.get(f"perm_{resource}", "none")
                for resource in API_KEY_RESOURCES}


class RequestLogFilterForm(forms.Form):
    STATUS_CLASSES = [("", "Any status"), ("2", "2xx succeeded"), ("4", "4xx failed"),
                      ("5", "5xx errored")]
    METHODS = [("", "Any method"), ("GET", "GET"), ("POST", "POST"), ("DELETE", "DELETE")]

    status = forms.ChoiceField(required=False, choices=STATUS_CLASSES)
    method = forms.ChoiceField(required=False, choices=METHODS)
    path = forms.CharField(required=False, max_length=200, label="Path starts with",
                           widget=forms.TextInput(attrs={"placeholder": "/v1/payment_intents"}))
    key = forms.ChoiceField(required=False, label="Key")
    date_from = forms.DateField(required=False, label="From",
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, label="To",
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, keys=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "Any key")] + [
            (key.id, f"{key.name or key.get_kind_display()} ({key.redacted})") for key in keys]


class ResendConfirmationForm(forms.Form):
    """The address a sign-up is waiting to confirm."""

    email = forms.EmailField(label="Email", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class SignUpForm(forms.Form):
    """A new merchant and its owner's login."""

    business_name = forms.CharField(label="Business name", max_length=200)
    email = forms.EmailField(label="Email", max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(label="Password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


TEAM_ROLES = [("owner", "Owner: everything, and the team's owners"),
              ("admin", "Admin: everything but owners"),
              ("developer", "Developer: API keys and webhooks, no money movement"),
              ("support", "Support: reads only")]


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email", max_length=254)
    role = forms.ChoiceField(label="Role", choices=TEAM_ROLES, initial="support")


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=TEAM_ROLES)


class InvitationAcceptForm(forms.Form):
    """A password, when the invited email has no login yet."""

    password = forms.CharField(label="Choose a password", strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password
