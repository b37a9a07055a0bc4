"""The short forms for adding a person or studio from a chooser, without leaving a review."""

from django import forms

from .models import Person, Studio
from .naming import normalise_name


class QuickCreateForm(forms.ModelForm):
    """Name only; refuses a name already in the library, so the chooser finds it instead."""

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        existing = self._meta.model.objects.filter(match_name=normalise_name(name)).first()
        if existing is not None:
            raise forms.ValidationError(
                f"“{existing}” is already in the library: search for it and choose it."
            )
        return name


class PersonCreationForm(QuickCreateForm):
    class Meta:
        model = Person
        fields = ["name"]
        help_texts = {"name": "As credited, e.g. Ana de Armas. Add a bio and photo later."}


class StudioCreationForm(QuickCreateForm):
    class Meta:
        model = Studio
        fields = ["name"]
        help_texts = {"name": "As credited, e.g. Lionsgate. Add the website and logo later."}
