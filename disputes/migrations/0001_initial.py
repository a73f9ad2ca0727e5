"""Dispute moves here from refunds/, its table (`refunds_dispute`) and its indexes' and
constraint's names unchanged: the model is created in this app's state only, and refunds'
0009 deletes it from refunds' state only. No row is copied or touched.

The content type moves too (`refunds.dispute` becomes `disputes.dispute`), so permissions
granted on disputes and admin history keep pointing at them."""

import core.ids
import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.db import migrations, models


def _content_type_move(apps, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Left alone if the target exists already (a content type made by hand): the unique
    # (app_label, model) would refuse the move.
    if not ContentType.objects.filter(app_label=target, model="dispute").exists():
        ContentType.objects.filter(app_label=source, model="dispute").update(app_label=target)


def content_type_to_disputes(apps, schema_editor):
    _content_type_move(apps, source="refunds", target="disputes")


def content_type_to_refunds(apps, schema_editor):
    _content_type_move(apps, source="disputes", target="refunds")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('merchants', '0003_merchant_refund_approval_threshold'),
        ('payments', '0005_payment_method_token'),
        ('refunds', '0008_dispute_amount_withdrawn'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Dispute',
                    fields=[
                        ('livemode', models.BooleanField()),
                        ('created', models.DateTimeField(default=django.utils.timezone.now)),
                        ('metadata', models.JSONField(blank=True, default=dict)),
                        ('id', models.CharField(default=core.ids.IdFactory('dp'), editable=False, max_length=40, primary_key=True, serialize=False)),
                        ('amount', models.BigIntegerField()),
                        ('amount_withdrawn', models.BigIntegerField(default=0)),
                        ('currency', models.CharField(max_length=3)),
                        ('reason', models.CharField(choices=[('bank_cannot_process', 'Bank Cannot Process'), ('check_returned', 'Check Returned'), ('credit_not_processed', 'Credit Not Processed'), ('customer_initiated', 'Customer Initiated'), ('debit_not_authorized', 'Debit Not Authorized'), ('duplicate', 'Duplicate'), ('fraudulent', 'Fraudulent'), ('general', 'General'), ('incorrect_account_details', 'Incorrect Account Details'), ('insufficient_funds', 'Insufficient Funds'), ('product_not_received', 'Product Not Received'), ('product_unacceptable', 'Product Unacceptable'), ('subscription_canceled', 'Subscription Canceled'), ('unrecognized', 'Unrecognized')], default='general', max_length=40)),
                        ('status', models.CharField(choices=[('warning_needs_response', 'Warning Needs Response'), ('warning_under_review', 'Warning Under Review'), ('warning_closed', 'Warning Closed'), ('needs_response', 'Needs Response'), ('under_review', 'Under Review'), ('won', 'Won'), ('lost', 'Lost')], default='needs_response', max_length=50)),
                        ('evidence', models.JSONField(default=dict)),
                        ('due_by', models.DateTimeField(blank=True, null=True)),
                        ('submission_count', models.PositiveIntegerField(default=0)),
                        ('past_due', models.BooleanField(default=False)),
                        ('submitted_at', models.DateTimeField(blank=True, null=True)),
                        ('charge', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='disputes', to='payments.charge')),
                        ('merchant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='merchants.merchant')),
                        ('payment_intent', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='payments.paymentintent')),
                    ],
                    options={
                        'db_table': 'refunds_dispute',
                        'indexes': [models.Index(fields=['merchant', 'livemode', '-created', '-id'], name='dispute_list'), models.Index(fields=['charge', '-created'], name='dispute_charge'), models.Index(fields=['payment_intent', '-created'], name='dispute_payment_intent'), models.Index(condition=models.Q(('status__in', ['under_review', 'warning_under_review'])), fields=['submitted_at'], name='dispute_under_review'), models.Index(condition=models.Q(('status__in', ['needs_response', 'warning_needs_response'])), fields=['due_by'], name='dispute_awaiting_response')],
                        'constraints': [models.UniqueConstraint(fields=('charge',), name='dispute_one_per_charge')],
                    },
                    bases=(django_fsm.FSMModelMixin, models.Model),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_disputes, content_type_to_refunds),
    ]
