"""Telemedicine visits and controlled-substance prescriptions (clinical-rules.md §5).

Pure: no Flask, no Session. The services load the facts (the visit, the prescriber's licences and DEA
registrations, the PDMP check, whether an in-person evaluation is on record) and these functions decide.

Ketamine and esketamine are Schedule III. The Ryan Haight Act (21 U.S.C. 829(e)) asks for an in-person
medical evaluation before a controlled substance is prescribed by means of the internet, unless the
prescriber is "engaged in the practice of telemedicine" (21 U.S.C. 802(54)). Which telemedicine rules hold
on a date is **data**, not code: ``LegalBasisRule`` entries, dated and sourced, the built-in table
(``BUILT_IN_RULES``) replaced whole by ``TELEMEDICINE_RULES_FILE`` (``parse_rules``). A fifth extension of
the DEA/HHS flexibilities, or the special registration, is one more entry.

Decisions where §5 leaves room (docs/prescribing.md says the same to partners):

- Dates are UTC calendar dates (a rule's ``valid_from``/``valid_until``, both inclusive; a licence's or a
  registration's ``expires_on``, inclusive). US local dates are never ahead of UTC, so this is never more
  lenient than the local date except by hours in Guam and the Northern Mariana Islands.
- A rule is "in force" when the *issue* date lies in it; its conditions are judged on the visit the
  prescription follows (modality, the patient's setting), and registrations on the visit's date.
- The visit a prescription follows must be the prescriber's own, of the plan's patient, held at most
  ``visit_max_age`` before issue (the boundary itself allowed); a consultation visit is "held" when it
  started, a plan visit when it was recorded.
- The PDMP check must be the prescriber's, of the visit's state, made at most ``pdmp_max_age`` before issue
  (the boundary allowed) and not after it.
- A prescription is active from issue until ``active_until`` (exclusive): the earlier of days_supply *
  (refills + 1) days and six calendar months after issue (a day that month lacks is its last day).
- The at-home gate reads the latest issued active prescription that qualifies (ketamine, oral or sublingual,
  pharmacy): a later prescription lowering the dose is the one that limits.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from api.domain.matching import (
    KETAMINE_DEA_SCHEDULE,
    DeaRegistration,
    StateLicense,
    licensed_on,
    schedule_iii_on,
)
from api.domain.protocols import Route
from api.errors import FieldError, RuleViolation


class Modality(StrEnum):
    AUDIO_VIDEO = "audio_video"
    AUDIO_ONLY = "audio_only"
    IN_PERSON = "in_person"


class IdentityMethod(StrEnum):
    PHOTO_ID = "photo_id"
    KNOWN_PATIENT = "known_patient"
    OTHER = "other"


class PatientSetting(StrEnum):
    """Where the patient was during a telemedicine visit, as the permanent exceptions of 802(54) name it."""

    REGISTERED_SITE = "registered_site"  # 802(54)(A): at a DEA-registered practice site
    WITH_REGISTERED_PRACTITIONER = "with_registered_practitioner"  # 802(54)(B): a registrant present


class Medication(StrEnum):
    KETAMINE = "ketamine"
    ESKETAMINE = "esketamine"


class Dispensing(StrEnum):
    PHARMACY = "pharmacy"
    CLINIC_ADMINISTERED = "clinic_administered"


class PdmpResult(StrEnum):
    NO_CONCERNS = "no_concerns"
    CONCERNS_REVIEWED = "concerns_reviewed"
    UNAVAILABLE = "unavailable"  # a documented failed attempt (an outage): satisfies the check, flagged


class PrescriptionStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


CONTROLLED_SCHEDULE: Final = KETAMINE_DEA_SCHEDULE  # ketamine and esketamine: Schedule III (21 CFR 1308.13)
SCHEDULES: Final = ("II", "III", "IV", "V")
# 21 CFR 1306.22(a): a Schedule III or IV prescription may be refilled at most five times, within six
# months of issue.
MAX_REFILLS: Final = 5
REFILL_WINDOW_MONTHS: Final = 6
# Spravato REMS (and its label §2): 28, 56 or 84 mg intranasally, administered under supervision at a
# REMS-certified healthcare setting, never dispensed to the patient for home use.
ESKETAMINE_DOSES_MG: Final = frozenset({28.0, 56.0, 84.0})
AT_HOME_ROUTES: Final = frozenset({Route.ORAL, Route.SUBLINGUAL})
DEFAULT_VISIT_MAX_AGE_DAYS: Final = 30
DEFAULT_PDMP_CHECK_MAX_AGE_HOURS: Final = 24


# --- credentials -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Credentials:
    """A provider's state licences and DEA registrations, as matching reads them."""

    licenses: tuple[StateLicense, ...] = ()
    dea_registrations: tuple[DeaRegistration, ...] = ()


