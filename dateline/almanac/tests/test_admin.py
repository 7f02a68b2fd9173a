"""Editors manage the almanac in the Wagtail admin: filters by date, topic and state; add; pin."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from dateline.almanac.factories import EventFactory
from dateline.almanac.models import Event


class AdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = get_user_model().objects.create_superuser("editor", "e@example.org", "pw")
        cls.moon = EventFactory(month=7, day=20, year=1969, text="Moon landing.")
        cls.moon.topics.add("space")
        cls.moon.save()
        EventFactory(month=7, day=20, year=1944, text="Unreviewed July event.", status="new")
        EventFactory(month=3, day=9, year=1959, text="March event.")

    def setUp(self):
        self.client.force_login(self.editor)

    def listing(self, **params) -> list[str]:
        response = self.client.get(reverse("wagtailsnippets_almanac_event:list"), params)
        self.assertEqual(response.status_code, 200)
        soup = BeautifulSoup(response.content, "html.parser")
        return sorted(
            row.get_text(" ", strip=True) for row in soup.select("table.listing tbody tr")
        )

    def test_filters_by_date_topic_and_state(self):
        self.assertEqual(len(self.listing()), 3)
        self.assertEqual(len(self.listing(month=7)), 2)
        self.assertEqual(len(self.listing(month=7, day=20, status="reviewed")), 1)
        space = self.moon.topics.get().pk
        rows = self.listing(topics=space)
        self.assertEqual(len(rows), 1)
        self.assertIn("Moon landing.", rows[0])
        self.listing(month="not a month", day="x")  # bad filter input is no 500
        rows = self.listing(q="moon")
        self.assertEqual(len(rows), 1)

    def test_add_and_pin(self):
        data = {
            "day": 12,
            "month": 4,
            "year": 1961,
            "text": "Yuri Gagarin orbits the Earth.",
            "link": "",
            "source": "",
            "topics": "space",
            "status": "reviewed",
            "pinned": "on",
            "weight": 5,
        }
        response = self.client.post(reverse("wagtailsnippets_almanac_event:add"), data)
        self.assertEqual(response.status_code, 302)
        event = Event.objects.get(year=1961)
        self.assertTrue(event.pinned)
        self.assertEqual([tag.name for tag in event.topics.all()], ["space"])
        self.assertTrue(event.key.startswith("1961/04/12/"))

    def test_impossible_date_is_refused(self):
        data = {"day": 31, "month": 4, "year": 0, "text": "Never.", "status": "new", "weight": 5}
        response = self.client.post(reverse("wagtailsnippets_almanac_event:add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Event.objects.filter(text="Never.").exists())

    def test_bulk_mark_reviewed(self):
        waiting = Event.objects.filter(status=Event.Status.NEW)
        ids = list(waiting.values_list("pk", flat=True))
        url = reverse("wagtail_bulk_action", args=("almanac", "event", "mark_reviewed"))
        query = "&".join(f"id={pk}" for pk in ids)
        confirm = self.client.get(f"{url}?{query}")
        self.assertEqual(confirm.status_code, 200)
        response = self.client.post(f"{url}?{query}", {"next": "/admin/"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Event.objects.filter(status=Event.Status.NEW).exists())

    def test_a_duplicate_is_refused_not_a_server_error(self):
        data = {"day": 20, "month": 7, "year": 1969, "text": "Moon  landing", "status": "new"}
        response = self.client.post(
            reverse("wagtailsnippets_almanac_event:add"), {**data, "weight": 5}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Event.objects.filter(year=1969).count(), 1)
