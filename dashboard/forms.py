from datetime import timedelta

from django import forms
from django.contrib.auth.forms import AuthenticationForm

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


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False,
                               choices=[("", "All statuses"), *WebhookDelivery.Status.choices])
