"""The created/at defaults come from core's clock (`core.clock.now`: a bound time, else the
wall clock). A Python-side default is nothing in the database, so this changes the models'
state only: PostgreSQL would run nothing for it, and SQLite would rebuild each table."""

import core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('merchants', '0006_statuschange_moves_to_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='apikey',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='membership',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
                migrations.AlterField(
                    model_name='merchant',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
            ],
            database_operations=[],
        ),
    ]
