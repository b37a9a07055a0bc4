"""The database cache's table (`manage.py createcachetable`), made by `migrate`.

Without Redis, the development server and the task worker (`make run`), and gunicorn's
workers (`make serve`), share the database cache: a review the worker publishes at its
scheduled time must make the server's cached pages stale. Creating the table here means
`migrate` alone prepares any database the demo runs on; it does nothing for settings whose
caches are not database caches, and nothing when the table exists.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("reviewsite", "0003_import_permission")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
