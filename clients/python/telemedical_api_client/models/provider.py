from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.credential import Credential
from ..models.route import Route

if TYPE_CHECKING:
    from ..models.availability import Availability
    from ..models.dea_registration import DeaRegistration
    from ..models.license_ import License
    from ..models.site import Site


T = TypeVar("T", bound="Provider")


@_attrs_define
class Provider:
    """
    Attributes:
        accepting_new_patients (bool):
        active_patients (int): Consultations booked with this provider and not yet completed or cancelled
        availability (Availability):
        created_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        credential (Credential): Provider credential
        dea_registrations (list[DeaRegistration]):
        family_name (str):
        given_name (str):
        id (str):  Example: prv_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        languages (list[str]):
        licenses (list[License]):
        max_active_patients (int):
        npi (str):
        routes_offered (list[Route]):
        sites (list[Site]):
        specialties (list[str]):
        timezone (str):
        updated_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
    """

    accepting_new_patients: bool
    active_patients: int
    availability: Availability
    created_at: datetime.datetime
    credential: Credential
    dea_registrations: list[DeaRegistration]
    family_name: str
    given_name: str
    id: str
    languages: list[str]
    licenses: list[License]
    max_active_patients: int
    npi: str
    routes_offered: list[Route]
    sites: list[Site]
    specialties: list[str]
    timezone: str
    updated_at: datetime.datetime

    def to_dict(self) -> dict[str, Any]:
        accepting_new_patients = self.accepting_new_patients

        active_patients = self.active_patients

        availability = self.availability.to_dict()

        created_at = self.created_at.isoformat()

        credential = self.credential.value

        dea_registrations = []
        for dea_registrations_item_data in self.dea_registrations:
            dea_registrations_item = dea_registrations_item_data.to_dict()
            dea_registrations.append(dea_registrations_item)

        family_name = self.family_name

        given_name = self.given_name

        id = self.id

        languages = self.languages

        licenses = []
        for licenses_item_data in self.licenses:
            licenses_item = licenses_item_data.to_dict()
            licenses.append(licenses_item)

        max_active_patients = self.max_active_patients

        npi = self.npi

        routes_offered = []
        for routes_offered_item_data in self.routes_offered:
            routes_offered_item = routes_offered_item_data.value
            routes_offered.append(routes_offered_item)

        sites = []
        for sites_item_data in self.sites:
            sites_item = sites_item_data.to_dict()
            sites.append(sites_item)

        specialties = self.specialties

        timezone = self.timezone

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "accepting_new_patients": accepting_new_patients,
                "active_patients": active_patients,
                "availability": availability,
                "created_at": created_at,
                "credential": credential,
                "dea_registrations": dea_registrations,
                "family_name": family_name,
                "given_name": given_name,
                "id": id,
                "languages": languages,
                "licenses": licenses,
                "max_active_patients": max_active_patients,
                "npi": npi,
                "routes_offered": routes_offered,
                "sites": sites,
                "specialties": specialties,
                "timezone": timezone,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.availability import Availability  # noqa: PLC0415
        from ..models.dea_registration import DeaRegistration  # noqa: PLC0415
        from ..models.license_ import License  # noqa: PLC0415
        from ..models.site import Site  # noqa: PLC0415

        d = dict(src_dict)
        accepting_new_patients = d.pop("accepting_new_patients")

        active_patients = d.pop("active_patients")

        availability = Availability.from_dict(d.pop("availability"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        credential = Credential(d.pop("credential"))

        dea_registrations = []
        _dea_registrations = d.pop("dea_registrations")
        for dea_registrations_item_data in _dea_registrations:
            dea_registrations_item = DeaRegistration.from_dict(dea_registrations_item_data)

            dea_registrations.append(dea_registrations_item)

        family_name = d.pop("family_name")

        given_name = d.pop("given_name")

        id = d.pop("id")

        languages = cast(list[str], d.pop("languages"))

        licenses = []
        _licenses = d.pop("licenses")
        for licenses_item_data in _licenses:
            licenses_item = License.from_dict(licenses_item_data)

            licenses.append(licenses_item)

        max_active_patients = d.pop("max_active_patients")

        npi = d.pop("npi")

        routes_offered = []
        _routes_offered = d.pop("routes_offered")
        for routes_offered_item_data in _routes_offered:
            routes_offered_item = Route(routes_offered_item_data)

            routes_offered.append(routes_offered_item)

        sites = []
        _sites = d.pop("sites")
        for sites_item_data in _sites:
            sites_item = Site.from_dict(sites_item_data)

            sites.append(sites_item)

        specialties = cast(list[str], d.pop("specialties"))

        timezone = d.pop("timezone")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        provider = cls(
            accepting_new_patients=accepting_new_patients,
            active_patients=active_patients,
            availability=availability,
            created_at=created_at,
            credential=credential,
            dea_registrations=dea_registrations,
            family_name=family_name,
            given_name=given_name,
            id=id,
            languages=languages,
            licenses=licenses,
            max_active_patients=max_active_patients,
            npi=npi,
            routes_offered=routes_offered,
            sites=sites,
            specialties=specialties,
            timezone=timezone,
            updated_at=updated_at,
        )

        return provider
