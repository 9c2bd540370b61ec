"""CORS for browser portals (flask-cors): the origins in ``CORS_ORIGINS`` may call /v1 and /oauth/token.

None by default. An allowed origin gets ``Access-Control-Allow-Origin`` with its own value (never ``*``),
``Vary: Origin``, the headers a client reads (ETag, Location, Link, rate limits, request id, replay flag)
exposed, and preflights answered for the methods and headers the API takes. Credentials (cookies) are not
allowed: the API authenticates with bearer tokens. Other origins get no CORS headers, so the browser keeps
their scripts from reading anything. The sign-in pages (``/oauth/authorize``) are never cross-origin.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_cors import CORS

from api.config import Settings

EXPOSED_HEADERS = (
    "ETag",
    "Location",
    "Link",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
    "X-Request-ID",
    "Idempotent-Replayed",
    "WWW-Authenticate",
)
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
)
PREFLIGHT_MAX_AGE = 600


def init_cors(app: Flask, settings: Settings) -> None:
    if not settings.cors_origins:
        return
    CORS(
        app,
        resources={r"/v1/*": {}, r"/oauth/token": {}},
        # Each origin exactly (flask-cors would read "[::1]" as a regular expression): escaped and anchored.
        origins=[re.compile(re.escape(origin) + r"\Z", re.IGNORECASE) for origin in settings.cors_origins],
        methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        supports_credentials=False,
        max_age=PREFLIGHT_MAX_AGE,
        vary_header=True,
    )
