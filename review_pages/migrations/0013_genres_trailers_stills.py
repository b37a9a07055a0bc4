# Reserved in the chain for this round's work; its operations are written with the change.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('review_pages', '0012_import_permission'),
    ]

    operations = []
