from django.db import migrations, models
from django.db.models import F


def chargebacks_withdrew_their_amount(apps, schema_editor):
    """Until now a chargeback always withdrew its whole amount."""
    Dispute = apps.get_model("refunds", "Dispute")
    (Dispute.objects.exclude(status__startswith="warning_")
     .update(amount_withdrawn=F("amount")))


class Migration(migrations.Migration):

    dependencies = [
        ('refunds', '0007_dispute_inquiry_under_review'),
    ]

    operations = [
        migrations.AddField(
            model_name='dispute',
            name='amount_withdrawn',
            field=models.BigIntegerField(default=0),
        ),
        migrations.RunPython(chargebacks_withdrew_their_amount, migrations.RunPython.noop),
    ]