def licensed_in(credentials: Credentials, state: str, on: date) -> bool:
    """An active state licence there, not expired on ``on`` (inclusive)."""
    return licensed_on(credentials.licenses, state, on)


def registered_in(credentials: Credentials, state: str, on: date) -> bool:
    """A DEA registration there covering Schedule III, not expired on ``on``: a practitioner registers in
    each state where they prescribe controlled substances (21 U.S.C. 822(e), 21 CFR 1301.12)."""
    return schedule_iii_on(credentials.dea_registrations, state, on)


def may_prescribe_in(credentials: Credentials, state: str, on: date) -> bool:
    """Both: the licence where the patient is (state law) and the schedule III registration there."""
    return licensed_in(credentials, state, on) and registered_in(credentials, state, on)


# --- visits ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """A visit as it is started (a consultation's) or recorded (a plan's), with what the checks read.

    ``site_state`` is the state of the practice site the patient joins from (None: no site);
    ``present_practitioner`` the credentials of the provider physically with the patient (None: nobody).
    """

    modality: Modality
    patient_location_state: str
    consultation_state: str
    identity_verified: bool
    provider: Credentials
    on: date
    site_state: str | None = None
    present_practitioner: Credentials | None = None


def visit_failures(visit: VisitFacts) -> list[FieldError]:
    """Every rule a visit fails (clinical-rules.md §5, Visits), each with its pointer:

    - the patient elsewhere than the consultation said: the provider needs an active licence and a schedule
      III registration there (state licensure follows the patient; 21 CFR 1301.12) —
      ``provider_not_licensed_in_state``;
    - a practice site must be in the patient's state (the patient is at it) — ``site_not_in_state``;
    - a practitioner present with the patient must hold a schedule III registration in that state, or the
      visit could not count under 802(54)(B) — ``practitioner_not_registered_in_state``;
    - identity verified — ``identity_not_verified`` (a prescription follows a patient known to be who they
      say: DEA's telemedicine rules and every state board ask for it).
    """
    failures: list[FieldError] = []
    state = visit.patient_location_state
    if state != visit.consultation_state and not may_prescribe_in(visit.provider, state, visit.on):
        failures.append(
            FieldError(
                "/patient_location_state",
                "provider_not_licensed_in_state",
                f"The patient is in {state}, not {visit.consultation_state}: you need an active licence and "
                f"a schedule III DEA registration in {state} to see them there.",
            )
        )
    if visit.site_state is not None and visit.site_state != state:
        failures.append(
            FieldError(
                "/patient_site_id",
                "site_not_in_state",
                f"The site is in {visit.site_state}; the patient is in {state}.",
            )
        )
    if visit.present_practitioner is not None and not registered_in(
        visit.present_practitioner, state, visit.on
    ):
        failures.append(
            FieldError(
                "/present_practitioner_id",
                "practitioner_not_registered_in_state",
                f"The practitioner present holds no schedule III DEA registration in {state}.",
            )
        )
    if not visit.identity_verified:
        failures.append(
            FieldError(
                "/identity_verified",
                "identity_not_verified",
                "Verify the patient's identity before the visit (identity_verified: true).",
            )
        )
    return failures


def check_visit(visit: VisitFacts) -> None:
    raise_failures(visit_failures(visit), "The visit cannot be recorded.")


def visit_settings(
    *,
    on: date,
    patient_location_state: str,
    site_state: str | None,
    prescriber: Credentials,
    present_practitioner: Credentials | None,
) -> frozenset[PatientSetting]:
    """The patient's settings during a visit, as the table's ``patient_settings`` name them:

    - ``registered_site``: at a practice site whose state is one where the prescriber held a schedule III
      registration on the visit's date (21 U.S.C. 802(54)(A): the patient treated in, and physically
      located in, a DEA-registered hospital or clinic);
    - ``with_registered_practitioner``: a provider holding a schedule III registration in the patient's
      state was physically with the patient (802(54)(B)).
    """
    settings = set()
    if site_state is not None and registered_in(prescriber, site_state, on):
        settings.add(PatientSetting.REGISTERED_SITE)
    if present_practitioner is not None and registered_in(present_practitioner, patient_location_state, on):
        settings.add(PatientSetting.WITH_REGISTERED_PRACTITIONER)
    return frozenset(settings)


# --- the rules table ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegalBasis:
    code: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "source": self.source}


# 21 U.S.C. 829(e)(1), (e)(2)(A)(i): a valid prescription issued by a practitioner who has conducted at
# least one in-person medical evaluation of the patient (829(e)(2)(B): in the physical presence of the
# practitioner). Any date: the statute sets no age for it.
IN_PERSON_EVALUATION: Final = LegalBasis("in_person_evaluation", "21 U.S.C. 829(e)(2)(A)(i)")


@dataclass(frozen=True, slots=True)
class LegalBasisRule:
    """One telemedicine rule: in force from ``valid_from`` through ``valid_until`` (None: no end), for
    visits of one of ``modalities``, prescriptions of one of ``schedules`` and, when it lists
    ``patient_settings``, a patient in one of them."""

    code: str
    valid_from: date
    valid_until: date | None
    modalities: frozenset[Modality]
    schedules: frozenset[str]
    source: str
    patient_settings: frozenset[PatientSetting] = field(default_factory=frozenset)

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    def covers(self, *, on: date, modality: Modality, settings: frozenset[PatientSetting]) -> bool:
        return (
            self.in_force(on)
            and modality in self.modalities
            and CONTROLLED_SCHEDULE in self.schedules
            and (not self.patient_settings or bool(self.patient_settings & settings))
        )

    @property
    def basis(self) -> LegalBasis:
        return LegalBasis(self.code, self.source)


BUILT_IN_RULES: Final[tuple[LegalBasisRule, ...]] = (
    # The DEA/HHS temporary telemedicine flexibilities, fourth extension (90 FR 61301, 2025-12-31): Schedule
    # II-V without an in-person evaluation over real-time audio-video, through 2026-12-31. Audio-only is
    # not listed: under the flexibilities it serves opioid use disorder treatment, not ketamine.
    LegalBasisRule(
        code="dea_telemedicine_flexibilities",
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 12, 31),
        modalities=frozenset({Modality.AUDIO_VIDEO}),
        schedules=frozenset(SCHEDULES),
        source="90 FR 61301",
    ),
    # Ryan Haight's permanent exceptions, what remains from 2027-01-01 if nothing else arrives.
    LegalBasisRule(
        code="telemedicine_registered_site",
        valid_from=date(2009, 4, 13),  # the Ryan Haight Act's effective date
        valid_until=None,
        modalities=frozenset({Modality.AUDIO_VIDEO}),
        schedules=frozenset(SCHEDULES),
        patient_settings=frozenset({PatientSetting.REGISTERED_SITE}),
        source="21 U.S.C. 802(54)(A)",
    ),
    LegalBasisRule(
        code="telemedicine_practitioner_present",
        valid_from=date(2009, 4, 13),
        valid_until=None,
        modalities=frozenset({Modality.AUDIO_VIDEO}),
        schedules=frozenset(SCHEDULES),
        patient_settings=frozenset({PatientSetting.WITH_REGISTERED_PRACTITIONER}),
        source="21 U.S.C. 802(54)(B)",
    ),
)


class RulesTableError(ValueError):
    """A rules file that does not describe a table (the message says where and why)."""


_RULE_FIELDS = frozenset(
    {"code", "valid_from", "valid_until", "modalities", "schedules", "patient_settings", "source"}
)


def parse_rules(text: str) -> tuple[LegalBasisRule, ...]:
    """The table a rules file holds: a JSON list of ``{code, valid_from, valid_until (null: no end),
    modalities[], schedules[], patient_settings[] (optional), source}``. Anything else is refused whole
    (``RulesTableError`` naming the entry and the field): a table half read would refuse or allow the wrong
    prescriptions silently."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise RulesTableError(f"not JSON ({error})") from None
    if not isinstance(data, list) or not data:
        raise RulesTableError("must be a non-empty JSON list of rules")
    rules = tuple(_rule(index, entry) for index, entry in enumerate(data))
    codes = [rule.code for rule in rules]
    if duplicates := sorted({code for code in codes if codes.count(code) > 1}):
        raise RulesTableError(f"codes must be unique: {', '.join(duplicates)}")
    return rules


