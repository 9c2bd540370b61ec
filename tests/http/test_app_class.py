"""``App`` (api/app.py): Flask's ``ensure_sync`` with its answer kept per function. Whatever it is given, it
answers as Flask's own does; it asks ``inspect`` once per function, not once per request."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api.app import App
from tests.helpers import bearer, cc_token
from tests.world import World


def plain() -> str:
    return "plain"


async def coroutine() -> str:
    return "coroutine"


class View:
    def get(self) -> str:
        return "method"

    async def aget(self) -> str:
        return "async method"


def _answer(app: Flask, func: Any) -> tuple[str, Any]:
    """What ``ensure_sync`` does with ``func``: returns it as it is, returns a wrapper, or raises."""
    try:
        made = app.ensure_sync(func)
    except Exception as error:  # Flask without its "async" extra cannot run a coroutine function
        return "raises", type(error)
    return ("as is", None) if made is func else ("wrapped", None)


CALLABLES = {
    "function": plain,
    "coroutine function": coroutine,
    "method": View().get,
    "coroutine method": View().aget,
    "partial": functools.partial(plain),
    "partial coroutine": functools.partial(coroutine),
    "lambda": lambda: "lambda",
}


@pytest.mark.parametrize("func", CALLABLES.values(), ids=CALLABLES.keys())
def test_ensure_sync_answers_as_flasks_own(func: Any) -> None:
    assert _answer(App(__name__), func) == _answer(Flask(__name__), func)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every function ``App`` asks ``inspect.iscoroutinefunction`` about from now on."""
    functions: list[Any] = []
    real = inspect.iscoroutinefunction

    def counting(func: Any) -> bool:
        functions.append(func)
        return real(func)

    monkeypatch.setattr(inspect, "iscoroutinefunction", counting)
    return functions


def test_a_function_is_asked_about_once(asked: list[Any]) -> None:
    app = App(__name__)
    asked.clear()  # pytest asks about the test function itself
    for _ in range(5):
        assert app.ensure_sync(plain) is plain
        method = View().get  # a new instance's bound method each time, as a MethodView's per request
        assert app.ensure_sync(method) is method
    assert len(asked) == 2  # once for ``plain``, once for ``View.get``


def test_a_request_asks_nothing_the_first_one_asked(
    client: FlaskClient, world: World, asked: list[Any]
) -> None:
    headers = bearer(cc_token(client, world.portal_a))
    assert client.get("/v1/patients", headers=headers).status_code == 200
    asked.clear()
    assert client.get("/v1/patients", headers=headers).status_code == 200
    assert asked == [], [getattr(f, "__qualname__", f) for f in asked]
