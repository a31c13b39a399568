"""WSGI entry point for production servers (gunicorn yijianshi.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yijianshi.settings")
application = get_wsgi_application()
