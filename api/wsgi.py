"""The WSGI entry point each server worker imports (``telemedical run``: granian, api.serving)."""

from __future__ import annotations

from api.app import create_app
from api.config import ConfigurationError, check_production_settings, load_settings
from api.logs import configure_logging

try:
    settings = load_settings()
    check_production_settings(settings)
    configure_logging(settings.log_level)
    app = create_app(settings)
except ConfigurationError as exc:
    raise SystemExit(f"telemedical: {exc}") from None
