"""Payments benchmark: create-and-confirm payments per second and their latency, side by side
with the ceiling, a bare Django endpoint doing one INSERT on the same stack, and with
localstripe, an in-memory Stripe fake.

What it runs, all on this machine, on loopback (localstripe aside, below) and all stopped by
itself (--targets picks among till, ceiling and localstripe; all three by default):
- PostgreSQL databases of its own on DATABASE_URL's server: one for Till (created, migrated,
  dropped unless --keep-database; or DATABASE_URL's own with --use-database) and one for the
  ceiling (`<database>_ceiling`, always its own), each only when its target runs (Till's also
  for --profile);
- Till under `gunicorn config.wsgi` with the production settings (DEBUG off, the cache and
  the rate limiter on the Redis REDIS_URL names, the limit raised out of the way, tasks not
  eager, no webhook endpoints), and the ceiling (bench/ceiling/, a Django project of its own)
  under the same gunicorn command;
- localstripe (the PyPI package, requirements-dev.txt) as shipped: `python -m localstripe
  --port N --from-scratch`, one aiohttp process keeping its objects in a dict. It binds every
  interface (`::`), not only loopback, and writes its whole store to /tmp/localstripe.pickle
  after every object it creates (removed at the end unless it was there before). Its cost per
  request grows with what its store holds (that write, and a scan of the store for a charge's
  refunds each time it renders one), so the store is emptied (`DELETE /_config/data`) after
  its warm-up and after each phase: every phase starts from an empty store, and its figures
  depend on --seconds;
- a load generator in a process of its own: asyncio, raw HTTP/1.1 with keep-alive (gunicorn's
  sync workers close every connection: then one connection per request, as in production).

Every request is `POST /v1/payment_intents` with amount=2000, currency=usd,
payment_method=pm_card_visa, confirm=true, a Bearer secret key and a new Idempotency-Key; it
counts as done when it answers 200 with `"status": "succeeded"`, else as an error.
localstripe gets the same request with a key of its own (it takes any `sk_` key): it creates
and confirms in the one call (a 4242 card object made anew from pm_card_visa at each lookup)
and ignores Idempotency-Key.
For each target, after a warm-up:
- fixed rate: --rate requests per second for --seconds, open loop (sent on schedule whatever
  the answers do), latency measured from the scheduled send, so a stall counts against every
  request it delays (no coordinated omission);
- saturation: --connections closed-loop connections for --seconds, each sending its next
  request as soon as the last one answers.
Latency percentiles are over the successful requests. CPU is read from /proc: gunicorn's
workers, localstripe's one process, and the PostgreSQL backends of each Django target's
database (localstripe has none).

With --profile N it then counts the SQL queries of one create-and-confirm, measures the CPU
and database time of N of them and profiles N more (cProfile, CPU time) through Django's
test client in this process, against the same database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/6 .venv/bin/python bench/payments_bench.py --seconds 20

Use a Redis database number nothing else uses (rate-limit counters land in it).
"""

import argparse
import asyncio
import contextlib
import datetime
import io
import itertools
import json
import multiprocessing
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
CEILING_DIR = Path(__file__).resolve().parent / "ceiling"
sys.path.insert(0, str(BASE_DIR))

from bench.common import (  # noqa: E402
    children,
    create_database,
    drop_database,
    percentile,
    process_cpu,
)

PATH = "/v1/payment_intents"
PARAMS = {"amount": "2000", "currency": "usd", "payment_method": "pm_card_visa",
          "confirm": "true"}
TARGETS = ("till", "ceiling", "localstripe")
# Any `sk_` key of more than five characters passes localstripe's check.
LOCALSTRIPE_KEY = "sk_test_payments_bench"
# Where localstripe writes its store after every change (a path fixed in its code).
LOCALSTRIPE_STORE = Path("/tmp/localstripe.pickle")  # noqa: S108


# -- the load generator (its own process) ----------------------------------------------------

async def _exchange(conn, data: bytes) -> tuple[int, bytes, bool]:
    """One request on an open connection: (status, body, whether the server closes it)."""
    reader, writer = conn
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, close = None, False, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = value.strip().lower() == b"close"
    if chunked:
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass  # trailers
                break
            body += (await reader.readexactly(size + 2))[:-2]
        return status, bytes(body), close
    if length is None:
        return status, await reader.read(), True
    return status, await reader.readexactly(length), close


