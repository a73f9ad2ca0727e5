import json

from django.core.management.base import BaseCommand, CommandError

from core.actor import TILL
from core.exceptions import DomainError
from merchants.models import Merchant
from payments import services


class Command(BaseCommand):
    help = ("Connects a merchant's own Stripe account to a mode (what Settings → Processor "
            "does): the key is verified with Stripe, then stored encrypted.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--merchant", required=True, help="the merchant's id (acct_…)")
        parser.add_argument("--mode", required=True, choices=["live", "test"])
        parser.add_argument("--stripe-secret-key", required=True,
                            help="a Stripe secret or restricted key of the mode")
        parser.add_argument("--stripe-publishable-key", required=True,
                            help="the Stripe publishable key of the mode (for Stripe.js)")
        parser.add_argument("--webhook-secret", default="",
                            help="the signing secret (whsec_…) of an endpoint registered at "
                                 "Stripe by hand, when the key may not register it")
        parser.add_argument("--json", action="store_true",
                            help="print exactly one JSON object and nothing else")

    def handle(self, *args, merchant: str, mode: str, stripe_secret_key: str,
               stripe_publishable_key: str, webhook_secret: str, json: bool, **options
               ) -> None:
        found = Merchant.objects.filter(pk=merchant).first()
        if found is None:
            raise CommandError(f"No merchant {merchant}.")
        try:
            connection = services.processor_connect(
                merchant=found, livemode=mode == "live", actor=TILL, secret_key=stripe_secret_key,
                publishable_key=stripe_publishable_key, webhook_secret=webhook_secret)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        result = {"merchant": found.id, "mode": mode, "processor": connection.kind,
                  "secret_key": connection.secret_key_hint,
                  "publishable_key": connection.publishable_key,
                  "account": connection.account_id or None,
                  "connected_at": int(connection.connected_at.timestamp()),
                  "inbound_url": services.inbound_url(connection.inbound_id),
                  "webhook_endpoint": connection.webhook_endpoint_id or None,
                  "webhook_secret_set": bool(connection.webhook_secret_encrypted),
                  "webhook_problem": connection.webhook_problem or None}
        if json:
            self.stdout.write(_json_dumps(result))
            return
        account = connection.account_id or "(the key may not read its account id)"
        self.stdout.write(f"Connected Stripe account {account} to {found.id}'s {mode} mode "
                          f"with {connection.secret_key_hint}.")
        self.stdout.write(f"{mode.capitalize()} mode payments now go through Stripe.")
        url = result["inbound_url"]
        if connection.webhook_endpoint_id:
            self.stdout.write(f"Stripe sends its events to {url} "
                              f"(endpoint {connection.webhook_endpoint_id}).")
        elif connection.webhook_secret_encrypted:
            self.stdout.write(f"Stripe's events are received at {url} with the signing "
                              "secret given.")
        else:
            self.stdout.write(
                f"Stripe's events are not received yet: Till could not register its endpoint "
                f"({connection.webhook_problem}). Add {url} as an endpoint in Stripe's "
                "dashboard and connect again with --webhook-secret whsec_….")


def _json_dumps(value: dict) -> str:
    return json.dumps(value)
