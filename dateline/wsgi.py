"""WSGI entry point used by gunicorn (`dateline serve`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.production")

application = get_wsgi_application()
