"""The ``telemedical`` command group (a Flask CLI group).

A command that writes is one operation: it runs in ``unit_of_work``, its boundary, which commits what the
services flushed, or rolls it all back when one refuses.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command

from api.app import create_app
from api.config import ConfigurationError, check_production_settings, get_settings, load_settings
from api.db import get_db, get_session, unit_of_work
from api.errors import DomainError
from api.logs import configure_logging
from api.migrate import upgrade
from api.services import accounts


def _create_app() -> Flask:
    return create_app(load_settings())


class TelemedicalGroup(FlaskGroup):
    """Domain and configuration errors become one clear line on stderr and exit status 1, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from None
        except DomainError as exc:
            details = "; ".join(f"{e.pointer}: {e.message}" for e in exc.errors)
            raise click.ClickException(
                f"{exc.code}: {exc.detail}" + (f" ({details})" if details else "")
            ) from None


@click.group(
    cls=TelemedicalGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """Telemedical API: serve, migrate, administer."""


main.add_command(routes_command)
main.add_command(shell_command)


def _print(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data, indent=2))


@main.group()
def db() -> None:
    """Database schema (Alembic)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    upgrade(get_settings().database_url, revision)
    click.echo(f"database upgraded to {revision}")


@main.command("run", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option("--threads", default=2, show_default=True, type=int, help="Threads per worker process.")
def run(host: str, port: int, workers: int, threads: int) -> None:
    """Serve with granian (the production WSGI server; chosen by measurement, see api/serving.py).

    Runs outside any application context: each request must get its own (its own ``g``, its own
    database session), which a context pushed around the whole server would break.
    """
    from api.audit_custody import load_keyring
    from api.serving import serve

    settings = load_settings()
    check_production_settings(settings)
    load_keyring(settings)  # an unreadable or short AUDIT_KEY_FILE stops start-up, not the first request
    configure_logging(settings.log_level)
    serve(settings, host, port, workers, threads)


@main.command("worker")
@click.option("--once", is_flag=True, help="Run one pass, send the webhooks due, and exit.")
@click.option("--interval", default=60, show_default=True, type=int, help="Seconds between passes.")
def worker(once: bool, interval: int) -> None:
    """Background jobs: announce follow-up tasks due today and mark overdue ones, REMS forms coming due and
    escalations left unacknowledged (ESCALATION_ACK_MINUTES); purge expired
    idempotency keys, codes, tokens and sign-in throttles; recompute the providers' free-slot summaries that
    time has passed (matching reads them). Between passes, send due webhooks (at least every 2 s). Each pass
    has its own session; a failing pass is logged and the next one runs. With --once, a failed pass exits
    with status 1. SIGTERM or Ctrl-C stops it gracefully: webhook posts in flight finish and are recorded."""
    from api import worker as background
    from api.audit_custody import audit_chain
    from api.events.dispatcher import Dispatcher

    settings = get_settings()
    check_production_settings(settings)
    configure_logging(settings.log_level)
    chain = audit_chain(settings)  # an unreadable or short AUDIT_KEY_FILE stops the worker here
    dispatcher = Dispatcher(
        get_db().session_factory,
        secret_key=settings.secret_key,
        allow_loopback=settings.webhook_allow_loopback,
        lease_seconds=settings.webhook_lease_seconds,
        concurrency=settings.webhook_concurrency,
    )
    stop = threading.Event()

    def graceful(signum: int, _frame: object) -> None:
        click.echo(f"worker: {signal.Signals(signum).name}, stopping after the webhooks in flight", err=True)
        dispatcher.stop()
        stop.set()

    signal.signal(signal.SIGTERM, graceful)
    signal.signal(signal.SIGINT, graceful)
    try:
        failed = background.run(
            get_db().session_factory,
            interval=interval,
            report=click.echo,
            passes=1 if once else None,
            dispatcher=dispatcher,
            poll=settings.webhook_poll_seconds,
            stop=stop,
            audit_chain=chain,
            escalation_ack_minutes=settings.escalation_ack_minutes,
        )
    finally:
        dispatcher.close()
    if failed and once:  # running for good, a failed pass was logged and the next one ran: a clean stop is 0
        raise SystemExit(1)


@main.command("seed-demo")
def seed_demo_command() -> None:
    """Create (or refresh) the demo partner, clients, users and patients; print the credentials."""
    from api.demo import seed_demo

    with unit_of_work(get_session()) as session:
        seeded = seed_demo(session, get_settings())
    _print(seeded)


@main.group()
def partners() -> None:
    """Partners (tenants)."""


@partners.command("create")
@click.option("--name", required=True)
def partners_create(name: str) -> None:
    with unit_of_work(get_session()) as session:
        partner = accounts.create_partner(session, accounts.system_principal(), name)
    _print({"id": partner.id, "name": partner.name})


@main.group()
def clients() -> None:
    """OAuth clients."""


@clients.command("create")
@click.option("--partner", "partner", required=True, help="par_… or 'platform'")
@click.option("--name", required=True)
@click.option("--grant-type", type=click.Choice(accounts.GRANT_TYPES), required=True)
@click.option("--scope", required=True)
@click.option("--redirect-uri", "redirect_uris", multiple=True)
@click.option("--public", is_flag=True)
@click.option("--introspect", "can_introspect", is_flag=True, help="Allow this client to introspect tokens.")
@click.option("--client-id", default=None)
@click.option("--client-secret", default=None)
def clients_create(
    partner: str,
    name: str,
    grant_type: str,
    scope: str,
    redirect_uris: tuple[str, ...],
    public: bool,
    can_introspect: bool,
    client_id: str | None,
    client_secret: str | None,
) -> None:
    with unit_of_work(get_session()) as session:
        client, secret = accounts.create_client(
            session,
            accounts.system_principal(),
            None if partner == "platform" else partner,
            name=name,
            grant_type=grant_type,
            scope=scope,
            redirect_uris=list(redirect_uris),
            public=public,
            can_introspect=can_introspect,
            client_id=client_id,
            client_secret=client_secret,
        )
    _print(accounts.as_dict(client, secret))


@main.group()
def users() -> None:
    """Users who sign in with a password."""


@users.command("create")
@click.option("--role", type=click.Choice(["admin", "provider", "patient"]), required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--provider-id", default=None)
@click.option("--patient-id", default=None)
def users_create(
    role: str, email: str, password: str, provider_id: str | None, patient_id: str | None
) -> None:
    with unit_of_work(get_session()) as session:
        user = accounts.create_user(
            session,
            accounts.system_principal(),
            role=role,
            email=email,
            password=password,
            provider_id=provider_id,
            patient_id=patient_id,
        )
    _print({"id": user.id, "role": user.role, "email": user.email})


@main.group()
def openapi() -> None:
    """The OpenAPI document."""


@openapi.command("write")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def openapi_write(path: Path) -> None:
    """Write the OpenAPI 3.1 document generated from the code to PATH."""
    from api.spec import render_spec

    path.write_text(render_spec(current_app))
    click.echo(f"wrote {path}")


@main.group()
def audit() -> None:
    """The audit trail: check its chain, export it, archive old months (docs/audit.md)."""


@audit.command("verify")
@click.option("--seal", is_flag=True, help="Seal the rows waiting for the chain first (as the worker does).")
@click.option(
    "--full", is_flag=True, help="Walk the whole chain, not only what was sealed since the last checkpoint."
)
def audit_verify(seal: bool, full: bool) -> None:
    """Walk the chain of seals against the audit keys and the anchors outside the database, then check the
    rows waiting for their seal; report the first problem (exit 1), or that the trail holds (exit 0).

    Found: a row changed (sealed or not) or gone, a seal missing, recomputed without the key or under a key
    this deployment does not have, a chain truncated (its anchor knows a later seal) or rewritten (a seal
    differs from its anchor), a keyed chain with no anchor. Rows written since the worker's last pass are
    not sealed yet; they are counted, with the oldest one's time, and are covered by the next pass.

    By default it walks only what was sealed since the last verify that found the chain whole (its
    checkpoint, kept beside the anchors), so its time follows what was written since, not the trail's size;
    --full walks everything (run it on a schedule too: docs/audit.md). A whole chain records a checkpoint."""
    from api.audit_custody import audit_chain
    from api.services import audit as trail
    from api.worker import seal_all_pending

    session = get_session()
    chain = audit_chain(get_settings())
    if seal:
        seal_all_pending(session, chain)  # as the worker does: each batch committed, then anchored
    report = trail.verify_chain(session, chain, full=full)
    trail.record_checkpoint(chain, report)
    oldest = report.oldest_unsealed.isoformat() if report.oldest_unsealed else None
    summary = {
        "full": report.since is None,
        "since_seal": report.since.seq if report.since else None,
        "head": report.head.seq if report.head else None,
        "starts_at": report.starts_at,
        "sealed": report.sealed,
        "unkeyed": report.unkeyed,
        "anchored": report.anchored,
        "key_id": chain.keyring.current.id,
        "unsealed": report.unsealed,
        "oldest_unsealed": oldest,
    }
    if report.broken is not None:
        broken = report.broken
        click.echo(json.dumps({**summary, "ok": False, "first_broken": vars(broken)}))
        raise SystemExit(1)
    click.echo(json.dumps({**summary, "ok": True}))


@audit.command("export")
@click.option("--since", default=None, help="Only rows at or after this RFC 3339 time.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append to this file (default: standard output).",
)
def audit_export(since: str | None, output: Path | None) -> None:
    """Write the trail as JSON lines, oldest first, one line per row: what a SIEM ingests. It carries the
    callers' IP addresses: store and ship it as PHI."""
    from datetime import datetime

    from api.services import audit as trail

    start = datetime.fromisoformat(since.replace("Z", "+00:00")) if since else None
    if start is not None and start.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-12-01T00:00:00Z", param_hint="--since")
    lines = trail.export_lines(get_session(), since=start)
    if output is None:
        for line in lines:
            click.echo(line)
        return
    with output.open("a", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")


@audit.command("archive")
@click.option("--before", "before", required=True, help="YYYY-MM: archive every month before this one.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("audit-archive"),
    show_default=True,
    help="The directory the archives are written to.",
)
def audit_archive(before: str, out: Path) -> None:
    """Export each month of the trail before --before to a gzip NDJSON file with its SHA-256 and manifest,
    check the file against the chain, record it beside the anchors, then detach and drop the month's
    partition (PostgreSQL). Refuses (exit 1, nothing taken out) a month inside the six-year retention, a
    month not fully sealed, a row that does not match its seal, and a database that is not partitioned."""
    from api.audit_archive import archive_months
    from api.audit_custody import audit_chain
    from api.services import audit_partitions as partitions

    try:
        until = partitions.Month.parse(before)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--before") from None
    done: list[dict[str, Any]] = []
    try:
        for month in archive_months(get_session(), audit_chain(get_settings()), until, out):
            done.append(month)
    except partitions.ArchiveRefused as exc:
        if done:
            click.echo(json.dumps({"before": str(until), "archived": done}))
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps({"before": str(until), "archived": done}))


@audit.command("verify-archive")
@click.argument("manifest", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def audit_verify_archive(manifest: Path) -> None:
    """Check a month's archive offline, against the audit keys and the anchors (no database): its checksum,
    every row against its seal and its own MAC, every link of its seals, and the month's record beside the
    anchors if there is one. Exit 1 naming the first problem, or 0."""
    from api.audit_archive import verify_archive
    from api.audit_custody import AnchorError, audit_chain

    chain = audit_chain(get_settings())
    try:
        anchors, archived = chain.anchors.read(), chain.anchors.archived()
    except AnchorError as exc:
        raise click.ClickException(f"the anchors cannot be read: {exc}") from None
    report = verify_archive(manifest, chain.keyring, anchors=anchors, archived=archived)
    click.echo(json.dumps(report.summary()))
    if not report.ok:
        raise SystemExit(1)
