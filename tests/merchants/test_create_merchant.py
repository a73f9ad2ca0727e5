"""`manage.py create_merchant`: one merchant, one owner login, four working keys."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from merchants.models import Merchant, hash_api_key
from tests.conftest import Api

KEYS = {
    "test_secret_key": ("sk_test_", False),
    "test_publishable_key": ("pk_test_", False),
    "live_secret_key": ("sk_live_", True),
    "live_publishable_key": ("pk_live_", True),
}


OWNER_PASSWORD = "correct horse battery staple"


def create_merchant(*args: str, email: str = "Owner@Shop.test",
                    password: str = OWNER_PASSWORD) -> str:
    out = StringIO()
    call_command("create_merchant", "--name", "Corner Shop", "--email", email,
                 "--password", password, *args, stdout=out)
    return out.getvalue()


def database_dump() -> str:
    """Every row of every table, as text."""
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # Table names come from the database's own catalogue, not from input.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                lines.append(table + " " + " ".join(_text(value) for value in row))
    return "\n".join(lines)


def _text(value) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


@pytest.mark.django_db
def test_json_output_is_exactly_one_object_with_the_id_email_and_four_keys():
    # when
    output = create_merchant("--json")

    # then
    assert output.count("\n") == 1 and output.endswith("\n")
    result = json.loads(output)
    assert set(result) == {"id", "email", *KEYS}
    assert result["id"].startswith("acct_")
    assert result["email"] == "owner@shop.test"
    for name, (prefix, _) in KEYS.items():
        assert result[name].startswith(prefix), name
    assert len(set(result.values())) == len(result)
    merchant = Merchant.objects.get()
    assert merchant.id == result["id"]
    assert merchant.name == "Corner Shop"
    assert get_user_model().objects.get().check_password(OWNER_PASSWORD)


@pytest.mark.django_db
def test_every_printed_key_authenticates_in_its_mode():
    # given
    keys = json.loads(create_merchant("--json"))

    for name, (_, livemode) in KEYS.items():
        api = Api(keys[name])
        # when
        listed = api.get("/v1/customers")
        created = api.post("/v1/customers", {"name": name})

        # then
        if name.endswith("secret_key"):
            assert listed.status_code == 200, (name, listed.content)
            assert created.status_code == 200, (name, created.content)
            assert created.json()["livemode"] is livemode, name
        else:
            # Recognised, and refused only because the call needs a secret key.
            assert listed.status_code == 401, name
            assert listed.json()["error"]["code"] == "secret_key_required", name


@pytest.mark.django_db
def test_no_secret_key_is_stored_only_its_hash():
    # given
    keys = json.loads(create_merchant("--json"))

    # when
    dump = database_dump()

    # then
    assert keys["id"] in dump  # the dump does reach the data
    for name in ("test_secret_key", "live_secret_key"):
        token = keys[name]
        assert token not in dump, name
        assert token.split("_", 2)[2] not in dump, name
        assert hash_api_key(token) in dump, name


@pytest.mark.django_db
def test_plain_output_lists_the_keys_and_says_they_are_shown_once():
    output = create_merchant()

    merchant = Merchant.objects.get()
    assert f"Created merchant {merchant.id}" in output
    assert "test_secret_key: sk_test_" in output
    assert "live_secret_key: sk_live_" in output
    assert "shown only now" in output


@pytest.mark.django_db
def test_duplicate_email_is_refused():
    # given
    create_merchant("--json", email="owner@shop.test")

    # when
    with pytest.raises(CommandError, match="exists already"):
        create_merchant("--json", email="OWNER@shop.test")

    # then
    assert Merchant.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["password", "short7!", "12345678"])
def test_weak_password_is_refused(password):
    with pytest.raises(CommandError):
        create_merchant("--json", password=password)

    assert Merchant.objects.count() == 0
    assert get_user_model().objects.count() == 0


@pytest.mark.django_db
def test_invalid_email_is_refused():
    with pytest.raises(CommandError):
        create_merchant("--json", email="not-an-email")

    assert Merchant.objects.count() == 0
