"""People and studios credited on reviews: shared snippet libraries."""

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from .identifiers import IMDB_NAME, WIKIDATA, IdentifierKind
from .naming import FreeSlugs, accent_and_case_folded, normalise_name


def clean_identifiers(instance, kinds: dict[str, IdentifierKind], cleaners=None) -> None:
    """Reduce each identity field of `instance` to its id (an editor may paste the page
    address) and raise a ValidationError naming each field whose value is not one."""
    errors = {}
    for field_name, kind in kinds.items():
        clean = (cleaners or {}).get(field_name, kind.clean)
        value = clean(getattr(instance, field_name) or "")
        setattr(instance, field_name, value)
        if value and not kind.is_valid(value):
            errors[field_name] = kind.message
    if errors:
        raise ValidationError(errors)


def identity_links(instance) -> list[tuple[str, str]]:
    """(site name, page address) of each identity set on `instance` (its `IDENTIFIERS`)."""
    return [
        (kind.site, kind.url(getattr(instance, name)))
        for name, kind in instance.IDENTIFIERS.items()
        if getattr(instance, name)
    ]


def identity_urls(instance) -> list[str]:
    """The page addresses of the identities set on `instance`, for schema.org's `sameAs`."""
    return [url for _, url in identity_links(instance)]


def identifier_field(kind: IdentifierKind, help_text: str) -> models.CharField:
    # Room for a pasted page address, which `clean_identifiers` reduces to the id.

    return models.CharField(
        f"{kind.label} id", max_length=100, blank=True, db_index=True, help_text=help_text
    )


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
    imdb_id = identifier_field(
        IMDB_NAME, "Optional: the person's IMDb id, e.g. nm0000151 (or their IMDb address)."
    )
    wikidata_id = identifier_field(
        WIKIDATA, "Optional: the person's Wikidata item, e.g. Q42 (or its address)."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        MultiFieldPanel([FieldPanel("imdb_id"), FieldPanel("wikidata_id")], heading="Identities"),
    ]

    IDENTIFIERS = {"imdb_id": IMDB_NAME, "wikidata_id": WIKIDATA}

    class Meta(CreditedEntity.Meta):
        verbose_name = "person"
        verbose_name_plural = "people"

    def clean(self):
        super().clean()
        clean_identifiers(self, self.IDENTIFIERS)

    #: Addresses of this person elsewhere (schema.org `sameAs`), and as links.
    same_as = property(identity_urls)
    elsewhere = property(identity_links)


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
