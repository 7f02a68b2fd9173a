"""Background work: the publish hands its heavy work to the queue, the worker does it; CDN purges
outlive failures; the worker's scheduler publishes what is due; /healthz and /readyz.

Each test chooses the database backend and runs the queue itself (`run_queue`), on a moved clock:
nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.test import TestCase, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from dateline.cache.models import CdnPurge
from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.core import scheduler
from dateline.core.models import SchedulerTick
from dateline.core.testing import DATABASE_TASKS, clock_at, run_queue
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)
from dateline.newsroom.models import ArticlePage
from dateline.newsroom.services import article_save
from dateline.related.models import RelatedLink


def body(text: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


def pending(task_name: str) -> int:
    """Return how many tasks whose path ends in `task_name` wait to run now."""
    return sum(1 for row in DBTaskResult.objects.ready() if row.task_path.endswith(task_name))


def related_ids(article: ArticlePage) -> list[int]:
    return list(
        RelatedLink.objects.filter(article=article)
        .order_by("rank")
        .values_list("related_id", flat=True)
    )


FERRY = "The harbour ferry timetable changes in spring, with more crossings to the island."


@override_settings(TASKS=DATABASE_TASKS)
class PublishHandsOffTests(PageCacheTestCase):
    """Finding: the Related News refresh (and its encoding) ran inside the editor's publish."""

    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        cls.author = AuthorFactory()

    def story(self, slug: str, text: str) -> ArticlePage:
        with self.captureOnCommitCallbacks(execute=True):
            return article_save(
                section=self.section,
                slug=slug,
                title=slug.replace("-", " ").capitalize(),
                body=body(text),
                authors=[self.author],
            )

    def test_related_news_is_refreshed_by_the_worker_both_ways(self):
        first = self.story("ferry-timetable", FERRY)
        run_queue()
        self.client.get(self.section.url)
        self.assertEqual(self.client.get(self.section.url)[CACHE_HEADER], "hit")
        second = self.story("ferry-crossings", FERRY + " Island crossings double.")
        # The publish returned: the section's page (purged locally, in the publish) is fresh...
        listing = self.client.get(self.section.url)
        self.assertEqual(listing[CACHE_HEADER], "miss")
        self.assertContains(listing, second.title)
        # ...but the Related News work waits for the worker, in neither direction done yet.
        self.assertEqual(pending("related_article_sync"), 1)
        self.assertEqual(related_ids(second), [])
        self.assertEqual(related_ids(first), [])
        run_queue()
        self.assertEqual(related_ids(second), [first.pk])
        self.assertEqual(related_ids(first), [second.pk])
        self.assertEqual(pending("related_article_sync"), 0)

    def test_unpublish_withdraws_in_the_worker(self):
        first = self.story("ferry-timetable", FERRY)
        second = self.story("ferry-crossings", FERRY + " Island crossings double.")
        run_queue()
        self.assertEqual(related_ids(first), [second.pk])
        with self.captureOnCommitCallbacks(execute=True):
            second.unpublish()
        run_queue()
        self.assertEqual(related_ids(first), [])

    def test_a_publish_that_rolls_back_queues_nothing(self):
        from django.db import transaction

        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    article_save(
                        section=self.section,
                        slug="never",
                        title="Never",
                        body=body(FERRY),
                        authors=[self.author],
                    )
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        self.assertEqual(pending("related_article_sync"), 0)


class FlakyBackend(BaseBackend):
    """A CDN that fails (as Wagtail's backends do: an error logged) until it is told to work."""

    working = False
    purged: list[str] = []

    def purge(self, url: str) -> None:
        if not FlakyBackend.working:
            logging.getLogger("wagtail.frontendcache").error("Couldn't purge %s: 503", url)
            return
        FlakyBackend.purged.append(url)


