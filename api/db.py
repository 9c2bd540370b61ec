"""Database: the declarative base, the engine, and one session per request.

The session lives on ``flask.g`` for the length of a request and is shared by the token check, the
handler and everything they call. Services only flush: an operation's boundary commits —
``Blueprint.operation`` (api/http/blueprint.py) for a request, ``unit_of_work`` for the worker and the command
line. The teardown closes (and so rolls back) whatever was left uncommitted.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from flask import Flask, g, has_request_context
from sqlalchemy import (
    Connection,
    CursorResult,
    DateTime,
    Engine,
    Executable,
    MetaData,
    Select,
    create_engine,
    event,
    orm,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, StatementError
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import TypeDecorator

from api.http.current import current_flask, current_request, request_globals

if TYPE_CHECKING:
    from api.models.resources import Resource

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend (SQLite keeps no zone: store naive UTC, read back aware)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}
    # What the model is to the API, stated by every model itself (api/models/resources.py).
    __resource__: ClassVar[Resource | None]


def utcnow() -> datetime:
    """The service's one clock (UTC, aware): every "now" and "today" is read here."""
    return datetime.now(UTC)


def normalize_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use psycopg 3 for both."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, issue BEGIN, so SAVEPOINTs and transactions behave as documented.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql(sqlite_begin_statement())


# Requests that only read: their SQLite transactions never take the write lock.
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def sqlite_begin_statement() -> str:
    """How a SQLite transaction starts: ``BEGIN IMMEDIATE`` unless it serves a read-only request.

    In WAL mode a deferred transaction that reads and then writes cannot wait for the write lock: if another
    writer committed meanwhile, SQLite fails it at once ("database is locked") whatever busy_timeout says.
    Taking the write lock up front makes concurrent writers queue (up to busy_timeout) instead, and makes
    every read-check-write (If-Match, capacity, a booking's free slot) atomic. Readers (GET, HEAD, OPTIONS)
    begin deferred and read a snapshot concurrently with the writer. Outside a request (the worker, the
    command line) a transaction may write, so it starts IMMEDIATE too.
    """
    if has_request_context() and current_request().method in READ_ONLY_METHODS:
        return "BEGIN"
    return "BEGIN IMMEDIATE"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. SQL parameters are never rendered into errors or logs: they carry PHI."""
    url = normalize_database_url(url)
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


# A pooled connection unused this long is checked (one round trip) before it is lent again: a database restart
# or an idle timeout in between is then noticed and the connection replaced, never handed to a request.
# A connection in steady use (every few milliseconds under load) is lent without that round trip.
IDLE_BEFORE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's ``pool_pre_ping`` pings on every checkout: one round trip per request. This pings only
    connections that sat idle, which is when they can have gone stale."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _lent(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as exc:  # the pool discards this connection and lends a fresh one
            raise DisconnectionError("a pooled connection went stale while idle") from exc


SessionT = TypeVar("SessionT", bound=orm.Session)

# The engines whose connections are in autocommit (``Database.read_session_factory``'s): each statement on
# them stands alone, so one may run on a connection of its own (``DirectRead``).
_STANDALONE: weakref.WeakSet[Engine] = weakref.WeakSet()


def _standalone_engine(session: orm.Session) -> Engine | None:
    """``session``'s engine when its statements each stand alone and it holds no connection yet."""
    if session.in_transaction():
        return None
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) and bind in _STANDALONE else None


