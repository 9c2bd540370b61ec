"""Streamed responses (the outcomes export): the body is sent after the operation's boundary has committed.

``Blueprint.operation`` records a read's audit row and commits it after the view returns, before anything
is sent (api/http/audit.py); a streamed body is produced later, while the server sends it. So a streamed
operation does its counting in the view, from a snapshot that stays open (``api.db.snapshot_session``),
lets the boundary commit the audit row with that count, and streams from the same snapshot: the rows sent
are the rows audited. If the boundary fails (the audit row cannot be written), the error replaces the
body, nothing is streamed and the snapshot is closed at once; otherwise the response closes it when the
stream ends, complete or cut off by the client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Response, after_this_request, current_app, stream_with_context

NDJSON = "application/x-ndjson"


def stream_lines(lines: Iterator[bytes], *, close: Callable[[], None], mimetype: str = NDJSON) -> Response:
    """A response streaming ``lines``; ``close`` runs once, when the stream ends or when the response is
    not sent after all."""
    body: Response = current_app.response_class(stream_with_context(lines), mimetype=mimetype)

    @after_this_request
    def _hand_over(response: Response) -> Response:
        if response is body:
            response.call_on_close(close)
        else:  # an error answered instead: the stream never starts
            close()
        return response

    return body
