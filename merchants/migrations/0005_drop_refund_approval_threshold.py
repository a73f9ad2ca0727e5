from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("merchants", "0004_refund_approval_thresholds"),
        ("refunds", "0011_approval_thresholds_per_currency"),
    ]

    operations = [
        migrations.RemoveField(model_name="merchant", name="refund_approval_threshold"),
    ]
