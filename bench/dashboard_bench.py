"""Dashboard benchmark: the server time of the dashboard's pages over a merchant with a million
payments, in PostgreSQL.

What it runs, all on this machine:
- a PostgreSQL database of its own on DATABASE_URL's server (`--database`, default
  till_bench_dashboard), dropped, created and migrated (`manage.py migrate`), unless --reuse
  finds it already holding the payments asked for;
- the seed: one merchant (merchants.services.merchant_create) and, through Till's API, one
  customer and two payments made and confirmed with a test card (a PaymentIntent, its
  Charge, BalanceTransaction, ledger entries and events each), the second one refunded (a
  Refund and its BalanceTransaction). Those rows are then cloned in SQL, `INSERT … SELECT …
  FROM generate_series(…)`, every column copied from the template row (the column list read
  from information_schema.columns) but those that must differ: ids (`pi_bench…`, `ch_bench…`,
  `txn_bench…`, pointing at each other), `created` spread over the last 365 days, amounts
  and fees, currencies (usd, eur, gbp, jpy), statuses (a share of failed charges whose
  intents were canceled, a share of refunded ones), `metadata` with an `order_id`, and
  unique columns (receipt tokens and numbers) left NULL. `--payments` intents, charges and
  their balance transactions, `--customers` customers, refunds of `--refunded` percent of
  the succeeded charges with their balance transactions. Ledger entries, events, disputes
  and subscriptions are not cloned: none of the measured pages reads ledger entries (Home's
  volume reads the balance transactions), Home reads events only for its 8 latest (an index
  scan whatever their number), and disputes and subscriptions have their own scale
  (the merchant's real handful is what Home reads here). Then VACUUM ANALYZE of every table
  cloned into (index-only scans need the visibility map VACUUM sets).
- Home's hourly totals (core.rollups), rolled up with `manage.py home_figures_rollup`
  (beat's task, run to the end): the whole backfill after a seed, the hours closed since
  on a reused database; then VACUUM ANALYZE of the totals' tables (index-only scans).
- the pages, through Django's test client in this process, logged in as the merchant's
  owner (force_login), with the production settings (DEBUG off): Home (`/`, each of its
  ranges), the payments list (`/payments/`), filtered searches (an order id, a status), and
  the first chunk of the CSV export (`dashboard:payments-export`, when that URL exists: the
  time to its first `--export-rows` rows of the streamed response). Each page is requested
  `--warmup` times, then timed `--repeat` times: median and p95 milliseconds of wall time in
  this process (Django and PostgreSQL both; nothing else runs in it), and the SQL queries it
  sent (CaptureQueriesContext).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/dashboard_bench.py --payments 1000000 --markdown
    make bench-dashboard

With --explain it prints `EXPLAIN (ANALYZE, BUFFERS)` of each page's slowest query.
"""

import argparse
import contextlib
import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import create_database, load_average, percentile  # noqa: E402

TARGET_MS = 150.0
PASSWORD = "bench-password-1"  # noqa: S105
OWNER_EMAIL = "owner@dashboard-bench.test"
CURRENCIES = ("usd", "usd", "usd", "usd", "usd", "usd", "eur", "eur", "gbp", "jpy")
# Shares of the cloned payments, by a uniform draw `r` per payment.
FAILED_BELOW = 0.05  # a failed charge, its intent canceled
CHUNK = 100_000  # payments cloned per transaction
SEEDED = ("payments_paymentintent", "payments_charge", "ledger_balancetransaction",
          "refunds_refund", "payments_customer")
# Home's hourly totals, rolled up (`manage.py home_figures_rollup`) before the pages run.
ROLLED_UP = ("ledger_volumetotal", "payments_chargeoutcometotal")


# -- the seed --------------------------------------------------------------------------------

def _api(secret_key: str):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret_key}")

    def post(path: str, params: dict) -> dict:
        response = client.post(path, data=urlencode(params),
                               content_type="application/x-www-form-urlencoded")
        if response.status_code != 200:
            sys.exit(f"seed: {path} answered {response.status_code} {response.content!r}")
        return response.json()

    return post