def _rule(index: int, entry: Any) -> LegalBasisRule:
    where = f"rule {index}"
    if not isinstance(entry, dict):
        raise RulesTableError(f"{where}: must be an object")
    if unknown := sorted(set(entry) - _RULE_FIELDS):
        raise RulesTableError(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("code", "valid_from", "valid_until", "modalities", "schedules", "source"):
        if name not in entry:
            raise RulesTableError(f"{where}: {name} is required")
    code, source = entry["code"], entry["source"]
    if not isinstance(code, str) or not code or not code.replace("_", "").isalnum() or not code.islower():
        raise RulesTableError(f"{where}: code must be snake_case text")
    if not isinstance(source, str) or not source.strip():
        raise RulesTableError(f"{where} ({code}): source must be non-empty text")
    valid_from = _date(entry["valid_from"], f"{where} ({code}): valid_from")
    valid_until = (
        None
        if entry["valid_until"] is None
        else _date(entry["valid_until"], f"{where} ({code}): valid_until")
    )
    if valid_until is not None and valid_until < valid_from:
        raise RulesTableError(f"{where} ({code}): valid_until comes before valid_from")
    return LegalBasisRule(
        code=code,
        valid_from=valid_from,
        valid_until=valid_until,
        modalities=_members(entry["modalities"], Modality, f"{where} ({code}): modalities"),
        schedules=_members(entry["schedules"], None, f"{where} ({code}): schedules"),
        patient_settings=_members(
            entry.get("patient_settings", []),
            PatientSetting,
            f"{where} ({code}): patient_settings",
            empty=True,
        ),
        source=source.strip(),
    )


def _date(value: Any, where: str) -> date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise RulesTableError(f"{where} must be a date, YYYY-MM-DD")


def _members(values: Any, kind: type[StrEnum] | None, where: str, *, empty: bool = False) -> frozenset[Any]:
    allowed = [str(member) for member in kind] if kind is not None else list(SCHEDULES)
    if not isinstance(values, list) or (not values and not empty):
        raise RulesTableError(
            f"{where} must be a {'' if empty else 'non-empty '}list of {', '.join(allowed)}"
        )
    for value in values:
        if value not in allowed:
            raise RulesTableError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return frozenset(kind(value) for value in values) if kind is not None else frozenset(values)


def rules_as_json(rules: Iterable[LegalBasisRule]) -> list[dict[str, Any]]:
    """A table in the rules file's form (``parse_rules`` reads it back to the same rules)."""
    return [
        {
            "code": rule.code,
            "valid_from": rule.valid_from.isoformat(),
            "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
            "modalities": sorted(rule.modalities),
            "schedules": sorted(rule.schedules, key=SCHEDULES.index),
            "patient_settings": sorted(rule.patient_settings),
            "source": rule.source,
        }
        for rule in rules
    ]


def choose_legal_basis(
    *,
    rules: Sequence[LegalBasisRule],
    on: date,
    modality: Modality,
    settings: frozenset[PatientSetting],
    in_person_evaluation_on_record: bool,
) -> LegalBasis | None:
    """The first basis that holds (clinical-rules.md §5): an in-person evaluation by the prescriber on
    record (829(e)), else the first rule of the table in force on ``on`` (the issue date) covering the
    visit's modality, schedule III and the patient's setting; None when none does."""
    if in_person_evaluation_on_record:
        return IN_PERSON_EVALUATION
    for rule in rules:
        if rule.covers(on=on, modality=modality, settings=settings):
            return rule.basis
    return None


def no_basis_detail(rules: Sequence[LegalBasisRule], on: date, modality: Modality) -> str:
    """What would give a basis on ``on``: an in-person evaluation, or a visit some rule in force covers."""
    ways = [
        "an in-person evaluation of the patient by you on record "
        "(POST /v1/patients/{id}/in-person-evaluations)"
    ]
    for rule in rules:
        if rule.in_force(on) and CONTROLLED_SCHEDULE in rule.schedules:
            where = {
                PatientSetting.REGISTERED_SITE: "the patient at a practice site (patient_site_id)",
                PatientSetting.WITH_REGISTERED_PRACTITIONER: "a DEA-registered practitioner physically with "
                "the patient (present_practitioner_id)",
            }
            settings = " or ".join(where[s] for s in sorted(rule.patient_settings)) or "the patient anywhere"
            ways.append(
                f"a {' or '.join(sorted(rule.modalities))} visit with {settings} ({rule.code}, {rule.source})"
            )
    return (
        f"No legal basis on {on.isoformat()} for a schedule III prescription after this {modality} visit. "
        "One would be given by " + "; or ".join(ways) + "."
    )


# --- prescriptions -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrescriptionRequest:
    medication: Medication
    route: Route
    dose_mg: float
    days_supply: int
    refills: int
    dispensing: Dispensing
    pharmacy_ncpdp_id: str | None = None
    site_id: str | None = None
    site_rems_certified: bool = False


@dataclass(frozen=True, slots=True)
class HeldVisit:
    """The visit a prescription names, as the checks read it. ``by_prescriber``: the prescriber held it."""

    by_prescriber: bool
    held_at: datetime
    modality: Modality
    patient_location_state: str
    settings: frozenset[PatientSetting]


@dataclass(frozen=True, slots=True)
class HeldPdmpCheck:
    by_prescriber: bool
    state: str
    checked_at: datetime
    result: PdmpResult


@dataclass(frozen=True, slots=True)
class IssueContext:
    """Everything a prescription is judged on besides the request itself. ``visit`` and ``pdmp_check`` are
    None when the ids name nothing of this patient."""

    now: datetime
    prescriber: Credentials
    visit: HeldVisit | None
    pdmp_check: HeldPdmpCheck | None
    in_person_evaluation_on_record: bool
    rules: Sequence[LegalBasisRule] = BUILT_IN_RULES
    visit_max_age: timedelta = timedelta(days=DEFAULT_VISIT_MAX_AGE_DAYS)
    pdmp_max_age: timedelta = timedelta(hours=DEFAULT_PDMP_CHECK_MAX_AGE_HOURS)


@dataclass(frozen=True, slots=True)
class PrescriptionDecision:
    legal_basis: LegalBasis
    pdmp_unverified: bool
    active_until: datetime


def check_prescription(request: PrescriptionRequest, context: IssueContext) -> PrescriptionDecision:
    """Every check of clinical-rules.md §5 at issue time; all failures in one 422, its code the first's."""
    failures = prescription_failures(request, context)
    raise_failures(failures, "The prescription cannot be issued.")
    visit = context.visit
    # No failure: the visit and the check are usable, and a basis holds.
    assert visit is not None
    assert context.pdmp_check is not None
    basis = _basis(context, visit)
    assert basis is not None
    return PrescriptionDecision(
        legal_basis=basis,
        pdmp_unverified=context.pdmp_check.result == PdmpResult.UNAVAILABLE,
        active_until=active_until(context.now, request.days_supply, request.refills),
    )


def prescription_failures(request: PrescriptionRequest, context: IssueContext) -> list[FieldError]:
    visit = _usable_visit(context)
    failures = [*_visit_failures(visit, context)]
    if visit is not None and not may_prescribe_in(
        context.prescriber, visit.patient_location_state, visit.held_at.date()
    ):
        failures.append(
            FieldError(
                "/visit_id",
                "prescriber_not_registered_in_state",
                f"You held no active licence and schedule III DEA registration in "
                f"{visit.patient_location_state}, where the patient was during the visit "
                "(21 U.S.C. 822(e), 21 CFR 1301.12; state licensure).",
            )
        )
    failures += esketamine_failures(request)
    failures += refill_failures(request)
    failures += pharmacy_failures(request)
    failures += pdmp_failures(context, visit)
    if visit is not None and _basis(context, visit) is None:
        failures.append(
            FieldError(
                "/visit_id",
                "no_legal_basis",
                no_basis_detail(context.rules, context.now.date(), visit.modality),
            )
        )
    return failures


def _usable_visit(context: IssueContext) -> HeldVisit | None:
    visit = context.visit
    if visit is None or not visit.by_prescriber:
        return None
    if not context.now - context.visit_max_age <= visit.held_at <= context.now:
        return None
    return visit


def _visit_failures(visit: HeldVisit | None, context: IssueContext) -> list[FieldError]:
    """21 U.S.C. 829(e) and the DEA's telemedicine rules presume a prescription follows a real evaluation:
    a visit of this patient, by the prescriber, recent (``visit_max_age``)."""
    if visit is not None:
        return []
    days = context.visit_max_age.days
    return [
        FieldError(
            "/visit_id",
            "visit_required",
            f"Name a visit of this patient that you held in the last {days} days (a consultation's visit or "
            "one recorded on the plan: POST /v1/follow-up-plans/{id}/visits).",
        )
    ]


def _basis(context: IssueContext, visit: HeldVisit) -> LegalBasis | None:
    return choose_legal_basis(
        rules=context.rules,
        on=context.now.date(),
        modality=visit.modality,
        settings=visit.settings,
        in_person_evaluation_on_record=context.in_person_evaluation_on_record,
    )


def esketamine_failures(request: PrescriptionRequest) -> list[FieldError]:
    """Spravato REMS: intranasal only, 28/56/84 mg, administered at a REMS-certified healthcare setting
    under supervision, never dispensed to the patient — so no refills."""
    if request.medication != Medication.ESKETAMINE:
        return []
    code = "esketamine_rems_violation"
    failures = []
    if request.route != Route.INTRANASAL:
        failures.append(FieldError("/route", code, "Esketamine is given intranasally only (Spravato REMS)."))
    if float(request.dose_mg) not in ESKETAMINE_DOSES_MG:
        failures.append(FieldError("/dose_mg", code, "Esketamine doses are 28, 56 or 84 mg."))
    if request.dispensing != Dispensing.CLINIC_ADMINISTERED:
        failures.append(
            FieldError(
                "/dispensing", code, "Esketamine is clinic_administered; never dispensed to a patient."
            )
        )
    if request.site_id is None or not request.site_rems_certified:
        failures.append(FieldError("/site_id", code, "Esketamine needs a REMS-certified site (site_id)."))
    if request.refills != 0:
        failures.append(FieldError("/refills", code, "Esketamine prescriptions carry no refills."))
    return failures


def refill_failures(request: PrescriptionRequest) -> list[FieldError]:
    """21 CFR 1306.22(a): Schedule III-IV, at most five refills (within six months: ``active_until``)."""
    if request.refills <= MAX_REFILLS:
        return []
    return [
        FieldError(
            "/refills",
            "refills_exceed_schedule_limit",
            f"A schedule III prescription may be refilled at most {MAX_REFILLS} times (21 CFR 1306.22).",
        )
    ]


def pharmacy_failures(request: PrescriptionRequest) -> list[FieldError]:
    """A prescription a pharmacy dispenses names the pharmacy (its NCPDP id): what EPCS transmits to."""
    if request.dispensing != Dispensing.PHARMACY or request.pharmacy_ncpdp_id:
        return []
    return [
        FieldError(
            "/pharmacy_ncpdp_id", "pharmacy_required", "Name the dispensing pharmacy's NCPDP id (7 digits)."
        )
    ]


def pdmp_failures(context: IssueContext, visit: HeldVisit | None) -> list[FieldError]:
    """A PDMP check of the visit's state by the prescriber, at most ``pdmp_max_age`` before issue. Most
    state PDMP mandates ask for a query before a controlled-substance prescription; a documented outage
    (``unavailable``) satisfies them and marks the prescription ``pdmp_unverified``."""
    check = context.pdmp_check
    hours = int(context.pdmp_max_age.total_seconds() // 3600)
    fresh = (
        check is not None
        and check.by_prescriber
        and context.now - context.pdmp_max_age <= check.checked_at <= context.now
        and (visit is None or check.state == visit.patient_location_state)
    )
    if fresh:
        return []
    state = f" of {visit.patient_location_state}" if visit is not None else ""
    return [
        FieldError(
            "/pdmp_check_id",
            "pdmp_check_required",
            f"Name a PDMP check{state} that you made in the last {hours} hours.",
        )
    ]


def add_months(moment: datetime, months: int) -> datetime:
    """``months`` calendar months after ``moment``; a day the month lacks becomes its last (08-31 + 6 =
    02-28)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def active_until(issued_at: datetime, days_supply: int, refills: int) -> datetime:
    """The earlier of the supply (days_supply * fills) and six calendar months after issue (1306.22)."""
    return min(
        issued_at + timedelta(days=days_supply * (refills + 1)), add_months(issued_at, REFILL_WINDOW_MONTHS)
    )


def prescription_status(*, cancelled: bool, active_until: datetime, now: datetime) -> PrescriptionStatus:
    if cancelled:
        return PrescriptionStatus.CANCELLED
    return PrescriptionStatus.ACTIVE if now < active_until else PrescriptionStatus.EXPIRED


# --- the at-home gate --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeldPrescription:
    medication: Medication
    route: Route
    dispensing: Dispensing
    dose_mg: float
    issued_at: datetime
    active_until: datetime
    cancelled: bool


def at_home_failures(
    prescriptions: Iterable[HeldPrescription], dose_mg: float, now: datetime
) -> list[FieldError]:
    """An at-home session (a plan of route oral or sublingual) needs an active ketamine prescription of the
    plan, oral or sublingual, from a pharmacy (``prescription_required``); its dose may not exceed that
    prescription's (``dose_exceeds_prescription``). The FDA's 2023 communication on compounded ketamine
    warns against at-home use without monitoring: the prescription is the clinician's dose, the ceiling."""
    qualifying = [
        rx
        for rx in prescriptions
        if rx.medication == Medication.KETAMINE
        and rx.route in AT_HOME_ROUTES
        and rx.dispensing == Dispensing.PHARMACY
        and prescription_status(cancelled=rx.cancelled, active_until=rx.active_until, now=now)
        == PrescriptionStatus.ACTIVE
    ]
    if not qualifying:
        return [
            FieldError(
                "/dose_mg",
                "prescription_required",
                "An at-home session needs an active oral or sublingual ketamine prescription of this plan, "
                "dispensed by a pharmacy.",
            )
        ]
    latest = max(qualifying, key=lambda rx: rx.issued_at)
    if dose_mg > latest.dose_mg:
        return [
            FieldError(
                "/dose_mg",
                "dose_exceeds_prescription",
                f"The dose exceeds the prescription's {latest.dose_mg:g} mg.",
            )
        ]
    return []


# --- in-person evaluations and PDMP checks ----------------------------------------------------------------


def evaluation_failures(*, evaluated_on: date, today: date) -> list[FieldError]:
    """An in-person evaluation is recorded once it has happened: ``evaluated_on`` at most today (UTC). (It is
    the examining practitioner's own record, "in the physical presence of the practitioner", 829(e)(2)(B):
    the service lets only the caller record it for themself.)"""
    if evaluated_on > today:
        return [FieldError("/evaluated_on", "in_future", "An evaluation is recorded once it has happened.")]
    return []


def pdmp_check_failures(
    *, result: PdmpResult, note: str | None, checked_at: datetime, now: datetime
) -> list[FieldError]:
    """A PDMP check is recorded after it was made; anything but ``no_concerns`` says what was found or what
    failed in ``note``."""
    failures = []
    if checked_at > now:
        failures.append(FieldError("/checked_at", "in_future", "A check is recorded once it was made."))
    if result != PdmpResult.NO_CONCERNS and not (note or "").strip():
        failures.append(
            FieldError("/note", "required", f"Say what was found, or what failed ({result}), in a note.")
        )
    return failures


def raise_failures(failures: list[FieldError], detail: str) -> None:
    """One 422 for every rule failed, its ``code`` the first failure's."""
    if failures:
        raise RuleViolation(
            detail + " " + " ".join(failure.message for failure in failures),
            code=failures[0].code,
            errors=failures,
        )
