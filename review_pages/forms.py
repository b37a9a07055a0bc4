"""The review editor's form: publishing rules and credit checks next to their fields."""

from django.forms.utils import ErrorList
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import StreamBlockValidationError

from .conf import reviews_settings
from .rules import BodyCaps, body_cost_problems, body_publication_problems

CREDIT_FORMSETS = {
    "directors": "person",
    "writers": "person",
    "cast": "person",
    "production_companies": "studio",
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
        cleaned_data = super().clean()
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

    def check_duplicate_credits(self) -> None:
        """The same person (or studio) twice in one credit list: an error on the repeat."""
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
                    form.add_error(
                        field_name,
                        f"{credited} is already in this list; credit each one once.",
                    )
                seen.add(credited.pk)