@override_settings(
    TASKS=DATABASE_TASKS, WAGTAILFRONTENDCACHE={"cdn": {"BACKEND": f"{__name__}.FlakyBackend"}}
)
class CdnPurgeTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        cls.article = ArticlePageFactory(parent=section, slug="ferry", title="Ferry")

    def setUp(self):
        super().setUp()
        FlakyBackend.working, FlakyBackend.purged = False, []

    def publish(self) -> None:
        self.client.get(self.article.url)  # stored, so its URL is recorded for the CDN
        with self.captureOnCommitCallbacks(execute=True):
            self.article.save_revision().publish()

    def test_a_purge_is_stored_before_the_publish_returns_and_retried_until_done(self):
        url = "http://testserver" + self.article.url
        self.publish()
        # The publish can purge the page under several of its tags: one stored purge each.
        self.assertEqual({u for p in CdnPurge.objects.all() for u in p.urls}, {url})
        self.assertEqual(self.client.get(self.article.url)[CACHE_HEADER], "miss")  # local: at once
        start = timezone.now()
        with clock_at(start):
            run_queue()
        for purge in CdnPurge.objects.all():
            self.assertEqual(purge.attempts, 1)
            self.assertIn("503", purge.last_error)
            self.assertEqual(purge.next_attempt_at, start + dt.timedelta(seconds=30))
        with clock_at(start + dt.timedelta(seconds=29)):
            run_queue()  # the retry is not due yet
        self.assertEqual({p.attempts for p in CdnPurge.objects.all()}, {1})
        with clock_at(start + dt.timedelta(seconds=31)):
            run_queue()  # the retry, due now, fails again: the back-off doubles
        for purge in CdnPurge.objects.all():
            self.assertEqual(purge.attempts, 2)
            self.assertEqual(purge.next_attempt_at, start + dt.timedelta(seconds=31 + 60))
        FlakyBackend.working = True
        with clock_at(start + dt.timedelta(seconds=92)):
            run_queue()
        self.assertFalse(CdnPurge.objects.exists())
        self.assertEqual(set(FlakyBackend.purged), {url})

    def test_the_scheduler_resends_a_purge_whose_task_was_lost(self):
        self.publish()
        DBTaskResult.objects.all().delete()  # the queue lost it; the stored purge remains
        FlakyBackend.working = True
        with clock_at(timezone.now() + dt.timedelta(minutes=2)):
            scheduler.scheduler_tick(worker="test", interval=20)
        self.assertFalse(CdnPurge.objects.exists())
        self.assertEqual(set(FlakyBackend.purged), {"http://testserver" + self.article.url})


