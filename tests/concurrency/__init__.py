"""Concurrency tests against real server processes (granian, as in production) on SQLite and PostgreSQL."""
