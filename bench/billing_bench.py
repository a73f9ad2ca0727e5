"""Billing benchmark: N subscriptions whose period ends at the same moment, renewed by Celery
workers as production renews them, until every renewal invoice is paid.

What it runs, all on this machine and all stopped by itself (on Ctrl-C too):
- a PostgreSQL database of its own on DATABASE_URL's server (created, migrated, dropped
  unless --keep-database);
- the seed (timed, not counted): one customer with a saved card (the simulated processor's
  `pm_…`, made from a test card number as Stripe.js would send it) subscribed to a monthly
  price of $10.00 through Till's API, on a clock bound a month back, so its period ends at
  one moment T in the past and its first invoice is paid; then that customer's rows (the
  customer, its payment method, subscription and item, the first invoice and its line, its
  payment intent and charge, and the simulated processor's record of the authorization)
  copied N times with bulk inserts, every id, invoice prefix and invoice number fresh, so
  each copy is what the services leave for a customer who subscribed. The copies carry no
  event or audit rows: renewing reads none. Then VACUUM ANALYZE, as a live database has
  its statistics.
- a profile (--profile P, default 200): P more of the seeded subscriptions renewed in this
  process by the batch service the workers run, counting SQL statements (Django's
  execute_wrapper) and transactions, the tasks a renewal sends, and the CPU of this process
  and of its PostgreSQL backend; with --cprofile, P more under cProfile;
- the run: `celery -A config worker --concurrency W` (prefork, the production command) on the
  Redis REDIS_URL names, fed by beat's own task (`billing.tasks.subscriptions_renew_due`,
  sent once, as beat sends it), which lists the due subscriptions and sends them to the
  workers in batches of 100 (`billing.tasks.subscriptions_renew_batch`). A renewal counts
  as done when its invoice is paid: the database is polled every second until all N are
  (a card payment succeeds synchronously in the simulated processor: no settlement task).

It reports the wall time from sending beat's task to the last invoice paid, renewals per
second, CPU seconds per renewal of the worker processes (the main process and its pool's
children) and of the PostgreSQL backends of the database (the poller's excluded), read from
/proc, and the load average.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/billing_bench.py -n 10000 \\
        --workers 1,2

Use a Redis database number nothing else uses: the benchmark empties its Celery queues.
"""

import argparse
import contextlib
import datetime
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import (  # noqa: E402
    CpuSampler,
    create_database,
    drop_database,
    load_average,
    machine,
    process_cpu,
)

QUEUES = ("celery", "webhooks")


# -- the seed --------------------------------------------------------------------------------

def _form(params: dict, prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding of nested parameters (`items[0][price]=…`)."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if isinstance(value, dict):
            out += _form(value, name)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                out += _form(item, f"{name}[{i}]") if isinstance(item, dict) else [
                    (f"{name}[{i}]", str(item))]
        else:
            out.append((name, str(value)))
    return out


def template_subscriber(secret_key: str, *, at: datetime.datetime) -> tuple[str, str]:
    """A customer with a saved card, subscribed to a new monthly price through the API with
    the clock bound to `at`: (the customer's id, the subscription's id)."""
    from django.test import Client

    from core import clock

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret_key}")

    def post(path: str, params: dict) -> dict:
        response = client.post(path, data=urlencode(_form(params)),
                               content_type="application/x-www-form-urlencoded")
        if response.status_code != 200:
            sys.exit(f"seed: {path} answered {response.status_code} {response.content!r}")
        return response.json()

    with clock.bound(at):
        price = post("/v1/prices", {"currency": "usd", "unit_amount": 1000,
                                    "recurring": {"interval": "month"},
                                    "product_data": {"name": "Gold"}})
        owner = post("/v1/customers", {"email": "jenny@example.test", "name": "Jenny Rosen"})
        card = post("/v1/payment_methods", {"type": "card", "card": {
            "number": "4242424242424242", "exp_month": 12, "exp_year": at.year + 3,
            "cvc": "123"}})
        post(f"/v1/payment_methods/{card['id']}/attach", {"customer": owner["id"]})
        post(f"/v1/customers/{owner['id']}",
             {"invoice_settings": {"default_payment_method": card["id"]}})
        subscription = post("/v1/subscriptions", {"customer": owner["id"],
                                                  "items": [{"price": price["id"]}]})
    if subscription["status"] != "active":
        sys.exit(f"seed: the template subscription is {subscription['status']}")
    return owner["id"], subscription["id"]


