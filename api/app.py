"""``create_app``: the one place that wires extensions, blueprints and error handlers."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from types import FunctionType
from typing import Any

import flask_swagger_ui
from flask import Blueprint, Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from prometheus_client import CollectorRegistry
from werkzeug.routing import Rule

from api.audit_custody import load_keyring
from api.auth.keys import load_signing_keys
from api.auth.protector import DEFERS_REVOCATION
from api.auth.scopes import SCOPES
from api.auth.server import init_oauth
from api.auth.views import bp as oauth_bp
from api.config import DOCS_CLIENT_ID, DOCS_REDIRECT_PATH, Settings, load_settings, with_telemedicine_rules
from api.db import Database, make_engine
from api.http.blueprint import SECURITY_SCHEME, Api, defers_revocation
from api.http.cors import init_cors
from api.http.current import current_request
from api.http.idempotency import init_idempotency
from api.http.input_guard import init_front_refusals, init_input_guard
from api.http.json_provider import OrjsonProvider
from api.http.liveness import PATH as LIVENESS_PATH
from api.http.liveness import init_liveness
from api.http.media import init_media_type_check
from api.http.observability import init_observability
from api.http.problem_pages import bp as problem_pages_bp
from api.http.problems import register_error_handlers
from api.http.ratelimit import init_rate_limits
from api.http.request_id import init_request_id
from api.resources import (
    admin,
    audit,
    bookings,
    consultations,
    me,
    operations,
    outcomes,
    patients,
    plans,
    providers,
    screenings,
    telemedicine,
    webhooks,
)
from api.resources import fhir as fhir_api
from api.services.directory_pages import PageCache

API_DESCRIPTION = """\
The Telemedical API takes a patient from a consultation request through clinical screening,
eligibility and provider matching to a booked consultation and a follow-up plan.

