"""api/fhir/map_care.py, pure: vital-sign ids, the kinds a reading holds, the narrative's escaping, a
withdrawn consent, an adverse event's seriousness and severity."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest

from api.domain.protocols import TreatmentProtocol
from api.fhir import map_care

AT = datetime(2026, 1, 6, 15, 0, tzinfo=UTC)


def test_a_vital_sign_id_names_its_task_kind_and_minute() -> None:
    our_id = map_care.vital_id("tsk_abc", map_care.HEART_RATE, 40)
    assert our_id == "tsk_abc.hr.40"
    assert map_care.parse_vital_id(our_id) == ("tsk_abc", map_care.HEART_RATE, 40)


@pytest.mark.parametrize(
    "our_id", ["tsk_abc", "tsk_abc.hr", "tsk_abc.xx.40", "tsk_abc.bp.-1", "tsk_abc.bp.4a"]
)
def test_anything_else_is_no_vital_sign_id(our_id: str) -> None:
    assert map_care.parse_vital_id(our_id) is None


def _record(readings: list[dict[str, object]]) -> SimpleNamespace:
    return SimpleNamespace(
        task_id="tsk_abc", administered_at=AT, created_at=AT, monitored_by=None, readings=readings
    )


def test_a_reading_gives_a_blood_pressure_and_the_signs_it_took() -> None:
    full = {"minute": 0, "systolic": 120, "diastolic": 80, "heart_rate": 70, "spo2": 97}
    partial = {"minute": 30, "systolic": 125, "diastolic": 82}
    signs = map_care.vital_signs(_record([full, partial]), "pat_a")
    assert [s["id"] for s in signs] == ["tsk-abc.bp.0", "tsk-abc.hr.0", "tsk-abc.spo2.0", "tsk-abc.bp.30"]
    assert signs[3]["effectiveDateTime"] == "2026-01-06T15:30:00Z"
    assert "performer" not in signs[0]


def _plan(**changes: object) -> SimpleNamespace:
    fields: dict[str, object] = {
        "id": "pln_a",
        "patient_id": "pat_a",
        "provider_id": "prv_a",
        "protocol": "iv_induction",
        "route": "intravenous",
        "status": "on_hold",
        "start_date": date(2026, 1, 5),
        "end_date": date(2026, 2, 5),
        "check_in_instruments": [],
        "check_in_interval_days": 7,
        "dose_note": None,
        "created_at": AT,
        "updated_at": AT,
    }
    fields.update(changes)
    return SimpleNamespace(**fields)


def test_the_narrative_escapes_free_text_and_parses_as_xhtml() -> None:
    plan = map_care.care_plan(_plan(dose_note='0.5 mg/kg </div><script>alert("x")</script> & more'))
    assert plan["status"] == "on-hold"
    div = ElementTree.fromstring(plan["text"]["div"])
    assert [child.tag.split("}")[1] for child in div] == ["p", "ul"]  # no element smuggled in
    assert '0.5 mg/kg </div><script>alert("x")</script> & more' in "".join(div.itertext())


def test_a_withdrawn_consent_is_inactive_and_its_provision_ends() -> None:
    row = SimpleNamespace(
        id="cns_a",
        patient_id="pat_a",
        type="data_sharing",
        version="3",
        accepted_at=AT,
        created_at=AT,
        withdrawn_at=datetime(2026, 2, 1, tzinfo=UTC),
    )
    consent = map_care.consent(row, "par_a", "https://api.example")
    assert consent["status"] == "inactive"
    assert consent["provision"]["period"] == {"start": "2026-01-06T15:00:00Z", "end": "2026-02-01T00:00:00Z"}
    assert consent["policy"] == [{"uri": "https://api.example/fhir/consent-policy/data_sharing/3"}]


@pytest.mark.parametrize(
    ("severity", "seriousness", "fhir_severity"),
    [("mild", "non-serious", "mild"), ("severe", "non-serious", "severe"), ("serious", "serious", None)],
)
def test_seriousness_and_severity(severity: str, seriousness: str, fhir_severity: str | None) -> None:
    row = SimpleNamespace(
        id="ade_a",
        patient_id="pat_a",
        task_id=None,
        type="respiratory_depression",
        severity=severity,
        onset_at=AT,
        created_at=AT,
        description=None,
    )
    event = map_care.adverse_event(row, TreatmentProtocol.IV_INDUCTION, "https://api.example")
    assert event["seriousness"]["coding"][0]["code"] == seriousness
    assert event.get("severity", {}).get("coding", [{}])[0].get("code") == fhir_severity
    assert event["event"]["coding"] == [
        {"system": "https://api.example/fhir/CodeSystem/adverse-event-type", "code": "respiratory_depression"}
    ]
    assert event["event"]["text"] == "respiratory depression"
