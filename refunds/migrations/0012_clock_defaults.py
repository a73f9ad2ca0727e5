"""The created/at defaults come from core's clock (`core.clock.now`: a bound time, else the
wall clock). A Python-side default is nothing in the database, so this changes the models'
state only: PostgreSQL would run nothing for it, and SQLite would rebuild each table."""

import core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('refunds', '0011_approval_thresholds_per_currency'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='refund',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='refundbatch',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
            ],
            database_operations=[],
        ),
    ]
