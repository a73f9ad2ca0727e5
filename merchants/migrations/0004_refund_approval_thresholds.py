# The approval threshold becomes one per currency; refunds' 0011 carries the old single
# threshold over and merchants' 0005 drops it. The column has a database default so that
# code that does not know it (the old release, during a deploy) can still add merchants.

import merchants.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('merchants', '0003_merchant_refund_approval_threshold'),
    ]

    operations = [
        migrations.AddField(
            model_name='merchant',
            name='refund_approval_thresholds',
            field=models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict, help_text='Per currency, the amount in minor units above which refunds wait for an owner\'s or admin\'s approval, e.g. {"usd": 5000}. A currency left out: its refunds never wait.', validators=[merchants.models.approval_thresholds_validate]),
        ),
    ]
