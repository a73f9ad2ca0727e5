import json

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from merchants.selectors import user_get_by_email
from merchants.services import merchant_create


class Command(BaseCommand):
    help = "Creates a merchant with an owner login and test and live API keys."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--json", action="store_true",
                            help="print exactly one JSON object and nothing else")

    def handle(self, *args, name: str, email: str, password: str, json: bool, **options) -> None:
        try:
            validate_email(email)
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if user_get_by_email(email=email):
            raise CommandError(f"A login with the email {email} exists already.")
        created = merchant_create(name=name, email=email, password=password)
        result = {"id": created.merchant.id, "email": created.merchant.email, **created.keys}
        if json:
            self.stdout.write(_json_dumps(result))
            return
        self.stdout.write(f"Created merchant {created.merchant.id} ({name}).")
        for label, key in created.keys.items():
            self.stdout.write(f"  {label}: {key}")
        self.stdout.write("Secret keys are shown only now; Till keeps only their hashes.")


def _json_dumps(value: dict) -> str:
    return json.dumps(value, indent=None)
