"""StatusChange moves here from merchants/, its table (`merchants_statuschange`), columns and
indexes' names unchanged: the model is created in this app's state only, and merchants' 0006
deletes it from merchants' state (dropping, in the database, only the foreign key's
constraint, which core's plain `merchant_id` cannot declare). No row is copied or touched.

The content type moves too (`merchants.statuschange` becomes `core.statuschange`), so
permissions granted on status changes keep pointing at them."""

import django.utils.timezone
from django.db import migrations, models


def _content_type_move(apps, *, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # Left alone if the target exists already (a content type made by hand): the unique
    # (app_label, model) would refuse the move.
    if not ContentType.objects.filter(app_label=target, model="statuschange").exists():
        ContentType.objects.filter(app_label=source, model="statuschange").update(
            app_label=target)


def content_type_to_core(apps, schema_editor):
    _content_type_move(apps, source="merchants", target="core")


def content_type_to_merchants(apps, schema_editor):
    _content_type_move(apps, source="core", target="merchants")


class Migration(migrations.Migration):

    initial = True

    # merchants made the table (its 0002); this app only takes the model over.
    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('merchants', '0005_drop_refund_approval_threshold'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='StatusChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('merchant_id', models.CharField(db_index=True, max_length=40)),
                        ('livemode', models.BooleanField()),
                        ('object_id', models.CharField(max_length=40)),
                        ('source', models.CharField(max_length=40)),
                        ('target', models.CharField(max_length=40)),
                        ('at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.CharField(max_length=60)),
                        ('request_id', models.CharField(blank=True, max_length=200, null=True)),
                    ],
                    options={
                        'db_table': 'merchants_statuschange',
                        'indexes': [models.Index(fields=['object_id', 'at'], name='status_change_object')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_core, content_type_to_merchants),
    ]