def template(secret_key: str) -> dict:
    """A customer and two succeeded card payments made through the API, the second refunded:
    the ids of the rows the clones copy."""
    post = _api(secret_key)
    customer = post("/v1/customers", {"email": "jenny@example.test", "name": "Jenny Rosen"})
    ids = {"customer": customer["id"]}
    for name in ("paid", "refunded"):
        intent = post("/v1/payment_intents", {
            "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
            "confirm": "true", "customer": customer["id"],
            "metadata[order_id]": f"template-{name}"})
        if intent["status"] != "succeeded":
            sys.exit(f"seed: the template payment is {intent['status']}")
        ids[f"{name}_intent"] = intent["id"]
        ids[f"{name}_charge"] = intent["latest_charge"]
    refund = post("/v1/refunds", {"payment_intent": ids["refunded_intent"]})
    ids["refund"] = refund["id"]
    return ids


def columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                   "current_schema() AND table_name = %s ORDER BY ordinal_position", [table])
    return [row[0] for row in cursor.fetchall()]


def clone(cursor, table: str, *, template_id: str, overrides: dict[str, str], source: str,
          where: str = "TRUE") -> int:
    """Inserts one copy of `table`'s row `template_id` per row of `source` (a FROM item
    aliased `s`, the per-payment draws) matching `where`: every column the template's but
    those in `overrides` (SQL expressions over `s` and the template row `t`)."""
    names = columns(cursor, table)
    unknown = set(overrides) - set(names)
    if unknown:
        sys.exit(f"seed: {table} has no column {sorted(unknown)}")
    select = ", ".join(overrides.get(name, f't."{name}"') for name in names)
    into = ", ".join(f'"{name}"' for name in names)
    cursor.execute(f'INSERT INTO "{table}" ({into}) SELECT {select} '  # noqa: S608
                   f'FROM "{table}" AS t, {source} WHERE t.id = %s AND {where}', [template_id])
    return cursor.rowcount


def _id(prefix: str, column: str = "s.g") -> str:
    """`prefix_bench0000…n`: 24 characters after the prefix, as Till's ids."""
    return f"'{prefix}_bench' || lpad({column}::text, 19, '0')"


