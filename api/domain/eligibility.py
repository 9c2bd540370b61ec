"""Eligibility of a consultation for ketamine treatment (clinical-rules.md §2).

The outcome is the first that matches, from the top: ``escalate`` (C-SSRS risk ``high``), ``pending`` (a
required screening is missing), ``ineligible`` (an absolute contraindication, or under 18), ``needs_review``
(a relative one, 65 or over, or an indication not established), ``eligible``. The rule supports a clinician;
where it says review, a clinician decides.

Second edition [2e] (clinical-rules.md §2): ``current_psychotic_symptoms`` is absolute and a psychosis
*history* a review reason; ketamine or PCP misuse, untreated sleep apnea, C-SSRS question 2
(``active_suicidal_ideation``), a heart rate below 50 or above 110 and the interacting medication classes are
review reasons (their findings come from api.domain.screening); the indication rule (``indication_reason``)
replaces "any qualifying screen"; lamotrigine, memantine and naltrexone are ``considerations``, never a
reason. An escalated case cleared by a psychiatrist is evaluated again with ``crisis_cleared``: the C-SSRS
``high`` no longer escalates and is listed as a review reason instead, beside the relative ones, for the
psychiatrist's note to address.

Sources: Sanacora et al., "A Consensus Statement on the Use of Ketamine in the Treatment of Mood Disorders",
JAMA Psychiatry 2017;74(4):399-405 (APA Council of Research); ASKP3 standards of care for ketamine therapy;
Spravato (esketamine) prescribing information and REMS.

Decisions where the rules leave room:

- Input is the raw answers of the latest screening per instrument; they are scored here by the same code as on
  submission, so reasons can cite the answer and no stored score is trusted.
- ``missing_screenings`` is reported with every outcome. A crisis escalates even while screenings are missing.
- ``pending`` still lists the reasons found so far, except ``no_qualifying_screen``, which cannot be judged
  before every screening is in. An under-18 case with screenings missing is ``pending`` too (creation
  refuses under-18 patients anyway).
- Every finding is one reason: two elevated readings give two ``blood_pressure_elevated`` reasons, one per
  answer. Reasons are ordered escalate, ineligible, needs_review, then by instrument, then by answer.
- ``field`` is a JSON pointer into the screening named by ``screening_id`` (``/answers/8``), or into the
  consultation (``/conditions``) when ``screening_id`` is None; age reasons have neither (the age comes from
  the patient's birth date).
- An intake finding not listed as absolute is treated as a caution, so a new intake question can never make a
  case eligible unnoticed.
- A PCL-5 of 33 or more qualifies (as off-label) even when ``ptsd`` is not among the conditions (it is then
  optional).
- Indication reasons point at what they rest on: ``treatment_resistance_not_established`` at the intake's
  ``/answers/antidepressant_trials_current_episode``; ``off_label_indication`` at the first qualifying
  screen's ``/answers`` (PHQ-9, GAD-7, PCL-5 in that order), or at the consultation's ``/conditions`` when
  only a condition (chronic_pain, ocd) qualifies; ``no_qualifying_screen`` at ``/conditions``.
- An intake stored before the second edition (no trials answer) never establishes the indication: with a
  depressive condition and PHQ-9 10 or more it is ``treatment_resistance_not_established``, so a clinician
  asks; its other missing answers count as not reported (api.domain.screening ``LEGACY_INTAKE_FIELDS``).
- Crisis resources come with ``escalate`` only; a PHQ-9 item-9 answer alone leads to a clinician's review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from api.domain.consultation_status import Condition, ConsultationAction, ConsultationStatus, transition
from api.domain.screening import (
    ACTIVE_SUICIDAL_IDEATION,
    ANTIDEPRESSANT_TRIALS,
    BLOOD_PRESSURE_ELEVATED,
    CLINICAL_CUTOFFS,
    HEART_RATE_ABNORMAL,
    INSTRUMENT_LABELS,
    INSTRUMENTS,
    INTERACTION_BLOOD_PRESSURE,
    INTERACTION_SEDATION,
    MEDICATION_CONSIDERATIONS,
    SUICIDAL_IDEATION,
    SUICIDE_RISK_HIGH,
    SUICIDE_RISK_MODERATE,
    Finding,
    Instrument,
    ScoredScreening,
    answer_pointer,
    score_screening,
)
from api.errors import RuleViolation


class EligibilityOutcome(StrEnum):
    ELIGIBLE = "eligible"
    NEEDS_REVIEW = "needs_review"
    INELIGIBLE = "ineligible"
    ESCALATE = "escalate"
    PENDING = "pending"


# Intake answers that rule ketamine out (APA consensus, Spravato label).
ABSOLUTE_CONTRAINDICATIONS: Final[frozenset[str]] = frozenset(
    {
        "aneurysmal_vascular_disease",
        "arteriovenous_malformation",
        "intracerebral_hemorrhage_history",
        "ketamine_hypersensitivity",
        "pregnant_or_breastfeeding",
        "current_psychotic_symptoms",  # [2e]: replaces psychosis_history here
        "current_mania",
        "substance_use_disorder_active",
        "elevated_intracranial_pressure",
        "recent_mi_or_stroke_6_months",
    }
)
# Intake findings a clinician must weigh first (APA consensus, ASKP3).
RELATIVE_CONTRAINDICATIONS: Final[frozenset[str]] = frozenset(
    {
        BLOOD_PRESSURE_ELEVATED,
        "uncontrolled_cardiovascular_disease",
        "severe_hepatic_impairment",
        "uncontrolled_hyperthyroidism",
        "substance_use_disorder_history",
        "interstitial_cystitis",
        # [2e]: a psychiatrist may weigh a history of psychosis (the Spravato label lists it as a caution,
        # not a contraindication), misuse, sleep apnea (respiratory depression), heart rate and interactions.
        "psychosis_history",
        "ketamine_or_pcp_misuse_history",
        "untreated_sleep_apnea",
        HEART_RATE_ABNORMAL,
        INTERACTION_BLOOD_PRESSURE,
        INTERACTION_SEDATION,
    }
)
# Screening findings about suicide risk that need a clinician's review.
REVIEW_RISK_FLAGS: Final[frozenset[str]] = frozenset(
    {SUICIDE_RISK_MODERATE, SUICIDAL_IDEATION, ACTIVE_SUICIDAL_IDEATION}
)
# [2e] Indication (Spravato label §1; Sanacora 2017): esketamine is approved for treatment-resistant
# depression (2 or more adequate antidepressant trials in the episode) and for depression with acute
# suicidal ideation or behaviour; IV ketamine for depression is off-label, its evidence is for TRD.
DEPRESSIVE_CONDITIONS: Final[frozenset[Condition]] = frozenset(
    {Condition.TREATMENT_RESISTANT_DEPRESSION, Condition.MAJOR_DEPRESSION}
)
TREATMENT_RESISTANCE_TRIALS: Final = 2
QUALIFYING_CONDITIONS: Final[frozenset[Condition]] = frozenset({Condition.CHRONIC_PAIN, Condition.OCD})
ADULT_AGE: Final = 18
OLDER_ADULT_AGE: Final = 65
ALWAYS_REQUIRED_SCREENINGS: Final[frozenset[Instrument]] = frozenset(
    {Instrument.PHQ9, Instrument.GAD7, Instrument.CSSRS, Instrument.KETAMINE_INTAKE}
)


@dataclass(frozen=True, slots=True)
class LatestScreening:
    """The latest screening of one instrument for the consultation, as stored."""

    id: str
    answers: object


@dataclass(frozen=True, slots=True)
class EligibilityReason:
    code: str
    detail: str
    screening_id: str | None = None
    field: str | None = None  # JSON pointer, see the module docstring


@dataclass(frozen=True, slots=True)
class CrisisResource:
    name: str
    contact: str
    description: str


CRISIS_RESOURCES: Final[tuple[CrisisResource, ...]] = (
    CrisisResource(
        "988 Suicide & Crisis Lifeline",
        "Call or text 988",
        "Free, confidential 24/7 support for anyone in suicidal crisis or emotional distress (US).",
    ),
    CrisisResource(
        "Crisis Text Line",
        "Text HOME to 741741",
        "Free 24/7 text support from a trained crisis counselor.",
    ),
    CrisisResource(
        "Emergency services",
        "Call 911",
        "For immediate danger to life: call 911 or go to the nearest emergency department.",
    ),
)


def crisis_resources_for(flags: Iterable[str], *, at_check_in: bool = False) -> tuple[CrisisResource, ...]:
    """The crisis resources a screening is returned with: those of a C-SSRS ``high`` answer; at a follow-up
    check-in also those of any thought of death or self-harm (PHQ-9 item 9 > 0; clinical-rules.md §4)."""
    flags = set(flags)
    # [2e] At a check-in a C-SSRS moderate or active suicidal ideation returns them too (§4).
    at_check_in_flags = {SUICIDAL_IDEATION, SUICIDE_RISK_MODERATE, ACTIVE_SUICIDAL_IDEATION}
    if SUICIDE_RISK_HIGH in flags or (at_check_in and flags & at_check_in_flags):
        return CRISIS_RESOURCES
    return ()


@dataclass(frozen=True, slots=True)
class Consideration:
    """Something the prescriber should weigh that is no reason to review by itself [2e]: ``code`` is the
    medication class (lamotrigine, memantine, naltrexone)."""

    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class EligibilityResult:
    outcome: EligibilityOutcome
    reasons: tuple[EligibilityReason, ...]
    missing_screenings: tuple[Instrument, ...]
    crisis_resources: tuple[CrisisResource, ...]
    considerations: tuple[Consideration, ...] = ()


# What each kind of reason means for the patient, appended to the finding's own sentence.
_CONSEQUENCES: Final[Mapping[EligibilityOutcome, str]] = MappingProxyType(
    {
        EligibilityOutcome.ESCALATE: "Crisis: contact the patient now and share the crisis resources.",
        EligibilityOutcome.INELIGIBLE: "This is an absolute contraindication to ketamine.",
        EligibilityOutcome.NEEDS_REVIEW: "A clinician must review this first.",
    }
)


# A consultation may be requested only for an adult who has accepted the telehealth consent (api-contract.md
# §3 Consultations); eligibility then judges age again, with the other grounds.
REQUEST_CONSENTS: Final[tuple[str, ...]] = ("telehealth",)


def check_consultation_request(age_years: int, accepted_consent_types: Iterable[str]) -> None:
    """Refuse a request for a patient under 18 (``patient_underage``) or without the telehealth consent
    (``consent_required``, naming the ``missing_consents``)."""
    if age_years < ADULT_AGE:
        raise RuleViolation(
            f"Ketamine treatment through this service is for adults ({ADULT_AGE} and over).",
            code="patient_underage",
        )
    accepted = set(accepted_consent_types)
    missing = [consent for consent in REQUEST_CONSENTS if consent not in accepted]
    if missing:
        raise RuleViolation(
            f"The patient has not accepted the required consents: {', '.join(missing)}. Record them with "
            "POST /v1/patients/{id}/consents first.",
            code="consent_required",
            extra={"missing_consents": missing},
        )


def required_screenings(conditions: Iterable[str]) -> tuple[Instrument, ...]:
    """Screenings needed before eligibility is decided: PCL-5 joins them when ``ptsd`` is a condition."""
    needs_pcl5 = Condition.PTSD in set(conditions)
    return tuple(
        instrument
        for instrument in INSTRUMENTS
        if instrument in ALWAYS_REQUIRED_SCREENINGS or (instrument is Instrument.PCL5 and needs_pcl5)
    )


def _outcome_for_finding(
    instrument: Instrument, finding: Finding, *, crisis_cleared: bool = False
) -> EligibilityOutcome | None:
    """Which outcome a screening finding argues for; None for findings that describe need, not risk.

    ``crisis_cleared``: a psychiatrist is clearing an escalated case, so the C-SSRS ``high`` is weighed as a
    review reason instead of escalating again."""
    if finding.code == SUICIDE_RISK_HIGH:
        return EligibilityOutcome.NEEDS_REVIEW if crisis_cleared else EligibilityOutcome.ESCALATE
    if instrument is Instrument.KETAMINE_INTAKE:
        if finding.code in ABSOLUTE_CONTRAINDICATIONS:
            return EligibilityOutcome.INELIGIBLE
        return EligibilityOutcome.NEEDS_REVIEW  # every other intake finding is at least a caution
    if finding.code in REVIEW_RISK_FLAGS:
        return EligibilityOutcome.NEEDS_REVIEW
    return None


_REASON_ORDER: Final = tuple(_CONSEQUENCES)  # escalate, ineligible, needs_review
_Grounds = list[tuple[EligibilityOutcome, EligibilityReason]]


_CLEARED_CRISIS: Final = (
    "Escalated: treatment only under a psychiatrist, with a documented safety plan, once the patient "
    "has been contacted."
)


def _screening_grounds(
    scored: Mapping[Instrument, ScoredScreening],
    screening_ids: Mapping[Instrument, str],
    *,
    crisis_cleared: bool = False,
) -> _Grounds:
    grounds: _Grounds = []
    for instrument, result in scored.items():
        for finding in result.findings:
            outcome = _outcome_for_finding(instrument, finding, crisis_cleared=crisis_cleared)
            if outcome is not None:
                cleared = crisis_cleared and finding.code == SUICIDE_RISK_HIGH
                detail = f"{finding.detail} {_CLEARED_CRISIS if cleared else _CONSEQUENCES[outcome]}"
                reason = EligibilityReason(finding.code, detail, screening_ids[instrument], finding.pointer)
                grounds.append((outcome, reason))
    return grounds


def _patient_grounds(conditions: frozenset[str], age_years: int) -> _Grounds:
    grounds: _Grounds = []
    if age_years < ADULT_AGE:
        detail = f"The patient is {age_years}; ketamine treatment is for adults (18 and over)."
        grounds.append((EligibilityOutcome.INELIGIBLE, EligibilityReason("age_under_18", detail)))
    if age_years >= OLDER_ADULT_AGE:
        detail = (
            f"The patient is {age_years}; at 65 and over a clinician must weigh cardiovascular and "
            "cognitive risks first."
        )
        grounds.append((EligibilityOutcome.NEEDS_REVIEW, EligibilityReason("age_65_or_over", detail)))
    if Condition.BIPOLAR_DEPRESSION in conditions:
        detail = (
            "Bipolar depression is among the conditions; a psychiatrist must weigh the risk of a switch "
            "to mania first."
        )
        reason = EligibilityReason(Condition.BIPOLAR_DEPRESSION.value, detail, field="/conditions")
        grounds.append((EligibilityOutcome.NEEDS_REVIEW, reason))
    return grounds


def indication_reason(
    conditions: frozenset[str],
    scored: Mapping[Instrument, ScoredScreening],
    screening_ids: Mapping[Instrument, str],
) -> EligibilityReason | None:
    """The review reason when the indication is not established; None when it is (clinical-rules.md §2 [2e]).

    - established: a depressive condition (treatment_resistant_depression, major_depression), PHQ-9 >= 10
      and ``antidepressant_trials_current_episode`` >= 2 -> None;
    - a depressive condition and PHQ-9 >= 10 with fewer than 2 trials (or an intake that predates the
      question) -> ``treatment_resistance_not_established``, pointing at the trials answer;
    - otherwise a qualifying screen (GAD-7 >= 10, PCL-5 >= 33, PHQ-9 >= 10 without a depressive condition;
      bipolar_depression is none here, it has its own review reason) or chronic_pain or ocd among the
      conditions -> ``off_label_indication``;
    - nothing qualifying -> ``no_qualifying_screen``.
    Sources: Spravato prescribing information §1 (indications); Sanacora et al., JAMA Psychiatry 2017 (IV
    ketamine's evidence is for treatment-resistant depression); Rush et al. 2006 (STAR*D: an adequate trial is
    an adequate dose for 6 weeks or more).
    """
    totals = {
        instrument: scored[instrument].total or 0 for instrument in CLINICAL_CUTOFFS if instrument in scored
    }
    qualifying = [instrument for instrument, total in totals.items() if total >= CLINICAL_CUTOFFS[instrument]]
    depressive = bool(conditions & DEPRESSIVE_CONDITIONS)
    if depressive and Instrument.PHQ9 in qualifying:
        intake = scored.get(Instrument.KETAMINE_INTAKE)
        trials = intake.intake.antidepressant_trials if intake and intake.intake else None
        if trials is not None and trials >= TREATMENT_RESISTANCE_TRIALS:
            return None
        answered = (
            f"reports {trials} adequate trial(s)"
            if trials is not None
            else "predates the question on adequate trials (ask it)"
        )
        return EligibilityReason(
            "treatment_resistance_not_established",
            f"Depression with PHQ-9 total {totals[Instrument.PHQ9]}, but the intake {answered} in the "
            f"current episode; treatment resistance needs {TREATMENT_RESISTANCE_TRIALS} or more (an "
            "adequate dose for 6 weeks or more each). A clinician must review the indication first.",
            screening_ids.get(Instrument.KETAMINE_INTAKE),
            answer_pointer(ANTIDEPRESSANT_TRIALS) if Instrument.KETAMINE_INTAKE in screening_ids else None,
        )
    found = ", ".join(
        f"{INSTRUMENT_LABELS[instrument]} total {total}" for instrument, total in totals.items()
    )
    qualifying_conditions = sorted(conditions & QUALIFYING_CONDITIONS)
    if qualifying or qualifying_conditions:
        bases = [f"{INSTRUMENT_LABELS[i]} total {totals[i]}" for i in qualifying] + qualifying_conditions
        detail = (
            f"Off-label indication ({', '.join(bases)}): ketamine's approved and best-evidenced use is "
            "treatment-resistant depression. A clinician must weigh the evidence for this patient first."
        )
        if qualifying:
            return EligibilityReason(
                "off_label_indication", detail, screening_ids.get(qualifying[0]), "/answers"
            )
        return EligibilityReason("off_label_indication", detail, None, "/conditions")
    return EligibilityReason(
        "no_qualifying_screen",
        "No qualifying screen: treatment needs a PHQ-9 or GAD-7 total of 10 or more, a PCL-5 total of 33 "
        f"or more, or chronic_pain or ocd among the conditions ({found}).",
        None,
        "/conditions",
    )


def considerations_for(scored: Mapping[Instrument, ScoredScreening]) -> tuple[Consideration, ...]:
    """The intake's medication classes that may blunt the response (lamotrigine, memantine, naltrexone), in
    the order reported: never a review reason by themselves (clinical-rules.md §2 [2e])."""
    intake = scored.get(Instrument.KETAMINE_INTAKE)
    if intake is None or intake.intake is None:
        return ()
    return tuple(
        Consideration(medication_class.value, MEDICATION_CONSIDERATIONS[medication_class])
        for medication_class in intake.intake.medication_classes
        if medication_class in MEDICATION_CONSIDERATIONS
    )


def evaluate_eligibility(
    *,
    conditions: Iterable[str],
    age_years: int,
    latest_screenings: Mapping[str, LatestScreening],
    crisis_cleared: bool = False,
) -> EligibilityResult:
    """Decide the consultation's eligibility and list every reason found.

    ``latest_screenings`` maps an instrument name to its latest screening for this consultation (stored
    answers, read as stored: an intake may predate a question). ``crisis_cleared``: evaluated for a
    psychiatrist clearing an escalated case (the C-SSRS ``high`` is a review reason, not an escalation).
    Raises ``ValueError`` for an unknown instrument name (a programming error).
    """
    condition_set = frozenset(conditions)
    screenings = {Instrument(name): screening for name, screening in latest_screenings.items()}
    scored = {
        instrument: score_screening(instrument, screenings[instrument].answers, stored=True)
        for instrument in INSTRUMENTS
        if instrument in screenings
    }
    missing = tuple(
        instrument for instrument in required_screenings(condition_set) if instrument not in scored
    )
    screening_ids = {instrument: s.id for instrument, s in screenings.items()}
    grounds = _screening_grounds(scored, screening_ids, crisis_cleared=crisis_cleared)
    grounds += _patient_grounds(condition_set, age_years)
    if not missing and (indication := indication_reason(condition_set, scored, screening_ids)):
        grounds.append((EligibilityOutcome.NEEDS_REVIEW, indication))

    found = {outcome for outcome, _ in grounds}
    if EligibilityOutcome.ESCALATE in found:
        outcome = EligibilityOutcome.ESCALATE
    elif missing:
        outcome = EligibilityOutcome.PENDING
    elif EligibilityOutcome.INELIGIBLE in found:
        outcome = EligibilityOutcome.INELIGIBLE
    elif EligibilityOutcome.NEEDS_REVIEW in found:
        outcome = EligibilityOutcome.NEEDS_REVIEW
    else:
        outcome = EligibilityOutcome.ELIGIBLE
    grounds.sort(key=lambda ground: _REASON_ORDER.index(ground[0]))  # stable: found order within a group
    return EligibilityResult(
        outcome=outcome,
        reasons=tuple(reason for _, reason in grounds),
        missing_screenings=missing,
        crisis_resources=CRISIS_RESOURCES if outcome is EligibilityOutcome.ESCALATE else (),
        considerations=considerations_for(scored),
    )


ACTION_BY_OUTCOME: Final[Mapping[EligibilityOutcome, ConsultationAction | None]] = MappingProxyType(
    {
        EligibilityOutcome.ELIGIBLE: ConsultationAction.MARK_ELIGIBLE,
        EligibilityOutcome.NEEDS_REVIEW: ConsultationAction.REQUIRE_REVIEW,
        EligibilityOutcome.INELIGIBLE: ConsultationAction.MARK_INELIGIBLE,
        EligibilityOutcome.ESCALATE: ConsultationAction.ESCALATE,
        EligibilityOutcome.PENDING: None,  # nothing to decide yet
    }
)


def consultation_status_after(outcome: str, current: str) -> ConsultationStatus:
    """The consultation's status once ``outcome`` is applied to it; ``pending`` leaves it unchanged.

    Raises ``InvalidTransition`` when the consultation is past the point where eligibility applies.
    """
    action = ACTION_BY_OUTCOME[EligibilityOutcome(outcome)]
    return ConsultationStatus(current) if action is None else transition(current, action)


# eligible -> ready, needs_review -> awaiting_review, ineligible -> declined, escalate -> escalated,
# pending -> submitted: read off the transition table, not restated.
CONSULTATION_STATUS_BY_OUTCOME: Final[Mapping[EligibilityOutcome, ConsultationStatus]] = MappingProxyType(
    {
        outcome: consultation_status_after(outcome, ConsultationStatus.SUBMITTED)
        for outcome in EligibilityOutcome
    }
)
