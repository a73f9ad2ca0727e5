"""`manage.py demo_merchant`: created once, the same login and keys on every run."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from merchants.models import Merchant
from tests.conftest import Api


def run_demo() -> str:
    out = StringIO()
    call_command("demo_merchant", stdout=out)
    return out.getvalue()


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.mark.django_db
def test_running_twice_creates_one_merchant_and_prints_the_same_keys(var_dir):
    # when
    first = run_demo()
    second = run_demo()

    # then
    assert second == first
    merchant = Merchant.objects.get()
    assert f"Merchant:     {merchant.id}" in first
    secret = re.search(r"Test secret key:\s+(sk_test_\w+)", first).group(1)
    publishable = re.search(r"Test publishable key:\s+(pk_test_\w+)", first).group(1)
    stored = json.loads((var_dir / "demo.json").read_text())
    assert (stored["test_secret_key"], stored["test_publishable_key"]) == (secret, publishable)
    assert (var_dir / "demo.json").stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db
def test_the_printed_demo_key_works(var_dir):
    output = run_demo()
    secret = re.search(r"Test secret key:\s+(sk_test_\w+)", output).group(1)

    response = Api(secret).get("/v1/customers")

    assert response.status_code == 200, response.content


@pytest.mark.django_db
def test_a_demo_file_from_another_database_is_replaced_by_keys_that_work(var_dir):
    # given a demo merchant here, and a demo.json written against another database
    first = re.search(r"Test secret key:\s+(sk_test_\w+)", run_demo()).group(1)
    stored = json.loads((var_dir / "demo.json").read_text())
    (var_dir / "demo.json").write_text(json.dumps(
        {**stored, "id": "acct_elsewhere", "test_secret_key": "sk_test_fromanotherdatabase"}))

    # when make run prints the demo again
    output = run_demo()

    # then it prints this database's merchant, with a fresh test key that works
    secret = re.search(r"Test secret key:\s+(sk_test_\w+)", output).group(1)
    assert secret not in (first, "sk_test_fromanotherdatabase")
    assert f"Merchant:     {Merchant.objects.get().id}" in output
    assert Api(secret).get("/v1/customers").status_code == 200
    assert Api(first).get("/v1/customers").status_code == 401  # rolled away at once
    # and the next run prints the same keys again
    assert run_demo() == output
