"""Alembic, driven from code: ``telemedical db upgrade`` and the test suite both come through here."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

from api.config import PROJECT_ROOT
from api.db import normalize_database_url


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", normalize_database_url(database_url).replace("%", "%%"))
    return cfg


def upgrade(database_url: str, revision: str = "head", engine: Engine | None = None) -> None:
    cfg = alembic_config(database_url)
    if engine is not None:
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)
