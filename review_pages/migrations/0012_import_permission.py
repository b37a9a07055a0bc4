# The admin's imports: uploaded batches and their files, and the permission
# `review_pages.import_reviews` that opens the import page (on ReviewImport's Meta).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0011_share_link_takedown'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        migrations.swappable_dependency(settings.WAGTAIL_PAGE_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReviewImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('publish', models.BooleanField(default=False)),
                ('state', models.CharField(choices=[('queued', 'queued'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='queued', max_length=10)),
                ('error', models.TextField(blank=True, help_text='Why the batch stopped, when it failed.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('index_page', models.ForeignKey(help_text='The review index the reviews go under.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='review_pages.reviewindexpage')),
                ('user', models.ForeignKey(blank=True, help_text='Who uploaded the files (the owner of new reviews, named in the history).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'review import',
                'ordering': ['-created_at', '-pk'],
                'permissions': [('import_reviews', 'Can import reviews from plain-text files')],
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='ReviewImportFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField()),
                ('name', models.CharField(max_length=255)),
                ('size', models.PositiveIntegerField(default=0)),
                ('content', models.BinaryField(blank=True, default=b'')),
                ('status', models.CharField(blank=True, max_length=20)),
                ('message', models.TextField(blank=True)),
                ('film_title', models.CharField(blank=True, max_length=255)),
                ('done_at', models.DateTimeField(blank=True, null=True)),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='review_pages.reviewimport')),
                ('page', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.WAGTAIL_PAGE_MODEL)),
            ],
            options={
                'verbose_name': 'review import file',
                'ordering': ['batch', 'position'],
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('batch', 'position'), name='review_import_file_position')],
            },
        ),
    ]