def seed(secret_key: str, *, payments: int, customers: int, refunded: float) -> dict:
    from django.db import connection, transaction

    started = time.perf_counter()
    ids = template(secret_key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT balance_transaction_id FROM payments_charge WHERE id = %s",
                       [ids["paid_charge"]])
        ids["paid_txn"] = cursor.fetchone()[0]
        cursor.execute("SELECT balance_transaction_id FROM refunds_refund WHERE id = %s",
                       [ids["refund"]])
        ids["refund_txn"] = cursor.fetchone()[0]
    clones = payments - 2
    # The draws of each cloned payment, shared by its rows: when, how much, in what, and
    # `r`, which decides its outcome.
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_draw")
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_draw AS SELECT g, "  # noqa: S608 (constants only)
            "now() - random() * interval '365 days' AS created, "
            "(500 + floor(random() * 30000))::bigint AS amount, "
            f"(ARRAY{list(CURRENCIES)!r})[1 + floor(random() * {len(CURRENCIES)})::int] "
            "AS currency, random() AS r, "
            f"1 + floor(random() * {max(customers - 1, 1)})::int AS customer "
            "FROM generate_series(1, %s) AS g", [clones])
        cursor.execute("ALTER TABLE bench_draw ADD PRIMARY KEY (g)")
    fee = "(round(s.amount * 0.029) + 30)::bigint"
    failed = f"s.r < {FAILED_BELOW}"
    refund_where = f"s.r >= {FAILED_BELOW} AND s.r < {FAILED_BELOW + refunded / 100}"
    customer_id = f"CASE WHEN s.customer = 0 THEN t.customer_id ELSE {_id('cus', 's.customer')} END"
    counts: dict[str, int] = {}

    def count(name: str, n: int) -> None:
        counts[name] = counts.get(name, 0) + n

    with transaction.atomic(), connection.cursor() as cursor:
        count("payments_customer", clone(
            cursor, "payments_customer", template_id=ids["customer"],
            source=f"generate_series(1, {customers - 1}) AS s(g)", overrides={
                "id": _id("cus"), "email": "'customer' || s.g || '@example.test'",
                "name": "'Customer ' || s.g",
                "created": f"now() - (s.g::float / {customers}) * interval '365 days'",
                "invoice_prefix": "upper(lpad(to_hex(s.g), 8, '0'))",
            }))
    made = 0
    while made < clones:
        lo, hi = made + 1, min(made + CHUNK, clones)
        source = f"(SELECT * FROM bench_draw WHERE g BETWEEN {lo} AND {hi}) AS s"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            count("ledger_balancetransaction", clone(
                cursor, "ledger_balancetransaction", template_id=ids["paid_txn"],
                source=source, where=f"NOT ({failed})", overrides={
                    "id": _id("txn"), "source": _id("ch"), "created": "s.created",
                    "available_on": "s.created + interval '2 days'",
                    "amount": "s.amount", "fee": fee, "net": f"s.amount - {fee}",
                    "currency": "s.currency",
                    "fee_details": f"jsonb_build_array(jsonb_build_object('amount', {fee}, "
                                   "'currency', s.currency, 'description', 'Till fees', "
                                   "'type', 'stripe_fee'))",
                    "payout_id": "NULL",
                }))
            count("payments_paymentintent", clone(
                cursor, "payments_paymentintent", template_id=ids["paid_intent"],
                source=source, overrides=_intent_overrides(failed, customer_id)))
            count("payments_charge", clone(
                cursor, "payments_charge", template_id=ids["paid_charge"], source=source,
                overrides=_charge_overrides(failed, customer_id)))
            count("refunds_refund", clone(
                cursor, "refunds_refund", template_id=ids["refund"], source=source,
                where=refund_where, overrides={
                    "id": _id("re"), "charge_id": _id("ch"), "payment_intent_id": _id("pi"),
                    "balance_transaction_id": _id("txn", "(s.g + 1000000000)"),
                    "created": "s.created + interval '3 days'", "amount": "s.amount",
                    "currency": "s.currency",
                }))
            count("ledger_balancetransaction", clone(
                cursor, "ledger_balancetransaction", template_id=ids["refund_txn"],
                source=source, where=refund_where, overrides={
                    "id": _id("txn", "(s.g + 1000000000)"), "source": _id("re"),
                    "created": "s.created + interval '3 days'",
                    "available_on": "s.created + interval '3 days'",
                    "amount": "-s.amount", "fee": "0", "net": "-s.amount",
                    "currency": "s.currency", "fee_details": "'[]'::jsonb",
                    "payout_id": "NULL",
                }))
            cursor.execute(
                "UPDATE payments_charge c SET amount_refunded = c.amount, refunded = TRUE "  # noqa: S608
                f"FROM {source} WHERE c.id = {_id('ch')} AND {refund_where}")
        made = hi
        print(f"  cloned {made:,}/{clones:,} payments", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    seeded = time.perf_counter() - started
    tables = sorted(counts)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_draw")
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    return {"seconds": round(seeded, 1), "rows": counts, "vacuum_analyzed": tables,
            "vacuum_seconds": round(time.perf_counter() - started - seeded, 1)}


def _intent_overrides(failed: str, customer_id: str) -> dict[str, str]:
    return {
        "id": _id("pi"), "latest_charge_id": _id("ch"), "customer_id": customer_id,
        "created": "s.created", "amount": "s.amount", "currency": "s.currency",
        "amount_received": f"CASE WHEN {failed} THEN 0 ELSE s.amount END",
        "amount_capturable": "0",
        "status": f"CASE WHEN {failed} THEN 'canceled' ELSE t.status END",
        "canceled_at": f"CASE WHEN {failed} THEN s.created + interval '1 hour' END",
        "cancellation_reason": f"CASE WHEN {failed} THEN 'abandoned' END",
        "metadata": "jsonb_build_object('order_id', 'order-' || s.g)",
        "client_secret_token": "md5(s.g::text)",
    }


def _charge_overrides(failed: str, customer_id: str) -> dict[str, str]:
    return {
        "id": _id("ch"), "payment_intent_id": _id("pi"), "customer_id": customer_id,
        "balance_transaction_id": f"CASE WHEN {failed} THEN NULL ELSE {_id('txn')} END",
        "created": "s.created", "amount": "s.amount", "currency": "s.currency",
        "amount_captured": f"CASE WHEN {failed} THEN 0 ELSE s.amount END",
        "status": f"CASE WHEN {failed} THEN 'failed' ELSE t.status END",
        "captured": f"NOT ({failed})",
        "failure_code": f"CASE WHEN {failed} THEN 'card_declined' END",
        "failure_message": f"CASE WHEN {failed} THEN 'Your card was declined.' END",
        "outcome": f"CASE WHEN {failed} THEN jsonb_build_object('type', 'issuer_declined', "
                   "'network_status', 'declined_by_network', 'reason', 'generic_decline', "
                   "'seller_message', 'The bank did not return any further details.') "
                   "ELSE t.outcome END",
        "metadata": "jsonb_build_object('order_id', 'order-' || s.g)",
        "receipt_token": "NULL", "receipt_number": "NULL",
        "processor_reference": "'sim_bench' || s.g",
    }


# -- the pages -------------------------------------------------------------------------------

def pages(export: bool) -> list[tuple[str, str]]:
    """(label, path) of each page measured; the export's when its URL exists."""
    out = [
        ("Home (7 days, the default)", "/"),
        ("Home, today", "/?range=today"),
        ("Home, 30 days", "/?range=30d"),
        ("Home, 90 days", "/?range=90d"),
        ("Payments list", "/payments/"),
        ("Search: an order id", "/payments/?" + urlencode({"q": "order-123456"})),
        ("Search: status canceled", "/payments/?status=canceled"),
        ("Search: status requires_capture (none)", "/payments/?status=requires_capture"),
        ("Filters: last 30 days, eur, 50.00 to 150.00", "/payments/?" + FILTERED),
        ("Filters: a card's last4", "/payments/?" + urlencode({"last4": "4242"})),
    ]
    if export:
        from django.urls import reverse

        out.append(("CSV export, first chunk", reverse("dashboard:payments-export")))
        out.append(("CSV export of the filters, first chunk",
                    reverse("dashboard:payments-export") + "?" + FILTERED))
    return out


# The list's filters together: a month, one currency, an amount range.
FILTERED = urlencode({"created_from": (datetime.datetime.now(tz=datetime.UTC).date()
                                       - datetime.timedelta(days=30)).isoformat(),
                      "currency": "eur", "amount_min": "50.00", "amount_max": "150.00"})


def export_url_exists() -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("dashboard:payments-export")
    except NoReverseMatch:
        return False
    return True


def fetch(client, path: str, *, export_rows: int) -> tuple[int, int]:
    """Requests `path`; a streamed response is read until `export_rows` rows (lines after
    the header) have come, or its end, then closed. (status, rows read)."""
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}")
    if not response.streaming:
        return response.status_code, 0
    lines = 0
    try:
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
            if lines > export_rows:
                break
    finally:
        response.close()
    return response.status_code, max(lines - 1, 0)


