from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dispensing import Dispensing
from ..models.medication import Medication
from ..models.route import Route
from ..types import UNSET, Unset

T = TypeVar("T", bound="PrescriptionCreate")


@_attrs_define
class PrescriptionCreate:
    """
    Attributes:
        days_supply (int):
        dispensing (Dispensing): Who dispenses a prescription
        dose_mg (float):
        medication (Medication): Prescribed medication
        pdmp_check_id (str): Your PDMP check of the visit's state
        quantity (float):
        refills (int):
        route (Route): Route of ketamine administration
        visit_id (str): Your visit with the patient it follows
        pharmacy_ncpdp_id (None | str | Unset): The dispensing pharmacy's NCPDP id (7 digits)
        site_id (None | str | Unset): Clinic-administered: where
    """

    days_supply: int
    dispensing: Dispensing
    dose_mg: float
    medication: Medication
    pdmp_check_id: str
    quantity: float
    refills: int
    route: Route
    visit_id: str
    pharmacy_ncpdp_id: None | str | Unset = UNSET
    site_id: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        days_supply = self.days_supply

        dispensing = self.dispensing.value

        dose_mg = self.dose_mg

        medication = self.medication.value

        pdmp_check_id = self.pdmp_check_id

        quantity = self.quantity

        refills = self.refills

        route = self.route.value

        visit_id = self.visit_id

        pharmacy_ncpdp_id: None | str | Unset
        if isinstance(self.pharmacy_ncpdp_id, Unset):
            pharmacy_ncpdp_id = UNSET
        else:
            pharmacy_ncpdp_id = self.pharmacy_ncpdp_id

        site_id: None | str | Unset
        if isinstance(self.site_id, Unset):
            site_id = UNSET
        else:
            site_id = self.site_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "days_supply": days_supply,
                "dispensing": dispensing,
                "dose_mg": dose_mg,
                "medication": medication,
                "pdmp_check_id": pdmp_check_id,
                "quantity": quantity,
                "refills": refills,
                "route": route,
                "visit_id": visit_id,
            }
        )
        if pharmacy_ncpdp_id is not UNSET:
            field_dict["pharmacy_ncpdp_id"] = pharmacy_ncpdp_id
        if site_id is not UNSET:
            field_dict["site_id"] = site_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        days_supply = d.pop("days_supply")

        dispensing = Dispensing(d.pop("dispensing"))

        dose_mg = d.pop("dose_mg")

        medication = Medication(d.pop("medication"))

        pdmp_check_id = d.pop("pdmp_check_id")

        quantity = d.pop("quantity")

        refills = d.pop("refills")

        route = Route(d.pop("route"))

        visit_id = d.pop("visit_id")

        def _parse_pharmacy_ncpdp_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        pharmacy_ncpdp_id = _parse_pharmacy_ncpdp_id(d.pop("pharmacy_ncpdp_id", UNSET))

        def _parse_site_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        site_id = _parse_site_id(d.pop("site_id", UNSET))

        prescription_create = cls(
            days_supply=days_supply,
            dispensing=dispensing,
            dose_mg=dose_mg,
            medication=medication,
            pdmp_check_id=pdmp_check_id,
            quantity=quantity,
            refills=refills,
            route=route,
            visit_id=visit_id,
            pharmacy_ncpdp_id=pharmacy_ncpdp_id,
            site_id=site_id,
        )

        return prescription_create
