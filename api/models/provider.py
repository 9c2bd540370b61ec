"""The provider directory (clinicians, their licences, DEA registrations, sites, routes) and appointments.

Lists that matching filters on (routes, languages, specialties) and the regulatory records (licences, DEA
registrations, sites) are rows of their own, indexed by the column a query starts from, so that the
matching query reads only the providers licensed in the patient's state, never the whole directory.

Double booking is impossible at the database level, not only in Python: migration 0003 adds a
PostgreSQL exclusion constraint (``btree_gist``; same ``provider_id``, overlapping ``tstzrange``, status
not cancelled) and, on SQLite, BEFORE INSERT / UPDATE triggers that abort on an overlap (SQLite serialises
writers, so the trigger's check and the write are atomic). Neither can be declared portably on the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
    or_,
    text,
    type_coerce,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from api.db import Base, utcnow
from api.domain.appointments import AppointmentStatus
from api.domain.matching import KETAMINE_DEA_SCHEDULE, LicenseStatus
from api.domain.protocols import Route
from api.models.resources import Resource
from api.models.types import JSONType, StrEnumType

APPOINTMENT_OVERLAP = "appointment_overlap"  # name of the constraint (PostgreSQL) / trigger message (SQLite)
ROUTE_ORDER = {route.value: index for index, route in enumerate(Route)}


def empty_availability() -> dict[str, Any]:
    return {"weekly": [], "exceptions": []}


class Provider(Base):
    """A clinician. ``active_patients`` counts their consultations booked and not yet completed or cancelled
    (``scheduled`` or ``in_progress``); booking raises it, completing or cancelling lowers it."""

    __tablename__ = "providers"
    __resource__ = Resource("prv", "provider", audited=True, path="/v1/providers/{id}")
    __table_args__ = (
        Index("ix_providers_created_at_id", "created_at", "id"),
        Index("ix_providers_free_slots_valid_until", "free_slots_valid_until"),
    )

    id: Mapped[str] = __resource__.id_column()
    npi: Mapped[str] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    credential: Mapped[str] = mapped_column(String(4))
    accepting_new_patients: Mapped[bool] = mapped_column(Boolean, default=True)
    max_active_patients: Mapped[int] = mapped_column(Integer)
    active_patients: Mapped[int] = mapped_column(Integer, default=0)
    timezone: Mapped[str] = mapped_column(String(64))
    # {"weekly": [...], "exceptions": [...]} exactly as ``api.domain.availability.Availability.as_dict``.
    availability: Mapped[dict[str, Any]] = mapped_column(JSONType, default=empty_availability)
    # Free-slot summary for matching (api.services.provider_facts.refresh_free_slot_summary), rewritten in the
    # transaction of every change that can move it (availability, time zone, booking, reschedule, cancel):
    # the first free consultation-length slot from ``free_slots_computed_at`` on (NULL: none within the
    # horizon plus a day), and until when that answer holds (the slot's start, else a day, else forever).
    # NULL ``free_slots_computed_at`` means never computed: matching then computes the slots itself.
    first_free_slot_at: Mapped[datetime | None] = mapped_column(default=None)
    free_slots_computed_at: Mapped[datetime | None] = mapped_column(default=None)
    free_slots_valid_until: Mapped[datetime | None] = mapped_column(default=None)
    # The local week hours in which a slot may start (``api.domain.matching.slot_hours``, 168 bits in hex),
    # written with the summary: matching's cheap upper bound of the preferred-times fit. NULL: unknown.
    slot_hours: Mapped[str | None] = mapped_column(String(42), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    license_rows: Mapped[list[ProviderLicense]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="ProviderLicense.id"
    )
    dea_rows: Mapped[list[DeaRegistration]] = relationship(
        back_populates="provider", cascade="all, delete-orphan", order_by="DeaRegistration.id"
    )
    site_rows: Mapped[list[PracticeSite]] = relationship(
        back_populates="provider",
        cascade="all, delete-orphan",
        order_by="(PracticeSite.created_at, PracticeSite.id)",
    )
    route_rows: Mapped[list[ProviderRoute]] = relationship(cascade="all, delete-orphan")
    language_rows: Mapped[list[ProviderLanguage]] = relationship(cascade="all, delete-orphan")
    specialty_rows: Mapped[list[ProviderSpecialty]] = relationship(cascade="all, delete-orphan")

    # The API's list fields; setting one replaces the rows behind it.
    @property
    def routes_offered(self) -> list[str]:
        return sorted((row.route for row in self.route_rows), key=lambda r: ROUTE_ORDER.get(r, 99))

    @routes_offered.setter
    def routes_offered(self, values: Iterable[str]) -> None:
        _replace_values(self.route_rows, "route", values, lambda v: ProviderRoute(route=v))

    @property
    def languages(self) -> list[str]:
        return sorted(row.language for row in self.language_rows)

    @languages.setter
    def languages(self, values: Iterable[str]) -> None:
        _replace_values(self.language_rows, "language", values, lambda v: ProviderLanguage(language=v))

    @property
    def specialties(self) -> list[str]:
        return sorted(row.specialty for row in self.specialty_rows)

    @specialties.setter
    def specialties(self, values: Iterable[str]) -> None:
        _replace_values(self.specialty_rows, "specialty", values, lambda v: ProviderSpecialty(specialty=v))

    @property
    def licenses(self) -> list[ProviderLicense]:
        return list(self.license_rows)

    @property
    def dea_registrations(self) -> list[DeaRegistration]:
        return list(self.dea_rows)

    @property
    def sites(self) -> list[PracticeSite]:
        return list(self.site_rows)


def _replace_values(rows: list[Any], attribute: str, values: Iterable[str], make: Any) -> None:
    """Keep the rows whose value stays, drop the others, add the new ones (never re-insert a kept key)."""
    wanted = list(dict.fromkeys(values))
    rows[:] = [row for row in rows if getattr(row, attribute) in wanted]
    present = {getattr(row, attribute) for row in rows}
    rows.extend(make(value) for value in wanted if value not in present)


class ProviderLicense(Base):
    """A state medical (or nursing) licence. Matching reads it by (state, status, expires_on).

    A state board issues a number to one licensee: (state, number) is unique across the directory, the number
    stored in its canonical form (``api.domain.reference.canonical_license_number``)."""

    __tablename__ = "provider_licenses"
    __resource__ = None
    __table_args__ = (
        UniqueConstraint("state", "number"),
        Index(
            "ix_provider_licenses_matching",
            "state",
            "status",
            "expires_on",
            "provider_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(40))
    status: Mapped[LicenseStatus] = mapped_column(StrEnumType(LicenseStatus, 12))
    expires_on: Mapped[date] = mapped_column(Date)

    provider: Mapped[Provider] = relationship(back_populates="license_rows")


class DeaRegistration(Base):
    """A DEA registration, one per state; ``covers_schedule_iii`` mirrors ``schedules`` for the index."""

    __tablename__ = "dea_registrations"
    __resource__ = None
    __table_args__ = (
        UniqueConstraint("provider_id", "state"),
        Index(
            "ix_dea_registrations_matching",
            "state",
            "covers_schedule_iii",
            "expires_on",
            "provider_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(2))
    number: Mapped[str] = mapped_column(String(9))
    schedules: Mapped[list[str]] = mapped_column(JSONType)
    covers_schedule_iii: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_on: Mapped[date] = mapped_column(Date)

    provider: Mapped[Provider] = relationship(back_populates="dea_rows")

    @validates("schedules")
    def _mirror_schedule_iii(self, _key: str, schedules: list[str]) -> list[str]:
        self.covers_schedule_iii = KETAMINE_DEA_SCHEDULE in schedules
        return schedules


class PracticeSite(Base):
    """A clinic where in-person routes are given; ``rems_certified`` for intranasal esketamine (Spravato)."""

    __tablename__ = "practice_sites"
    __resource__ = Resource("sit")
    __table_args__ = (Index("ix_practice_sites_matching", "state", "rems_certified", "provider_id"),)

    id: Mapped[str] = __resource__.id_column()
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(2))
    rems_certified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="site_rows")


class ProviderRoute(Base):
    __tablename__ = "provider_routes"
    __resource__ = None
    __table_args__ = (Index("ix_provider_routes_route_provider_id", "route", "provider_id"),)

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    route: Mapped[Route] = mapped_column(StrEnumType(Route, 20), primary_key=True)


class ProviderLanguage(Base):
    __tablename__ = "provider_languages"
    __resource__ = None
    __table_args__ = (Index("ix_provider_languages_language_provider_id", "language", "provider_id"),)

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    # A BCP 47 tag in canonical case ("es-MX"); matching compares primary subtags.
    language: Mapped[str] = mapped_column(String(35), primary_key=True)


class ProviderSpecialty(Base):
    __tablename__ = "provider_specialties"
    __resource__ = None
    __table_args__ = (Index("ix_provider_specialties_specialty_provider_id", "specialty", "provider_id"),)

    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    specialty: Mapped[str] = mapped_column(String(60), primary_key=True)


class ProviderDirectorySize(Base):
    """How many providers the directory holds, kept by database triggers on ``providers`` (insert, delete),
    so matching's ``license`` exclusion count needs no scan of the whole directory per request. One row,
    ``id`` 1."""

    __tablename__ = "provider_directory_size"
    __resource__ = None

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    providers: Mapped[int] = mapped_column(Integer)


class DirectoryVersion(Base):
    """The directory's version: one row, ``id`` 1, whose ``version`` database triggers bump at every write
    to a table the provider list shows (providers, licences, DEA registrations, sites, routes, languages,
    specialties), in the writer's transaction (migration 0023), once per transaction (0025). Pages of
    ``GET /v1/providers`` are cached
    under it (api/services/directory_pages.py)."""

    __tablename__ = "directory_version"
    __resource__ = None

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    # PostgreSQL: the transaction that bumped it last (``txid_current()``), so that it is bumped once per
    # transaction however many rows it wrote (migration 0025). Unused on SQLite.
    bumped_by: Mapped[int | None] = mapped_column(BigInteger)


class RouteSet(TypeDecorator[frozenset[Route]]):
    """A set of routes stored as an integer, bit i for the i-th ``Route``, so that SQL meets it with one
    ``&``: how such a set is written, read back and asked (``meets``), in one place."""

    impl = Integer
    cache_ok = True

    @staticmethod
    def bits(routes: Iterable[str]) -> int:
        wanted = set(routes)
        return sum(1 << index for index, route in enumerate(Route) if route in wanted)

    def process_bind_param(self, value: Iterable[str] | None, dialect: Dialect) -> int | None:
        return None if value is None else self.bits(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> frozenset[Route] | None:
        return None if value is None else frozenset(r for i, r in enumerate(Route) if value >> i & 1)

    def meets(self, column: ColumnElement[Any], wanted: frozenset[Any]) -> ColumnElement[bool]:
        """Whether the stored set holds any of ``wanted``."""
        mask = self.bits(wanted)
        if not mask:
            return false()
        met: ColumnElement[bool] = type_coerce(column, Integer).op("&", return_type=Integer)(mask) != 0
        return met


class WordSet(TypeDecorator[frozenset[str]]):
    """A set of words (no spaces) stored as text, each between spaces (`` en es ``), so that SQL meets it
    with ``LIKE '% es %'``: how such a set is written, read back and asked (``meets``), in one place."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Iterable[str] | None, dialect: Dialect) -> str | None:
        return None if value is None else " " + "".join(f"{word} " for word in sorted(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> frozenset[str] | None:
        return None if value is None else frozenset(value.split())

    def meets(self, column: ColumnElement[Any], wanted: frozenset[Any]) -> ColumnElement[bool]:
        """Whether the stored set holds any of ``wanted``."""
        text_column = type_coerce(column, String)
        return or_(false(), *(text_column.contains(f" {word} ", autoescape=True) for word in sorted(wanted)))


class ProviderStateFacts(Base):
    """The matching facts (``api.domain.matching.ProviderFacts``, a column per field) of a provider in a
    state where they hold an active licence (any expiry), with their time zone, slot hours and the validity
    of their free-slot summary. Written only by ``api.services.provider_facts.sync_matching_facts``, in the
    transaction of every change to what they are derived from (licences, DEA registrations, sites, routes,
    languages, specialties, credential, capacity, active patients, free-slot summary). Clustered by (state,
    provider_id), so matching reads one state as one range."""

    __tablename__ = "provider_state_facts"
    __resource__ = None
    __table_args__ = (
        Index("ix_provider_state_facts_provider_id", "provider_id"),
        {"sqlite_with_rowid": False},
    )

    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True)
    license_through: Mapped[date] = mapped_column(Date)
    dea_through: Mapped[date | None] = mapped_column(Date)
    deliverable_routes: Mapped[frozenset[Route]] = mapped_column(RouteSet)
    languages: Mapped[frozenset[str]] = mapped_column(WordSet(400))
    psychiatrist: Mapped[bool] = mapped_column(Boolean)
    accepting_new_patients: Mapped[bool] = mapped_column(Boolean)
    active_patients: Mapped[int] = mapped_column(Integer)
    max_active_patients: Mapped[int] = mapped_column(Integer)
    timezone: Mapped[str] = mapped_column(String(64))
    slot_hours: Mapped[str | None] = mapped_column(String(42))
    first_free_slot_at: Mapped[datetime | None]
    free_slots_computed_at: Mapped[datetime | None]
    free_slots_valid_until: Mapped[datetime | None]


class Appointment(Base):
    """A booked consultation slot. At most one booked appointment per consultation (partial unique index)."""

    __tablename__ = "appointments"
    __resource__ = Resource(
        "apt",
        "appointment",
        audited=True,
        patient_via="consultation_id",
        path="/v1/consultations/{consultation_id}/appointment",
    )
    __table_args__ = (
        Index("ix_appointments_provider_id_starts_at", "provider_id", "starts_at"),
        Index(
            "uq_appointments_consultation_id_booked",
            "consultation_id",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    id: Mapped[str] = __resource__.id_column()
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        StrEnumType(AppointmentStatus, 12), default=AppointmentStatus.BOOKED
    )
    # Built once at booking from VIDEO_BASE_URL and a random token, so a link already sent keeps working.
    video_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
