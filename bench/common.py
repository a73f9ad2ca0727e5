"""What the benchmarks share: their databases, CPU time read from /proc, percentiles."""

import contextlib
import os
import threading
from pathlib import Path


def create_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def process_cpu(pid: int) -> float | None:
    """A process's user + system CPU seconds, from /proc (None where unreadable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def load_average() -> tuple[float, float, float]:
    """The machine's load average over 1, 5 and 15 minutes."""
    return tuple(round(x, 2) for x in os.getloadavg())  # type: ignore[return-value]


def machine(admin_url: str, redis_url: str | None) -> dict:
    """What the figures were measured on, with a one-line summary (`line`); without
    `redis_url`, Redis is left out."""
    import platform

    import django
    import psycopg

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
        pg = conn.execute("SHOW server_version").fetchone()[0].split(" ")[0]
    redis_version = None
    if redis_url:
        import redis

        redis_version = redis.Redis.from_url(redis_url).info()["redis_version"]
    out = {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 2**20, 1),
           "kernel": platform.release(), "python": platform.python_version(),
           "django": django.get_version(), "postgresql": pg, "redis": redis_version}
    out["line"] = (f"{cpu}, {out['cores']} cores, {out['memory_gib']} GiB RAM, Linux "
                   f"{out['kernel']}; Python {out['python']}, Django {out['django']}, "
                   f"PostgreSQL {pg}" + (f", Redis {redis_version}" if redis_version else ""))
    return out


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return found


class CpuSampler(threading.Thread):
    """CPU seconds spent during a phase, read from /proc every quarter second, by label: the
    processes of `pids`, each process of `trees` with its children (a worker's pool, re-read
    each time: a child born during the phase counts from zero), and the PostgreSQL backends
    of `database` (but those in `exclude`: the benchmark's own). A process that ends between
    two samples loses at most a quarter second of its time.

    CPU time, unlike throughput, hardly depends on what else the machine runs: on a shared
    machine it is the steadier measure of what the work costs."""

    def __init__(self, *, admin_url: str, database: str, pids: dict[str, list[int]] | None = None,
                 trees: dict[str, int] | None = None, exclude: set[int] | None = None) -> None:
        super().__init__(daemon=True)
        self.admin_url, self.database = admin_url, database
        self.pids, self.trees = pids or {}, trees or {}
        self.exclude = exclude or set()
        self.stopping = threading.Event()
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}

    def keys(self, conn) -> list[tuple[str, int]]:
        found = [(name, pid) for name, pids in self.pids.items() for pid in pids]
        for name, root in self.trees.items():
            found += [(name, pid) for pid in (root, *children(root))]
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            [self.database]).fetchall()
        return found + [("postgres", pid) for (pid,) in rows if pid not in self.exclude]

    def sample(self, conn, initial: bool = False) -> None:
        for key in self.keys(conn):
            cpu = process_cpu(key[1])
            if cpu is None:
                continue
            self.first.setdefault(key, cpu if initial else 0.0)  # born during the phase: 0
            self.last[key] = cpu

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            self.sample(conn, initial=True)
            while not self.stopping.wait(0.25):
                self.sample(conn)
            self.sample(conn)

    def totals(self) -> dict[str, float]:
        self.stopping.set()
        self.join(10)
        out = dict.fromkeys([*self.pids, *self.trees, "postgres"], 0.0)
        for key, cpu in self.last.items():
            out[key[0]] += cpu - self.first[key]
        return out