# Ids as Till makes them (core.ids.new_id), and the processor's references.
ID = re.compile(r"\b[a-z]+_[A-Za-z0-9]{16,}\b")


def template_rows(customer_id: str) -> list[tuple[type, list[dict]]]:
    """The rows the services left for the template customer, in insertion order, as column
    values."""
    from billing.models import Invoice, InvoiceLineItem, Subscription, SubscriptionItem
    from ledger.models import BalanceTransaction, LedgerEntry
    from payments.models import Charge, Customer, PaymentIntent, PaymentMethod, SimulatedOperation

    intents = list(PaymentIntent.objects.filter(customer_id=customer_id).values())
    charges = list(Charge.objects.filter(customer_id=customer_id).values())
    operations = list(SimulatedOperation.objects.filter(
        reference__in=[c["processor_reference"] for c in charges]).values())
    booked = [c["balance_transaction_id"] for c in charges if c["balance_transaction_id"]]
    return [
        (Customer, list(Customer.objects.filter(pk=customer_id).values())),
        (PaymentMethod, list(PaymentMethod.objects.filter(customer_id=customer_id).values())),
        (Subscription, list(Subscription.objects.filter(customer_id=customer_id).values())),
        (SubscriptionItem, list(SubscriptionItem.objects.filter(
            subscription__customer_id=customer_id).values())),
        (Invoice, list(Invoice.objects.filter(customer_id=customer_id).values())),
        (InvoiceLineItem, list(InvoiceLineItem.objects.filter(
            invoice__customer_id=customer_id).values())),
        (PaymentIntent, intents), (Charge, charges), (SimulatedOperation, operations),
        # The first payment's balance transaction and its ledger legs (its charge's).
        (BalanceTransaction, list(BalanceTransaction.objects.filter(pk__in=booked).values())),
        (LedgerEntry, list(LedgerEntry.objects.filter(transaction_id__in=booked)
                           .values(*[f.attname for f in LedgerEntry._meta.concrete_fields
                                     if not f.primary_key]))),  # numbered by the database
    ]


BARE_TOKENS = ("hosted_token", "receipt_token")