async def _phase(spec: dict) -> dict:
    import orjson

    loop = asyncio.get_running_loop()
    host, port = "127.0.0.1", spec["port"]
    body = urlencode(PARAMS).encode()
    head = (f"POST {PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: Bearer {spec['secret_key']}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n").encode()
    prefix = f"{spec['name']}-{uuid.uuid4().hex[:12]}-"
    counter = itertools.count()
    idle: list = []  # open keep-alive connections, most recently used last
    slots = asyncio.Semaphore(spec["max_connections"])
    latencies: list[float] = []
    errors: Counter = Counter()
    samples: list[str] = []
    done_at: list[float] = []

    def discard(conn) -> None:
        with contextlib.suppress(Exception):
            conn[1].close()

    async def one(scheduled: float) -> None:
        data = head + b"Idempotency-Key: %s\r\n\r\n%s" % (
            (prefix + str(next(counter))).encode(), body)
        async with slots:
            for attempt in range(2):
                conn = None
                while idle and conn is None:
                    conn = idle.pop()
                    if conn[0].at_eof():  # closed by the server while idle
                        discard(conn)
                        conn = None
                reused = conn is not None
                try:
                    if conn is None:
                        conn = await asyncio.open_connection(host, port)
                    status, answer, close = await asyncio.wait_for(
                        _exchange(conn, data), spec["timeout"])
                    break
                except (asyncio.IncompleteReadError, ConnectionError) as exc:
                    discard(conn)
                    if reused and attempt == 0:
                        continue  # a keep-alive connection the server had just closed
                    errors[type(exc).__name__] += 1
                    return
                except Exception as exc:  # timeouts and the like
                    if conn is not None:
                        discard(conn)
                    errors[type(exc).__name__] += 1
                    return
            finished = loop.time()
            if close:
                discard(conn)
            else:
                idle.append(conn)
        state = None
        if status == 200:
            with contextlib.suppress(Exception):
                state = orjson.loads(answer).get("status")
        if state == "succeeded":
            latencies.append(finished - scheduled)
            done_at.append(finished)
        else:
            errors[f"HTTP {status}" if status != 200 else f"status {state}"] += 1
            if len(samples) < 3:
                samples.append(f"{status} {answer[:300].decode(errors='replace')}")

    started = loop.time() + 0.05
    lag = 0.0
    if spec["mode"] == "rate":
        tasks: set = set()
        interval = 1.0 / spec["rate"]
        for n in range(int(spec["rate"] * spec["seconds"])):
            scheduled = started + n * interval
            delay = scheduled - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, loop.time() - scheduled)
            task = loop.create_task(one(scheduled))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            _, pending = await asyncio.wait(set(tasks), timeout=spec["timeout"] + 5)
            for task in pending:
                task.cancel()
                errors["unfinished"] += 1
    else:
        deadline = started + spec["seconds"]

        async def user() -> None:
            await asyncio.sleep(max(0.0, started - loop.time()))
            while loop.time() < deadline:
                await one(loop.time())

        await asyncio.gather(*(user() for _ in range(spec["connections"])))
    for conn in idle:
        discard(conn)
    span = (max(done_at) - started) if done_at else spec["seconds"]
    if spec["mode"] == "rate":
        span = max(span, spec["seconds"])
    return {"latencies": latencies, "errors": dict(errors), "samples": samples,
            "span": span, "scheduler_lag_max": lag}


def run_load(spec: dict, results) -> None:
    # Ctrl-C is the parent's to handle: it stops this process (SIGTERM) with the servers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    try:
        results.put(asyncio.run(_phase(spec)))
    except BaseException as exc:
        results.put({"crash": f"{type(exc).__name__}: {exc}"})
        raise


class CpuSampler(threading.Thread):
    """CPU seconds spent during a phase by the server (gunicorn's workers, the children of
    `server_pid`; with `workers` false, `server_pid` itself), by the PostgreSQL backends of
    its database (none without one) and by the load generator, read from /proc every quarter
    second.

    CPU time, unlike throughput, hardly depends on what else the machine runs: on a shared
    machine it is the steadier measure of what a request costs."""

    def __init__(self, *, server_pid: int, workers: bool, database: str | None,
                 admin_url: str, loader_pid: int) -> None:
        super().__init__(daemon=True)
        self.server_pid, self.database, self.loader_pid = server_pid, database, loader_pid
        self.workers, self.admin_url = workers, admin_url
        self.stopping = threading.Event()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.conn = None

    def pids(self) -> list[tuple[str, int]]:
        found = [("loader", self.loader_pid)]
        servers = children(self.server_pid) if self.workers else [self.server_pid]
        found += [("server", pid) for pid in servers]
        if self.database:
            rows = self.conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                     [self.database]).fetchall()
            found += [("postgres", pid) for (pid,) in rows]
        return found

    def sample(self, initial: bool = False) -> None:
        for key in self.pids():
            cpu = process_cpu(key[1])
            if cpu is None:
                continue
            # A process born during the phase counts from zero.
            self.first.setdefault(key, cpu if initial else 0.0)
            self.last[key] = cpu

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as self.conn:
            self.sample(initial=True)
            while not self.stopping.wait(0.25):
                self.sample()
            self.sample()

    def totals(self) -> dict[str, float]:
        self.stopping.set()
        self.join(10)
        out = {"server": 0.0, "loader": 0.0} | ({"postgres": 0.0} if self.database else {})
        for key, cpu in self.last.items():
            out[key[0]] += cpu - self.first[key]
        return out


