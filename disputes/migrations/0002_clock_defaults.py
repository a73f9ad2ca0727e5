"""The created/at defaults come from core's clock (`core.clock.now`: a bound time, else the
wall clock). A Python-side default is nothing in the database, so this changes the models'
state only: PostgreSQL would run nothing for it, and SQLite would rebuild each table."""

import core.clock
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='dispute',
                    name='created',
                    field=models.DateTimeField(default=core.clock.now),
                ),
            ],
            database_operations=[],
        ),
    ]
