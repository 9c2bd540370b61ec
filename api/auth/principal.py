"""Who is calling: the verified access token turned into the identity services scope every query by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

PrincipalKind = Literal["partner_client", "patient", "provider", "admin"]
PRINCIPAL_KINDS: tuple[PrincipalKind, ...] = get_args(PrincipalKind)


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    client_id: str
    subject: str
    scopes: frozenset[str]
    partner_id: str | None = None
    user_id: str | None = None
    patient_id: str | None = None
    provider_id: str | None = None
    token_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.kind == "admin"

    @property
    def actor_id(self) -> str:
        return self.user_id or self.client_id

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
