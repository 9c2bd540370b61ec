from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.credential import Credential
from ..models.route import Route
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dea_registration import DeaRegistration
    from ..models.license_ import License
    from ..models.site import Site


T = TypeVar("T", bound="ProviderCreate")


@_attrs_define
class ProviderCreate:
    """
    Attributes:
        credential (Credential): Provider credential
        family_name (str):
        given_name (str):
        languages (list[str]):
        max_active_patients (int):
        npi (str):  Example: 1234567893.
        timezone (str): IANA time zone name (tz database), e.g. `America/New_York`; `UTC` is accepted Example:
            America/New_York.
        accepting_new_patients (bool | Unset):  Default: True.
        dea_registrations (list[DeaRegistration] | Unset):
        licenses (list[License] | Unset):
        routes_offered (list[Route] | Unset):
        sites (list[Site] | Unset):
        specialties (list[str] | Unset):
    """

    credential: Credential
    family_name: str
    given_name: str
    languages: list[str]
    max_active_patients: int
    npi: str
    timezone: str
    accepting_new_patients: bool | Unset = True
    dea_registrations: list[DeaRegistration] | Unset = UNSET
    licenses: list[License] | Unset = UNSET
    routes_offered: list[Route] | Unset = UNSET
    sites: list[Site] | Unset = UNSET
    specialties: list[str] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        credential = self.credential.value

        family_name = self.family_name

        given_name = self.given_name

        languages = self.languages

        max_active_patients = self.max_active_patients

        npi = self.npi

        timezone = self.timezone

        accepting_new_patients = self.accepting_new_patients

        dea_registrations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.dea_registrations, Unset):
            dea_registrations = []
            for dea_registrations_item_data in self.dea_registrations:
                dea_registrations_item = dea_registrations_item_data.to_dict()
                dea_registrations.append(dea_registrations_item)

        licenses: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.licenses, Unset):
            licenses = []
            for licenses_item_data in self.licenses:
                licenses_item = licenses_item_data.to_dict()
                licenses.append(licenses_item)

        routes_offered: list[str] | Unset = UNSET
        if not isinstance(self.routes_offered, Unset):
            routes_offered = []
            for routes_offered_item_data in self.routes_offered:
                routes_offered_item = routes_offered_item_data.value
                routes_offered.append(routes_offered_item)

        sites: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.sites, Unset):
            sites = []
            for sites_item_data in self.sites:
                sites_item = sites_item_data.to_dict()
                sites.append(sites_item)

        specialties: list[str] | Unset = UNSET
        if not isinstance(self.specialties, Unset):
            specialties = self.specialties

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "credential": credential,
                "family_name": family_name,
                "given_name": given_name,
                "languages": languages,
                "max_active_patients": max_active_patients,
                "npi": npi,
                "timezone": timezone,
            }
        )
        if accepting_new_patients is not UNSET:
            field_dict["accepting_new_patients"] = accepting_new_patients
        if dea_registrations is not UNSET:
            field_dict["dea_registrations"] = dea_registrations
        if licenses is not UNSET:
            field_dict["licenses"] = licenses
        if routes_offered is not UNSET:
            field_dict["routes_offered"] = routes_offered
        if sites is not UNSET:
            field_dict["sites"] = sites
        if specialties is not UNSET:
            field_dict["specialties"] = specialties

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dea_registration import DeaRegistration  # noqa: PLC0415
        from ..models.license_ import License  # noqa: PLC0415
        from ..models.site import Site  # noqa: PLC0415

        d = dict(src_dict)
        credential = Credential(d.pop("credential"))

        family_name = d.pop("family_name")

        given_name = d.pop("given_name")

        languages = cast(list[str], d.pop("languages"))

        max_active_patients = d.pop("max_active_patients")

        npi = d.pop("npi")

        timezone = d.pop("timezone")

        accepting_new_patients = d.pop("accepting_new_patients", UNSET)

        _dea_registrations = d.pop("dea_registrations", UNSET)
        dea_registrations: list[DeaRegistration] | Unset = UNSET
        if _dea_registrations is not UNSET:
            dea_registrations = []
            for dea_registrations_item_data in _dea_registrations:
                dea_registrations_item = DeaRegistration.from_dict(dea_registrations_item_data)

                dea_registrations.append(dea_registrations_item)

        _licenses = d.pop("licenses", UNSET)
        licenses: list[License] | Unset = UNSET
        if _licenses is not UNSET:
            licenses = []
            for licenses_item_data in _licenses:
                licenses_item = License.from_dict(licenses_item_data)

                licenses.append(licenses_item)

        _routes_offered = d.pop("routes_offered", UNSET)
        routes_offered: list[Route] | Unset = UNSET
        if _routes_offered is not UNSET:
            routes_offered = []
            for routes_offered_item_data in _routes_offered:
                routes_offered_item = Route(routes_offered_item_data)

                routes_offered.append(routes_offered_item)

        _sites = d.pop("sites", UNSET)
        sites: list[Site] | Unset = UNSET
        if _sites is not UNSET:
            sites = []
            for sites_item_data in _sites:
                sites_item = Site.from_dict(sites_item_data)

                sites.append(sites_item)

        specialties = cast(list[str], d.pop("specialties", UNSET))

        provider_create = cls(
            credential=credential,
            family_name=family_name,
            given_name=given_name,
            languages=languages,
            max_active_patients=max_active_patients,
            npi=npi,
            timezone=timezone,
            accepting_new_patients=accepting_new_patients,
            dea_registrations=dea_registrations,
            licenses=licenses,
            routes_offered=routes_offered,
            sites=sites,
            specialties=specialties,
        )

        return provider_create
