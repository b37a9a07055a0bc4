"""Where a person or studio is still used, live or in a draft, so deleting it is refused.

Wagtail's reference index records the references held by each object's saved rows (a
review's credits, its `author`, the performers chosen in its sections). A review's
unpublished draft lives only in its latest revision, so those drafts are read as well:
deleting someone named only in a draft would break that draft when it is published.
Nothing here knows about reviews; any page or snippet that references the object counts.
"""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.models import Page, ReferenceIndex, Revision

Key = tuple[int, str]  # (content type id, object id), as the reference index keys objects


def draft_references() -> dict[Key, set[Key]]:
    """What the unpublished drafts of pages reference -> those pages (base content type id,
    object id). One revision load per page with unpublished changes: read once per request,
    however many objects are checked against it."""
    drafts = Revision.objects.filter(
        pk__in=Page.objects.filter(has_unpublished_changes=True).values("latest_revision_id")
    )
    referenced_by: dict[Key, set[Key]] = defaultdict(set)
    for revision in drafts:
        source = (revision.base_content_type_id, str(revision.object_id))
        # Private Wagtail API (no public one reads an unsaved object's references), pinned by
        # tests/plugin/test_compat.py.
        references = ReferenceIndex._extract_references_from_object(revision.as_object())
        for type_id, object_id, *_ in references:
            referenced_by[(type_id, str(object_id))].add(source)
    return referenced_by


def referencing_names(target: models.Model, drafts: dict[Key, set[Key]] | None = None) -> list[str]:
    """Sorted names of the objects (reviews, for credits) that reference `target`, saved or
    in a draft (`drafts`: `draft_references()`, when checking several targets)."""
    sources = set(
        ReferenceIndex.get_references_to(target)
        .values_list("base_content_type_id", "object_id")
        .distinct()
    )
    drafts = draft_references() if drafts is None else drafts
    sources |= drafts.get((ContentType.objects.get_for_model(target).pk, str(target.pk)), set())
    ids_by_type = defaultdict(set)
    for content_type_id, object_id in sources:
        ids_by_type[content_type_id].add(object_id)
    names = set()
    for content_type_id, object_ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        for source in model._default_manager.filter(pk__in=object_ids):
            names.add(getattr(source, "draft_title", None) or str(source))
    return sorted(names)


def refusal_message(target: models.Model, names: list[str]) -> str:
    kind = target._meta.verbose_name
    listed = "; ".join(f"“{name}”" for name in names)
    return (
        f"{kind.capitalize()} “{target}” cannot be deleted: still credited on {listed}. "
        f"Remove the credit from each review first."
    )
