# Telemedical API: `telemedical run` (granian) serving on port 8000, as a non-root user.
#
#   docker build -t telemedical-api .
#   docker run --rm -p 8000:8000 -v telemedical-data:/var/lib/telemedical telemedical-api
#
# The entrypoint applies the database migrations before serving (MIGRATE_ON_START=0 turns that off).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    INSTANCE_PATH=/var/lib/telemedical \
    MIGRATE_ON_START=1

# A home of its own for the non-root user.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml README.md ./
RUN mkdir api && touch api/__init__.py \
    && pip install --no-cache-dir -e . \
    && rm -rf api ./*.egg-info

# The source tree stays at /app and is installed editable: `telemedical db upgrade` finds the Alembic
# scripts at /app/migrations (api/migrate.py looks beside the api package), which a wheel would not carry.
COPY alembic.ini ./
COPY migrations ./migrations
COPY api ./api
RUN pip install --no-cache-dir --no-deps -e . \
    && mkdir -p "$INSTANCE_PATH" /var/lib/telemedical-audit-anchors \
    && chown app:app "$INSTANCE_PATH" /var/lib/telemedical-audit-anchors

COPY docker/entrypoint.sh /usr/local/bin/telemedical-entrypoint
RUN chmod 0755 /usr/local/bin/telemedical-entrypoint

USER 10001:10001
VOLUME ["/var/lib/telemedical"]
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["telemedical-entrypoint"]
# `telemedical run` is granian (2 worker processes of 2 threads; chosen by measurement, see bench/README.md) with
# the production checks (an https ISSUER needs SECRET_KEY, JWT_PRIVATE_KEY_FILE, AUDIT_KEY_FILE, AUDIT_ANCHOR_DIR).
CMD ["telemedical", "run", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