@override_settings(TASKS=DATABASE_TASKS)
class SchedulerTests(PageCacheTestCase):
    """Finding: nothing ran the scheduled publishing, so scheduled stories never went live."""

    @classmethod
    def setUpTestData(cls):
        home = home_page()
        cls.section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
        cls.author = AuthorFactory()

    def schedule(self, slug: str, at: dt.datetime) -> ArticlePage:
        with self.captureOnCommitCallbacks(execute=True):
            return article_save(
                section=self.section,
                slug=slug,
                title=slug.replace("-", " ").capitalize(),
                body=body(FERRY),
                authors=[self.author],
                go_live_at=at,
            )

    def tick(self, worker: str = "w1") -> dict[str, str] | None:
        with self.captureOnCommitCallbacks(execute=True):
            return scheduler.scheduler_tick(worker=worker, interval=20)

    def test_a_story_scheduled_a_minute_ahead_appears_on_its_section_within_two(self):
        start = timezone.now()
        story = self.schedule("ferry-timetable", start + dt.timedelta(minutes=1))
        with clock_at(start + dt.timedelta(seconds=20)):
            self.tick()
            self.assertNotContains(self.client.get(self.section.url), story.title)
        with clock_at(start + dt.timedelta(seconds=80)):
            self.tick()
            listing = self.client.get(self.section.url)
            self.assertContains(listing, story.title)
            self.assertEqual(self.client.get(story.url).status_code, 200)
        self.assertEqual(
            SchedulerTick.objects.get(name=scheduler.TICK).ran_at, start + dt.timedelta(seconds=80)
        )

    def test_a_worker_that_was_down_catches_up_and_expiry_fires(self):
        start = timezone.now()
        story = self.schedule("ferry-timetable", start + dt.timedelta(minutes=1))
        with clock_at(start + dt.timedelta(hours=1)):  # nothing ran for an hour
            self.tick()
        story.refresh_from_db()
        self.assertTrue(story.live)
        ArticlePage.objects.filter(pk=story.pk).update(expire_at=start + dt.timedelta(hours=2))
        with clock_at(start + dt.timedelta(hours=2, seconds=30)):
            self.tick()
        story.refresh_from_db()
        self.assertFalse(story.live)
        self.assertTrue(story.expired)

    def test_with_two_workers_each_tick_runs_once(self):
        start = timezone.now()
        with clock_at(start):
            self.assertIsNotNone(self.tick("w1"))
            self.assertIsNone(self.tick("w2"))
        with clock_at(start + dt.timedelta(seconds=20)):
            self.assertIsNotNone(self.tick("w2"))

    def test_the_scheduled_publish_goes_through_the_guards(self):
        start = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            held = article_save(
                section=self.section,
                slug="held",
                title="Held",
                body=body("Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
                authors=[self.author],
                go_live_at=start + dt.timedelta(minutes=1),
            )
        with clock_at(start + dt.timedelta(minutes=2)):
            summary = self.tick()
        held.refresh_from_db()
        self.assertFalse(held.live)
        self.assertIn("held 1", summary["publish-scheduled"])


class HealthTests(TestCase):
    def test_healthz_answers_and_is_never_stored(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"status": "ok"})
        self.assertEqual(response["Cache-Control"], "no-store")

    def test_readyz_with_inline_tasks_checks_database_and_cache(self):
        with self.assertNumQueries(1):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(response.json()["checks"]["database"], "ok")

    @override_settings(TASKS=DATABASE_TASKS, DATELINE_READY_MAX_TASK_AGE=300)
    def test_readyz_needs_a_recent_tick_and_a_short_backlog(self):
        start = timezone.now()
        with clock_at(start):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503, "no scheduler has ever ticked")
        self.assertIsNone(response.json()["checks"]["scheduler"]["last_tick"])
        with clock_at(start):
            scheduler.scheduler_tick(worker="w1", interval=20)
            with self.assertNumQueries(2):
                response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["checks"]["tasks"]["pending"], 0)
        from dateline.related.tasks import related_article_sync

        with clock_at(start):
            related_article_sync.enqueue(1)
        with clock_at(start + dt.timedelta(seconds=100)):
            tasks = self.client.get("/readyz").json()["checks"]["tasks"]
        self.assertEqual((tasks["pending"], tasks["oldest_pending_age_seconds"]), (1, 100.0))
        with clock_at(start + dt.timedelta(seconds=150)):
            scheduler.scheduler_tick(worker="w1", interval=20)
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 200)
        with clock_at(start + dt.timedelta(seconds=400)):
            scheduler.scheduler_tick(worker="w1", interval=20)
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503, "the oldest task waited 400 s")
        self.assertFalse(response.json()["checks"]["tasks"]["ok"])
        with clock_at(start + dt.timedelta(seconds=800)):
            scheduler.scheduler_tick(worker="w1", interval=20)
            run_queue()
            self.assertEqual(self.client.get("/readyz").status_code, 200)
        with clock_at(start + dt.timedelta(seconds=1200)):
            response = self.client.get("/readyz")
        self.assertEqual(response.status_code, 503, "the scheduler stopped 400 s ago")
        self.assertFalse(response.json()["checks"]["scheduler"]["ok"])


class HealthNotCachedTests(PageCacheTestCase):
    def test_the_page_cache_never_stores_the_health_answers(self):
        for url in ("/healthz", "/readyz"):
            self.client.get(url)
            again = self.client.get(url)
            self.assertNotEqual(again.get(CACHE_HEADER), "hit", url)
            self.assertEqual(again["Cache-Control"], "no-store")


@override_settings(TASKS=DATABASE_TASKS)
class TaskRowsPruneTests(TestCase):
    def test_finished_rows_older_than_a_week_go_hourly_and_failed_ones_stay(self):
        from dateline.core.scheduler import task_results_prune
        from dateline.core.tests.tasks import note

        start = timezone.now()
        with clock_at(start):
            note.enqueue("/dev/null", 1)
            note.enqueue("/nonexistent-folder/x", 2)  # fails: its folder does not exist
            run_queue(allow_failures=True)
        with clock_at(start + dt.timedelta(days=6)):
            self.assertEqual(task_results_prune(), "deleted 0 finished task rows")
        with clock_at(start + dt.timedelta(days=6, minutes=30)):
            self.assertEqual(task_results_prune(), "not due")
        with clock_at(start + dt.timedelta(days=8)):
            self.assertEqual(task_results_prune(), "deleted 1 finished task rows")
        self.assertEqual(list(DBTaskResult.objects.values_list("status", flat=True)), ["FAILED"])


