"""Webhook delivery benchmark: deliveries per second, and latency from commit to receipt.

What it runs, all on this machine and all stopped by itself:
- a PostgreSQL database of its own (created, migrated, dropped unless --keep-database),
  or the one DATABASE_URL names with --use-database;
- a fast HTTP receiver on loopback (asyncio, keep-alive) in a process of its own: the
  healthy endpoints' paths answer 200, the failing ones' (10% by default) answer 500;
- Celery workers (`celery -A config worker -Q webhooks,celery --pool threads`) on the Redis
  REDIS_URL names; the sweep runs every second in this process, as beat would;
- producers (--producers processes): events committed at --rate per second in all (each one
  a customer and its `customer.created` event, fanned out to every endpoint of its
  merchant), for --seconds.

It reports deliveries per second to the healthy endpoints (successful deliveries over the
time from the first commit to the last receipt), attempts per second including the failing
endpoints and their retries, and p50/p95/p99/max from commit (the instant the transaction
committed) to receipt by the receiver, for the healthy endpoints. It also reports CPU
milliseconds per healthy delivery, read from /proc for the workers, the receiver, the
PostgreSQL backends of its database, the producers and this process (the sweep): unlike wall-clock
throughput, that hardly depends on what else a shared machine runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/till REDIS_URL=redis://127.0.0.1:6379/5 \\
        .venv/bin/python bench/webhooks_bench.py --endpoints 20 --rate 60 --seconds 30

Use a Redis database number nothing else uses: the benchmark empties its queues.
"""

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.common import create_database, drop_database, percentile, process_cpu  # noqa: E402

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
FAIL = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\n\r\n{}")


# -- the receiver (its own process) ----------------------------------------------------------

class _ReceiverProtocol(asyncio.Protocol):
    records: list  # (path, event id, time.time()) per POST

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
            method, path, _ = head[0].split(" ", 2)
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            total = end + 4 + length
            if len(self.buffer) < total:
                return
            body = bytes(self.buffer[end + 4:total])
            del self.buffer[:total]
            self.respond(method, path, body)

    def respond(self, method: str, path: str, body: bytes) -> None:
        if method == "GET" and path == "/dump":
            payload = json.dumps(self.records).encode()
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s"
                                 % (len(payload), payload))
            return
        # The event's id is the first "id" of the body (Event objects render it first).
        start = body.find(b'"id":"') + 6
        event_id = body[start:body.find(b'"', start)].decode()
        self.records.append((path, event_id, time.time()))
        self.transport.write(FAIL if path.startswith("/fail/") else OK)


