"""The WSGI entry point for gunicorn: ``gunicorn api.wsgi:app``."""

from __future__ import annotations

import logging

from api.app import create_app
from api.config import load_settings

settings = load_settings()
logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
app = create_app(settings)
