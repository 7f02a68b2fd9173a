"""Plain WSGI entry point, without the page cache's hit path (`dateline serve` uses `dateline.cache.wsgi`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")

application = get_wsgi_application()
