from django.core.management.base import BaseCommand, CommandError

from api.operators import operator_token_create
from core.exceptions import DomainError


class Command(BaseCommand):
    help = ("Makes an operator token for Till's operator endpoints (/v1/admin/…, e.g. "
            "/v1/admin/processors/health), printed once: only its hash is kept.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", required=True,
                            help="who or what holds it (unique), e.g. monitoring")

    def handle(self, *args, name: str, **options) -> None:
        try:
            row, token = operator_token_create(name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Operator token {row.name!r} ({row.hint}). Copy it now, it is not "
                          "shown again; send it as 'Authorization: Bearer <token>'.")
        self.stdout.write(token)
