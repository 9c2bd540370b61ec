"""Posting one webhook: resolve, vet every address, connect to the vetted one, never follow a redirect.

The URL is checked again here, by the classifier registration uses (the rules or the configuration may have
changed since registration). An address in the URL, however it was spelled, is connected to as it is and
never looked up; a host name is resolved by ``resolver`` and each of its addresses checked before any
connection is made; the connection then goes to that checked address (TLS still verifies the certificate
for the name), so a name that answers differently between the check and the connection — DNS rebinding —
cannot steer the request to a private address. Nothing here raises: every failure is a ``SendResult`` with
an ``error``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from api.domain.webhooks import (
    REQUEST_TIMEOUT_SECONDS,
    RESPONSE_EXCERPT_LENGTH,
    check_url,
    first_refused,
)

# A host name and port -> the addresses it resolves to (injectable: tests answer without DNS).
Resolver = Callable[[str, int], list[str]]
USER_AGENT = "Telemedical-Webhooks/1"


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class SendResult:
    status_code: int | None  # None: no HTTP answer (see ``error``)
    duration_ms: int
    error: str | None = None  # url_not_allowed, dns_failed, address_not_allowed, timeout, tls_error, …
    excerpt: str | None = None  # the start of the response body, or what the error was
    retry_after: str | None = None


def post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str],
    allow_loopback: bool,
    resolver: Resolver = system_resolver,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> SendResult:
    started = time.monotonic()

    def result(status: int | None, **kwargs: str | None) -> SendResult:
        return SendResult(status, round((time.monotonic() - started) * 1000), **kwargs)

    target, problem = check_url(url, allow_loopback=allow_loopback)
    if target is None:
        return result(None, error="url_not_allowed", excerpt=problem)
    try:
        # An address (however the URL spelled it: check_url gives it canonical) is never looked up.
        addresses = [target.host] if target.literal else resolver(target.host, target.port)
    except (OSError, UnicodeError) as exc:
        return result(None, error="dns_failed", excerpt=type(exc).__name__)
    refused = first_refused(addresses, allow_loopback=target.loopback)
    if not addresses or refused is not None:
        return result(
            None, error="address_not_allowed", excerpt="The host resolves to an address not allowed."
        )
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    if ":" in target.host:  # an IPv6 literal
        host_header = f"[{target.host}]" + ("" if target.port in (80, 443) else f":{target.port}")
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            addresses[0],
            target.port,
            server_hostname=target.host,
            assert_hostname=target.host,
            cert_reqs="CERT_REQUIRED",
            maxsize=1,
        )
    else:
        pool = urllib3.HTTPConnectionPool(addresses[0], target.port, maxsize=1)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "host": host_header, "user-agent": USER_AGENT},
            redirect=False,
            retries=False,
            timeout=urllib3.Timeout(total=timeout),
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(RESPONSE_EXCERPT_LENGTH * 4, decode_content=False)
        except HTTPError:
            excerpt = b""
        retry_after = response.headers.get("retry-after")
        response.release_conn()
        return result(
            response.status,
            excerpt=excerpt.decode("utf-8", "replace")[:RESPONSE_EXCERPT_LENGTH] or None,
            retry_after=retry_after,
        )
    except Urllib3Timeout:
        return result(None, error="timeout", excerpt=f"No answer within {timeout:g} s.")
    except SSLError:
        return result(None, error="tls_error", excerpt="The TLS handshake or certificate check failed.")
    except NewConnectionError:
        return result(None, error="connection_failed", excerpt="The connection was refused or unreachable.")
    except HTTPError as exc:
        return result(None, error="connection_failed", excerpt=type(exc).__name__)
    finally:
        pool.close()
