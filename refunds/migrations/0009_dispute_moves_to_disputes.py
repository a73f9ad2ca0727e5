"""Dispute now lives in the disputes app (its 0001 took it over, table and all): it leaves
refunds' state only; its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0001_initial'),
        ('refunds', '0008_dispute_amount_withdrawn'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Dispute',
                ),
            ],
            database_operations=[],
        ),
    ]
