from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.models.resources import Resource


class Partner(Base):
    """A tenant: a clinic network or referral partner. Every patient belongs to exactly one."""

    __tablename__ = "partners"
    __resource__ = Resource("par", "partner", audited=True)

    id: Mapped[str] = __resource__.id_column()
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