def run_receiver(port_queue) -> None:
    async def serve() -> None:
        records: list = []
        protocol = type("Protocol", (_ReceiverProtocol,), {"records": records})
        server = await asyncio.get_running_loop().create_server(protocol, "127.0.0.1", 0)
        port_queue.put(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(serve())


# -- setup -----------------------------------------------------------------------------------

def database_urls(args) -> tuple[str, str | None]:
    """(the benchmark's DATABASE_URL, the server's maintenance URL if it creates its own)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    if args.use_database:
        return url, None
    parts = urlsplit(url)
    return (urlunsplit(parts._replace(path=f"/{args.database}")),
            urlunsplit(parts._replace(path="/postgres")))




def start_worker(n: int, env: dict, concurrency: int, log: list[str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "webhooks,celery",
         "--pool", "threads", "--concurrency", str(concurrency), "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-n", f"webhooks-bench-{os.getpid()}-{n}@%h"],
        cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def drain() -> None:  # a full pipe would stall the worker
        for line in process.stdout:
            log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return process


def machine() -> dict:
    import psycopg

    memory_kib = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        memory_kib = int(meminfo.readline().split()[1])
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    import redis

    redis_version = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    return {"nproc": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
            "python": platform.python_version(), "postgresql": pg, "redis": redis_version,
            "kernel": platform.release()}



class CpuSampler(threading.Thread):
    """CPU seconds spent during the run by the workers, the receiver, the PostgreSQL backends
    of the benchmark's database and this process, read from /proc every quarter second (a
    backend that ends between two samples loses at most a quarter second of its time)."""

    def __init__(self, *, pids: dict[str, list[int]], database: str) -> None:
        super().__init__(daemon=True)
        self.pids, self.database = pids, database
        self.stopping = threading.Event()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}

    def keys(self, conn) -> list[tuple[str, int]]:
        found = [(name, pid) for name, pids in self.pids.items() for pid in pids]
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            [self.database]).fetchall()
        return found + [("postgres", pid) for (pid,) in rows]

    def sample(self, conn, initial: bool = False) -> None:
        for key in self.keys(conn):
            cpu = process_cpu(key[1])
            if cpu is None:
                continue
            self.first.setdefault(key, cpu if initial else 0.0)  # born during the run: 0
            self.last[key] = cpu

    def run(self) -> None:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            self.sample(conn, initial=True)
            while not self.stopping.wait(0.25):
                self.sample(conn)
            self.sample(conn)

    def totals(self) -> dict[str, float]:
        self.stopping.set()
        self.join(10)
        out = dict.fromkeys([*self.pids, "postgres"], 0.0)
        for key, cpu in self.last.items():
            out[key[0]] += cpu - self.first[key]
        return out



# -- the run ---------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=int, default=20,
                        help="endpoints in all, 10 per merchant (default 20)")
    parser.add_argument("--failing", type=float, default=0.10,
                        help="share of endpoints that always answer 500 (default 0.10)")
    parser.add_argument("--rate", type=float, default=60.0,
                        help="events committed per second (default 60: 600 deliveries/s)")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help="how long events are produced (default 30)")
    parser.add_argument("--producers", type=int, default=1,
                        help="producer processes sharing --rate (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="threads per worker process (default 16)")
    parser.add_argument("--retry-schedule", default="2,4,8",
                        help="TILL_WEBHOOK_RETRY_SCHEDULE for the run, so failing endpoints "
                             "are retried while it lasts (default 2,4,8)")
    parser.add_argument("--drain-timeout", type=float, default=60.0,
                        help="longest wait for deliveries after the last event")
    parser.add_argument("--database", default="till_webhooks_bench",
                        help="the database created (and dropped) on DATABASE_URL's server")
    parser.add_argument("--use-database", action="store_true",
                        help="use DATABASE_URL's own database (migrated) instead")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        sys.exit("REDIS_URL is required (the workers' broker)")
    bench_url, admin_url = database_urls(args)
    if admin_url:
        create_database(admin_url, args.database)

    ctx = multiprocessing.get_context("spawn")
    port_queue = ctx.Queue()
    receiver = ctx.Process(target=run_receiver, args=(port_queue,), daemon=True)
    receiver.start()
    port = port_queue.get(timeout=10)
    args.receiver_pid = receiver.pid

    env = {**os.environ, "DATABASE_URL": bench_url, "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": redis_url, "TILL_TASKS_EAGER": "false",
           "TILL_WEBHOOK_ALLOW_LOCAL": "true", "TILL_WEBHOOK_RETRY_SCHEDULE":
           args.retry_schedule, "DJANGO_SETTINGS_MODULE": "config.settings",
           "TILL_WEBHOOK_DISABLE_AFTER_DAYS": "5"}
    os.environ.update(env)
    workers: list[subprocess.Popen] = []
    try:
        results = run(args, env, port, workers)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        receiver.terminate()
        receiver.join(5)
        if admin_url and not args.keep_database:
            from django.db import connections

            connections.close_all()
            drop_database(admin_url, args.database)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)


def run(args, env: dict, port: int, workers: list) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from config.celery import app
    from merchants.services import merchant_create
    from webhooks.models import WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint
    from webhooks.services import deliveries_sweep
    from webhooks.signing import new_signing_secret

    call_command("migrate", verbosity=0)
    import redis

    broker = redis.Redis.from_url(env["REDIS_URL"])
    broker.delete("webhooks", "celery", "unacked", "unacked_index")

    # Merchants of up to 10 endpoints each; every tenth endpoint fails.
    merchants, paths = [], {}
    failing_every = round(1 / args.failing) if args.failing > 0 else 0
    for index in range(args.endpoints):
        if index % 10 == 0:
            merchants.append(merchant_create(name=f"Bench {index // 10}",
                                             email=f"bench{index}@bench.test",
                                             password="bench-password-1").merchant)  # noqa: S106
        failing = failing_every and index % failing_every == failing_every - 1
        path = f"/{'fail' if failing else 'ok'}/{index}"
        endpoint = WebhookEndpoint.objects.create(
            merchant=merchants[-1], livemode=False, url=f"http://127.0.0.1:{port}{path}",
            enabled_events=["*"], secret=new_signing_secret())
        paths[endpoint.id] = path
    healthy_paths = {p for p in paths.values() if p.startswith("/ok/")}
    per_event = {m.id: WebhookEndpoint.objects.filter(merchant=m).count() for m in merchants}

    worker_log: list[str] = []
    for n in range(args.workers):
        workers.append(start_worker(n, env, args.concurrency, worker_log))
    _wait_for_consumers(len(workers), workers, worker_log)

    # The sweep, as beat runs it (every second here).
    stop = threading.Event()

    def sweeper() -> None:
        while not stop.wait(1.0):
            deliveries_sweep()
        connection.close()

    threading.Thread(target=sweeper, daemon=True).start()
    sampler = CpuSampler(pids={"workers": [w.pid for w in workers],
                               "receiver": [args.receiver_pid], "sweep": [os.getpid()],
                               "producer": []},
                         database=connection.settings_dict["NAME"])
    sampler.start()
    time.sleep(0.3)  # the first sample, before the first event

    # The producers: processes of their own, so that one Python thread does not cap the
    # offered load; event n is committed at start + n / rate by producer n % producers.
    ctx = multiprocessing.get_context("spawn")
    out, go, start_at = ctx.Queue(), ctx.Event(), ctx.Value("d", 0.0)
    count = int(args.rate * args.seconds)
    producers = [ctx.Process(target=produce, daemon=True, args=(
        {"index": index, "producers": args.producers, "count": count, "rate": args.rate,
         "merchants": [m.id for m in merchants]}, out, go, start_at))
        for index in range(args.producers)]
    for process in producers:
        process.start()
    for _ in producers:
        assert out.get(timeout=60) == "ready"
    sampler.pids["producer"] = [process.pid for process in producers]
    start_at.value = time.time() + 0.2
    go.set()
    commits: dict[str, float] = {}
    events_by_merchant: Counter = Counter()
    last_commit = 0.0
    for _ in producers:
        produced = out.get(timeout=args.seconds * 20 + 60)
        commits.update(produced["commits"])
        events_by_merchant.update(produced["by_merchant"])
        last_commit = max(last_commit, produced["finished"])
    for process in producers:
        process.join(10)
    produced_in = last_commit - start_at.value
    expected_healthy = sum(n * (per_event[merchant_id] - (per_event[merchant_id] // 10
                                                          if failing_every else 0))
                           for merchant_id, n in events_by_merchant.items())

    # Drain: wait for every healthy delivery, or the timeout.
    deadline = time.monotonic() + args.drain_timeout
    while time.monotonic() < deadline:
        done = WebhookDelivery.objects.filter(status="succeeded").count()
        if done >= expected_healthy:
            break
        time.sleep(0.5)
    # Let the failing endpoints' retries finish (their schedule is short here).
    time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
    stop.set()
    cpu_seconds = sampler.totals()

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/dump", timeout=30) as response:
        records = json.loads(response.read())

    healthy = [(path, event_id, at) for path, event_id, at in records
               if path in healthy_paths and event_id in commits]
    latencies = [at - commits[event_id] for _, event_id, at in healthy]
    pairs = [(path, event_id) for path, event_id, _ in healthy]
    duplicates = len(pairs) - len(set(pairs))
    first_commit = min(commits.values())
    last_receipt = max(at for _, _, at in healthy) if healthy else first_commit
    attempts = WebhookDeliveryAttempt.objects.count()
    all_times = [at for _, event_id, at in records if event_id in commits]
    return {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "workers": args.workers, "threads_per_worker": args.concurrency,
        "endpoints": args.endpoints, "failing_endpoints": len(paths) - len(healthy_paths),
        "events": len(commits), "offered_events_per_s": args.rate,
        "produced_in_s": round(produced_in, 2),
        "healthy_deliveries_expected": expected_healthy,
        "healthy_deliveries_received": len(set(pairs)),
        "healthy_duplicates": duplicates,
        "healthy_deliveries_per_s": round(len(set(pairs)) / (last_receipt - first_commit), 1),
        "attempts_recorded": attempts,
        "requests_per_s": round(len(all_times) / (max(all_times) - first_commit), 1)
        if all_times else 0,
        "latency_ms": {name: round(percentile(latencies, q) * 1000, 1)
                       for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))},
        "latency_mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "statuses": dict(Counter_of(WebhookDelivery)),
        # CPU milliseconds per healthy delivery received (the failing endpoints' attempts
        # and retries are paid for by these too); "all" sums the processes measured.
        "cpu_ms_per_delivery": {
            name: round(seconds / len(set(pairs)) * 1000, 3) if pairs else None
            for name, seconds in {**cpu_seconds,
                                  "all": sum(cpu_seconds.values())}.items()},
        "celery": app.conf.broker_url.split("@")[-1],
    }


def produce(spec: dict, out, go, start_at) -> None:
    """A producer process: commits its share of the events on schedule (see run)."""
    import django

    django.setup()
    from django.db import connection, transaction

    from merchants.models import Merchant
    from payments.models import Customer
    from webhooks.services import event_record

    by_id = Merchant.objects.in_bulk(spec["merchants"])
    merchants = [by_id[merchant_id] for merchant_id in spec["merchants"]]
    out.put("ready")
    go.wait()
    interval = 1.0 / spec["rate"]
    commits: dict[str, float] = {}
    by_merchant: Counter = Counter()
    for n in range(spec["index"], spec["count"], spec["producers"]):
        delay = start_at.value + n * interval - time.time()
        if delay > 0:
            time.sleep(delay)
        merchant = merchants[n % len(merchants)]
        stamp: dict[str, float] = {}
        with transaction.atomic(durable=True):
            # Runs first among the commit hooks: the instant of the commit.
            transaction.on_commit(lambda stamp=stamp: stamp.__setitem__("t", time.time()))
            customer = Customer.objects.create(merchant=merchant, livemode=False,
                                               email=f"c{n}@bench.test")
            event = event_record(type="customer.created", obj=customer)
        commits[event.id] = stamp["t"]
        by_merchant[merchant.id] += 1
    connection.close()
    out.put({"commits": commits, "by_merchant": dict(by_merchant), "finished": time.time()})


def Counter_of(model) -> dict:  # noqa: N802 - reads as a noun
    from django.db.models import Count

    return {row["status"]: row["n"] for row in model.objects.values("status")
            .annotate(n=Count("pk"))}


def _wait_for_consumers(count: int, workers: list, log: list[str]) -> None:
    """Waits until `count` workers answer a ping (they are consuming)."""
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(worker.poll() is not None for worker in workers):
            break
        replies = app.control.ping(timeout=0.5) or []
        if len(replies) >= count:
            return
    sys.exit("the workers did not start:\n" + "".join(log[-40:]))


def report(results: dict) -> None:
    m = results["machine"]
    print(f"machine: {m['nproc']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, "
          f"PostgreSQL {m['postgresql']}, Redis {m['redis']}")
    print(f"workers: {results['workers']} x {results['threads_per_worker']} threads; "
          f"endpoints: {results['endpoints']} ({results['failing_endpoints']} failing)")
    print(f"events: {results['events']} at {results['offered_events_per_s']}/s "
          f"(produced in {results['produced_in_s']} s)")
    print(f"healthy deliveries: {results['healthy_deliveries_received']} of "
          f"{results['healthy_deliveries_expected']}, duplicates "
          f"{results['healthy_duplicates']}, {results['healthy_deliveries_per_s']}/s")
    print(f"all requests incl. failing and retries: {results['requests_per_s']}/s; "
          f"attempts recorded: {results['attempts_recorded']}")
    lat = results["latency_ms"]
    print(f"commit -> receipt (healthy): p50 {lat['p50']} ms, p95 {lat['p95']} ms, "
          f"p99 {lat['p99']} ms, max {lat['max']} ms")
    print(f"delivery statuses: {results['statuses']}")
    cpu = results["cpu_ms_per_delivery"]
    print("CPU ms per healthy delivery: " + ", ".join(f"{name} {ms}" for name, ms in
                                                      cpu.items()))


if __name__ == "__main__":
    main()