class Session(orm.Session):
    """The application's session: SQLAlchemy's, and, while an operation keeps one (``log_writes``), the log
    of the rows its flushes wrote, which ``Blueprint.operation`` reads to audit the operation's writes before
    it commits (api/http/audit.py). A log, not a hook: nothing is written because of it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Each row flushed, and whether it was new when first flushed; None while nobody keeps the log.
        self.write_log: dict[object, bool] | None = None

    def log_writes(self) -> None:
        """Keep the log from now on, starting empty."""
        self.write_log = {}

    def stop_logging_writes(self) -> None:
        self.write_log = None

    def flush(self, objects: Sequence[Any] | None = None) -> None:
        # Every flush comes here (autoflush, begin_nested and commit call it), so the log misses none.
        if self.write_log is not None:
            for created, rows in ((True, self.new), (False, self.dirty), (False, self.deleted)):
                for row in rows:
                    self.write_log.setdefault(row, created)
        super().flush(objects)


@contextmanager
def unit_of_work(session: SessionT) -> Iterator[SessionT]:
    """The boundary of an operation outside a request (a worker job, a command): what the block does is
    committed when it ends, or rolled back when it raises. Services only flush; this commits for them."""
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()


class Database:
    """Holds the engine and the session factory; tests rebind the factory to one outer transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.session_factory: sessionmaker[Session] = sessionmaker(
            bind=engine, class_=Session, expire_on_commit=False
        )
        # Read-only requests on PostgreSQL run in autocommit (get_session); tests that rebind the factory
        # to one outer transaction turn this off.
        self.autocommit_reads = engine.dialect.name == "postgresql"
        # Their sessions' engine: the same database, a pool of its own whose connections are put in
        # autocommit once, when made. Setting autocommit on a shared connection at each checkout and back
        # at each return cost a read 65 k instructions; and a session bound here opens no connection until
        # a statement needs one (``DirectRead`` then borrows one for its statement alone). Made lazily: a
        # process that serves no read opens none of its connections.
        self.read_engine = engine
        self.read_session_factory: sessionmaker[Session] = self.session_factory
        if self.autocommit_reads:
            self.read_engine = make_engine(
                engine.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
            )
            _STANDALONE.add(self.read_engine)
            self.read_session_factory = sessionmaker(
                bind=self.read_engine, class_=Session, expire_on_commit=False
            )
        # True once sessions share one connection (tests): there is no second connection to read from.
        self.joined = False

    def join(self, connection: Connection) -> None:
        """Sessions inside ``connection``'s transaction, their commits savepoints (tests roll it all back).
        Reads then run in that transaction too: a connection in a transaction cannot switch to autocommit."""
        self.session_factory = sessionmaker(
            bind=connection, class_=Session, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        self.autocommit_reads = False
        self.read_session_factory = self.session_factory
        self.joined = True
        if connection.dialect.name == "postgresql":
            # The directory version's triggers run at commit (migration 0023), which these commits never are:
            # run them at each statement instead, so that a write bumps the version as a committed one would.
            connection.exec_driver_sql("SET CONSTRAINTS directory_version_bump IMMEDIATE")

    def dispose(self) -> None:
        """Close the pooled connections of both engines (a test's own database, before it is dropped)."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()

    def init_app(self, app: Flask) -> None:
        app.extensions["db"] = self
        app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    db: Database = (app or current_flask()).extensions["db"]
    return db


def get_session() -> Session:
    """The request's (or app context's) one session, created on first use.

    On PostgreSQL a read-only request (GET, HEAD, OPTIONS) runs its statements in autocommit: the token
    check, the read and the audit row each stand alone, with no BEGIN before them and no COMMIT after (two
    round trips of five). Nothing is lost: under READ COMMITTED each statement already reads its own
    snapshot, a read-only request writes nothing but its audit row, and ``atomic`` groups the statements
    that must commit together. Other requests, the worker and the command line use transactions as usual.
    """
    context = request_globals()  # on every request, several times: no proxy (api/http/current.py)
    session: Session | None = context.get("db_session")
    if session is None:
        db = get_db()
        if db.autocommit_reads and has_request_context() and current_request().method in READ_ONLY_METHODS:
            session = db.read_session_factory()  # its engine's connections are in autocommit (Database)
        else:
            session = db.session_factory()
        context.db_session = session
    return session


def snapshot_session() -> Session:
    """A read-only session of its own that reads one snapshot until it is closed, for a read that outlives
    its operation's boundary: a streamed export counts its rows, the boundary commits the audit row naming
    that count in the request's session, and the rows then stream from the snapshot that was counted.
    PostgreSQL: REPEATABLE READ, READ ONLY; SQLite: one deferred read transaction (WAL keeps its snapshot).
    Closed when the request ends unless a streamed response took it over (``hand_over_snapshot``).
    Sessions that share one connection (tests) have no second one: the request's session is returned."""
    db = get_db()
    if db.joined:
        return get_session()
    session = db.session_factory()
    if db.engine.dialect.name == "postgresql":
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    g.snapshot_session = session
    return session


def hand_over_snapshot() -> Session | None:
    """The request's snapshot session, which the caller now closes (a streamed response, when it ends)."""
    session: Session | None = g.pop("snapshot_session", None)
    return session


def rows_changed(session: orm.Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it changed. ``Session.execute`` is typed to return a plain
    ``Result``, while a DML statement's is a ``CursorResult``, the one that has ``rowcount``."""
    result = session.execute(statement)
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(statement).__name__} returned rows, not a count of changed rows")
    return result.rowcount


ModelT = TypeVar("ModelT")