@override_settings(TASKS=DATABASE_TASKS)
class LostTaskTests(PageCacheTestCase):
    """Finding: a worker killed mid-task left its task RUNNING for ever, never run again."""

    @classmethod
    def setUpTestData(cls):
        cls.section = SectionPageFactory(parent=home_page(), title="Harbour", slug="harbour")
        cls.author = AuthorFactory()

    story = PublishHandsOffTests.story

    def running_in(self, worker: str, *, started: dt.datetime) -> DBTaskResult:
        """Publish two stories and leave the Related News task claimed by `worker` at `started`."""
        self.story("ferry-timetable", FERRY)
        run_queue()
        self.second = self.story("ferry-crossings", FERRY + " Island crossings double.")
        for other in DBTaskResult.objects.ready():  # the publish's purges are not this test's
            if not other.task_path.endswith("related_article_sync"):
                other.delete()
        row = DBTaskResult.objects.ready().get(task_path__endswith="related_article_sync")
        with clock_at(started):
            row.claim(worker)  # the worker took it ... and was killed before it finished
        return row

    def test_the_task_of_a_dead_worker_runs_again_once(self):
        now = timezone.now()
        row = self.running_in("web-1-4242", started=now - dt.timedelta(minutes=10))
        self.assertEqual(related_ids(self.second), [])
        # Before: nothing ever looked at it again.
        self.assertEqual(DBTaskResult.objects.ready().count(), 0)
        self.assertEqual(scheduler.lost_tasks_recover(now=now), "1 run again, 0 failed")
        run_queue()
        row.refresh_from_db()
        self.assertEqual(row.status, "SUCCESSFUL")
        self.assertEqual(row.worker_ids, ["web-1-4242", "test"])
        self.assertEqual(len(related_ids(self.second)), 1)
        # Done once: a second pass finds nothing to recover.
        self.assertEqual(scheduler.lost_tasks_recover(now=now), "0 run again, 0 failed")

    def test_a_live_worker_keeps_its_long_task(self):
        now = timezone.now()
        row = self.running_in("web-2-77", started=now - dt.timedelta(minutes=10))
        with clock_at(now - dt.timedelta(seconds=20)):
            scheduler.worker_heartbeat(worker="web-2-77")
        self.assertEqual(scheduler.lost_tasks_recover(now=now), "0 run again, 0 failed")
        row.refresh_from_db()
        self.assertEqual(row.status, "RUNNING")
        # Its heartbeat stops: then the task is taken from it.
        later = now + dt.timedelta(minutes=5)
        self.assertEqual(scheduler.lost_tasks_recover(now=later), "1 run again, 0 failed")

    def test_a_task_that_keeps_killing_its_workers_is_failed(self):
        now = timezone.now()
        row = self.running_in("w-1", started=now - dt.timedelta(minutes=30))
        DBTaskResult.objects.filter(pk=row.pk).update(worker_ids=["w-1", "w-2", "w-3"])
        self.assertEqual(scheduler.lost_tasks_recover(now=now), "0 run again, 1 failed")
        row.refresh_from_db()
        self.assertEqual(row.status, "FAILED")
        self.assertIn("stopped 3 times", row.traceback)

    def test_a_worker_back_from_a_database_outage_hands_back_what_it_held(self):
        # Finding: the outage broke the task and the write recording its end; the worker's
        # heartbeat went on, so the recovery would never take the task from it.
        now = timezone.now()
        row = self.running_in("web-3-1", started=now - dt.timedelta(minutes=10))
        scheduler.worker_heartbeat(worker="web-3-1")
        self.assertEqual(scheduler.lost_tasks_recover(now=now), "0 run again, 0 failed")
        self.assertEqual(scheduler.tasks_release(worker="web-9-9"), 0, "only its own")
        self.assertEqual(scheduler.tasks_release(worker="web-3-1"), 1)
        row.refresh_from_db()
        self.assertEqual(row.status, "READY")
        run_queue()
        self.assertEqual(len(related_ids(self.second)), 1)

    def test_the_scheduler_runs_the_recovery(self):
        self.assertIn(scheduler.RECOVER, scheduler.scheduler_jobs())
