"""`publish_scheduled`: Wagtail's command, through Dateline's one publish path.

Replaces Wagtail's command of the same name (Dateline's apps come first in INSTALLED_APPS), so a
cron job or the worker that runs it publishes through the publish guards, and a story they refuse
is held back with a notice instead of stopping the run.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone
from wagtail.models import Page, Revision

from dateline.newsroom.services import scheduled_publish_run


class Command(BaseCommand):
    help = (
        "Publish the pages that are due and unpublish the expired ones (safe to run every minute)."
    )

    def add_arguments(self, parser) -> None:  # noqa: ANN001 - Django's signature
        parser.add_argument(
            "--dryrun", action="store_true", help="list what is due and change nothing"
        )

    def handle(self, *args, **options) -> None:  # noqa: ANN002, ANN003 - Django's signature
        if options["dryrun"]:
            now = timezone.now()
            for page in Page.objects.filter(live=True, expire_at__lt=now).order_by("expire_at"):
                self.stdout.write(f"would expire   {page.expire_at:%Y-%m-%d %H:%M}  {page.title}")
            due = Revision.objects.filter(approved_go_live_at__lt=now).order_by(
                "approved_go_live_at"
            )
            for revision in due:
                when = f"{revision.approved_go_live_at:%Y-%m-%d %H:%M}"
                self.stdout.write(f"would publish  {when}  {revision.object_str}")
            return
        run = scheduled_publish_run()
        self.stdout.write(
            f"published {len(run.published)}, expired {len(run.expired)}, held {len(run.held)}"
        )
        for page_id, problems in run.held:
            listed = "; ".join(f"{p.code}: {p.message}" for p in problems)
            self.stdout.write(f"held page {page_id}: {listed}")
