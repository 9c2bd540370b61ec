from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.dispensing import Dispensing
from ..models.medication import Medication
from ..models.prescription_status import PrescriptionStatus
from ..models.route import Route
from ..models.visit_modality import VisitModality

if TYPE_CHECKING:
    from ..models.legal_basis import LegalBasis


T = TypeVar("T", bound="Prescription")


@_attrs_define
class Prescription:
    """
    Attributes:
        active_until (datetime.datetime): The earlier of days_supply x (refills + 1) days and six months after issue
            Must be between 1900-01-01 and 2999-12-31.
        cancel_reason (None | str):
        cancelled_at (datetime.datetime | None): Must be between 1900-01-01 and 2999-12-31.
        days_supply (int):
        dispensing (Dispensing): Who dispenses a prescription
        dose_mg (float):
        id (str):  Example: rx_3k7q2x9m4d1p8w6v5n0c2b7a1e.
        issued_at (datetime.datetime): Must be between 1900-01-01 and 2999-12-31.
        legal_basis (LegalBasis):
        medication (Medication): Prescribed medication
        patient_id (str):
        patient_location_state (str):
        pdmp_check_id (str):
        pdmp_unverified (bool): The PDMP was unavailable at issue: re-check when it is back
        pharmacy_ncpdp_id (None | str):
        plan_id (str):
        prescriber_id (str):
        quantity (float):
        refills (int):
        route (Route): Route of ketamine administration
        site_id (None | str):
        status (PrescriptionStatus): Prescription status
        visit_id (str):
        visit_modality (VisitModality): How a visit was held
    """

    active_until: datetime.datetime
    cancel_reason: None | str
    cancelled_at: datetime.datetime | None
    days_supply: int
    dispensing: Dispensing
    dose_mg: float
    id: str
    issued_at: datetime.datetime
    legal_basis: LegalBasis
    medication: Medication
    patient_id: str
    patient_location_state: str
    pdmp_check_id: str
    pdmp_unverified: bool
    pharmacy_ncpdp_id: None | str
    plan_id: str
    prescriber_id: str
    quantity: float
    refills: int
    route: Route
    site_id: None | str
    status: PrescriptionStatus
    visit_id: str
    visit_modality: VisitModality

    def to_dict(self) -> dict[str, Any]:
        active_until = self.active_until.isoformat()

        cancel_reason: None | str
        cancel_reason = self.cancel_reason

        cancelled_at: None | str
        if isinstance(self.cancelled_at, datetime.datetime):
            cancelled_at = self.cancelled_at.isoformat()
        else:
            cancelled_at = self.cancelled_at

        days_supply = self.days_supply

        dispensing = self.dispensing.value

        dose_mg = self.dose_mg

        id = self.id

        issued_at = self.issued_at.isoformat()

        legal_basis = self.legal_basis.to_dict()

        medication = self.medication.value

        patient_id = self.patient_id

        patient_location_state = self.patient_location_state

        pdmp_check_id = self.pdmp_check_id

        pdmp_unverified = self.pdmp_unverified

        pharmacy_ncpdp_id: None | str
        pharmacy_ncpdp_id = self.pharmacy_ncpdp_id

        plan_id = self.plan_id

        prescriber_id = self.prescriber_id

        quantity = self.quantity

        refills = self.refills

        route = self.route.value

        site_id: None | str
        site_id = self.site_id

        status = self.status.value

        visit_id = self.visit_id

        visit_modality = self.visit_modality.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "active_until": active_until,
                "cancel_reason": cancel_reason,
                "cancelled_at": cancelled_at,
                "days_supply": days_supply,
                "dispensing": dispensing,
                "dose_mg": dose_mg,
                "id": id,
                "issued_at": issued_at,
                "legal_basis": legal_basis,
                "medication": medication,
                "patient_id": patient_id,
                "patient_location_state": patient_location_state,
                "pdmp_check_id": pdmp_check_id,
                "pdmp_unverified": pdmp_unverified,
                "pharmacy_ncpdp_id": pharmacy_ncpdp_id,
                "plan_id": plan_id,
                "prescriber_id": prescriber_id,
                "quantity": quantity,
                "refills": refills,
                "route": route,
                "site_id": site_id,
                "status": status,
                "visit_id": visit_id,
                "visit_modality": visit_modality,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.legal_basis import LegalBasis  # noqa: PLC0415

        d = dict(src_dict)
        active_until = datetime.datetime.fromisoformat(d.pop("active_until"))

        def _parse_cancel_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cancel_reason = _parse_cancel_reason(d.pop("cancel_reason"))

        def _parse_cancelled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cancelled_at_type_0 = datetime.datetime.fromisoformat(data)

                return cancelled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        cancelled_at = _parse_cancelled_at(d.pop("cancelled_at"))

        days_supply = d.pop("days_supply")

        dispensing = Dispensing(d.pop("dispensing"))

        dose_mg = d.pop("dose_mg")

        id = d.pop("id")

        issued_at = datetime.datetime.fromisoformat(d.pop("issued_at"))

        legal_basis = LegalBasis.from_dict(d.pop("legal_basis"))

        medication = Medication(d.pop("medication"))

        patient_id = d.pop("patient_id")

        patient_location_state = d.pop("patient_location_state")

        pdmp_check_id = d.pop("pdmp_check_id")

        pdmp_unverified = d.pop("pdmp_unverified")

        def _parse_pharmacy_ncpdp_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pharmacy_ncpdp_id = _parse_pharmacy_ncpdp_id(d.pop("pharmacy_ncpdp_id"))

        plan_id = d.pop("plan_id")

        prescriber_id = d.pop("prescriber_id")

        quantity = d.pop("quantity")

        refills = d.pop("refills")

        route = Route(d.pop("route"))

        def _parse_site_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        site_id = _parse_site_id(d.pop("site_id"))

        status = PrescriptionStatus(d.pop("status"))

        visit_id = d.pop("visit_id")

        visit_modality = VisitModality(d.pop("visit_modality"))

        prescription = cls(
            active_until=active_until,
            cancel_reason=cancel_reason,
            cancelled_at=cancelled_at,
            days_supply=days_supply,
            dispensing=dispensing,
            dose_mg=dose_mg,
            id=id,
            issued_at=issued_at,
            legal_basis=legal_basis,
            medication=medication,
            patient_id=patient_id,
            patient_location_state=patient_location_state,
            pdmp_check_id=pdmp_check_id,
            pdmp_unverified=pdmp_unverified,
            pharmacy_ncpdp_id=pharmacy_ncpdp_id,
            plan_id=plan_id,
            prescriber_id=prescriber_id,
            quantity=quantity,
            refills=refills,
            route=route,
            site_id=site_id,
            status=status,
            visit_id=visit_id,
            visit_modality=visit_modality,
        )

        return prescription
