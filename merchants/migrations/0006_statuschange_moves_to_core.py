"""StatusChange now lives in the core app (its 0001 took it over, table and all): it leaves
merchants' state, and its table stays.

Core's model keeps the merchant as a plain `merchant_id` column (core sits below merchants),
so the one thing of the table that changes is the foreign key's constraint, which such a
column cannot declare: it is dropped here, so the database is what the models say it is (a
later migration of the table, which SQLite runs by rebuilding it from the models, would
otherwise drop it there and leave it in PostgreSQL). The column, its type and its indexes
are untouched; PostgreSQL drops the constraint without rewriting the table."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0001_initial'),
        ('merchants', '0005_drop_refund_approval_threshold'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='StatusChange',
                ),
            ],
            database_operations=[
                migrations.AlterField(
                    model_name='statuschange',
                    name='merchant',
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='merchants.merchant'),
                ),
            ],
        ),
    ]
