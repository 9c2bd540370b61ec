"""The request's own objects (the request, ``g``, the application), reached without a proxy on the hot path.

``flask.request``, ``flask.g`` and ``flask.current_app`` are werkzeug ``LocalProxy`` objects. On Python 3.11
every attribute read through one first fails the proxy's own attribute lookup (an ``AttributeError`` is made,
its message formatted, then dropped) before the proxy's ``__getattr__`` finds the context's object and reads
the attribute there: about 8,500 instructions for ``request.method``, 9,900 for ``g.get(...)``, against about
1,300 to fetch the object once through the proxy's documented ``_get_current_object`` and some 100 a plain
attribute read after that (callgrind; bench/README.md, "The session of 2026-12-07, night"). A read by id made
92 reads through the proxies, a fifth of its instructions. Code that runs on every request takes each object
once with these functions and reads it directly; code that runs rarely may use the proxies.

Each function is the proxy's own ``_get_current_object``, taken once at import: it reads the context variable
on every call, so it is always the current request's object, and raises ``RuntimeError`` outside one, as the
proxy does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from flask import Flask, Request, current_app, g, request

if TYPE_CHECKING:
    from flask.ctx import _AppCtxGlobals

current_request = cast("Callable[[], Request]", request._get_current_object)  # type: ignore[attr-defined]  # werkzeug's LocalProxy method, typed away by Flask
request_globals = cast("Callable[[], _AppCtxGlobals]", g._get_current_object)
current_flask = cast("Callable[[], Flask]", current_app._get_current_object)  # type: ignore[attr-defined]  # as above
