"""Every status is a protected state machine on the models and a plain column in the
migrations, and the migrations describe the models exactly."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django_fsm import FSMField

from core.fields import StatusField
from payments.models import PaymentIntent

TILL_APPS = {"core", "merchants", "payments", "disputes", "refunds", "ledger", "billing",
             "checkout", "webhooks", "api"}


@pytest.mark.django_db
def test_the_migrations_describe_the_models():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"models and migrations differ:\n{out.getvalue()}")


def test_every_status_machine_is_a_protected_status_field():
    machines = [field for model in apps.get_models()
                if model._meta.app_label in TILL_APPS
                for field in model._meta.get_fields() if isinstance(field, FSMField)]

    assert machines
    assert [f"{f.model.__name__}.{f.name}" for f in machines
            if not (isinstance(f, StatusField) and f.protected)] == []


def test_a_status_is_set_only_by_its_transitions():
    intent = PaymentIntent(status=PaymentIntent.Status.REQUIRES_PAYMENT_METHOD)

    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        intent.status = PaymentIntent.Status.SUCCEEDED


def test_a_migration_sees_a_status_as_the_column_it_is():
    name, path, _, kwargs = PaymentIntent._meta.get_field("status").deconstruct()

    assert (name, path, "protected" in kwargs) == ("status", "django.db.models.CharField",
                                                   False)
