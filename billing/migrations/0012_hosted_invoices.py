from django.db import migrations, models

from core.ids import random_token


def mint_hosted_tokens(apps, schema_editor):
    """Invoices finalized before hosted pages existed get their page's secret now."""
    Invoice = apps.get_model("billing", "Invoice")
    pending = Invoice.objects.filter(hosted_token__isnull=True).exclude(status="draft")
    for invoice in pending.only("pk").iterator():
        Invoice.objects.filter(pk=invoice.pk).update(hosted_token=random_token(40))


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0011_subscription_anchor'),
    ]

    operations = [
        migrations.AddField(
            model_name='invoice',
            name='hosted_token',
            field=models.CharField(blank=True, max_length=60, null=True, unique=True),
        ),
        migrations.RunPython(mint_hosted_tokens, migrations.RunPython.noop),
    ]
