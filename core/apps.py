from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the SQL kit, ids, Money, the clock, the request context, the
    status-change record, the domain's exceptions and the outcome hooks. Imports no domain
    app."""

    name = "core"