# The cursor ``DirectStatement`` keeps on a pooled PostgreSQL connection, in the connection's ``info`` (which
# the pool clears when it replaces the connection, so a cursor never outlives the connection it belongs to).
_KEPT_CURSOR = "direct_statement_cursor"


class DirectStatement:
    """A statement compiled once for a dialect and run on the DBAPI cursor, past SQLAlchemy's per-execution
    work (its statement cache, execution context and result metadata): for the statements a hot path runs
    on every request or batch, whose SQL never changes (``DirectRead``; the audit writer's batch insert).

    It sends the same SQL, the same parameters and the same parameter conversions (each parameter's dialect
    processor) as ``connection.execute(statement, params)``. Kept: the engine's cursor events, when something
    listens (tests count statements with them), and SQLAlchemy's errors: a driver error is raised as
    ``DBAPIError`` (without its parameters), and a lost connection is invalidated, exactly as a statement
    through SQLAlchemy would be. A statement with a list parameter (``IN``), which SQLAlchemy renders anew
    at each execution, is not ``direct``: its caller runs it through SQLAlchemy instead."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect) if isinstance(statement, ClauseElement) else None
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"{type(statement).__name__} is not a statement SQLAlchemy compiles to SQL")
        self.statement = statement
        self.direct = not any(bind.expanding or bind.literal_execute for bind in compiled.binds.values())
        self.dialect = dialect
        self._compiled = compiled
        self._sql = compiled.string
        self._positions = tuple(compiled.positiontup or ()) if compiled.positional else None
        self._bind_processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }
        # psycopg's cursor holds its result on the client: one kept per connection serves every statement
        # run here, instead of a cursor made (with its adapters and transformer) per statement. SQLite's
        # cursor would hold its statement open between two (it is stepped, not read whole): made each time.
        self._keep_cursor = dialect.name == "postgresql"

    def parameters(self, params: dict[str, Any]) -> Any:
        """``params`` as the driver takes them: every bind's value (its default if not given), converted."""
        values = self._compiled.construct_params(params) or {}
        for name, processor in self._bind_processors.items():
            values[name] = processor(values[name])
        return values if self._positions is None else tuple(values[n] for n in self._positions)

    def run(
        self,
        dbapi_connection: PoolProxiedConnection,
        parameters: Any,
        connection: Connection | None,
        fetch: bool = False,
    ) -> Any:
        """Execute on ``dbapi_connection``; with ``fetch``, its first row (or None). ``connection``: the Core
        connection it belongs to, whose cursor events fire and which a lost connection invalidates (None:
        the pool's connection alone, nothing listening)."""
        kept = dbapi_connection.info.get(_KEPT_CURSOR) if self._keep_cursor else None
        cursor = kept if kept is not None else dbapi_connection.cursor()
        dispatch = None if connection is None else connection.dispatch
        try:
            if dispatch is not None and dispatch.before_cursor_execute:
                dispatch.before_cursor_execute(connection, cursor, self._sql, parameters, None, False)
            cursor.execute(self._sql, parameters)
            if dispatch is not None and dispatch.after_cursor_execute:
                dispatch.after_cursor_execute(connection, cursor, self._sql, parameters, None, False)
            row = cursor.fetchone() if fetch else None
        except BaseException as error:
            lost = isinstance(error, self.dialect.loaded_dbapi.Error) and self.dialect.is_disconnect(
                error, dbapi_connection.dbapi_connection, cursor
            )
            dbapi_connection.info.pop(_KEPT_CURSOR, None)  # a cursor that failed is not used again
            cursor.close()
            if not isinstance(error, self.dialect.loaded_dbapi.Error):
                raise
            if lost:  # discarded, as SQLAlchemy discards a connection it finds gone
                (connection or dbapi_connection).invalidate(error)
            raise self._sqlalchemys(error, self._sql, lost) from error
        if kept is None:
            if self._keep_cursor:
                dbapi_connection.info[_KEPT_CURSOR] = cursor
            else:
                cursor.close()
        return row

    def checkout(self, engine: Engine) -> PoolProxiedConnection:
        """A connection from ``engine``'s pool, for ``run`` with no Core connection. A failure to connect
        is raised as ``engine.connect()`` raises it: SQLAlchemy's ``DBAPIError`` (an ``OperationalError``
        when the database is unreachable, which the API answers 503), not the driver's own error, which
        ``engine.raw_connection()`` lets through unwrapped and the API would answer 500."""
        try:
            return engine.raw_connection()
        except self.dialect.loaded_dbapi.Error as error:
            raise self._sqlalchemys(error, None, self.dialect.is_disconnect(error, None, None)) from error

    def _sqlalchemys(self, error: Exception, sql: str | None, lost: bool) -> StatementError:
        """The driver's ``error`` as SQLAlchemy raises it (its class for the driver's, e.g.
        ``OperationalError``), naming no parameter."""
        return DBAPIError.instance(
            sql,
            None,
            error,
            self.dialect.loaded_dbapi.Error,
            hide_parameters=True,
            connection_invalidated=lost,
            dialect=self.dialect,
        )

    def execute(self, connection: Connection, params: dict[str, Any]) -> None:
        """Run it on ``connection`` (in its transaction, or autocommit), for its effect: no rows back."""
        if not self.direct:
            connection.execute(self.statement, params)
            return
        self.run(connection.connection, self.parameters(params), connection)


