# Reserved in the chain for this round's work; its operations are written with the change.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0009_featured_and_release_date_indexes'),
    ]

    operations = []