def measure(client, path: str, *, warmup: int, repeat: int, export_rows: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fetch(client, path, export_rows=export_rows)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _, rows = fetch(client, path, export_rows=export_rows)
        times.append((time.perf_counter() - started) * 1000)
    # One request more, counting its queries and timing each (not among the timed ones).
    statements: list[tuple[float, str, object]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append(((time.perf_counter() - started) * 1000, sql, params))

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        fetch(client, path, export_rows=export_rows)
    slowest = max(statements, key=lambda s: s[0]) if statements else None
    return {"median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 95), 1), "min_ms": round(min(times), 1),
            "queries": len(captured.captured_queries), "rows": rows,
            "slowest_ms": round(slowest[0], 1) if slowest else None,
            "slowest": (slowest[1], slowest[2]) if slowest else None}


def explain(sql: str, params) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a query as planned for its parameters (a custom plan),
    then as a prepared statement's generic plan: psycopg prepares a statement the fifth time
    a connection runs it (config/settings.py), and PostgreSQL may then keep a plan made
    without the parameters' values."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for mode in ("force_custom_plan", "force_generic_plan"):
            cursor.execute(f"SET plan_cache_mode = {mode}")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            out.append(f"-- {mode}:\n" + "\n".join(row[0] for row in cursor.fetchall()))
        cursor.execute("RESET plan_cache_mode")
    return "\n".join(out)


def owner_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.get(username=OWNER_EMAIL)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def held(merchant_id: str) -> dict[str, int]:
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        for table in SEEDED:
            cursor.execute(f'SELECT count(*) FROM "{table}" WHERE merchant_id = %s',  # noqa: S608
                           [merchant_id])
            out[table] = cursor.fetchone()[0]
    return out


def bench_merchant_id() -> str | None:
    from merchants.models import Membership

    membership = Membership.objects.filter(user__username=OWNER_EMAIL).first()
    return membership.merchant_id if membership else None


# -- main ------------------------------------------------------------------------------------

def _database_exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            [name]).fetchone() is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--payments", type=int, default=1_000_000,
                        help="payments (intents, charges) seeded (default 1,000,000)")
    parser.add_argument("--customers", type=int, default=100_000,
                        help="customers the payments are spread over (default 100,000)")
    parser.add_argument("--refunded", type=float, default=5.0,
                        help="percent of the payments refunded in full (default 5)")
    parser.add_argument("--database", default="till_bench_dashboard",
                        help="the database made on DATABASE_URL's server (default "
                             "till_bench_dashboard); it is kept for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="skip the seed when the database already holds the payments "
                             "(it is migrated all the same: new indexes are built)")
    parser.add_argument("--time-zone", default="UTC",
                        help="the merchant's time zone for the run (Home's local days): "
                             "Asia/Kolkata measures a zone off the hour")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--export-rows", type=int, default=2000,
                        help="rows of the CSV export read before it counts as answered")
    parser.add_argument("--only", default="",
                        help="measure only the pages whose label contains this text")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN (ANALYZE, BUFFERS) of each page's slowest query")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the rows of docs/performance.md's table")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL (postgres://…): the figures are "
                 "PostgreSQL's; SQLite is not measured.")
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    os.environ.update({"DATABASE_URL": urlunsplit(parts._replace(path=f"/{args.database}")),
                       "DEBUG": "false", "TILL_TASKS_EAGER": "true",
                       "DJANGO_SETTINGS_MODULE": "config.settings"})
    reuse = args.reuse and _database_exists(admin_url, args.database)
    if not reuse:
        create_database(admin_url, args.database)

    import django

    django.setup()
    from django.core.management import call_command

    from bench.common import machine

    results: dict = {
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(admin_url, os.environ.get("REDIS_URL") or None),
    }
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    results["migrate_seconds"] = round(time.perf_counter() - started, 1)
    merchant_id = bench_merchant_id()
    if reuse and merchant_id and held(merchant_id)["payments_paymentintent"] >= args.payments:
        # A migration may have added an index (statistics on an expression come with ANALYZE).
        print(f"reusing {args.database}: ANALYZE", file=sys.stderr)
        from django.db import connection

        with connection.cursor() as cursor:
            for table in SEEDED:
                cursor.execute(f'ANALYZE "{table}"')
    else:
        if reuse:
            from django.db import connections

            connections.close_all()
            create_database(admin_url, args.database)
            call_command("migrate", verbosity=0)
        from merchants.services import merchant_create

        created = merchant_create(name="Dashboard Bench", email=OWNER_EMAIL, password=PASSWORD)
        merchant_id = created.merchant.id
        print(f"seeding {args.payments:,} payments", file=sys.stderr)
        results["seed"] = seed(created.keys["test_secret_key"], payments=args.payments,
                               customers=args.customers, refunded=args.refunded)
    results["held"] = held(merchant_id)
    from merchants.models import Merchant

    Merchant.objects.filter(pk=merchant_id).update(time_zone=args.time_zone)
    results["time_zone"] = args.time_zone
    # Home's hourly totals (core.rollups): the whole backfill after a seed; on a reused
    # database, the hours closed since the last run (beat's work, done here at once).
    started = time.perf_counter()
    call_command("home_figures_rollup", stdout=sys.stderr)
    results["rollup_seconds"] = round(time.perf_counter() - started, 1)
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ROLLED_UP:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
    client = owner_client()
    export = export_url_exists()
    results["export"] = export
    results["load_before"] = load_average()
    results["pages"] = []
    for label, path in pages(export):
        if args.only and args.only.lower() not in label.lower():
            continue
        print(f"  {label}", file=sys.stderr)
        figures = measure(client, path, warmup=args.warmup, repeat=args.repeat,
                          export_rows=args.export_rows)
        if args.explain and figures["slowest"]:
            figures["explain"] = explain(*figures["slowest"])
        results["pages"].append({"label": label, "path": path, **figures})
    if not export:
        results["pages"].append({"label": "CSV export, first chunk", "path": None})
    results["load_after"] = load_average()
    report(results, args)
    if args.markdown:
        print()
        print(markdown(results, args))


