"""The forms of the dashboard's money pages: the balance's filters, the payouts' filter,
and Settings → Pricing and payouts."""

from django import forms

from ledger.models import BalanceTransaction, Payout
from merchants.models import Merchant
from merchants.services_pricing import PRICING_FIELDS

BALANCE_TYPE_LABELS = {
    BalanceTransaction.Type.CHARGE: "Charge",
    BalanceTransaction.Type.REFUND: "Refund",
    BalanceTransaction.Type.REFUND_FAILURE: "Refund failure",
    BalanceTransaction.Type.ADJUSTMENT: "Dispute adjustment",
    BalanceTransaction.Type.PAYOUT: "Payout",
    BalanceTransaction.Type.PAYOUT_CANCEL: "Payout canceled",
    BalanceTransaction.Type.PAYOUT_FAILURE: "Payout failed",
}

PAYOUT_STATUS_LABELS = {
    Payout.Status.PENDING: "Pending",
    Payout.Status.IN_TRANSIT: "In transit",
    Payout.Status.PAID: "Paid",
    Payout.Status.FAILED: "Failed",
    Payout.Status.CANCELED: "Canceled",
}


class BalanceTransactionFilterForm(forms.Form):
    type = forms.ChoiceField(required=False,
                             choices=[("", "All types"), *BALANCE_TYPE_LABELS.items()])
    currency = forms.CharField(required=False, max_length=3, strip=True,
                               widget=forms.TextInput(attrs={"placeholder": "usd",
                                                             "size": 4}))

    def clean_currency(self) -> str:
        return self.cleaned_data["currency"].lower()


class PayoutFilterForm(forms.Form):
    status = forms.ChoiceField(required=False,
                               choices=[("", "All statuses"), *PAYOUT_STATUS_LABELS.items()])


class PricingSettingsForm(forms.ModelForm):
    """The merchant's card pricing and payout settings, checked by the model's validators;
    it never saves: the view hands `cleaned_data` to `merchant_pricing_set`."""

    class Meta:
        model = Merchant
        fields = list(PRICING_FIELDS)
        labels = {"card_fee_percent": "Card fee (percent)",
                  "card_fee_fixed": "Fixed card fee per currency (minor units)",
                  "payout_delay_days": "Payout delay (days)",
                  "payout_schedule": "Automatic payouts"}
        widgets = {"card_fee_fixed": forms.TextInput(attrs={"placeholder": '{"usd": 30}'})}
