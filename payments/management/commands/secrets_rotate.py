from django.core.management.base import BaseCommand, CommandError

from core.vault import SecretUnreadable
from payments import services


class Command(BaseCommand):
    help = ("Re-encrypts every stored secret (the merchants' processor keys) with the first "
            "key of TILL_SECRET_KEYS. Rotate: put a new key first, run this, then drop the "
            "old key.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--include-development-key", action="store_true",
            help="also decrypt with the key derived from SECRET_KEY: moving off the "
                 "development default once TILL_SECRET_KEYS is set")

    def handle(self, *args, include_development_key: bool, **options) -> None:
        try:
            rotated = services.processor_secrets_rotate(
                with_development_key=include_development_key)
        except SecretUnreadable as exc:
            raise CommandError(
                f"{exc} Keep the key it was encrypted with in TILL_SECRET_KEYS (after the "
                "new one) until this command has run.") from exc
        self.stdout.write(f"Re-encrypted {rotated} stored secret(s) with the newest key.")