def _tokens(value, found: set[str]) -> None:
    if isinstance(value, str):
        found.update(ID.findall(value))
    elif isinstance(value, dict):
        for item in value.values():
            _tokens(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _tokens(item, found)


def _fresh(token: str) -> str:
    """A new id of the same kind and length."""
    from core.ids import random_token

    if "_" not in token:  # a bare token (an invoice's hosted_token)
        return random_token(len(token))
    kind, rest = token.split("_", 1)
    return f"{kind}_{random_token(len(rest))}"


def _swap(value, table: dict[str, str], pattern: re.Pattern):
    if isinstance(value, str):
        return pattern.sub(lambda m: table[m.group(0)], value)
    if isinstance(value, dict):
        return {_swap(k, table, pattern): _swap(v, table, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, table, pattern) for v in value]
    return value


def seed(secret_key: str, count: int, *, at: datetime.datetime, chunk: int = 2000) -> dict:
    """`count` subscribers like the template (one of them), their periods all ending at the
    template's `current_period_end`. Returns the seed's figures."""
    from django.db import connection, transaction

    from billing.models import Price, Subscription
    from merchants.models import Merchant
    from payments.models import new_invoice_prefix

    started = time.perf_counter()
    customer_id, subscription_id = template_subscriber(secret_key, at=at)
    rows = template_rows(customer_id)
    # Every id in the template's rows is the customer's own (made for it) except the
    # merchant's, the price's and the product's, which the copies share.
    shared = {*Merchant.objects.values_list("pk", flat=True),
              *Price.objects.values_list("pk", flat=True),
              *Price.objects.values_list("product_id", flat=True)}
    own: set[str] = set()
    for _, values in rows:
        for row in values:
            _tokens(list(row.values()), own)
    own -= shared
    # Unique columns holding bare random tokens (the hosted invoice page's, a receipt's).
    own |= {row[name] for _, values in rows for row in values
            for name in BARE_TOKENS if row.get(name)}
    [customer] = rows[0][1]
    prefix = customer["invoice_prefix"]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(own | {prefix}, key=len,
                                                                 reverse=True)))
    made = 1
    while made < count:
        batch = min(chunk, count - made)
        objects: dict[type, list] = {model: [] for model, _ in rows}
        for _ in range(batch):
            table = {token: _fresh(token) for token in own}
            table[prefix] = new_invoice_prefix()
            for model, values in rows:
                objects[model] += [model(**_swap(row, table, pattern)) for row in values]
        with transaction.atomic():
            for model, values in objects.items():
                model.objects.bulk_create(values, batch_size=1000)
        made += batch
        print(f"  seeded {made:,}/{count:,}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    seeded = time.perf_counter() - started
    end = Subscription.objects.get(pk=subscription_id).current_period_end
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    due = Subscription.objects.filter(current_period_end=end, status="active").count()
    if due != count:
        sys.exit(f"seed: {due} subscriptions end at {end}, not {count}")
    return {"seconds": round(seeded, 1), "period_end": end.isoformat(),
            "rows_per_subscriber": sum(len(values) for _, values in rows),
            "vacuum_analyze_seconds": round(time.perf_counter() - started - seeded, 1)}


# -- the profile (this process) --------------------------------------------------------------

def profile(ids: list[str], *, cprofile_ids: list[str]) -> dict:
    """Renews `ids` in this process through the batch service the workers run, counting
    what each renewal sends to PostgreSQL and to the broker, and its CPU."""
    from celery.signals import before_task_publish
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing import services

    statements: Counter = Counter()
    sent: Counter = Counter()

    def count(execute, sql, params, many, context):
        words = sql.split()
        table = next((w.strip('"') for w in words[1:8] if w.startswith('"')), "")
        statements[f"{words[0]} {table}".strip()] += 1
        return execute(sql, params, many, context)

    def published(sender=None, **_):
        sent[sender] += 1

    before_task_publish.connect(published, weak=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # One renewal first: the imports and the connection's first statements are not its own.
    services.subscriptions_renew_batch(ids=ids[:1])
    sample = ids[1:]
    # Django keeps the last 9,000 queries: room for all of the sample's, BEGINs counted.
    connection.queries_log = deque(maxlen=200 * len(ids))
    backend_before = process_cpu(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(count):
        billed = services.subscriptions_renew_batch(ids=sample)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    backend_cpu = process_cpu(backend) - backend_before
    before_task_publish.disconnect(published)
    if billed != len(sample):
        sys.exit(f"profile: {billed} of {len(sample)} renewals billed")
    n = len(sample)
    transactions = sum(q["sql"] == "BEGIN" for q in captured.captured_queries)
    out = {
        "renewals": n, "ms_per_renewal": round(wall / n * 1000, 2),
        "cpu_ms_app": round(cpu / n * 1000, 2), "cpu_ms_pg": round(backend_cpu / n * 1000, 2),
        "statements_per_renewal": round(sum(statements.values()) / n, 1),
        "transactions_per_renewal": round(transactions / n, 2),
        "statements_by_kind": {k: round(v / n, 2) for k, v in statements.most_common()},
        "tasks_sent_per_renewal": {k: round(v / n, 2) for k, v in sent.items()},
    }
    if cprofile_ids:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        services.subscriptions_renew_batch(ids=cprofile_ids)
        profiler.disable()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("cumulative").print_stats(rf"{BASE_DIR}{os.sep}(?!\.venv|bench)", 40)
        stats.sort_stats("tottime").print_stats(25)
        out["cprofile"] = stream.getvalue()
        out["python_calls_per_renewal"] = round(stats.total_calls / len(cprofile_ids))
    return out


# -- the run ---------------------------------------------------------------------------------

def start_worker(env: dict, concurrency: int, log: list[str]) -> subprocess.Popen:
    # A session of its own: Ctrl-C reaches this process, which then stops the whole group.
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker",
         "--concurrency", str(concurrency), "--loglevel", "WARNING",
         "-n", f"billing-bench-{os.getpid()}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)

    def drain() -> None:  # a full pipe would stall the worker
        for line in process.stdout:
            log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def _wait_ready(process: subprocess.Popen, log: list[str]) -> None:
    from config.celery import app

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        if app.control.ping(timeout=0.5):
            return
    sys.exit("the worker did not start:\n" + "".join(log[-40:]))


def _purge(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).delete(*QUEUES, "unacked", "unacked_index")


def renew_all(args, env: dict, admin_url: str, database: str, concurrency: int, count: int,
              workers: list) -> dict:
    """Starts the workers, sends beat's task, and waits until `count` renewals are paid."""
    from django.db import connection

    from billing.models import Invoice
    from billing.tasks import subscriptions_renew_due

    _purge(env["REDIS_URL"])
    log: list[str] = []
    worker = start_worker(env, concurrency, log)
    workers.append(worker)
    _wait_ready(worker, log)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        poller = cursor.fetchone()[0]
    renewals = Invoice.objects.filter(billing_reason="subscription_cycle")
    already = renewals.filter(status="paid").count()
    load_before = load_average()
    sampler = CpuSampler(admin_url=admin_url, database=database,
                         trees={"workers": worker.pid}, exclude={poller})
    sampler.start()
    started = time.perf_counter()
    subscriptions_renew_due.delay()
    paid = failed = 0
    progress: list[tuple[float, int]] = []
    deadline = started + args.timeout
    while time.perf_counter() < deadline:
        time.sleep(1.0)
        states = dict(_status_counts(renewals))
        paid = states.get("paid", 0) - already
        # An open invoice is a failure only once its charge was attempted: one finalized and
        # still waiting for its charge (after its transaction's commit) is in flight.
        failed = renewals.filter(status="open", attempted=True).count() if states.get(
            "open") else 0
        progress.append((round(time.perf_counter() - started, 1), paid))
        if len(progress) % 10 == 0:
            print(f"  {concurrency} worker(s): {paid:,}/{count:,} paid", file=sys.stderr)
        if paid + failed >= count or worker.poll() is not None:
            break
    wall = time.perf_counter() - started
    cpu = sampler.totals()
    load_after = load_average()
    stop_worker(worker)
    errors = [line for line in log if "Traceback" in line or "ERROR" in line]
    return {
        "workers": concurrency, "n": count, "paid": paid, "failed": failed,
        "wall_seconds": round(wall, 1), "renewals_per_s": round(paid / wall, 1),
        "cpu_ms_app": round(cpu["workers"] / max(paid, 1) * 1000, 2),
        "cpu_ms_pg": round(cpu["postgres"] / max(paid, 1) * 1000, 2),
        "load_before": load_before, "load_after": load_after,
        "progress": progress[:: max(1, len(progress) // 20)],
        "worker_errors": errors[:5], "finished": paid >= count,
    }


def _status_counts(renewals) -> list[tuple[str, int]]:
    from django.db.models import Count

    return [(row["status"], row["n"]) for row in renewals.values("status")
            .annotate(n=Count("pk")).order_by()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--subscriptions", type=int, default=10_000,
                        help="subscriptions renewed by the workers in each run (default 10,000)")
    parser.add_argument("--workers", default="1,2",
                        help="worker process counts (--concurrency), one run each, on a fresh "
                             "seed each (default 1,2)")
    parser.add_argument("--profile", type=int, default=200, metavar="P",
                        help="renewals profiled in this process before the run (default 200; "
                             "0: none)")
    parser.add_argument("--cprofile", action="store_true",
                        help="then P more under cProfile, and print where the time goes")
    parser.add_argument("--profile-only", action="store_true",
                        help="the seed and the profile, no workers (with -n 0: the profile's "
                             "subscriptions only)")
    parser.add_argument("--timeout", type=float, default=3600.0,
                        help="seconds a run may take before it stops and reports how far it "
                             "got (default 3600)")
    parser.add_argument("--database", default="till_billing_bench",
                        help="the database created (and dropped) on DATABASE_URL's server")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--markdown", action="store_true",
                        help="also print the rows of docs/performance.md's table")
    args = parser.parse_args()
    concurrencies = [int(w) for w in args.workers.split(",") if w]

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or not redis_url.startswith("redis://"):
        sys.exit("REDIS_URL is required (the Celery broker)")
    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    env = {**os.environ, "REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url,
           "TILL_TASKS_EAGER": "false", "DEBUG": "false",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    created: list[str] = []
    results: dict = {
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "runs": [],
    }

    def on_term(*_) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        import django

        for index, concurrency in enumerate(concurrencies):
            name = f"{args.database}_{index}" if len(concurrencies) > 1 else args.database
            database_url = urlunsplit(parts._replace(path=f"/{name}"))
            env["DATABASE_URL"] = os.environ["DATABASE_URL"] = database_url
            create_database(admin_url, name)
            created.append(name)
            if index == 0:
                django.setup()
                results["machine"] = machine(admin_url, redis_url)
            else:
                from django.db import connections

                connections.close_all()
                connections["default"].settings_dict["NAME"] = name
            results["runs"].append(one_run(args, env, admin_url, name, concurrency, workers))
            if not args.keep_database:
                from django.db import connections

                connections.close_all()
                drop_database(admin_url, name)
                created.remove(name)
    except KeyboardInterrupt:
        sys.exit("interrupted: stopped the workers, dropped the databases")
    finally:
        for worker in workers:
            stop_worker(worker)
        with contextlib.suppress(Exception):
            _purge(redis_url)
        if not args.keep_database and created:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            for name in created:
                drop_database(admin_url, name)
    report(results)
    if args.markdown:
        print()
        print(markdown(results))


def one_run(args, env: dict, admin_url: str, database: str, concurrency: int,
            workers: list) -> dict:
    from django.core.management import call_command

    from billing.models import Subscription
    from merchants.services import merchant_create

    call_command("migrate", verbosity=0)
    created = merchant_create(name="Bench", email=f"bench-{os.getpid()}@bench.test",
                              password="bench-password-1")  # noqa: S106
    secret_key = created.keys["test_secret_key"]
    # A month and a day back: the period that starts then has ended (even from the 31st).
    start = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(
        days=32)
    extra = args.profile * (2 if args.cprofile else 1) + (1 if args.profile else 0)
    print(f"seeding {args.subscriptions + extra:,} subscriptions", file=sys.stderr)
    seeded = seed(secret_key, args.subscriptions + extra, at=start)
    out: dict = {"seed": seeded}
    if args.profile:
        ids = list(Subscription.objects.order_by("?").values_list("pk", flat=True)[:extra])
        out["profile"] = profile(ids[:args.profile + 1], cprofile_ids=ids[args.profile + 1:])
    if args.profile_only:
        return out
    print(f"renewing {args.subscriptions:,} with {concurrency} worker process(es)",
          file=sys.stderr)
    out["run"] = renew_all(args, env, admin_url, database, concurrency, args.subscriptions,
                           workers)
    return out


# -- output ----------------------------------------------------------------------------------

HEADER = ("N", "workers", "wall s", "renewals/s", "CPU ms app", "CPU ms PG", "statements",
          "load avg (1 min) before/after")


def _cells(run: dict) -> list[str]:
    r, p = run["run"], run.get("profile") or {}
    return [f"{r['n']:,}", str(r["workers"]), f"{r['wall_seconds']:.1f}",
            f"{r['renewals_per_s']:.1f}", f"{r['cpu_ms_app']:.2f}", f"{r['cpu_ms_pg']:.2f}",
            f"{p['statements_per_renewal']:g}" if p else "-",
            f"{r['load_before'][0]:.2f} / {r['load_after'][0]:.2f}"]


def report(results: dict) -> None:
    if m := results.get("machine"):
        print(f"machine: {m['line']}")
    rows = [list(HEADER)] + [_cells(run) for run in results["runs"] if "run" in run]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for n, row in enumerate(rows):
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for run in results["runs"]:
        r, s = run.get("run"), run["seed"]
        print(f"\nseed {s['seconds']} s ({s['rows_per_subscriber']} rows per subscriber, "
              f"VACUUM ANALYZE {s['vacuum_analyze_seconds']} s)")
        if r:
            print(f"{r['workers']} worker(s): {r['paid']:,} of {r['n']:,} paid, "
                  f"{r['failed']} failed{'' if r['finished'] else ' (NOT FINISHED)'}; "
                  f"paid over time (s, paid): {r['progress']}")
            for line in r["worker_errors"]:
                print(f"  worker: {line.rstrip()}")
        if p := run.get("profile"):
            print(f"profile of {p['renewals']} renewals in-process: {p['ms_per_renewal']} ms "
                  f"each, CPU {p['cpu_ms_app']} ms in Django, {p['cpu_ms_pg']} ms in "
                  f"PostgreSQL; {p['statements_per_renewal']} SQL statements in "
                  f"{p['transactions_per_renewal']} transactions; tasks sent per renewal: "
                  f"{p['tasks_sent_per_renewal'] or 'none'}")
            for kind, n in p["statements_by_kind"].items():
                print(f"  {n:6.2f}  {kind}")
            if "cprofile" in p:
                print(f"{p['python_calls_per_renewal']:,} Python calls per renewal\n"
                      + p["cprofile"])


def markdown(results: dict) -> str:
    lines = [f"- Date: {results['date']}",
             f"- Machine: {results['machine']['line']}" if results.get("machine") else "",
             f"- Command: `{results['command']}`", "",
             "| " + " | ".join(HEADER) + " |", "|" + "|".join(["---:"] * len(HEADER)) + "|"]
    lines += ["| " + " | ".join(_cells(run)) + " |" for run in results["runs"]]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
