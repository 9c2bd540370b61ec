"""The request-size limits the API states are problem+json from the real server process (`telemedical run`,
granian), and what granian refuses before the application runs is a bare 4xx; no log holds a request line
(hardening issue, finding 9)."""

from __future__ import annotations

import json
import socket
import time

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import Patient
from tests.concurrency.conftest import Tenant
from tests.concurrency.server import LiveServer, start_server


def _raw(server: LiveServer, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(_address(server), timeout=30) as sock:
        sock.sendall(request)
        return _answer(sock)


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


# --- slow clients (issue 22, finding 1) ------------------------------------------------------------------


def _address(server: LiveServer) -> tuple[str, int]:
    host, port = server.base_url.removeprefix("http://").split(":")
    return host, int(port)


def _slow_bodies(server: LiveServer, count: int) -> list[socket.socket]:
    """``count`` connections that send their headers and one byte of a 100-byte body, then nothing."""
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(_address(server), timeout=30)
        sock.sendall(
            b"POST /v1/patients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        sockets.append(sock)
    return sockets


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in header_lines)}
    return int(status_line.split()[1]), headers, body


def test_slow_request_bodies_do_not_hold_the_service(live_server: LiveServer) -> None:
    """Twelve connections trickling their bodies (three times the application threads of two workers) used to
    hold every thread: /healthz, /readyz and the spec timed out until the attacker let go."""
    held = _slow_bodies(live_server, 12)
    try:
        for path in ("/healthz", "/readyz", "/v1/openapi.json", "/v1/me"):
            response = requests.get(live_server.url(path), timeout=1)
            assert response.status_code in (200, 401), (path, response.status_code)
            assert response.elapsed.total_seconds() < 1
    finally:
        for sock in held:
            sock.close()


def test_a_body_that_does_not_arrive_in_time_is_a_408_and_too_many_at_once_a_503(
    tmp_path_factory: pytest.TempPathFactory, live_database_url: str
) -> None:
    """Each body has REQUEST_BODY_TIMEOUT seconds; each worker reads MAX_PENDING_BODIES at once and answers
    any more with 503 at once, while requests without a body are served throughout."""
    server = start_server(
        live_database_url,
        tmp_path_factory.mktemp("slow-bodies"),
        workers=1,
        settings={"REQUEST_BODY_TIMEOUT": "2", "MAX_PENDING_BODIES": "3"},
    )
    try:
        held = _slow_bodies(server, 3)
        time.sleep(0.3)  # the three reads have begun
        started = time.monotonic()
        status, headers, body = _raw(
            server,
            b"POST /v1/patients HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\n\r\n{}",
        )
        assert (status, headers["retry-after"]) == (503, "1")
        assert json.loads(body)["code"] == "service_unavailable"
        assert requests.get(server.url("/healthz"), timeout=1).status_code == 200
        for sock in held:
            status, headers, body = _answer(sock)
            assert status == 408 and headers["content-type"] == "application/problem+json"
            assert headers["connection"] == "close"
            assert json.loads(body)["code"] == "request_timeout"
            sock.close()
        assert 1.5 < time.monotonic() - started < 6
        # Nothing was created from a truncated body.
        assert "POST /v1/patients 201" not in server.log_since(0)
    finally:
        server.stop()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET /v1/me HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n",
    ],
    ids=["no-host", "two-hosts"],
)
def test_an_http_1_1_request_needs_exactly_one_host(live_server: LiveServer, request_bytes: bytes) -> None:
    """RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host, or with several."""
    status, headers, body = _raw(live_server, request_bytes)
    assert status == 400 and headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "bad_host"


@pytest.mark.parametrize(
    "key", [b"\xc3\x97\xc3\xb8\xc2\x9b", b"caf\xe9", b"a\xffb"], ids=["utf-8", "latin-1", "0xff"]
)
def test_a_non_ascii_idempotency_key_is_refused_not_dropped(
    live_server: LiveServer, tenant: Tenant, arrange: Session, key: bytes
) -> None:
    """Found by the re-run of issue 22's fuzzing: a server interface that hands headers over as text dropped a
    header whose value was not visible ASCII, and the POST ran as if no key had been sent (a retry would then
    make a second patient). Every byte of every header reaches the application, which refuses the key."""
    before = arrange.scalar(select(func.count()).select_from(Patient))
    arrange.rollback()
    response = requests.post(
        live_server.url("/v1/patients"),
        json={
            "given_name": "Key",
            "family_name": "Test",
            "birth_date": "1980-01-01",
            "sex_at_birth": "female",
        },
        headers={**tenant.headers, "Idempotency-Key": key},  # type: ignore[dict-item]  # raw bytes on purpose
        timeout=30,
    )
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_idempotency_key"
    assert arrange.scalar(select(func.count()).select_from(Patient)) == before
