"""The demo site: Editors and Moderators may import reviews from the admin.

`review_pages.import_reviews` (on the plugin's ReviewImport model, created by
`review_pages.0012_import_permission`) opens the admin's import page. What each group may
then do there follows its page permissions: Editors import drafts, Moderators may publish.
"""

from django.db import migrations

GROUPS = ["Editors", "Moderators"]


def import_permission(apps):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="review_pages", model="reviewimport"
    )
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="import_reviews",
        defaults={"name": "Can import reviews from plain-text files"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permission = import_permission(apps)
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    permission = import_permission(apps)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("reviewsite", "0002_editors_and_moderators"),
        ("review_pages", "0012_import_permission"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
