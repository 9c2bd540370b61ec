from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.models.types import JSONType


class IdempotencyKey(Base):
    """A POST's ``Idempotency-Key`` claim and, once finished, its recorded response.

    Keys belong to one caller: the OAuth client and the token's subject (the signed-in user, or the client
    itself for client credentials), so two patients of one app never share a key space. The unique
    (client_id, subject, key) row is the lock: inserting it is atomic across server processes.
    """

    __tablename__ = "idempotency_keys"
    __resource__ = None
    __table_args__ = (UniqueConstraint("client_id", "subject", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(255))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    locked_at: Mapped[datetime | None]
    # Set in the transaction that commits the request's writes: the request took effect even if its
    # response was never recorded (the database or the process failed in between), so it is never re-run.
    committed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