Authenticate with OAuth 2.0 (`client_credentials` for partner systems, `authorization_code` + PKCE S256
for patients and clinicians). Errors are `application/problem+json` with a stable `code`. Lists are
cursor-paginated. Every POST honours `Idempotency-Key`; PATCH requires `If-Match`.
"""

BLUEPRINTS = (
    operations.blp,
    me.blp,
    patients.blp,
    providers.blp,
    consultations.blp,
    bookings.blp,
    screenings.blp,
    plans.blp,
    outcomes.blp,
    telemedicine.blp,
    webhooks.blp,
    audit.blp,
    admin.blp,
)


# Swagger UI's files, from a pinned package: /v1/docs works offline and loads nothing from a CDN.
SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).parent / "dist"
SWAGGER_UI_ASSETS = "/v1/docs/assets"


def _spec_options() -> dict[str, object]:
    return {
        "info": {"description": API_DESCRIPTION, "contact": {"name": "Telemedical API team"}},
        "servers": [
            {"url": "http://127.0.0.1:8000", "description": "Local development (make run)"},
            {
                "url": "https://{host}",
                "description": "A deployment, at its ISSUER",
                "variables": {"host": {"default": "api.telemedical.example", "description": "ISSUER's host"}},
            },
        ],
    }


# The spec's security scheme: both grants, every scope (each operation names the ones it needs).
OAUTH2_SCHEME = {
    "type": "oauth2",
    "description": "JWT access tokens (RFC 9068), 15 minutes.",
    "flows": {
        "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": SCOPES},
        "authorizationCode": {
            "authorizationUrl": "/oauth/authorize",
            "tokenUrl": "/oauth/token",
            "refreshUrl": "/oauth/token",
            "scopes": SCOPES,
        },
    },
}


class App(Flask):
    """Flask, asking once per function whether it is a coroutine function. Flask's ``ensure_sync`` asks
    ``inspect`` again for every hook and view of every request (17 times a read); the answer for a function
    never changes: about 1 % of a read's instructions (bench/instructions.py, 2026-12-07). A bound method is
    answered by its function (views are methods of a new instance each request); anything else (a partial,
    a callable object) is asked each time, as Flask does. The memo is the app's: the functions of a
    discarded app go with it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._coroutine_functions: dict[FunctionType, bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        coroutine = self._coroutine_functions.get(func)  # type: ignore[call-overload]  # a function: most hooks
        if coroutine is None:
            function = getattr(func, "__func__", func)
            if type(function) is not FunctionType:
                return super().ensure_sync(func)
            coroutine = self._coroutine_functions.get(function)
            if coroutine is None:
                coroutine = self._coroutine_functions[function] = inspect.iscoroutinefunction(func)
        return self.async_to_sync(func) if coroutine else func


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions (the sign-in pages keep their CSRF token in one), opened only for a
    request that carries the cookie. Flask's own builds its signer for every request first, API calls
    included, which never carry one: 0.6 % of a read's instructions, for nothing."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookies = "HTTP_COOKIE" in request.environ and request.cookies  # no cookie header: nothing parsed
        if app.secret_key and (not cookies or self.get_cookie_name(app) not in cookies):
            return self.session_class()
        return super().open_session(app, request)


def _security_headers(response: Response) -> Response:
    # Set when absent, as ``setdefault`` would; werkzeug's ``setdefault`` and ``in`` raise and catch an HTTP
    # exception for a header that is absent, as these are on most responses.
    headers = response.headers
    if not headers.getlist("X-Content-Type-Options"):
        headers.add("X-Content-Type-Options", "nosniff")
    path = current_request().path  # after every request: no proxy (api/http/current.py)
    # Responses carry PHI: no shared or on-disk caches (clients still revalidate with ETags).
    api = path.startswith("/v1/") and not path.startswith(("/v1/openapi.json", "/v1/docs"))
    if api and not headers.getlist("Cache-Control"):
        headers.add("Cache-Control", "no-store")
    return response


def create_app(settings: Settings | None = None, database: Database | None = None) -> Flask:
    # Once, at start-up: a malformed TELEMEDICINE_RULES_FILE stops any server that loads the app, naming it.
    settings = with_telemedicine_rules(settings or load_settings())
    app = App(__name__, instance_path=str(settings.instance_dir))
    app.json = OrjsonProvider(app)
    app.session_interface = CookieSessions()
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.is_production,
        API_TITLE="Telemedical API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/v1",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        OPENAPI_SWAGGER_UI_URL=f"{SWAGGER_UI_ASSETS}/",
        # "Authorize" with the authorization code: back to the redirect page served with the assets, with
        # PKCE, as the docs client registered for it (api/templates/swagger_ui.html, docs/oauth.md).
        OPENAPI_SWAGGER_UI_CONFIG={
            "oauth2RedirectUrl": f"{settings.issuer}{DOCS_REDIRECT_PATH}",
            "initOAuth": {"clientId": DOCS_CLIENT_ID, "usePkceWithAuthorizationCodeGrant": True},
        },
        API_SPEC_OPTIONS=_spec_options(),
        TESTING=settings.testing,
    )
    app.extensions["settings"] = settings
    # Once, at start-up: an unreadable or short AUDIT_KEY_FILE stops any server that loads the app.
    app.extensions["audit_keyring"] = load_keyring(settings)
    # Pages of the provider directory, per process, keyed by the directory's version (the database's).
    app.extensions["provider_pages"] = PageCache(settings.provider_page_cache_bytes)
    # Which requests' operations check the token's revocation in their own statement (api/auth/store.py).
    app.extensions[DEFERS_REVOCATION] = defers_revocation

    (database or Database(make_engine(settings.database_url))).init_app(app)
    keys = load_signing_keys(settings)
    init_oauth(app, settings, keys)

    # Hooks run in this order before a request (and in reverse after it).
    init_request_id(app)
    init_front_refusals(app)
    metrics = init_observability(app, CollectorRegistry())
    init_media_type_check(app)
    init_input_guard(app)
    init_rate_limits(app, settings)
    init_idempotency(app)
    init_cors(app, settings)
    app.after_request(_security_headers)

    api = Api(app)
    api.spec.components.security_scheme(SECURITY_SCHEME, OAUTH2_SCHEME)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(oauth_bp)
    app.register_blueprint(problem_pages_bp)  # /problems: the problem catalogue, HTML or JSON
    # /fhir/R4: FHIR describes itself (metadata), not in the OpenAPI document
    app.register_blueprint(fhir_api.bp)
    app.register_blueprint(
        Blueprint("docs_assets", __name__, static_folder=SWAGGER_UI_DIST, static_url_path=SWAGGER_UI_ASSETS)
    )
    register_error_handlers(app)
    api.spec.path(rule=Rule(LIVENESS_PATH), operations={"get": operations.LIVENESS_OPERATION})
    init_liveness(app, metrics)  # last: the outermost layer
    return app
