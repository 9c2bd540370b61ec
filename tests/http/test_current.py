"""api/http/current.py: the context's own objects, as the proxies would give them, for each request."""

from __future__ import annotations

import pytest
from flask import Flask, current_app, g, request

from api.http.current import current_flask, current_request, request_globals


def test_each_request_gets_its_own_objects() -> None:
    app = Flask(__name__)
    seen = []
    for path in ("/first", "/second"):
        with app.test_request_context(path):
            assert current_request() is request._get_current_object()  # type: ignore[attr-defined]  # werkzeug's LocalProxy
            assert current_request().path == path
            request_globals().mark = path
            assert g.mark == path
            assert current_flask() is app
            seen.append(request_globals())
    assert seen[0] is not seen[1]  # a fresh g each time: nothing kept from the request before


def test_nested_application_is_the_inner_one() -> None:
    outer, inner = Flask("outer"), Flask("inner")
    with outer.app_context():
        with inner.test_request_context("/"):
            assert current_flask() is inner is current_app._get_current_object()
        assert current_flask() is outer


def test_outside_a_context_raises_as_the_proxies_do() -> None:
    with pytest.raises(RuntimeError):
        current_request()
    with pytest.raises(RuntimeError):
        request_globals()
    with pytest.raises(RuntimeError):
        current_flask()
