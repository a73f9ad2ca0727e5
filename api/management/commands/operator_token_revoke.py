from django.core.management.base import BaseCommand, CommandError

from api.operators import operator_token_revoke


class Command(BaseCommand):
    help = "Revokes an operator token at once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True, help="the token's name")

    def handle(self, *args, name: str, **options) -> None:
        if not operator_token_revoke(name=name):
            raise CommandError(f"No operator token named {name!r} is in use.")
        self.stdout.write(f"Revoked the operator token {name!r}.")