def load(spec: dict, processes: list, watch: dict | None = None) -> dict:
    """Runs one phase in a fresh load-generator process and returns its measurements."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    process = ctx.Process(target=run_load, args=(spec, results), daemon=True)
    processes.append(process)
    process.start()
    sampler = None
    if watch:
        sampler = CpuSampler(**watch, loader_pid=process.pid)
        sampler.start()
    deadline = time.monotonic() + spec["seconds"] + spec["timeout"] + 60
    while True:
        try:
            outcome = results.get(timeout=1)
            break
        except Exception:  # queue.Empty
            if not process.is_alive() or time.monotonic() > deadline:
                sys.exit(f"the load generator stopped without results ({spec['name']})")
    process.join(10)
    if "crash" in outcome:
        sys.exit(f"the load generator failed: {outcome['crash']}")
    if sampler is not None:
        outcome["cpu_seconds"] = sampler.totals()
    return outcome


# -- setup -----------------------------------------------------------------------------------

def database_urls(args) -> tuple[str, str, str]:
    """(Till's DATABASE_URL, the ceiling's, the server's maintenance URL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    parts = urlsplit(url)
    till = url if args.use_database else urlunsplit(parts._replace(path=f"/{args.database}"))
    return (till, urlunsplit(parts._replace(path=f"/{args.database}_ceiling")),
            urlunsplit(parts._replace(path="/postgres")))




def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_command(app: str, port: int, args) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
               "--workers", str(args.workers), "--worker-class", args.worker_class,
               "--log-level", "warning"]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    return command


def start_server(command: list[str], cwd: Path, env: dict, log: list[str]
                 ) -> subprocess.Popen:
    # A session of its own: Ctrl-C reaches this process, which then stops the whole group.
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def drain() -> None:  # a full pipe would stall the server
        for line in process.stdout:
            log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return process


def wait_ready(name: str, port: int, process: subprocess.Popen, log: list[str],
               probe: tuple[str, str]) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request(*probe)
            if conn.getresponse().status == 200:
                return
        time.sleep(0.2)
    sys.exit(f"{name} did not start:\n" + "".join(log[-40:]))


def settle(name: str, port: int, probe: tuple[str, str], limit: float = 180.0) -> None:
    """Waits until the server has worked through what an overloaded phase left queued (the
    target's probe queues behind it), so the next phase measures only its own requests."""
    import http.client

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=limit)
            conn.request(*probe)
            conn.getresponse().read()
            conn.close()
            if time.monotonic() - started < 0.5:
                return
    print(f"{name} still busy after {limit:g} s", file=sys.stderr)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def machine(admin_url: str) -> dict:
    import psycopg
    import redis

    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_kib = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as meminfo:
        memory_kib = int(meminfo.readline().split()[1])
    with psycopg.connect(admin_url) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    import aiohttp
    import django
    import gunicorn
    import localstripe

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "django": django.get_version(), "gunicorn": gunicorn.__version__,
            "postgresql": pg.split(" ")[0], "redis": redis_version,
            "localstripe": localstripe.__version__, "aiohttp": aiohttp.__version__}



def summarize(target: str, phase: str, offered: float | None, outcome: dict) -> dict:
    latencies = outcome["latencies"]
    return {
        "target": target, "phase": phase, "offered_per_s": offered,
        "ok": len(latencies), "errors": sum(outcome["errors"].values()),
        "error_kinds": outcome["errors"], "error_samples": outcome["samples"],
        "per_s": round(len(latencies) / outcome["span"], 1) if outcome["span"] else 0.0,
        "latency_ms": {name: round(percentile(latencies, q) * 1000, 1)
                       for name, q in (("p50", 50), ("p95", 95), ("p99", 99), ("max", 100))},
        "scheduler_lag_max_ms": round(outcome["scheduler_lag_max"] * 1000, 1),
        # CPU milliseconds per successful request: gunicorn's workers, PostgreSQL's backends,
        # and the load generator.
        "cpu_ms": {name: round(seconds / len(latencies) * 1000, 2) if latencies else None
                   for name, seconds in outcome.get("cpu_seconds", {}).items()},
    }


