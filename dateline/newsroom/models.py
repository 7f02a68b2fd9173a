"""The newsroom's content model: home page, sections, articles, authors and tags.

An article's primary section is its parent page, so its URL is `/<section>/<slug>/`; further sections are
chosen in the editor. What a page shows besides its own fields comes from `contexts.py` (registered in
`apps.py`), which reads through `selectors.py`; the models import neither.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import register_converter
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, TitleFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model_string
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from dateline.core.blocks import BodyBlock
from dateline.core.forms import NewsroomTimeForm, SiteRootChildForm
from dateline.core.pages import RegisteredContextMixin, ViewRestrictionsMemoMixin
from dateline.core.publishing import PublishGuardMixin
from dateline.newsroom.forms import ArticlePageForm

# Republishing within this time of the first publication is not announced as an update.
UPDATE_NOTICE_AFTER = dt.timedelta(minutes=30)


# Set on the request by the home page's author and tag routes, which show none of the front page:
# (route name, slug). The page's context builder (`newsroom.contexts`) reads it.
HOME_ROUTE = "_dateline_home_route"


class UnicodeSlugConverter:
    """Match a slug in any script: taggit makes "δοκιμή" of a Greek tag, which `<slug:>` would 404."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        """Return the slug as it is stored."""
        return value

    def to_url(self, value: str) -> str:
        """Return the slug for a URL (Django percent-encodes it where needed)."""
        return value


register_converter(UnicodeSlugConverter, "uslug")


def tag_path(slug: str) -> str:
    """Return the path of a tag's page, served by the home page at /tags/<slug>/.

    A slug in another script is percent-encoded (`iri_to_uri`), as sitemaps and feeds require.
    """
    return iri_to_uri(f"/tags/{slug}/")


class HomePage(
    PublishGuardMixin, RegisteredContextMixin, ViewRestrictionsMemoMixin, RoutablePageMixin, Page
):
    """The front page: latest stories and the latest few per section; serves author and tag pages."""

    intro = models.TextField(blank=True, help_text="A line under the site name on the front page.")

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "featured_items",
            heading="Top stories",
            label="Top story",
            max_num=5,
            help_text="Stories the editors lead the front page with, in order.",
        ),
    ]
    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    base_form_class = NewsroomTimeForm

    class Meta:
        verbose_name = "home page"

    @path("authors/<slug:slug>/", name="author")
    def author_view(self, request, slug: str):
        """Serve an author's page: their bio and their articles, newest first (404 if unknown)."""
        setattr(request, HOME_ROUTE, ("author", slug))
        return self.render(request, template="newsroom/author_page.html")

    @path("tags/<uslug:slug>/", name="tag")
    def tag_view(self, request, slug: str):
        """Serve a tag's page: the articles carrying the tag, newest first (404 if unknown)."""
        setattr(request, HOME_ROUTE, ("tag", slug))
        return self.render(request, template="newsroom/tag_page.html")


class HomeTopStory(Orderable):
    """A story the editors chose to lead the front page with."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_items")
    article = models.ForeignKey("newsroom.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("article")]


class SectionPage(PublishGuardMixin, RegisteredContextMixin, ViewRestrictionsMemoMixin, Page):
    """A section such as "China News": its own listing, newest first, paginated."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    # A section may hold sections ("World" > "Europe"), as imported category trees do.
    parent_page_types = ["newsroom.HomePage", "newsroom.SectionPage"]
    subpage_types = ["newsroom.ArticlePage", "newsroom.SectionPage"]
    base_form_class = SiteRootChildForm

    class Meta:
        verbose_name = "section"


@register_snippet
# The type checker cannot see Wagtail's Orderable (ArticleAuthor), so not `author.article_links`.
class Author(index.Indexed, models.Model):  # type: ignore[django-manager-missing]
    """A writer credited on articles, with a page of their own at /authors/<slug>/."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=False)
    bio = models.TextField("short bio", blank=True)
    photo = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("bio"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name) or f"author-{timezone.now():%Y%m%d%H%M%S}"
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """Return the author's page, served by the home page at /authors/<slug>/."""
        return f"/authors/{self.slug}/"


