"""`GET /v1/account`: the merchant as Stripe's Account object. Clients call it to check that
a key works and to read the account's name; Till has no Connect, so this is the only account
there is, and `/v1/accounts/...` does not exist."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api.params import NoParams
from api.views import ApiView
from merchants.models import Merchant

# Till keeps no country or settlement currency per merchant: the Account shows these.
ACCOUNT_COUNTRY = "US"
ACCOUNT_CURRENCY = "usd"


def account_id(merchant: Merchant) -> str:
    """The merchant's own id (`acct_…`, random): the one errors and the dashboard show."""
    return merchant.pk


def account_object(merchant: Merchant, *, charges_enabled: bool) -> dict[str, Any]:
    status = "active" if charges_enabled else "inactive"
    return {
        "id": account_id(merchant), "object": "account",
        "business_profile": {
            "annual_revenue": None, "estimated_worker_count": None, "mcc": None,
            "name": merchant.name, "product_description": None, "support_address": None,
            "support_email": merchant.email, "support_phone": None, "support_url": None,
            "url": None},
        "business_type": None,
        "capabilities": {"card_payments": status, "transfers": status},
        "charges_enabled": charges_enabled, "country": ACCOUNT_COUNTRY,
        "created": int(merchant.created.timestamp()),
        "default_currency": ACCOUNT_CURRENCY, "details_submitted": True,
        "email": merchant.email, "metadata": {}, "payouts_enabled": charges_enabled,
        "settings": {
            "branding": {"icon": None, "logo": None, "primary_color": merchant.brand_color,
                         "secondary_color": None},
            "card_payments": {"decline_on": {"avs_failure": False, "cvc_failure": False},
                              "statement_descriptor_prefix": None,
                              "statement_descriptor_prefix_kana": None,
                              "statement_descriptor_prefix_kanji": None},
            "dashboard": {"display_name": merchant.name, "timezone": "Etc/UTC"},
            "payments": {"statement_descriptor": "TILL", "statement_descriptor_kana": None,
                         "statement_descriptor_kanji": None,
                         "statement_descriptor_prefix_kana": None,
                         "statement_descriptor_prefix_kanji": None},
        },
        "type": "standard",
    }


class AccountView(ApiView):
    @extend_schema(operation_id="RetrieveAccount", responses=OpenApiTypes.OBJECT)
    def get(self, request) -> Response:
        self.params(NoParams)
        merchant = self.merchant
        # Test mode pays through the simulated processor; live mode only through a real one.
        charges_enabled = merchant.live_processor_connected if self.livemode else True
        return Response(account_object(merchant, charges_enabled=charges_enabled))
