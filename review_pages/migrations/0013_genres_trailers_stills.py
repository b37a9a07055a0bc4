# Genres (a snippet, several per review), the trailer's address and the stills of a review.

import django.db.models.deletion
import modelcluster.fields
import modelsearch.index
import wagtail.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0012_import_permission'),
        ('wagtailimages', '0027_image_description'),
    ]

    operations = [
        migrations.CreateModel(
            name='Genre',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255)),
                ('match_name', models.CharField(db_index=True, editable=False, help_text='Normalised name under which imports find this entry again.', max_length=255)),
                ('slug', models.SlugField(allow_unicode=True, blank=True, help_text="Used in the genre page's address; made from the name when left blank.", max_length=255, unique=True)),
                ('description', wagtail.fields.RichTextField(blank=True, help_text="Optional: a sentence or two shown at the top of the genre's page.")),
            ],
            options={
                'verbose_name': 'genre',
                'verbose_name_plural': 'genres',
                'ordering': ['name'],
                'abstract': False,
            },
            bases=(modelsearch.index.Indexed, models.Model),
        ),
        migrations.AlterField(
            model_name='reviewpage',
            name='featured',
            field=models.BooleanField(db_index=True, default=False, help_text='Lead the front page with this review (the newest featured one leads; without one, the newest review with a poster and a score does).'),
        ),
        migrations.AddField(
            model_name='reviewpage',
            name='trailer_url',
            field=models.CharField(blank=True, help_text="Optional: the trailer's YouTube or Vimeo address. Readers see the poster (or a still) with a play button; nothing loads from YouTube or Vimeo until they press it.", max_length=500, verbose_name='trailer'),
        ),
        migrations.CreateModel(
            name='ReviewStill',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('caption', models.CharField(blank=True, help_text='Optional: shown under the still.', max_length=255)),
                ('alt_text', models.CharField(help_text="What the still shows, for readers who cannot see it, e.g. 'Eve, bloodied, faces three attackers in a snowy square'.", max_length=255, verbose_name='alt text')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailimages.image', verbose_name='still')),
                ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='stills', to='review_pages.reviewpage')),
            ],
            options={
                'verbose_name': 'still',
                'verbose_name_plural': 'stills',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ReviewGenre',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sort_order', models.IntegerField(blank=True, editable=False, null=True)),
                ('genre', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='review_genres', to='review_pages.genre')),
                ('page', modelcluster.fields.ParentalKey(on_delete=django.db.models.deletion.CASCADE, related_name='genres', to='review_pages.reviewpage')),
            ],
            options={
                'verbose_name': 'genre',
                'verbose_name_plural': 'genres',
                'ordering': ['sort_order'],
                'abstract': False,
            },
        ),
    ]
