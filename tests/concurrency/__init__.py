"""Concurrency tests against real server processes (gunicorn, as in production) on SQLite and PostgreSQL."""