# -- output ----------------------------------------------------------------------------------

HEADER = ("page", "median ms", "p95 ms", "queries", f"under {TARGET_MS:g} ms")


def _cells(page: dict) -> list[str]:
    if page["path"] is None:
        return [page["label"], "not built yet", "", "", ""]
    label = page["label"] + (f" ({page['rows']:,} rows)" if page.get("rows") else "")
    return [label, f"{page['median_ms']:.1f}", f"{page['p95_ms']:.1f}", str(page["queries"]),
            "yes" if page["p95_ms"] < TARGET_MS else "**no**"]


def report(results: dict, args) -> None:
    print(f"machine: {results['machine']['line']}")
    print(f"date: {results['date']}; load average before {results['load_before']}, after "
          f"{results['load_after']}")
    if seeded := results.get("seed"):
        print(f"seed: {seeded['seconds']} s, VACUUM ANALYZE {seeded['vacuum_seconds']} s of "
              f"{', '.join(seeded['vacuum_analyzed'])}")
    print(f"migrate: {results['migrate_seconds']} s")
    print(f"rollup (manage.py home_figures_rollup): {results['rollup_seconds']} s")
    print(f"the merchant's time zone: {results['time_zone']}")
    print("the merchant holds: " + ", ".join(f"{table} {n:,}"
                                             for table, n in results["held"].items()))
    print(f"{args.repeat} timed requests per page after {args.warmup} untimed\n")
    rows = [list(HEADER)] + [_cells(page) for page in results["pages"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for page in results["pages"]:
        if page["path"] and page.get("slowest"):
            print(f"\n{page['label']} ({page['path']}): slowest query {page['slowest_ms']} ms:"
                  f"\n  {page['slowest'][0][:400]}")
            if "explain" in page:
                print(page["explain"])


def markdown(results: dict, args) -> str:
    held_rows = ", ".join(f"{n:,} {table}" for table, n in results["held"].items())
    lines = [f"- Date: {results['date']}; load average {results['load_before'][0]} before, "
             f"{results['load_after'][0]} after",
             f"- Machine: {results['machine']['line']}",
             f"- Command: `{results['command']}`",
             f"- Data set (the merchant's rows): {held_rows}",
             f"- The merchant's time zone: {results['time_zone']}; Home's totals rolled up "
             f"(`manage.py home_figures_rollup`) in {results['rollup_seconds']} s",
             f"- {args.repeat} timed requests per page after {args.warmup} untimed", "",
             "| " + " | ".join(HEADER) + " |", "|---|" + "|".join(["---:"] * 4) + "|"]
    lines += ["| " + " | ".join(_cells(page)) + " |" for page in results["pages"]]
    return "\n".join(lines)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
