#!/bin/sh
# Container entrypoint: apply the database migrations, then exec the command (`telemedical run` by default).
# MIGRATE_ON_START=0 skips the migrations (e.g. when a release job runs `telemedical db upgrade` once
# before several replicas start).
set -eu

if [ "${MIGRATE_ON_START:-1}" != "0" ]; then
    telemedical db upgrade
fi

exec "$@"
