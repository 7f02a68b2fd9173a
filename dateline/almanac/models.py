"""The almanac: dated events from history that the On this day block and pages draw on.

Years are historical: 1983 is AD 1983, -44 is 44 BC, and there is no year 0. Only events an editor has
marked reviewed reach readers.
"""

from __future__ import annotations

import calendar
import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from dateline.almanac.days import days_in_month, year_label

TEXT_MAX_LENGTH = 500
WEIGHT_MAX = 10


def event_key(*, month: int, day: int, year: int, text: str) -> str:
    """Return the natural key of an event: its date and a digest of its text, case and spacing aside.

    Imports match on it, so re-importing a file (or a copy with different spacing) adds nothing.
    """
    normal = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
    digest = hashlib.sha1(normal.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]
    return f"{year}/{month:02d}/{day:02d}/{digest}"


_WEB_URL = URLValidator(schemes=["http", "https"])


def link_is_web(url: str) -> bool:
    """Return whether `url` is a valid absolute http or https address (what an event may link to)."""
    try:
        _WEB_URL(url)
    except ValidationError:
        return False
    return True


class EventTopic(TaggedItemBase):
    """The link between an event and one of its topics (tags shared with articles)."""

    content_object = ParentalKey("almanac.Event", on_delete=models.CASCADE, related_name="tagged")


class Event(ClusterableModel):
    """Something that happened on a calendar day of a given year, told in one short sentence."""

    class Status(models.TextChoices):
        NEW = "new", "Awaiting review"
        REVIEWED = "reviewed", "Reviewed"
        REJECTED = "rejected", "Rejected"

    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(31)])
    year = models.IntegerField(
        help_text="Negative for BC: -44 is 44 BC. There is no year 0.",
        validators=[MinValueValidator(-10000), MaxValueValidator(9999)],
    )
    text = models.CharField(
        max_length=TEXT_MAX_LENGTH,
        help_text="One sentence in the present tense, e.g. 'Apollo 11 lands on the Moon.'",
    )
    link = models.URLField("read more at", max_length=500, blank=True)
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the fact comes from, e.g. 'Wikipedia'."
    )
    topics = ClusterTaggableManager(through=EventTopic, blank=True)
    weight = models.PositiveSmallIntegerField(
        default=5,
        validators=[MaxValueValidator(WEIGHT_MAX)],
        help_text="0–10: how often the event leads the block on its day compared with the day's "
        "other events. 0 lists it on the date page only.",
    )
    pinned = models.BooleanField(
        default=False,
        help_text="Lead the On this day block with this event on its day, ahead of every other.",
    )
    status = models.CharField(
        "review", max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    key = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="Natural key (date and text digest) that keeps imports from duplicating.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("day"), FieldPanel("month"), FieldPanel("year")])],
            heading="Date",
        ),
        FieldPanel("text"),
        FieldPanel("link"),
        FieldPanel("source"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("pinned"), FieldPanel("weight")],
            heading="Review and selection",
        ),
    ]

    class Meta:
        ordering = ["month", "day", "year", "pk"]
        indexes = [models.Index(fields=["month", "day", "status"], name="almanac_event_day")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(year=0), name="almanac_event_no_year_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_month_display()} {year_label(self.year)}: {self.text[:60]}"

    def get_month_display(self) -> str:
        """Return the month's English name."""
        return calendar.month_name[self.month] if 1 <= (self.month or 0) <= 12 else "?"

    @property
    def reader_link(self) -> str:
        """Return the event's "read more" address when it is an http(s) URL, else "".

        The admin's URL field and the importers accept nothing else, but a link stored another way
        (a script, the shell) must never become a `javascript:` or `data:` link on a page.
        """
        return self.link if link_is_web(self.link) else ""

    @property
    def year_label(self) -> str:
        """Return the year as readers see it: '1983', '44 BC'."""
        return year_label(self.year)

    def clean(self) -> None:
        """Refuse impossible dates (31 April, year 0); 29 February is always allowed."""
        super().clean()
        errors = {}
        if self.year == 0:
            errors["year"] = "There is no year 0: 1 BC (-1) is followed by AD 1."
        month_ok = self.month is not None and 1 <= self.month <= 12
        if month_ok and self.day and self.day > days_in_month(self.month):
            errors["day"] = f"{self.get_month_display()} has {days_in_month(self.month)} days."
        if not errors and not self.key and self.month and self.day and self.year and self.text:
            key = event_key(month=self.month, day=self.day, year=self.year, text=self.text)
            if Event.objects.filter(key=key).exclude(pk=self.pk).exists():
                errors["text"] = "This event is already in the almanac for this date."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The key is set once: editors may polish the text or fix the date afterwards and a
        # re-import of the original file still recognises the event.
        if not self.key:
            self.key = event_key(month=self.month, day=self.day, year=self.year, text=self.text)
        super().save(*args, **kwargs)
