from django.core.management.base import BaseCommand, CommandError

from merchants.models import Merchant
from payments import services


class Command(BaseCommand):
    help = ("Disconnects a mode's processor: the mode returns to its default (test mode: "
            "the simulated processor; live mode: no payments). The stored key is deleted.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--merchant", required=True, help="the merchant's id (acct_…)")
        parser.add_argument("--mode", required=True, choices=["live", "test"])

    def handle(self, *args, merchant: str, mode: str, **options) -> None:
        found = Merchant.objects.filter(pk=merchant).first()
        if found is None:
            raise CommandError(f"No merchant {merchant}.")
        if services.processor_disconnect(merchant=found, livemode=mode == "live"):
            self.stdout.write(f"Disconnected {found.id}'s {mode} mode processor.")
        else:
            self.stdout.write(f"{found.id}'s {mode} mode had no processor connected.")