class DirectRead(Generic[ModelT]):
    """A SELECT of one mapped class's columns, run past SQLAlchemy's execution and the ORM's loading: for
    the hot reads by id (``GET /v1/patients/{id}``), where those cost more than the read itself.

    Compiled once for a dialect (``statement`` is built once too: api/services/access.py ``prepared``), it
    runs as a ``DirectStatement`` on the DBAPI cursor of the session's own connection, in the session's
    transaction (or autocommit); on a read-only request's session (PostgreSQL, autocommit) that holds no
    connection yet, on a connection borrowed from its engine for this statement alone (each statement there
    stands alone anyway). Its row is converted with each column's dialect processor, as
    ``session.scalar(statement, params)`` would, and becomes an instance of the class with every column
    loaded, not attached to the session: it is for representing, not for changing (a write reads through
    ``session`` as before). What it leaves out besides ``DirectStatement``'s, and why that is safe here: the
    identity map (a read holds no other copy) and ``description`` (psycopg builds a column object per field
    for it on every statement).

    Measured (callgrind, PostgreSQL, one patient by id with its scope and token check): 138 k instructions
    a read against 691 k through ``session.scalar`` (bench/README.md, 2026-12-07, later).
    """

    def __init__(self, statement: Select[Any], model: type[ModelT], dialect: Dialect) -> None:
        mapper = sa_inspect(model)
        columns = list(statement.selected_columns)
        # Each column's attribute on the class (raises for a column that is not one of the class's).
        self._keys = [mapper.get_property_by_column(column).key for column in columns]
        self._direct = DirectStatement(statement, dialect)
        self._statement = statement
        # A list parameter (a provider's scope) makes the statement not ``direct``: it is run through the
        # session instead (``one_or_none``), its row then attached to it.
        self.direct = self._direct.direct
        self._result_processors = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]
        self._new = mapper.class_manager.new_instance

    def one_or_none(self, session: orm.Session, params: dict[str, Any]) -> ModelT | None:
        """The statement's one row as an instance of the class, or None; ``params`` as for ``session``."""
        if not self.direct:
            found: ModelT | None = session.scalar(self._statement, params)
            return found
        parameters = self._direct.parameters(params)
        engine = _standalone_engine(session)
        if engine is None:
            connection = session.connection()
            row = self._direct.run(connection.connection, parameters, connection, fetch=True)
        elif engine.dispatch.before_cursor_execute or engine.dispatch.after_cursor_execute:
            with engine.connect() as connection:  # for this statement alone, its events fired
                row = self._direct.run(connection.connection, parameters, connection, fetch=True)
        else:
            # Nothing listens: the pool's connection itself, for this statement alone, returned at once
            # (a Core ``Connection`` around it would add its own bookkeeping, and nothing else).
            pooled = self._direct.checkout(engine)
            try:
                row = self._direct.run(pooled, parameters, None, fetch=True)
            finally:
                pooled.close()
        if row is None:
            return None
        instance: ModelT = self._new()
        instance.__dict__.update(
            (key, value if processor is None else processor(value))
            for key, value, processor in zip(self._keys, row, self._result_processors, strict=True)
        )
        return instance


@contextmanager
def atomic(session: orm.Session) -> Iterator[None]:
    """The statements run inside commit together, also on an autocommit (read-only request's) connection,
    where they are wrapped in a transaction of their own; elsewhere the session's transaction holds them."""
    driver = session.connection().connection.driver_connection
    if driver is not None and getattr(driver, "autocommit", False):
        with driver.transaction():
            yield
    else:
        yield


def _close_session(_exc: BaseException | None) -> None:
    context = request_globals()
    for name in ("db_session", "snapshot_session"):
        session: Session | None = context.pop(name, None)
        if session is not None:
            session.close()
