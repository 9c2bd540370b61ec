"""The command line: `telemedical run` must not serve inside a pushed application context."""

from __future__ import annotations

from api.cli import main


def test_run_command_does_not_push_an_app_context() -> None:
    # With an app context pushed around the server, every request in a worker would share `g`:
    # one caller's verified token and database session would leak into the next request.
    command = main.commands["run"]
    assert getattr(command.callback, "__wrapped__", None) is None
