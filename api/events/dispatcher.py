"""Sends due webhook deliveries: claim a batch, post each from a small thread pool, record each result.

The database work (claim, record, release) runs on the dispatcher's thread, each step in a session and a
transaction of its own (the dispatcher is each step's boundary: it commits the claim before sending, and each
attempt as it is recorded); the pool threads only sign and post. ``stop()`` (SIGTERM) lets the posts in
flight finish and be recorded, and gives back the leases of the claimed deliveries not yet started, so
another worker sends them at once.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy.orm import Session

from api.db import unit_of_work, utcnow
from api.domain.webhooks import REQUEST_TIMEOUT_SECONDS, request_headers
from api.events import transport
from api.services import deliveries
from api.services.deliveries import Job

log = logging.getLogger("api.webhooks")


class Dispatcher:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        *,
        secret_key: str,
        allow_loopback: bool,
        lease_seconds: int,
        concurrency: int,
        resolver: transport.Resolver = transport.system_resolver,
        timeout: float = REQUEST_TIMEOUT_SECONDS,
    ) -> None:
        self.session_factory = session_factory
        self.secret_key = secret_key
        self.allow_loopback = allow_loopback
        self.lease = timedelta(seconds=lease_seconds)
        self.concurrency = concurrency
        self.resolver = resolver
        self.timeout = timeout
        self.stopping = threading.Event()
        self.pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webhook")

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def run_pass(self) -> int:
        """Claim what is due and send it; the number of attempts made."""
        if self.stopping.is_set():
            return 0
        with self.session_factory() as session, unit_of_work(session):
            jobs = deliveries.claim_due(
                session,
                now=utcnow(),
                limit=self.concurrency * 2,
                lease=self.lease,
                secret_key=self.secret_key,
            )
        if not jobs:
            return 0
        futures: dict[Future[transport.SendResult], Job] = {}
        unsent: list[Job] = []
        for job in jobs:
            if self.stopping.is_set():
                unsent.append(job)
            else:
                futures[self.pool.submit(self._send, job)] = job
        made = 0
        for future, job in futures.items():
            if self.stopping.is_set() and future.cancel():
                unsent.append(job)
                continue
            made += self._record(job, future.result())
        if unsent:
            with self.session_factory() as session, unit_of_work(session):
                deliveries.release(session, unsent)
        return made

    def _send(self, job: Job) -> transport.SendResult:
        headers = request_headers(job.secrets, message_id=job.event_id, sent_at=utcnow(), body=job.body)
        return transport.post(
            job.url,
            body=job.body,
            headers=headers,
            allow_loopback=self.allow_loopback,
            resolver=self.resolver,
            timeout=self.timeout,
        )

    def _record(self, job: Job, result: transport.SendResult) -> int:
        with self.session_factory() as session:
            try:
                with unit_of_work(session):
                    outcome = deliveries.record_attempt(
                        session,
                        job,
                        result,
                        now=utcnow(),
                        jitter=random.random(),  # noqa: S311 - spreading retries, not a secret
                    )
            except Exception:
                # Rolled back. The lease runs out and another attempt is made: at least once, never lost.
                log.exception("could not record a webhook attempt (delivery %s)", job.delivery_id)
                return 1
        log.info(
            "webhook attempt delivery=%s endpoint=%s attempt=%s status=%s error=%s ms=%s verdict=%s",
            job.delivery_id,
            job.endpoint_id,
            job.attempt,
            result.status_code,
            result.error,
            result.duration_ms,
            outcome.verdict if outcome else "endpoint_deleted",
        )
        return 1
