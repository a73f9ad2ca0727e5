"""The created/at defaults come from core's clock (`core.clock.now`: a bound time, else the
wall clock). A Python-side default is nothing in the database, so this changes the models'
state only: PostgreSQL would run nothing for it, and SQLite would rebuild each table."""

import core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0005_payment_method_token'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='charge',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='customer',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='paymentintent',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='paymentmethod',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='setupintent',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='simulatedoperation',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
            ],
            database_operations=[],
        ),
    ]
