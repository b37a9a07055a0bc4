"""The review editor's form: publishing rules and credit checks next to their fields."""

from django.forms.utils import ErrorList
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.utils import get_user_display_name
from wagtail.blocks import StreamBlockValidationError

from .conf import reviews_settings
from .rules import BodyCaps, body_cost_problems, body_publication_problems

CREDIT_FORMSETS = {
    "directors": "person",
    "writers": "person",
    "cast": "person",
    "production_companies": "studio",
    "genres": "genre",
}


class ReviewPageForm(WagtailAdminPageForm):
    def is_publishing(self) -> bool:
        """Publishing, submitting for moderation or approving: the review must be complete.

        Saving a draft is allowed with an incomplete body.
        """
        data = self.data
        return bool(
            data.get("action-publish")
            or data.get("action-submit")
            or (
                data.get("action-workflow-action") and data.get("workflow-action-name") == "approve"
            )
        )

    def clean(self):
        slug = self.cleaned_data.get("slug")  # Wagtail's clean drops it when it is taken
        cleaned_data = super().clean()
        self.offer_existing_draft(slug)
        self.check_duplicate_credits()
        body = cleaned_data.get("body")
        if "body" not in self.errors and body is not None:
            # What a body may cost holds for every save, a draft's too (its revisions are
            # stored and previewed); the publishing rules when it is to go live.
            caps = BodyCaps.from_settings(reviews_settings)
            problems = body_cost_problems(body.get_prep_value(), caps)
            if self.is_publishing():
                problems += body_publication_problems([child.block_type for child in body])
            if problems:
                self.add_error(
                    "body", StreamBlockValidationError(non_block_errors=ErrorList(problems))
                )
        return cleaned_data

    def offer_existing_draft(self, slug: str | None) -> None:
        """A new review whose headline (slug) is taken by a draft under the same index: the
        headline's error offers that draft, in place of Wagtail's "The slug ... is already
        in use".

        Wagtail 8's editor autosaves a new page: its first autosave runs the create view's
        save action, which adds the page as a draft. An editor who starts a review, leaves,
        and starts it again meets that draft as a taken slug, with no way to it.
        """
        if self.instance.pk is not None or self.parent_page is None or not slug:
            return
        if "slug" not in self.errors:
            return
        draft = (
            self.parent_page.get_children()
            .filter(slug=slug, live=False)
            .select_related("owner")
            .first()
        )
        if draft is None:  # a live page has it: Wagtail's error stands
            return
        what = "A draft" if draft.first_published_at is None else "An unpublished review"
        user = self.for_user  # None for a form made outside the admin's views
        started = ""
        if draft.owner_id:
            mine = user is not None and draft.owner_id == user.pk
            started = f", started by {'you' if mine else get_user_display_name(draft.owner)}"
        if user is not None and draft.permissions_for_user(user).can_edit():
            message = format_html(
                '{} with this headline already exists{}: <a href="{}">continue editing it</a>.',
                what,
                started,
                reverse("wagtailadmin_pages:edit", args=(draft.pk,)),
            )
        else:
            message = (
                f"{what} with this headline already exists{started}: "
                "ask an editor who may edit it to continue it, or change this headline."
            )
        del self.errors["slug"]
        self.add_error("title" if "title" in self.fields else "slug", message)

    def check_duplicate_credits(self) -> None:
        """The same person (or studio, or genre) twice in one list: an error on the repeat."""
        for relation, field_name in CREDIT_FORMSETS.items():
            formset = self.formsets.get(relation)
            if formset is None:
                continue
            # The page form is cleaned before its formsets: clean this one now so its
            # rows have cleaned_data (formset.is_valid() caches, so this costs nothing more).
            formset.is_valid()
            seen = set()
            for form in formset.forms:
                if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                    continue
                credited = form.cleaned_data.get(field_name)
                if credited is None:
                    continue
                if credited.pk in seen:
                    once = (
                        "give each genre once" if field_name == "genre" else "credit each one once"
                    )
                    form.add_error(field_name, f"{credited} is already in this list; {once}.")
                seen.add(credited.pk)