class ArticlePageTag(TaggedItemBase):
    """The link between an article and one of its tags."""

    content_object = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ArticleAuthor(Orderable):
    """One author of an article, in byline order."""

    page = ParentalKey(
        "newsroom.ArticlePage", on_delete=models.CASCADE, related_name="article_authors"
    )
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="article_links")

    panels = [FieldPanel("author")]


class ArticlePage(PublishGuardMixin, RegisteredContextMixin, ViewRestrictionsMemoMixin, Page):
    """A news story. Its parent is its primary section; the headline is the page title."""

    standfirst = models.TextField(blank=True, help_text="One or two sentences under the headline.")
    body = StreamField(BodyBlock(), blank=True)
    lead_image = models.ForeignKey(
        get_image_model_string(), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lead_image_caption = models.CharField(max_length=400, blank=True)
    lead_image_credit = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        help_text="Shown to readers. Leave blank to use the time of first publication; set it for "
        "backdated stories.",
    )
    updated_at = models.DateTimeField(
        "last updated",
        null=True,
        blank=True,
        help_text="Shown as 'Updated' when later than the publication date. Leave blank to use the "
        "time of the latest publication.",
    )
    embargo_until = models.DateTimeField(
        "embargoed until",
        null=True,
        blank=True,
        help_text="Until this time the story is nowhere a reader or machine could find it (pages, "
        "lists, feeds, sitemaps, search, Related News), even if it is published early by "
        "mistake: publishing schedules it for this time, and it goes live then everywhere at once.",
    )
    additional_sections = ParentalManyToManyField(
        "newsroom.SectionPage",
        blank=True,
        related_name="secondary_articles",
        help_text="Further sections this story appears in, besides the one it is filed under.",
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    # Wagtail's scheduling field (DraftStateMixin), named here for the type checker.
    go_live_at: dt.datetime | None

    content_panels = [
        # Wagtail's title panel: typing the headline fills the slug, as on every Wagtail page.
        TitleFieldPanel("title", heading="Headline"),
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading="Lead image",
        ),
        FieldPanel("body"),
        InlinePanel("article_authors", heading="Authors", label="Author", min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("additional_sections", widget=forms.CheckboxSelectMultiple),
                FieldPanel("tags"),
            ],
            heading="Sections and tags",
        ),
        MultiFieldPanel(
            [FieldPanel("published_at"), FieldPanel("updated_at"), FieldPanel("embargo_until")],
            heading="Dates",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.FilterField("published_at"),
    ]
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = "article"
        indexes = [models.Index(fields=["-published_at"], name="article_published_desc")]

    def clean(self) -> None:
        """Hold an embargoed story until its embargo: its go-live time is never earlier.

        So publishing it before then schedules it for the embargo (Wagtail's go-live), whoever
        presses Publish and whatever schedule they set. A story already live cannot be
        embargoed: readers have seen it.
        """
        super().clean()
        embargo = self.embargo_until
        if embargo is None or embargo <= timezone.now():
            return
        if self.live:
            raise ValidationError(
                {
                    "embargo_until": "This story is already published: an embargo can only hold "
                    "a story readers have not seen. Unpublish it first, or leave this empty."
                }
            )
        if self.go_live_at is None or self.go_live_at < embargo:
            self.go_live_at = embargo

    @property
    def embargoed(self) -> bool:
        """Return whether the story is under an embargo that has not lifted yet."""
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    def save(self, *args, **kwargs):
        # The reader-facing date defaults to the first publication and is then kept, so it does not
        # move when the story is edited and republished.
        if self.live and self.published_at is None:
            self.published_at = self.first_published_at or timezone.now()
        super().save(*args, **kwargs)

    @property
    def display_published_at(self) -> dt.datetime:
        """Return the date line's moment: the publication date, or for a draft (a preview) the time
        it is scheduled for, else now: when it would be published."""
        return self.published_at or self.first_published_at or self.go_live_at or timezone.now()

    @property
    def display_updated_at(self):
        """Return when the story last changed for readers: the editor's date or the last publication."""
        return self.updated_at or self.last_published_at

    @property
    def shows_update(self) -> bool:
        """Return whether readers should see an "Updated" line: a change well after publication."""
        updated = self.display_updated_at
        if updated is None or self.published_at is None:
            return False
        return updated - self.published_at > UPDATE_NOTICE_AFTER
