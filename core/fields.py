"""Model fields every app shares."""

from typing import Any

from django_fsm import FSMField


class StatusField(FSMField):
    """An object's status: a django-fsm field, stored as the CharField it is in the database.

    Its migrations record it as a plain `CharField`, so the historical models that `migrate`
    renders (thousands of them, one per model per schema change) carry no state machine:
    each FSMField connects a `class_prepared` receiver, and with a few hundred of those alive
    every model rendered in a migration paid for all of them, which was most of the time a
    new database took to build. A historical model has no transitions to collect, and a data
    migration may set a status as the plain column it is. The schema is the same either way.
    """

    def deconstruct(self) -> tuple[str, str, Any, dict[str, Any]]:
        name, _, args, kwargs = super().deconstruct()
        kwargs.pop("protected", None)
        return name, "django.db.models.CharField", args, kwargs