# -- the run ---------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0,
                        help="requests per second in the fixed-rate phase (default 100)")
    parser.add_argument("--connections", type=int, default=16,
                        help="closed-loop connections in the saturation phase (default 16)")
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="length of each measured phase (default 20)")
    parser.add_argument("--warmup", type=float, default=3.0,
                        help="closed-loop warm-up per target before measuring (default 3)")
    parser.add_argument("--workers", type=int, default=2,
                        help="gunicorn worker processes (default 2: one per core here)")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread",
                        help="gunicorn worker class (default gthread, as the Procfile: faster "
                             "than sync for both targets here, see docs/performance.md)")
    parser.add_argument("--threads", type=int, default=4,
                        help="threads per worker with gthread (default 4, as the Procfile)")
    parser.add_argument("--max-connections", type=int, default=512,
                        help="most connections open at once in the fixed-rate phase")
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help="which to measure, comma-separated (default "
                             f"{','.join(TARGETS)})")
    parser.add_argument("--phases", default="fixed,saturation",
                        help="which phases, comma-separated (default fixed,saturation)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then count one request's queries and cProfile N requests "
                             "through Django's test client (e.g. 200)")
    parser.add_argument("--profile-only", action="store_true",
                        help="skip the load phases (with --profile)")
    parser.add_argument("--database", default="till_payments_bench",
                        help="the database created (and dropped) on DATABASE_URL's server")
    parser.add_argument("--use-database", action="store_true",
                        help="use DATABASE_URL's own database (migrated) for Till instead")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--markdown", action="store_true",
                        help="also print a section for docs/performance.md")
    args = parser.parse_args()
    targets = [t for t in args.targets.split(",") if t]
    if set(targets) - set(TARGETS):
        sys.exit(f"--targets: choose among {', '.join(TARGETS)}")

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or not redis_url.startswith("redis://"):
        sys.exit("REDIS_URL is required (the cache and the rate limiter's counter)")
    till_url, ceiling_url, admin_url = database_urls(args)
    till_db = urlsplit(till_url).path.lstrip("/")
    ceiling_db = urlsplit(ceiling_url).path.lstrip("/")

    env = {**os.environ, "DATABASE_URL": till_url, "REDIS_URL": redis_url,
           "CELERY_BROKER_URL": redis_url, "TILL_TASKS_EAGER": "false", "DEBUG": "false",
           "DJANGO_SETTINGS_MODULE": "config.settings",
           "TILL_RATE_LIMIT_TEST": "1000000", "TILL_RATE_LIMIT_LIVE": "1000000"}
    ceiling_env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
                   "DJANGO_SETTINGS_MODULE": "ceiling.settings",
                   "CEILING_DATABASE_URL": ceiling_url}
    os.environ.update(env)

    servers: list[subprocess.Popen] = []
    loaders: list = []
    created: list[str] = []
    # localstripe's store file is left as found: removed at the end if this run made it.
    store_was_there = LOCALSTRIPE_STORE.exists()

    def on_term(*_) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        if ("till" in targets or args.profile) and not args.use_database:
            create_database(admin_url, till_db)
            created.append(till_db)
        if "ceiling" in targets:
            create_database(admin_url, ceiling_db)
            created.append(ceiling_db)
        results = run(args, targets, env, ceiling_env, admin_url, servers, loaders)
    except KeyboardInterrupt:
        sys.exit("interrupted: stopped the servers, dropped the databases")
    finally:
        for loader in loaders:
            if loader.is_alive():
                loader.terminate()
                loader.join(5)
        for server in servers:
            stop_server(server)
        if "localstripe" in targets and not store_was_there:
            LOCALSTRIPE_STORE.unlink(missing_ok=True)
        if not args.keep_database and created:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            for name in created:
                drop_database(admin_url, name)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        report(results)
    if args.markdown:
        print()
        print(markdown(results))


