# The sync feed's log (SyncChange), what it last said of each review, person and studio
# (SyncState), and its clock and lock (SyncClock): review_pages.sync.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0013_genres_trailers_stills'),
    ]

    operations = [
        migrations.CreateModel(
            name='SyncClock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now, help_text='When the log began: a cursor of an earlier log (a restored database) is refused.')),
                ('swept_until', models.DateTimeField(help_text='Go-lives up to this time are in the log (later ones are looked for).')),
                ('writes', models.PositiveBigIntegerField(default=0, help_text='Bumped to take the lock.')),
            ],
            options={
                'verbose_name': 'sync clock',
            },
        ),
        migrations.CreateModel(
            name='SyncChange',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('kind', models.PositiveSmallIntegerField(choices=[(1, 'review'), (2, 'person'), (3, 'studio')])),
                ('object_id', models.PositiveBigIntegerField()),
                ('was_public', models.BooleanField()),
                ('public', models.BooleanField()),
                ('html_path', models.TextField(blank=True, help_text='Its path after the change (withdrawn: its last public path).')),
                ('previous_html_path', models.TextField(blank=True, help_text='Its path before the change, if it was public.')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'sync change',
                'indexes': [models.Index(fields=['kind', 'object_id', 'id'], name='review_pages_sync_entity')],
            },
        ),
        migrations.CreateModel(
            name='SyncState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.PositiveSmallIntegerField(choices=[(1, 'review'), (2, 'person'), (3, 'studio')])),
                ('object_id', models.PositiveBigIntegerField()),
                ('public', models.BooleanField(help_text='Whether the feed last said it is public.')),
                ('html_path', models.TextField(blank=True, help_text='Its path while public; once withdrawn, its last public path.')),
                ('credits', models.JSONField(blank=True, default=dict, help_text='A public review\'s {"people": [ids], "studios": [ids]}.')),
                ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('page_changed_at', models.DateTimeField(blank=True, help_text='People and studios: when what their filmography page shows last changed.', null=True)),
            ],
            options={
                'verbose_name': 'sync state',
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='review_pages_sync_state')],
            },
        ),
    ]
