"""Editors and Moderators groups, and the "Review moderation" workflow on the reviews.

Editors create and edit reviews, people and studios and submit reviews for moderation;
they cannot publish. Moderators can also publish, unpublish and approve. Wagtail's own
migrations already create groups with these names on a fresh install; this makes sure
they hold exactly what the publication needs on any database, fresh or not.

Page permissions go on the review index page; where no index page exists yet (a database
whose tree was changed by hand), on the root page, which covers the whole tree.
"""

from django.db import migrations

PAGE_PERMISSIONS = {
    "Editors": ["add_page", "change_page"],
    "Moderators": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
CREDIT_PERMISSIONS = [
    ("people", "person", "add"),
    ("people", "person", "change"),
    ("people", "studio", "add"),
    ("people", "studio", "change"),
]
IMAGE_PERMISSIONS = ["add_image", "choose_image"]
WORKFLOW_NAME = "Review moderation"
TASK_NAME = "Moderators approve the review"


def permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    found, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return found


def create_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    ContentType = apps.get_model("contenttypes.ContentType")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    ReviewIndexPage = apps.get_model("review_pages.ReviewIndexPage")

    index = ReviewIndexPage.objects.order_by("path").first()
    target = (
        Page.objects.get(pk=index.pk) if index else Page.objects.filter(depth=1).first()
    )
    root_collection = Collection.objects.filter(depth=1).first()
    access_admin = permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")

    groups = {}
    for group_name, page_codenames in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        groups[group_name] = group
        group.permissions.add(access_admin)
        for app_label, model, action in CREDIT_PERMISSIONS:
            group.permissions.add(
                permission(apps, app_label, model, f"{action}_{model}", f"Can {action} {model}")
            )
        if target is not None:
            for codename in page_codenames:
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=target,
                    permission=permission(apps, "wagtailcore", "page", codename, codename),
                )
        if root_collection is not None:
            for codename in IMAGE_PERMISSIONS:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection=root_collection,
                    permission=permission(apps, "wagtailimages", "image", codename, codename),
                )

    if target is None:
        return
    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.add(groups["Moderators"])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=target, defaults={"workflow": workflow})


def remove_workflow(apps, schema_editor):
    """Unassigns and deletes the workflow; the groups stay (Wagtail's migrations made them)."""
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowPage.objects.filter(workflow__name=WORKFLOW_NAME).delete()
    Workflow.objects.filter(name=WORKFLOW_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review_pages", "0003_editor_help_texts"),
        ("people", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups_and_workflow, remove_workflow)]
