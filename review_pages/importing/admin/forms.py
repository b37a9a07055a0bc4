"""The import page's form: the files, the review index they go under, and whether to publish."""

from __future__ import annotations

from django import forms
from django.conf import settings

from ...conf import reviews_settings
from ...models import ReviewIndexPage
from .access import may_publish_under


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way); an empty file is kept, for the
    importer to refuse it like any other ("empty file")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label="Review files",
        required=False,  # clean_files says what is missing, in the editor's words
        help_text="Plain-text reviews (.txt, UTF-8), one review per file; several at once.",
    )
    index = forms.ModelChoiceField(
        label="Review index",
        queryset=ReviewIndexPage.objects.none(),
        required=False,  # defaults to the only one there is
        empty_label=None,
        help_text="The reviews go under this page.",
    )
    publish = forms.BooleanField(
        label="Publish the reviews",
        required=False,
        help_text="Otherwise they are saved as drafts (a changed live review keeps its "
        "live version).",
    )

    def __init__(self, *args, user, indexes: list[ReviewIndexPage], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.indexes = indexes
        self.fields["index"].queryset = ReviewIndexPage.objects.filter(
            pk__in=[index.pk for index in indexes]
        ).order_by("path")
        if indexes:
            self.fields["index"].initial = indexes[0].pk
        #: The indexes the user may publish under: the checkbox is offered when there is one.
        self.publishable = [index for index in indexes if may_publish_under(user, index)]

    @property
    def offers_publish(self) -> bool:
        return bool(self.publishable)

    max_files = property(lambda self: max_files())
    inline_max_files = property(lambda self: reviews_settings.IMPORT_INLINE_MAX_FILES)

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose one or more review files (.txt) to import.")
        if len(files) > max_files():
            raise forms.ValidationError(too_many_files_message(len(files)))
        return files

    def clean_index(self):
        index = self.cleaned_data["index"]
        if index is None:
            if len(self.indexes) != 1:
                raise forms.ValidationError("Choose the review index to import under.")
            index = self.indexes[0]
        return index

    def clean(self):
        cleaned = super().clean()
        index = cleaned.get("index")
        if cleaned.get("publish") and index is not None and index not in self.publishable:
            self.add_error(
                "publish" if self.offers_publish else None,
                f"You may not publish reviews under “{index.title}”: import them as drafts "
                "(without Publish), for a moderator to publish.",
            )
        return cleaned


def max_files() -> int:
    """IMPORT_MAX_FILES, or Django's DATA_UPLOAD_MAX_NUMBER_FILES when that is lower (Django
    refuses the upload before the plugin sees it)."""
    django_limit = getattr(settings, "DATA_UPLOAD_MAX_NUMBER_FILES", None)
    limit = reviews_settings.IMPORT_MAX_FILES
    return min(limit, django_limit) if django_limit else limit


def too_many_files_message(count: int | None = None) -> str:
    limit = max_files()
    many = f"{count:,} files are" if count else "That is"
    return (
        f"{many} more than one upload may hold (at most {limit:,}): import them in several "
        "uploads, or a whole folder with `manage.py import_reviews`."
    )
