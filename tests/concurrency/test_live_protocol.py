"""What gunicorn answers before the application runs is problem+json too, and its log holds no request line
(hardening issue, finding 9). Against the real server process (`telemedical run`)."""

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
            b"GET /v1/patients?email=" + b"x" * 5000 + b"@example.test HTTP/1.1\r\nHost: t\r\n\r\n",
            414,
            "uri_too_long",
        ),
        (
            b"GET /v1/patients HTTP/1.1\r\nHost: t\r\n"
            + b"".join(b"X-H%d: v\r\n" % i for i in range(150))
            + b"\r\n",
            431,
            "request_header_fields_too_large",
        ),
        (
            b"GET /v1/patients HTTP/1.1\r\nHost: t\r\nX-Big: " + b"v" * 9000 + b"\r\n\r\n",
            431,
            "request_header_fields_too_large",
        ),
        (b"GET /v1/patients?email=a@b.test HTTP/9.9\r\nHost: t\r\n\r\n", 400, "bad_request"),
    ],
    ids=["long-request-line", "too-many-headers", "header-too-large", "bad-version"],
)
def test_errors_gunicorn_answers_itself_are_problem_json_and_log_no_request_line(
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
    assert "example.test" not in log and "email=" not in log and "a@b.test" not in log
