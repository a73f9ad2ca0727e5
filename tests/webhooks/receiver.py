"""A real HTTP receiver on loopback, in a thread: what a merchant's webhook handler sees."""

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import stripe

HANG = "hang"  # a scripted response: hold the request open until released


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() on arrival
    status: int | None = None  # what the receiver answered (None: held, never answered)

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)

    def verified_event(self, secret: str, tolerance: int = 300) -> stripe.Event:
        """The event, verified exactly as a merchant's handler verifies Stripe's."""
        return stripe.Webhook.construct_event(self.body, self.headers["Stripe-Signature"],
                                              secret, tolerance=tolerance)


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    scripts: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    defaults: dict[str, Any] = field(default_factory=dict)
    released: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def respond(self, path: str, *statuses: int | str, then: int | str = 200) -> None:
        """Answers the next requests to `path` with `statuses` in turn, then `then`."""
        self.scripts[path].extend(statuses)
        self.defaults[path] = then

    def next_status(self, path: str) -> int | str:
        script = self.scripts[path]
        return script.popleft() if script else self.defaults.get(path, 200)

    def release(self) -> None:
        self.released.set()

    def received(self, path: str | None = None) -> list[Received]:
        with self.arrived:
            return [r for r in self.requests if path is None or r.path == path]

    def wait_for(self, count: int, path: str | None = None, timeout: float = 10.0
                 ) -> list[Received]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                got = [r for r in self.requests if path is None or r.path == path]
                if len(got) >= count:
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(got)} of {count} requests to "
                                         f"{path or 'any path'} within {timeout}s")
                self.arrived.wait(left)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real receivers
    receiver: Receiver

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        received = Received(path=self.path, headers=dict(self.headers.items()), body=body,
                            at=time.time())
        receiver = self.receiver
        with receiver.arrived:
            receiver.requests.append(received)
            receiver.arrived.notify_all()
        status = receiver.next_status(self.path)
        if status == HANG:
            receiver.released.wait(60)
            status = 200
        payload = b'{"received": true}'
        try:
            self.send_response(int(status))
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            received.status = int(status)
        except OSError:
            pass  # the sender went away (a killed worker, a timeout)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def start_receiver() -> Receiver:
    handler = type("Handler", (_Handler,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    receiver = Receiver(server=server)
    handler.receiver = receiver
    threading.Thread(target=server.serve_forever, daemon=True, name="receiver").start()
    return receiver


def stop_receiver(receiver: Receiver) -> None:
    receiver.release()
    receiver.server.shutdown()
    receiver.server.server_close()
