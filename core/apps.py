from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the SQL kit, ids, Money, the clock, the request context, the
    status-change record, the domain's exceptions and the outcome hooks. Imports no domain
    app."""

    name = "core"

    def ready(self) -> None:
        _psycopg_parse_cache()


def _psycopg_parse_cache() -> None:
    """psycopg keeps the parsing of a statement's `%s` placeholders only for statements of
    at most 50 parameters: the payment path's (an intent's INSERT has more, a transaction's
    batched writes some hundreds; core.db) are parsed again at every execution, a regular
    expression over ten kilobytes of SQL, about a seventh of a payment's CPU (profiled).
    Their text repeats exactly, so they are worth keeping: at most 1,000 parameters (the
    cache holds 128 statements whatever their size; an unbounded bulk insert stays out)."""
    try:
        from psycopg import _queries
    except ImportError:  # SQLite only: no psycopg installed
        return
    _queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 1000)
    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 65536)