def run(args, targets: list[str], env: dict, ceiling_env: dict, admin_url: str,
        servers: list, loaders: list) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from merchants.services import merchant_create

    secret_key = None
    if "till" in targets or args.profile:
        call_command("migrate", verbosity=0)
        created = merchant_create(name="Bench",
                                  email=f"bench-{uuid.uuid4().hex[:8]}@bench.test",
                                  password="bench-password-1")  # noqa: S106
        secret_key = created.keys["test_secret_key"]
        connections.close_all()
    if "ceiling" in targets:
        subprocess.run([sys.executable, "manage.py", "migrate", "--verbosity", "0"],
                       cwd=CEILING_DIR, env=ceiling_env, check=True)

    results: dict = {
        "command": " ".join([".venv/bin/python", *sys.argv]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(admin_url),
        "targets": targets,
        "server": {"workers": args.workers, "worker_class": args.worker_class,
                   "threads": args.threads if args.worker_class == "gthread" else 1},
        "rate": args.rate, "connections": args.connections, "seconds": args.seconds,
        "phases": [],
    }
    if not args.profile_only:
        servers_by: dict[str, subprocess.Popen] = {}
        logs: dict[str, list[str]] = {}
        ports: dict[str, int] = {}
        specs = {target: target_spec(target, args, env, ceiling_env, secret_key)
                 for target in targets}
        for target, spec in specs.items():
            ports[target] = free_port()
            logs[target] = []
            servers.append(start_server(spec["command"](ports[target]), spec["cwd"],
                                        spec["env"], logs[target]))
            wait_ready(target, ports[target], servers[-1], logs[target], spec["probe"])
            servers_by[target] = servers[-1]
        base = {"timeout": args.timeout, "max_connections": args.max_connections}
        for target in targets:
            print(f"warming up {target} ({args.warmup:g} s)", file=sys.stderr)
            load({**base, "name": f"{target}-warmup", "port": ports[target], "mode": "closed",
                  "secret_key": specs[target]["secret_key"],
                  "connections": args.connections, "seconds": args.warmup}, loaders)
            settle(target, ports[target], specs[target]["probe"])
        phases = [(mode, label) for mode, label, name in (
            ("rate", f"fixed {args.rate:g}/s", "fixed"),
            ("closed", f"saturation x{args.connections}", "saturation"))
            if name in args.phases.split(",")]
        for mode, label in phases:
            for target in targets:
                print(f"{target}: {label} for {args.seconds:g} s", file=sys.stderr)
                outcome = load({**base, "name": f"{target}-{mode}", "port": ports[target],
                                "secret_key": specs[target]["secret_key"],
                                "mode": mode, "rate": args.rate,
                                "connections": args.connections, "seconds": args.seconds},
                               loaders, watch={"server_pid": servers_by[target].pid,
                                               "workers": specs[target]["workers"],
                                               "database": specs[target]["database"],
                                               "admin_url": admin_url})
                results["phases"].append(summarize(
                    target, label, args.rate if mode == "rate" else None, outcome))
                settle(target, ports[target], specs[target]["probe"])
        for target in targets:
            errors = [line for line in logs[target] if "Traceback" in line or "ERROR" in line]
            if errors:
                results.setdefault("server_errors", {})[target] = errors[:5]
        results["verdict"] = verdict(results)
    if args.profile:
        results["profile"] = profile(secret_key, args.profile)
    return results


def target_spec(target: str, args, env: dict, ceiling_env: dict, secret_key: str | None
                ) -> dict:
    """How to start a target (`command` takes the port) and reach it: its `probe` (a request
    it answers 200 to once ready and after its queue), the key it takes, whether its CPU is
    its workers' (gunicorn's children) or its own process's, and its database (or None)."""
    if target == "localstripe":
        return {"command": lambda port: [sys.executable, "-m", "localstripe", "--port",
                                         str(port), "--from-scratch"],
                "cwd": BASE_DIR, "env": dict(os.environ),
                # The one route it answers without a key; it empties the store, so each phase
                # starts from an empty one (its cost per request grows with the store).
                "probe": ("DELETE", "/_config/data"),
                "secret_key": LOCALSTRIPE_KEY, "workers": False, "database": None}
    app, cwd, target_env, url = (
        ("config.wsgi", BASE_DIR, env, env["DATABASE_URL"]) if target == "till" else
        ("ceiling.wsgi", CEILING_DIR, ceiling_env, ceiling_env["CEILING_DATABASE_URL"]))
    return {"command": lambda port: gunicorn_command(app, port, args), "cwd": cwd,
            "env": target_env, "probe": ("GET", "/healthz"), "secret_key": secret_key,
            "workers": True, "database": urlsplit(url).path.lstrip("/")}


def verdict(results: dict) -> dict:
    rows = {(r["target"], r["phase"].split()[0]): r for r in results["phases"]}
    out: dict = {}
    till, ceiling = rows.get(("till", "saturation")), rows.get(("ceiling", "saturation"))
    # The targets of the payments hot-path issue: at least a quarter of the ceiling's
    # throughput; a p99 under 50 ms at the fixed rate, on a day when the ceiling's own CPU
    # per request (app and PostgreSQL) is under 2.5 ms.
    if till and ceiling and ceiling["per_s"]:
        out["saturation_ratio"] = round(till["per_s"] / ceiling["per_s"], 2)
        out["quarter_of_the_ceiling"] = out["saturation_ratio"] >= 0.25
    if fixed := rows.get(("till", "fixed")):
        out["till_fixed_p99_ms"] = fixed["latency_ms"]["p99"]
        out["p99_under_50ms"] = (fixed["latency_ms"]["p99"] < 50 and not fixed["errors"]
                                 and fixed["per_s"] >= 0.95 * results["rate"])
    fixed = rows.get(("ceiling", "fixed"))
    if fixed and fixed["cpu_ms"].get("server") is not None:
        cpu = fixed["cpu_ms"]
        out["ceiling_cpu_ms"] = round(cpu["server"] + (cpu.get("postgres") or 0), 2)
        out["a_quiet_enough_day"] = out["ceiling_cpu_ms"] < 2.5
    # Till / localstripe: latencies at the fixed rate (above 1: Till slower), throughput at
    # saturation (above 1: Till faster). None where localstripe served nothing.
    ours, theirs = rows.get(("till", "fixed")), rows.get(("localstripe", "fixed"))
    if ours and theirs:
        out["localstripe_fixed"] = {q: ratio(ours["latency_ms"][q], theirs["latency_ms"][q])
                                    for q in ("p50", "p99")}
    ours, theirs = rows.get(("till", "saturation")), rows.get(("localstripe", "saturation"))
    if ours and theirs:
        out["localstripe_saturation"] = ratio(ours["per_s"], theirs["per_s"])
    return out


def _to_floor(p: dict) -> float | None:
    """The profile's CPU per payment (app and PostgreSQL) over its SQL floor's."""
    if p.get("postgres_cpu_ms_per_request") is None or p.get(
            "floor_postgres_cpu_ms_per_request") is None:
        return None
    ours = p["cpu_ms_per_request"] + p["postgres_cpu_ms_per_request"]
    floor = p["floor_cpu_ms_per_request"] + p["floor_postgres_cpu_ms_per_request"]
    return round(ours / floor, 2) if floor else None


def ratio(ours: float, theirs: float) -> float | None:
    """ours / theirs to three significant digits (the two can be orders of magnitude apart)."""
    if not theirs or theirs != theirs:  # zero, or NaN: no successful request
        return None
    return float(f"{ours / theirs:.3g}")


# -- the profile (this process, Django's test client) ----------------------------------------

def profile(secret_key: str, requests: int) -> dict:
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret_key}")
    body = urlencode(PARAMS)
    prefix = f"profile-{uuid.uuid4().hex[:12]}-"
    counter = itertools.count()

    def post() -> None:
        response = client.post(PATH, data=body,
                               content_type="application/x-www-form-urlencoded",
                               headers={"Idempotency-Key": prefix + str(next(counter))})
        if response.status_code != 200 or response.json().get("status") != "succeeded":
            sys.exit(f"profile: unexpected answer {response.status_code} {response.content!r}")

    for _ in range(20):  # warm: imports, connections, caches
        post()
    # One request's SQL as sent: the statements with their parameters (Django's query log
    # has the transactions' BEGIN and COMMIT, the execute wrapper the parameters).
    sent: list[tuple[str, object]] = []

    def keep(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(keep):
        post()
    queries = [q["sql"] for q in captured.captured_queries]
    bodies = iter(sent)
    script = [(sql, None) if sql in ("BEGIN", "COMMIT") else next(bodies) for sql in queries]

    # Wall time, this process's CPU time and the PostgreSQL backend's CPU time (same machine).
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    backend_before = process_cpu(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(requests):
        post()
    plain_ms = (time.perf_counter() - started) / requests * 1000
    cpu_ms = (time.process_time() - cpu_started) / requests * 1000
    backend_after = process_cpu(backend)
    backend_ms = ((backend_after - backend_before) / requests * 1000
                  if backend_before is not None and backend_after is not None else None)

    # Time in the database: every statement's round trip, by kind (an autocommit statement's
    # includes its commit; the COMMITs of transactions are not statements, and not counted).
    # Timed here, not read from Django's query log, which rounds each to the millisecond.
    db_by_kind: Counter = Counter()

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = sql.split()
            table = next((w.strip('"') for w in words[1:6] if w.startswith('"')), "")
            db_by_kind[f"{words[0]} {table}".strip()] += time.perf_counter() - started

    with connection.execute_wrapper(timed):
        for _ in range(requests):
            post()
    db_ms = sum(db_by_kind.values()) / requests * 1000

    floor = sql_floor(script, requests)

    # CPU time, not wall time: waits on PostgreSQL and Redis are measured above.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        post()
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt

    # Own time grouped by where the code lives.
    groups: Counter = Counter()
    site = f"{os.sep}site-packages{os.sep}"
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():
        if filename == "~":
            group = "builtins: " + ("db socket / wait" if "wait" in name or "recv" in name
                                    or "poll" in name or "select" in name else "other")
        elif site in filename:
            group = filename.split(site, 1)[1].split(os.sep, 1)[0].removesuffix(".py")
        elif filename.startswith(str(BASE_DIR)):
            group = "till: " + Path(filename).relative_to(BASE_DIR).parts[0]
        else:
            group = "python stdlib"
        groups[group] += tottime

    def top(sort: str, count: int = 25, where: str = "") -> str:
        stream = io.StringIO()
        restrictions = (where, count) if where else (count,)
        pstats.Stats(profiler, stream=stream).sort_stats(sort).print_stats(*restrictions)
        text = stream.getvalue()
        return text[text.find("   ncalls"):]

    statements = [q for q in queries if q not in ("BEGIN", "COMMIT")]
    return {
        "queries_per_request": len(queries), "queries": queries,
        # The counts: statements sent (BEGIN and COMMIT aside), and transactions.
        "statements_per_request": len(statements),
        "transactions_per_request": queries.count("BEGIN"),
        "requests": requests, "ms_per_request": round(plain_ms, 2),
        # Machine-independent: the count of Python function calls one request makes.
        "python_calls_per_request": round(stats.total_calls / requests),
        "cpu_ms_per_request": round(cpu_ms, 2),
        "postgres_cpu_ms_per_request": round(backend_ms, 2) if backend_ms is not None else None,
        "db_ms_per_request": round(db_ms, 2),
        "db_ms_by_statement": {kind: round(t / requests * 1000, 2)
                               for kind, t in db_by_kind.most_common()},
        "top_till": top("cumulative", 45, rf"{BASE_DIR}{os.sep}(?!\.venv|bench)"),
        "cpu_ms_per_request_profiled": round(total / requests * 1000, 2),
        "own_time_by_package": {name: round(t / total * 100, 1)
                                for name, t in groups.most_common(15)},
        "top_cumulative": top("cumulative"), "top_own": top("tottime"),
        **floor,
    }


ID_PATTERN = re.compile(r"\b(?:pi|ch|evt|pm|req|rlog|profile|txn)[_-][A-Za-z0-9_-]+")
# A bare random token (a charge's receipt_token), unique like the ids.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9]{40}")


def sql_floor(script: list[tuple[str, object]], requests: int) -> dict:
    """The SQL of one create-and-confirm (`script`: each statement with its parameters, None
    for BEGIN and COMMIT), replayed by psycopg alone: the statements, their parameters and
    transactions exactly as Django sent them (fresh ids each time), with no
    HTTP, Django, serializers or Python of Till's. What this costs in CPU, in this process and
    in its PostgreSQL backend, is the floor under any Python implementation that writes the
    same rows the same way."""
    import psycopg
    from django.db import connection

    def fresh(params, ids: dict):
        def one(value):
            if isinstance(value, str) and TOKEN_PATTERN.fullmatch(value):  # receipt_token
                return ids.setdefault(value, secrets.token_urlsafe(len(value))[:len(value)])
            if isinstance(value, str):
                return ID_PATTERN.sub(lambda m: ids.setdefault(m.group(0), m.group(0)[:3]
                                                               + uuid.uuid4().hex), value)
            return value
        return [one(v) for v in params] if params is not None else None

    settings = connection.settings_dict
    with psycopg.connect(dbname=settings["NAME"], host=settings["HOST"] or None,
                         port=settings["PORT"] or None, user=settings["USER"] or None,
                         autocommit=True, prepare_threshold=0) as conn:
        backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]

        def replay() -> None:
            ids: dict = {}
            for sql, params in script:
                if params is None:
                    conn.execute(sql)
                else:
                    conn.execute(sql, fresh(params, ids))

        for _ in range(20):
            replay()
        backend_before, cpu_started = process_cpu(backend), time.process_time()
        started = time.perf_counter()
        for _ in range(requests):
            replay()
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        backend_after = process_cpu(backend)
    return {
        "floor_ms_per_request": round(wall / requests * 1000, 2),
        "floor_cpu_ms_per_request": round(cpu / requests * 1000, 2),
        "floor_postgres_cpu_ms_per_request": round((backend_after - backend_before)
                                                   / requests * 1000, 2),
    }



# -- output ----------------------------------------------------------------------------------

HEADER = ("target", "phase", "offered/s", "done/s", "ok", "errors", "p50 ms", "p95 ms",
          "p99 ms", "max ms", "CPU ms app", "CPU ms pg", "CPU-bound/s")


def cpu_bound(row: dict, cores: int) -> float | None:
    """Requests per second if the app's and PostgreSQL's CPU per request were all that
    mattered and they had every core (an upper bound: no load generator, no waits); one core
    for localstripe, a single process."""
    cpu = row.get("cpu_ms") or {}
    if not cpu.get("server"):
        return None
    cores = 1 if row["target"] == "localstripe" else cores
    return round(cores * 1000 / (cpu["server"] + (cpu.get("postgres") or 0)))


def _cells(row: dict, cores: int) -> list[str]:
    lat = row["latency_ms"]
    cpu = row.get("cpu_ms") or {}
    bound = cpu_bound(row, cores)
    return [row["target"], row["phase"],
            f"{row['offered_per_s']:g}" if row["offered_per_s"] else "-",
            f"{row['per_s']:.1f}", str(row["ok"]), str(row["errors"]),
            *(f"{lat[k]:.1f}" for k in ("p50", "p95", "p99", "max")),
            *(f"{cpu[k]:.2f}" if cpu.get(k) is not None else "-" for k in ("server", "postgres")),
            str(bound) if bound else "-"]


def _machine_line(m: dict) -> str:
    return (f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB RAM, Linux "
            f"{m['kernel']}; Python {m['python']}, Django {m['django']}, gunicorn "
            f"{m['gunicorn']}, PostgreSQL {m['postgresql']}, Redis {m['redis']}")


def _server_line(results: dict) -> str:
    s, m, targets = results["server"], results["machine"], results["targets"]
    threads = f" x {s['threads']} threads" if s["worker_class"] == "gthread" else ""
    parts = []
    if django_targets := [{"till": "Till", "ceiling": "the ceiling"}[t] for t in targets
                          if t != "localstripe"]:
        parts.append(f"gunicorn {s['workers']} {s['worker_class']} workers{threads} "
                     f"({' and '.join(django_targets)})")
    if "localstripe" in targets:
        parts.append(f"localstripe {m['localstripe']}, one aiohttp {m['aiohttp']} process")
    return "; ".join(parts)


def _ratio_text(value: float | None) -> str:
    return f"{value:g}" if value is not None else "-"


def report(results: dict) -> None:
    print(f"machine: {_machine_line(results['machine'])}")
    print(f"server: {_server_line(results)}")
    if results["phases"]:
        cores = results["machine"]["cores"]
        rows = [list(HEADER)] + [_cells(row, cores) for row in results["phases"]]
        widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
        for n, row in enumerate(rows):
            print("  ".join(cell.rjust(w) if i > 1 else cell.ljust(w)
                            for i, (cell, w) in enumerate(zip(row, widths, strict=True))))
            if n == 0:
                print("  ".join("-" * w for w in widths))
        for row in results["phases"]:
            if row["errors"]:
                print(f"{row['target']} {row['phase']} errors: {row['error_kinds']} "
                      f"{row['error_samples'][:1]}")
            if row["scheduler_lag_max_ms"] > 20:
                print(f"{row['target']} {row['phase']}: the generator ran up to "
                      f"{row['scheduler_lag_max_ms']} ms late (counted in the latencies)")
        v = results.get("verdict", {})
        if "saturation_ratio" in v:
            print(f"Till / ceiling at saturation: {v['saturation_ratio']:.2f} "
                  f"(target >= 0.25: {'met' if v['quarter_of_the_ceiling'] else 'NOT met'})")
        if "till_fixed_p99_ms" in v:
            print(f"Till p99 at {results['rate']:g}/s: {v['till_fixed_p99_ms']} ms "
                  f"(target < 50 ms: {'met' if v['p99_under_50ms'] else 'NOT met'})")
        if "ceiling_cpu_ms" in v:
            print(f"the ceiling's CPU per request at {results['rate']:g}/s: "
                  f"{v['ceiling_cpu_ms']} ms (the targets hold on a day when it is under "
                  f"2.5 ms: {'yes' if v['a_quiet_enough_day'] else 'NO'})")
        if "localstripe_fixed" in v:
            print(f"Till / localstripe latency at {results['rate']:g}/s: p50 "
                  f"{_ratio_text(v['localstripe_fixed']['p50'])}, p99 "
                  f"{_ratio_text(v['localstripe_fixed']['p99'])} (above 1: Till slower)")
        if "localstripe_saturation" in v:
            print(f"Till / localstripe throughput at saturation: "
                  f"{_ratio_text(v['localstripe_saturation'])} (above 1: Till faster)")
        for target, lines in results.get("server_errors", {}).items():
            print(f"{target} server log errors: {''.join(lines)}")
    if p := results.get("profile"):
        print(f"\nprofile: {p['queries_per_request']} SQL queries per create-and-confirm; "
              f"{p['ms_per_request']} ms per request in-process "
              f"({p['cpu_ms_per_request_profiled']} ms of CPU under cProfile, "
              f"{p['requests']} requests); {p['python_calls_per_request']:,} Python calls "
              "per request")
        for n, sql in enumerate(p["queries"], 1):
            print(f"  {n:2}. {sql[:150]}")
        print(f"CPU per request: {p['cpu_ms_per_request']} ms in Django (this process), "
              f"{p['postgres_cpu_ms_per_request']} ms in its PostgreSQL backend")
        print(f"the same SQL replayed by psycopg alone (the floor): "
              f"{p['floor_cpu_ms_per_request']} ms of CPU in this process, "
              f"{p['floor_postgres_cpu_ms_per_request']} ms in PostgreSQL, "
              f"{p['floor_ms_per_request']} ms wall")
        print(f"{p['statements_per_request']} statements in {p['transactions_per_request']} "
              f"transactions (target at most 12 in 2); CPU {_to_floor(p)}x its own SQL floor "
              "(target at most 1.4)")
        print(f"time in the database (statement round trips; transaction COMMITs not counted): "
              f"{p['db_ms_per_request']} ms per request")
        for kind, ms in p["db_ms_by_statement"].items():
            print(f"  {ms:6.2f} ms  {kind}")
        print("own CPU time by package (% of profiled CPU time):")
        for name, share in p["own_time_by_package"].items():
            print(f"  {share:5.1f}%  {name}")
        print("\ntop functions by cumulative time:\n" + p["top_cumulative"])
        print("top functions by own time:\n" + p["top_own"])
        print("Till's functions by cumulative time:\n" + p["top_till"])


def markdown(results: dict) -> str:
    lines = ["## Payments: create and confirm (`bench/payments_bench.py`)", "",
             f"- Date: {results['date']}",
             f"- Machine: {_machine_line(results['machine'])}",
             f"- Server: {_server_line(results)}; load generator on the same machine",
             f"- Command: `{results['command']}`", ""]
    if results["phases"]:
        lines += ["| " + " | ".join(HEADER) + " |",
                  "|" + "|".join(["---"] * 2 + ["---:"] * (len(HEADER) - 2)) + "|"]
        lines += ["| " + " | ".join(_cells(row, results["machine"]["cores"])) + " |"
                  for row in results["phases"]]
        v = results.get("verdict", {})
        lines.append("")
        if "saturation_ratio" in v:
            lines.append(f"- Till / ceiling throughput at saturation: "
                         f"**{v['saturation_ratio']:.2f}** (target ≥ 0.25: "
                         f"{'met' if v['quarter_of_the_ceiling'] else 'not met'})")
        if "till_fixed_p99_ms" in v:
            lines.append(f"- Till p99 at {results['rate']:g} payments/s: "
                         f"**{v['till_fixed_p99_ms']} ms** (target < 50 ms: "
                         f"{'met' if v['p99_under_50ms'] else 'not met'})")
        if "ceiling_cpu_ms" in v:
            lines.append(f"- The ceiling's CPU per request at {results['rate']:g}/s (app and "
                         f"PostgreSQL): **{v['ceiling_cpu_ms']} ms** (the day's condition, "
                         f"under 2.5 ms: {'yes' if v['a_quiet_enough_day'] else 'no'})")
        if "localstripe_fixed" in v:
            lines.append(f"- Till / localstripe latency at {results['rate']:g} payments/s: "
                         f"p50 **{_ratio_text(v['localstripe_fixed']['p50'])}**, p99 "
                         f"**{_ratio_text(v['localstripe_fixed']['p99'])}** (above 1: Till "
                         "slower)")
        if "localstripe_saturation" in v:
            lines.append(f"- Till / localstripe throughput at saturation: "
                         f"**{_ratio_text(v['localstripe_saturation'])}** (above 1: Till "
                         "faster)")
    if p := results.get("profile"):
        lines += [f"- Profile: {p['queries_per_request']} SQL queries per create-and-confirm, "
                  f"{p['ms_per_request']} ms per request in-process (test client, one "
                  f"thread): {p['cpu_ms_per_request']} ms of CPU in Django, "
                  f"{p['postgres_cpu_ms_per_request']} ms in PostgreSQL's backend; "
                  f"{p['db_ms_per_request']} ms inside database calls",
                  f"- The same SQL replayed by psycopg alone (the floor): "
                  f"{p['floor_cpu_ms_per_request']} ms of CPU in the process, "
                  f"{p['floor_postgres_cpu_ms_per_request']} ms in PostgreSQL",
                  f"- {p['statements_per_request']} statements in "
                  f"{p['transactions_per_request']} transactions (target at most 12 in 2); "
                  f"CPU **{_to_floor(p)}×** its own SQL floor (target at most 1.4); "
                  f"{p['python_calls_per_request']:,} Python calls per request"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
