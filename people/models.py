"""People and studios credited on reviews: shared snippet libraries."""

from django.db import connection, models
from django.db.models import Q
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from .naming import FreeSlugs, accent_and_case_folded, normalise_name


def slug_key():
    """How the database compares slugs: exactly, or ignoring accents and case (MySQL and
    MariaDB's default collations), so that "zoe-marchetti" and "zoë-marchetti" collide."""
    return accent_and_case_folded if connection.vendor == "mysql" else None


def slugs_starting_with(base: str) -> Q:
    """The slugs that may collide with `base` or its numbered forms, compared as the
    database compares them (Django's `startswith` is binary on MySQL)."""
    if connection.vendor == "mysql":
        return Q(slug__istartswith=base)
    return Q(slug__startswith=base)


class CreditedEntity(index.Indexed, models.Model):
    """A named thing that reviews credit; its slug is made once from the name."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text="Used in the filmography address; made from the name when left blank.",
    )
    match_name = models.CharField(
        max_length=255,
        db_index=True,
        editable=False,
        help_text="Normalised name under which imports find this entry again.",
    )

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("name"),  # so that the APIs can order search results by name
        index.FilterField("slug"),
        # The APIs search only people and studios credited on a live public review: a filter
        # on the id (and an order by it).
        index.FilterField("id"),
    ]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = " ".join(self.name.split())
        self.match_name = normalise_name(self.name)
        if not self.slug:
            self.slug = self.unique_slug(self.name)
        super().save(*args, **kwargs)

    @classmethod
    def unique_slug(cls, name: str, taken: set[str] | None = None) -> str:
        """A slug not yet used: "ana-de-armas", then "ana-de-armas-2", ...

        `taken` lets bulk code reserve slugs it has not saved yet.
        """
        base = cls.slug_base(name)
        candidates = cls.objects.filter(slugs_starting_with(base)).values_list("slug", flat=True)
        return FreeSlugs([*candidates, *(taken or ())], key=slug_key()).take(base)

    @classmethod
    def slug_base(cls, name: str) -> str:
        """The slug a name asks for, before any "-2" that keeps it unique."""
        return slugify(name, allow_unicode=True)[:240] or cls._meta.model_name


class Person(CreditedEntity):
    bio = RichTextField(blank=True, features=["bold", "italic", "link"])
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]

    class Meta(CreditedEntity.Meta):
        verbose_name = "person"
        verbose_name_plural = "people"


class Studio(CreditedEntity):
    website = models.URLField(blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("logo"),
    ]

    class Meta(CreditedEntity.Meta):
        verbose_name = "studio"
        verbose_name_plural = "studios"
