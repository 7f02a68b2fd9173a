"""Per-site configuration of the checks, and the log of publications that overrode errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

SEVERITY_CHOICES = [("error", "Error"), ("warning", "Warning"), ("info", "Info")]


def check_choices() -> list[tuple[str, str]]:
    """Return (code, "code — title") for every registered check, for the settings form."""
    from dateline.quality.checks.base import registered_checks

    return [(check.code, f"{check.code} — {check.title}") for check in registered_checks()]


@register_setting(icon="warning")
class QualitySettings(ClusterableModel, BaseSiteSetting):
    """How strict the editorial checks are on one site: thresholds, and per-check switches."""

    headline_max_characters = models.PositiveIntegerField(
        default=70, help_text="headline-too-long: longer headlines are cut off in search results."
    )
    require_standfirst = models.BooleanField(
        default=False, help_text="standfirst-missing: every story must have a standfirst."
    )
    duplicate_similarity = models.FloatField(
        default=0.9,
        help_text="duplicate-story: text similarity (0–1, the related-news engine's cosine of the "
        "two stories' weighted words) from which two stories count as copies.",
    )
    duplicate_window_days = models.PositiveIntegerField(
        default=60,
        help_text="duplicate-story: compare with stories published this many days either side.",
    )
    weekday_max_days_back = models.PositiveIntegerField(
        default=2,
        help_text="date-weekday-mismatch: how many days back an unqualified “on Tuesday” may "
        "point before it is questioned.",
    )
    duplicate_sentence_min_words = models.PositiveIntegerField(
        default=8, help_text="duplicate-sentence: ignore repeated sentences shorter than this."
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("headline_max_characters"),
                FieldPanel("require_standfirst"),
                FieldPanel("duplicate_similarity"),
                FieldPanel("duplicate_window_days"),
                FieldPanel("weekday_max_days_back"),
                FieldPanel("duplicate_sentence_min_words"),
            ],
            heading="Thresholds",
        ),
        InlinePanel(
            "check_settings",
            heading="Checks",
            label="Check",
            help_text="Switch a check off or change its severity; checks not listed run as "
            "documented.",
        ),
    ]

    class Meta:
        verbose_name = "quality checks"

    def thresholds(self) -> dict[str, float | int]:
        """Return the thresholds by the names the checks read them under."""
        return {
            "max_characters": self.headline_max_characters,
            "required": int(self.require_standfirst),
            "similarity": self.duplicate_similarity,
            "window_days": self.duplicate_window_days,
            "max_days_back": self.weekday_max_days_back,
            "min_words": self.duplicate_sentence_min_words,
        }


class CheckSetting(models.Model):
    """One check switched off, or given another severity, on one site."""

    settings = ParentalKey(QualitySettings, on_delete=models.CASCADE, related_name="check_settings")
    code = models.CharField(max_length=64, choices=check_choices)
    enabled = models.BooleanField(default=True)
    severity = models.CharField(
        max_length=10, choices=SEVERITY_CHOICES, blank=True, help_text="Blank: the check's own."
    )

    panels = [FieldPanel("code"), FieldPanel("enabled"), FieldPanel("severity")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["settings", "code"], name="quality_check_once_per_site")
        ]

    def __str__(self) -> str:
        return self.code


class QualityOverride(models.Model):
    """A publication that went ahead despite quality errors, and who decided it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision_id = models.PositiveIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    findings = models.JSONField(default=list, help_text="The errors published over.")

    class Meta:
        ordering = ["-created_at"]
        permissions = [("override_quality_errors", "Can publish despite quality errors")]

    def __str__(self) -> str:
        return f"Override on page {self.page_id} by {self.user_id}"
