"""One webhook HTTP request: resolve, vet, connect to the vetted address, POST, read a little.

No database here: the delivery services claim before and record after. Connections are
kept alive in pools keyed by (address, port, TLS name). Redirects are never followed (a 3xx
is a failure, as at Stripe).
"""

import base64
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import urllib3
from django.conf import settings
from django.utils import timezone
from urllib3 import exceptions as http_errors

from webhooks.signing import signature_header
from webhooks.urlguard import UnsafeUrl, addresses_vet, url_parse

USER_AGENT = "Till/1.0 (+webhooks)"
CONTENT_TYPE = "application/json; charset=utf-8"
EXCERPT_BYTES = 1024
# Past this much body the connection is dropped rather than drained for reuse.
DRAIN_LIMIT_BYTES = 64 * 1024

_pools_lock = threading.Lock()
_pools: urllib3.PoolManager | None = None
_executor: ThreadPoolExecutor | None = None

Job = TypeVar("Job")


def pool_manager() -> urllib3.PoolManager:
    global _pools  # one pool manager per process, made on first use
    if _pools is None:
        with _pools_lock:
            if _pools is None:
                # Endpoints often share a host: a pool holds as many connections as this
                # process sends at once.
                _pools = urllib3.PoolManager(
                    num_pools=1000, maxsize=settings.TILL_WEBHOOK_SEND_THREADS, block=False,
                    retries=False)
    return _pools


def pools_reset() -> None:
    """Drops every kept-alive connection (tests, and after a fork)."""
    global _pools
    with _pools_lock:
        if _pools is not None:
            _pools.clear()
        _pools = None


@dataclass(frozen=True)
class SendResult:
    attempted_at: datetime
    duration_ms: int
    status_code: int | None
    response_excerpt: str
    error: str | None

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and (
            200 <= self.status_code < 300)


def _excerpt(data: bytes) -> str:
    # PostgreSQL text cannot hold NUL.
    return data[:EXCERPT_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def send(*, url: str, livemode: bool, payload: bytes, secrets: Sequence[str],
         timeout: float | None = None) -> SendResult:
    """POSTs `payload` to `url`, signed now by `secrets`; never raises for the remote's
    faults (they come back as the result's `error`)."""
    timeout = settings.TILL_WEBHOOK_TIMEOUT if timeout is None else timeout
    # Real time, not core's clock: receivers check the signature's timestamp against theirs.
    attempted_at = timezone.now()
    started = time.monotonic()
    status_code: int | None = None
    excerpt = b""
    error: str | None = None
    # A new timestamp, so a new signature, on every attempt.
    signature = signature_header(payload=payload, secrets=secrets,
                                 timestamp=int(attempted_at.timestamp()))
    try:
        status_code, excerpt = _post(url=url, livemode=livemode, payload=payload,
                                     signature=signature, timeout=timeout, started=started)
        if not 200 <= status_code < 300:
            error = (f"Redirects are not followed (HTTP {status_code})"
                     if 300 <= status_code < 400 else f"HTTP {status_code}")
    except UnsafeUrl as exc:
        error = f"Refused: {exc}"
    except (socket.gaierror, UnicodeError) as exc:
        error = f"Could not resolve the host ({exc})"
    except http_errors.NewConnectionError as exc:  # before timeouts: it subclasses one
        error = f"Could not connect: {exc}"[:500]
    except (http_errors.ConnectTimeoutError, http_errors.ReadTimeoutError, TimeoutError):
        error = f"Timed out after {timeout:g}s"
    except http_errors.SSLError as exc:
        error = f"TLS error: {exc}"[:500]
    except (http_errors.HTTPError, OSError) as exc:
        error = f"Connection error: {exc}"[:500]
    duration_ms = int((time.monotonic() - started) * 1000)
    return SendResult(attempted_at=attempted_at, duration_ms=duration_ms,
                      status_code=status_code, response_excerpt=_excerpt(excerpt), error=error)


def _post(*, url: str, livemode: bool, payload: bytes, signature: str, timeout: float,
          started: float) -> tuple[int, bytes]:
    target = url_parse(url, livemode=livemode)
    allow_local = settings.TILL_WEBHOOK_ALLOW_LOCAL and not livemode
    address = addresses_vet(target, allow_local=allow_local)[0]
    pool_kwargs = {}
    if target.scheme == "https":
        # Connect to the vetted address; present and verify the name the merchant gave.
        pool_kwargs = {"server_hostname": target.host, "assert_hostname": target.host}
    pool = pool_manager().connection_from_host(str(address), port=target.port,
                                               scheme=target.scheme, pool_kwargs=pool_kwargs)
    headers = {
        "Host": target.host_header,
        "Content-Type": CONTENT_TYPE,
        "User-Agent": USER_AGENT,
        "Accept": "*/*; q=0.5, application/xml",
        "Cache-Control": "no-cache",
        "Stripe-Signature": signature,
    }
    if target.basic_auth is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(
            target.basic_auth.encode()).decode()
    response = pool.urlopen(
        "POST", target.request_path, body=payload, headers=headers, retries=False,
        redirect=False, assert_same_host=False, preload_content=False,
        timeout=urllib3.Timeout(total=timeout))
    try:
        excerpt = response.read(EXCERPT_BYTES)
        drained = len(excerpt)
        # Drain a small body so the connection can be reused; give up on a big or slow one.
        while drained < DRAIN_LIMIT_BYTES and time.monotonic() - started < timeout:
            chunk = response.read(8192)
            if not chunk:
                break
            drained += len(chunk)
        else:
            response.close()
        return response.status, excerpt
    finally:
        response.release_conn()


def _sender_pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        with _pools_lock:
            if _executor is None:
                _executor = ThreadPoolExecutor(
                    max_workers=settings.TILL_WEBHOOK_SEND_THREADS,
                    thread_name_prefix="webhook-send")
    return _executor


def send_concurrently(jobs: Sequence[Job], send_one: Callable[[Job], SendResult], *,
                      gather: float = 0.02) -> Iterator[list[tuple[Job, SendResult]]]:
    """Runs `send_one` over `jobs` in parallel and yields the results in groups, as they
    finish: each group is what finished with the first of it or within `gather` seconds
    after (usually the whole batch: one group, so one transaction to record it). A finished
    attempt is never held back behind a slow one: it counts as in flight until recorded."""
    if len(jobs) == 1:
        yield [(jobs[0], send_one(jobs[0]))]
        return
    pool = _sender_pool()
    pending: dict[Future, Job] = {pool.submit(send_one, job): job for job in jobs}
    while pending:
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        if len(done) < len(pending):
            done, _ = wait(pending, timeout=gather, return_when=ALL_COMPLETED)
        yield [(pending.pop(future), future.result()) for future in done]
