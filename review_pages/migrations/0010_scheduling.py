# Scheduled go-live and expiry as tasks: the periodic sweep's one row.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0009_featured_and_release_date_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScheduleSweep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(default='sweep', max_length=40, unique=True)),
                ('next_run_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'verbose_name': 'schedule sweep',
            },
        ),
    ]
