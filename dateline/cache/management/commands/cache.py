"""`dateline cache purge|nginx`: purge pages by tag, or print the nginx front's configuration."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dateline.cache.services import cache_purge
from dateline.core.cachetags import ALL
from dateline.core.selectors import site_settings_for

TEMPLATE = Path(__file__).resolve().parent.parent.parent / "nginx" / "dateline.conf"


class Command(BaseCommand):
    help = "Purge cached pages by tag (or all of them), or print the nginx configuration."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="purge the pages carrying the given tags")
        purge.add_argument("tags", nargs="*", help="tags such as page-12, home, feeds")
        purge.add_argument("--all", action="store_true", help="purge every page")
        nginx = sub.add_parser("nginx", help="print the nginx front for static publishing")
        nginx.add_argument("--listen", default="80")
        nginx.add_argument("--upstream", default="127.0.0.1:8000")
        nginx.add_argument("--server-name", default="_")

    def handle(self, *args, action: str, **options):
        if action == "purge":
            tags = [ALL] if options["all"] else options["tags"]
            if not tags:
                raise CommandError("Name at least one tag, or --all.")
            self.stdout.write(f"Purging pages tagged: {', '.join(tags)}")
            result = cache_purge(tags=tags)
            self.stdout.write(
                f"Done: {len(result.urls)} URLs sent for purging, {result.files_removed} "
                "published files removed."
            )
            return
        if not settings.DATELINE_STATIC_PAGES_DIR:
            raise CommandError("Set DATELINE_STATIC_PAGES_DIR first: nginx serves pages from it.")
        values = {
            "listen": options["listen"],
            "upstream": options["upstream"],
            "server_name": options["server_name"],
            "static_pages_dir": str(Path(settings.DATELINE_STATIC_PAGES_DIR).resolve()),
            "static_url": settings.STATIC_URL,
            "static_root": str(Path(settings.STATIC_ROOT).resolve()),
            "media_url": settings.MEDIA_URL,
            "media_root": str(Path(settings.MEDIA_ROOT).resolve()),
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "time_zone": site_settings_for().time_zone,
        }
        text = TEMPLATE.read_text()
        for name, value in values.items():
            text = text.replace("{{ " + name + " }}", value)
        self.stdout.write(text)
