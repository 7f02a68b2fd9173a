"""The site settings form refuses filler text in what every page shows (the About Us blurb)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from dateline.core.models import SiteSettings
from dateline.newsroom.factories import home_page

FILLER = (
    "The argument in favor of using filler text goes something like this: If you use arey real "
    "content in the Consulting Process anytime you reachtent."
)


class SiteSettingsGuardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = home_page().get_site()
        cls.editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw-1")

    def setUp(self):
        self.client.force_login(self.editor)
        self.url = reverse("wagtailsettings:edit", args=["core", "sitesettings", self.site.pk])

    def post(self, blurb: str):
        return self.client.post(
            self.url,
            {
                "site_name": "The Courier",
                "tagline": "",
                "about_blurb": blurb,
                "about_page": "",
                "time_zone": "Europe/London",
                "dateline_format": "F j, Y",
                "dateline_uppercase": "on",
            },
        )

    def test_filler_about_us_is_refused_with_the_reason_beside_the_field(self):
        response = self.post(FILLER)
        self.assertEqual(response.status_code, 200)  # the form again, not a redirect
        errors = response.context["form"].errors["about_blurb"]
        self.assertEqual(len(errors), 1)
        self.assertIn("filler text", errors[0])
        self.assertIn("real copy", errors[0])
        self.assertNotIn("filler", SiteSettings.for_site(self.site).about_blurb)

    def test_a_real_blurb_saves(self):
        response = self.post("The Courier covers Millbrook and the wider world.")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            SiteSettings.for_site(self.site).about_blurb,
            "The Courier covers Millbrook and the wider world.",
        )
