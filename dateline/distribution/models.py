"""Site settings for distribution: feed content, publisher identity and search-engine hints."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images import get_image_model_string

from dateline.core.memo import MemoisedSiteSetting


@register_setting(icon="rss")
class DistributionSettings(MemoisedSiteSetting, BaseSiteSetting):
    """How the site presents itself to feed readers, search engines and social networks."""

    select_related = ["publisher_logo"]

    feed_full_text = models.BooleanField(
        "full text in feeds",
        default=True,
        help_text="Send the whole story in RSS, Atom and JSON Feed; otherwise only its summary.",
    )
    feed_length = models.PositiveSmallIntegerField(
        "stories per feed",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    publication_name = models.CharField(
        max_length=100,
        blank=True,
        help_text="The name Google News knows the publication by. Blank: the site name.",
    )
    news_language = models.CharField(
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(r"^[a-z]{2,3}(-[a-z]{2,4})?$", "An ISO 639 code, e.g. en or zh-cn.")
        ],
        help_text="Language of the stories (ISO 639, e.g. en, de, zh-cn). Blank: from LANGUAGE_CODE.",
    )
    publisher_logo = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The publisher's logo in structured data (wide, at most 600×60 px is shown).",
    )
    twitter_site = models.CharField(
        "X/Twitter account",
        max_length=16,
        blank=True,
        validators=[RegexValidator(r"^@?\w{1,15}$", "An account name such as @dateline.")],
    )
    thin_tag_minimum = models.PositiveSmallIntegerField(
        "stories for an indexed tag page",
        default=3,
        help_text="Tag pages with fewer published stories ask search engines not to index them.",
    )

    panels = [
        MultiFieldPanel([FieldPanel("feed_full_text"), FieldPanel("feed_length")], heading="Feeds"),
        MultiFieldPanel(
            [
                FieldPanel("publication_name"),
                FieldPanel("news_language"),
                FieldPanel("publisher_logo"),
                FieldPanel("twitter_site"),
            ],
            heading="Publisher",
        ),
        MultiFieldPanel([FieldPanel("thin_tag_minimum")], heading="Search engines"),
    ]

    class Meta:
        verbose_name = "distribution settings"
