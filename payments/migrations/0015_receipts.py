from django.db import migrations, models

import payments.models
from core.ids import random_token


def mint_receipt_tokens(apps, schema_editor):
    """Charges made before receipt pages existed get their page's secret now."""
    Charge = apps.get_model("payments", "Charge")
    for charge in Charge.objects.filter(receipt_token__isnull=True).only("pk").iterator():
        Charge.objects.filter(pk=charge.pk).update(receipt_token=random_token(40))


class Migration(migrations.Migration):

    dependencies = [
        ('payments', '0014_customer_discount'),
    ]

    operations = [
        migrations.AddField(
            model_name='charge',
            name='receipt_token',
            field=models.CharField(blank=True, max_length=60, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='charge',
            name='receipt_number',
            field=models.CharField(blank=True, max_length=9, null=True),
        ),
        migrations.RunPython(mint_receipt_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='charge',
            name='receipt_token',
            field=models.CharField(blank=True, default=payments.models.new_receipt_token,
                                   max_length=60, null=True, unique=True),
        ),
        migrations.AddConstraint(
            model_name='charge',
            constraint=models.UniqueConstraint(
                condition=models.Q(('receipt_number__isnull', False)),
                fields=('merchant', 'livemode', 'receipt_number'),
                name='charge_receipt_number_unique'),
        ),
    ]
