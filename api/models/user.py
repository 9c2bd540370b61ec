from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, utcnow
from api.models.resources import Resource

Role = Literal["admin", "provider", "patient"]
ROLES: tuple[Role, ...] = ("admin", "provider", "patient")
PLATFORM_REALM = "platform"


class User(Base):
    """Someone who signs in through the authorization-code flow.

    Patients sign in within their partner's realm (the same person may be a patient of two partners);
    admins and providers within the platform realm.
    """

    __tablename__ = "users"
    __resource__ = Resource("usr", "user", audited=True, patient="patient_id")
    __table_args__ = (UniqueConstraint("realm", "email"),)

    id: Mapped[str] = __resource__.id_column()
    realm: Mapped[str] = mapped_column(String(40))
    # Indexed alone too: sign-in looks an email up across realms to tell a wrong door from a wrong password.
    email: Mapped[str] = mapped_column(String(320), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"), index=True)
    patient_id: Mapped[str | None] = mapped_column(ForeignKey("patients.id"), unique=True)
    # The provider directory arrives with the providers issue; the link is kept as the provider's id.
    provider_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[datetime | None]

    def get_user_id(self) -> str:
        return self.id


class SignInThrottle(Base):
    """An account's recent wrong passwords (api.domain.sign_in). Keyed by a digest of the email, so that the
    table holds no address, and kept for unknown emails too (so it says nothing about who has an account)."""

    __tablename__ = "sign_in_throttles"
    __resource__ = None

    email_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failure_at: Mapped[datetime] = mapped_column(index=True)
    blocked_until: Mapped[datetime | None]
