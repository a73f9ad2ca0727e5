"""The API request log's cost per request, in this process: the same keyed GET with the log
on and off (api.request_log.request_log_record replaced by a no-op), in alternating rounds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<a migrated database of yours> \\
    REDIS_URL=redis://127.0.0.1:6379/<n> \\
    .venv/bin/python manage.py shell -c "exec(open('bench/request_log_cost.py').read())"

It makes a merchant in that database (and leaves it there).
"""

import secrets
import time

from django.conf import settings
from rest_framework.test import APIClient

import api.request_log as request_log
from merchants.services import merchant_create

ROUNDS = 6
REQUESTS = 300

settings.TILL_RATE_LIMIT_TEST = 10**6
settings.ALLOWED_HOSTS = ["*"]
created = merchant_create(name="bench", email=f"b{secrets.token_hex(4)}@bench.test",
                          password="x" * 12)
headers = {"HTTP_AUTHORIZATION": f"Bearer {created.keys['test_secret_key']}"}
client = APIClient()
customer = client.post("/v1/customers", "email=a%40b.test",
                       content_type="application/x-www-form-urlencoded", **headers).json()["id"]
real = request_log.request_log_record


def run(n: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        assert client.get(f"/v1/customers/{customer}", **headers).status_code == 200
    return ((time.perf_counter() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000)


results: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
for round_ in range(ROUNDS):
    on = round_ % 2 == 0
    # api.middleware imports it at call time: replacing the module's attribute is enough.
    request_log.request_log_record = real if on else (lambda **kwargs: None)
    results["on" if on else "off"].append(run(REQUESTS))
request_log.request_log_record = real
for name, rounds in results.items():
    print(name, "wall ms/request", [round(w, 2) for w, _ in rounds],
          "CPU ms/request", [round(c, 2) for _, c in rounds])
