# Takedowns of pages with share links or preview tokens: every grant issued before one is void.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0010_scheduling'),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PageTakedown',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(choices=[('unpublished', 'unpublished'), ('expired', 'expired'), ('restricted', 'made private'), ('moved', 'moved'), ('deleted', 'deleted')], max_length=20)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('page', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
            ],
            options={
                'verbose_name': 'page takedown',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['page', '-at'], name='review_page_page_id_05a5ee_idx')],
            },
        ),
    ]
