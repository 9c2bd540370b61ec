"""The WSGI entry point for gunicorn: ``gunicorn api.wsgi:app``."""

from __future__ import annotations

from api.app import create_app
from api.config import load_settings
from api.logs import configure_logging

settings = load_settings()
configure_logging(settings.log_level)
app = create_app(settings)
