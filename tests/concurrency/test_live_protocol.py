"""The request-size limits the API states are problem+json from the real server process (`telemedical run`,
granian), and what granian refuses before the application runs is a bare 4xx; no log holds a request line
(hardening issue, finding 9)."""

from __future__ import annotations

import socket

import pytest
import requests

from tests.concurrency.server import LiveServer


def _raw(server: LiveServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = server.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (
            b"GET /v1/patients?email="
            + b"x" * 5000
            + b"@example.test HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            414,
            "uri_too_long",
        ),
        (
            b"GET /v1/patients?email=a@example.test HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Big: "
            + b"v" * 9000
            + b"\r\n\r\n",
            431,
            "request_header_fields_too_large",
        ),
        (
            b"POST /oauth/token?email=a@example.test HTTP/1.1\r\nHost: t\r\nConnection: close\r\nX-Big: "
            + b"v" * 9000
            + b"\r\nContent-Length: 0\r\n\r\n",
            431,
            "request_header_fields_too_large",
        ),
    ],
    ids=["long-request-line", "header-too-large", "header-too-large-oauth"],
)
def test_requests_over_the_stated_limits_are_problem_json_and_log_no_request_line(
    live_server: LiveServer, request_bytes: bytes, status: int, code: str
) -> None:
    offset = live_server.log_offset()

    answered, headers, body = _raw(live_server, request_bytes)

    assert answered == status
    assert headers["content-type"] == "application/problem+json"
    problem = requests.models.complexjson.loads(body)
    assert (problem["status"], problem["code"]) == (status, code)
    assert problem["type"].endswith(f"/problems/{code}") and problem["request_id"] == headers["x-request-id"]
    log = live_server.log_since(offset)
    assert "example.test" not in log and "email=" not in log


def test_just_under_the_limits_is_served(live_server: LiveServer) -> None:
    """The limits are the stated ones, not lower: a 4,094-byte request line and an 8,190-byte header pass."""
    prefix, suffix = b"GET /healthz?pad=", b" HTTP/1.1"
    line = prefix + b"x" * (4094 - len(prefix) - len(suffix)) + suffix
    header = b"X-Pad: " + b"v" * (8190 - len(b"X-Pad: "))
    answered, _, _ = _raw(live_server, line + b"\r\nHost: t\r\nConnection: close\r\n" + header + b"\r\n\r\n")
    assert answered == 200


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (
            b"GET /v1/patients?email=a@example.test HTTP/1.1\r\nHost: t\r\n"
            + b"".join(b"X-H%d: v\r\n" % i for i in range(150))
            + b"\r\n",
            431,
        ),
        (b"GET /v1/patients?email=a@example.test HTTP/9.9\r\nHost: t\r\n\r\n", 400),
        (b"\x00\x01GARBAGE?email=a@example.test\r\n\r\n", 400),
    ],
    ids=["too-many-headers", "bad-version", "garbage"],
)
def test_what_the_server_refuses_itself_is_a_bare_4xx_and_logs_no_request_line(
    live_server: LiveServer, request_bytes: bytes, status: int
) -> None:
    """granian answers these before any application code runs: a 4xx with an empty body (no trace, no
    echo of the request), the connection closed (documented in api/serving.py and docs/conventions.md)."""
    offset = live_server.log_offset()

    answered, headers, body = _raw(live_server, request_bytes)

    assert answered == status and body == b"" and headers.get("connection") == "close"
    assert "example.test" not in live_server.log_since(offset)
