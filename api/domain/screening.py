"""Validate and score the screening instruments (clinical-rules.md §1) and the medical intake (§2).

Pure functions: answers arrive as decoded JSON and leave as a ``ScoredScreening``; the server scores and never
takes a score from the client. Every problem in one submission is reported at once (``ValidationFailed``, one
``FieldError`` per problem, pointers relative to the request body such as ``/answers/3``), so a partner
fixes a form in one round trip.

Each flag comes with the ``Finding`` that raised it (code, JSON pointer to the answer, a sentence for the
reviewer). ``flags`` is derived from the findings, so the two cannot disagree, and eligibility can cite the
answers.

Decisions where the rules leave room:

- Integers must be JSON integers: ``true`` and ``2.0`` are ``wrong_type``. Booleans must be ``true`` or
  ``false``, not ``0``/``1``. A missing or ``null`` required answer is ``required``.
- A wrong item count is reported once at ``/answers``, and the items that are there are still checked.
- A C-SSRS follow-up that must be null may be absent or ``null``; ``false`` is refused too (``must_be_null``):
  an answer to a question that was never asked points at a broken form, not at a "no". When the gating answer
  (``suicidal_thoughts``, ``behavior_lifetime``) is itself missing or invalid, its follow-ups are only
  type-checked, since we cannot know whether they were due.
- C-SSRS findings cite the answers behind the risk level only (a ``high`` case does not also list its
  ``moderate`` answers): the level is what the flag says. ``active_suicidal_ideation`` (question 2 yes) is a
  flag of its own, raised whatever the level, since it is a review reason by itself (clinical-rules.md §2).
- C-SSRS recall **[2e]**: ``recall`` is ``lifetime_recent`` (the default when absent) or
  ``since_last_contact`` (Columbia's "Lifetime/Recent" and "Since Last Contact" screeners). The behaviour
  questions follow it:
  ``behavior_lifetime`` and ``behavior_past_3_months`` (after a lifetime yes) for ``lifetime_recent``;
  ``behavior_since_last_contact`` instead of both for ``since_last_contact``. A behaviour answer of the
  other version is ``unknown_field`` (a form of the wrong version, not a "no"). Which version a screening
  must use is decided by ``expected_recall`` from where it was given (``RecallContext``).
- Intake **[2e]**: ``current_psychotic_symptoms``, ``ketamine_or_pcp_misuse_history`` and
  ``untreated_sleep_apnea`` are required booleans like the others; ``antidepressant_trials_current_episode``
  an integer 0-30; ``medication_classes`` an array of distinct codes from ``MEDICATION_CLASSES`` (``[]`` when
  none; a repeated code is ``duplicate``). An intake stored before the second edition has none of them
  (the migration gives them no value): it is never scored again on submission, and eligibility reads it
  through ``read_stored_intake`` (``score_screening`` with ``legacy_intake=True``), which treats the missing
  answers as not reported (see ``LEGACY_INTAKE_FIELDS``).
- Intake: ``heart_rate`` (integer, 20-250 bpm) and ``weight_kg`` (number, 20-400 kg) are required like the
  blood pressure, since dosing is weight-based. ``current_medications`` is required, ``[]`` meaning "none": a
  missing list is not the same as no medications when interactions matter. Each entry is non-blank text of at
  most 200 characters; at most 100 entries. ``age`` is not an answer (it comes from the patient): refused.
- Blood pressure is elevated above 140 systolic or above 90 diastolic; each elevated reading is one finding.

Sources: PHQ-9 (Kroenke et al., J Gen Intern Med 2001), GAD-7 (Spitzer et al., Arch Intern Med 2006), PCL-5
(Weathers et al., National Center for PTSD 2013: cut-off 31-33, DSM-5 provisional-diagnosis rule), C-SSRS
screener triage (Posner et al., Am J Psychiatry 2011; Columbia Lighthouse Project), LOINC.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeGuard, TypeVar

from api.errors import FieldError, RuleViolation, ValidationFailed

ANSWERS_POINTER: Final = "/answers"


class Instrument(StrEnum):
    PHQ9 = "phq9"
    GAD7 = "gad7"
    PCL5 = "pcl5"
    CSSRS = "cssrs"
    KETAMINE_INTAKE = "ketamine_intake"


INSTRUMENTS: Final[tuple[Instrument, ...]] = tuple(Instrument)
T = TypeVar("T")


class IncompleteInstrumentTable(LookupError):
    """A per-instrument table of this module leaves an instrument out (raised at import)."""


def _every_instrument(name: str, table: Mapping[Instrument, T]) -> Mapping[Instrument, T]:
    """``table``, read-only, once it is known to give every instrument its entry: an instrument added to
    ``Instrument`` and forgotten here stops the import, naming the table."""
    missing = [str(instrument) for instrument in Instrument if instrument not in table]
    if missing:
        raise IncompleteInstrumentTable(f"{name} has no entry for {', '.join(missing)}")
    return MappingProxyType(dict(table))


INSTRUMENT_LABELS: Final[Mapping[Instrument, str]] = _every_instrument(
    "INSTRUMENT_LABELS",
    {
        Instrument.PHQ9: "PHQ-9",
        Instrument.GAD7: "GAD-7",
        Instrument.PCL5: "PCL-5",
        Instrument.CSSRS: "C-SSRS",
        Instrument.KETAMINE_INTAKE: "Ketamine intake",
    },
)


class AnswerForm(StrEnum):
    """How an instrument's answers are given (what ``score_screening`` reads, and the spec describes)."""

    ITEM_SCORES = "item_scores"  # one score per item, in the questionnaire's order (``ITEM_SCALES``)
    QUESTIONS = "questions"  # yes/no answers by question, some asked only after a yes (``CSSRS_QUESTIONS``)
    INTAKE = "intake"  # measurements, reported conditions and medications (``INTAKE_FIELDS``)


ANSWER_FORMS: Final[Mapping[Instrument, AnswerForm]] = _every_instrument(
    "ANSWER_FORMS",
    {
        Instrument.PHQ9: AnswerForm.ITEM_SCORES,
        Instrument.GAD7: AnswerForm.ITEM_SCORES,
        Instrument.PCL5: AnswerForm.ITEM_SCORES,
        Instrument.CSSRS: AnswerForm.QUESTIONS,
        Instrument.KETAMINE_INTAKE: AnswerForm.INTAKE,
    },
)


class CssrsRisk(StrEnum):
    """C-SSRS screener risk level; it is the ``severity`` of a ``cssrs`` screening."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


# Flag codes other rules react to (eligibility, events).
SUICIDAL_IDEATION: Final = "suicidal_ideation"
POSITIVE_SCREEN: Final = "positive_screen"
PROBABLE_PTSD: Final = "probable_ptsd"
DSM5_CRITERIA_MET: Final = "dsm5_criteria_met"
SUICIDE_RISK_HIGH: Final = "suicide_risk_high"
SUICIDE_RISK_MODERATE: Final = "suicide_risk_moderate"
BLOOD_PRESSURE_ELEVATED: Final = "blood_pressure_elevated"
ACTIVE_SUICIDAL_IDEATION: Final = "active_suicidal_ideation"  # C-SSRS question 2 answered yes [2e]

# A total at or above its cut-off is clinically significant: GAD-7 positive screen, PCL-5 probable PTSD, and
# (with PHQ-9's moderate band) what makes a screen qualify for ketamine treatment.
CLINICAL_CUTOFFS: Final[Mapping[Instrument, int]] = MappingProxyType(
    {Instrument.PHQ9: 10, Instrument.GAD7: 10, Instrument.PCL5: 33}
)

# Readings above these need a clinician's review (APA consensus: treat blood pressure above 140/90 first).
SYSTOLIC_LIMIT_MMHG: Final = 140
DIASTOLIC_LIMIT_MMHG: Final = 90

# Boolean intake answers: each is a contraindication or a caution when true. The phrase completes
# "Intake reports ..." for the reviewer.
INTAKE_CONDITION_FIELDS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "pregnant_or_breastfeeding": "pregnancy or breastfeeding",
        "aneurysmal_vascular_disease": "aneurysmal vascular disease",
        "arteriovenous_malformation": "an arteriovenous malformation",
        "intracerebral_hemorrhage_history": "a history of intracerebral hemorrhage",
        "ketamine_hypersensitivity": "hypersensitivity to ketamine or esketamine",
        "psychosis_history": "a history of psychosis",
        "current_mania": "current mania",
        "substance_use_disorder_active": "an active substance use disorder",
        "substance_use_disorder_history": "a history of substance use disorder",
        "uncontrolled_cardiovascular_disease": "uncontrolled cardiovascular disease",
        "recent_mi_or_stroke_6_months": "a myocardial infarction or stroke in the past 6 months",
        "severe_hepatic_impairment": "severe hepatic impairment",
        "uncontrolled_hyperthyroidism": "uncontrolled hyperthyroidism",
        "elevated_intracranial_pressure": "elevated intracranial pressure",
        "interstitial_cystitis": "interstitial cystitis",
        # Second edition (clinical-rules.md §2 [2e]).
        "current_psychotic_symptoms": "current psychotic symptoms",
        "ketamine_or_pcp_misuse_history": "a history of ketamine or PCP misuse",
        "untreated_sleep_apnea": "untreated sleep apnea",
    }
)


class MedicationClass(StrEnum):
    """Medication classes the intake asks about [2e]: each interacts with ketamine (clinical-rules.md §2)."""

    MAOI = "maoi"
    PSYCHOSTIMULANT = "psychostimulant"
    BENZODIAZEPINE = "benzodiazepine"
    OPIOID = "opioid"
    OTHER_CNS_DEPRESSANT = "other_cns_depressant"
    LAMOTRIGINE = "lamotrigine"
    MEMANTINE = "memantine"
    NALTREXONE = "naltrexone"


MEDICATION_CLASSES: Final[tuple[MedicationClass, ...]] = tuple(MedicationClass)
ANTIDEPRESSANT_TRIALS: Final = "antidepressant_trials_current_episode"
MAX_ANTIDEPRESSANT_TRIALS: Final = 30
HEART_RATE: Final = "heart_rate"
INTAKE_FIELDS: Final[tuple[str, ...]] = (
    "systolic_bp",
    "diastolic_bp",
    HEART_RATE,
    "weight_kg",
    *INTAKE_CONDITION_FIELDS,
    "current_medications",
    ANTIDEPRESSANT_TRIALS,
    "medication_classes",
)
# The answers an intake stored before the second edition does not have (migration 0014 gives them no
# value). Reading such an intake, a missing one of these counts as not reported: no finding, no trials, no
# medication class. New intakes must answer every one.
LEGACY_INTAKE_FIELDS: Final[frozenset[str]] = frozenset(
    {
        "current_psychotic_symptoms",
        "ketamine_or_pcp_misuse_history",
        "untreated_sleep_apnea",
        ANTIDEPRESSANT_TRIALS,
        "medication_classes",
    }
)
# The intake's measurements: (lowest, highest, unit, whole numbers only).
INTAKE_MEASUREMENTS: Final[Mapping[str, tuple[float, float, str, bool]]] = MappingProxyType(
    {
        "systolic_bp": (60, 260, "mmHg", True),
        "diastolic_bp": (30, 160, "mmHg", True),
        "heart_rate": (20, 250, "beats per minute", True),
        "weight_kg": (20, 400, "kg", False),
    }
)
MAX_MEDICATIONS: Final = 100
MAX_MEDICATION_LENGTH: Final = 200

# C-SSRS screener questions by answer key, worded for the reviewer.
CSSRS_QUESTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "wish_to_be_dead": "wished to be dead (question 1)",
        "suicidal_thoughts": "had thoughts of killing themself (question 2)",
        "thoughts_with_method": "thought about how they might kill themself (question 3)",
        "intent": "had some intention of acting on these thoughts (question 4)",
        "plan": "worked out details of how to kill themself and intends to carry out the plan (question 5)",
        "behavior_lifetime": "acted or prepared to end their life, over 3 months ago (question 6)",
        "behavior_past_3_months": "acted or prepared to end their life in the past 3 months (question 6)",
        "behavior_since_last_contact": "acted or prepared to end their life since the last contact "
        "(question 6)",
    }
)


class CssrsRecall(StrEnum):
    """The C-SSRS screener's recall period [2e] (Columbia Lighthouse Project: "Screen Version -
    Lifetime/Recent" and "Screen Version - Since Last Contact")."""

    LIFETIME_RECENT = "lifetime_recent"
    SINCE_LAST_CONTACT = "since_last_contact"


CSSRS_RECALL_KEY: Final = "recall"
# The behaviour questions of each recall version; the other questions are common to both.
CSSRS_BEHAVIOR_QUESTIONS: Final[Mapping[CssrsRecall, tuple[str, ...]]] = MappingProxyType(
    {
        CssrsRecall.LIFETIME_RECENT: ("behavior_lifetime", "behavior_past_3_months"),
        CssrsRecall.SINCE_LAST_CONTACT: ("behavior_since_last_contact",),
    }
)
# The screener's skip logic: a question asked only after a yes to another (follow-up -> the question it
# follows). A follow-up is null or absent when that answer was no.
CSSRS_FOLLOW_UPS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "thoughts_with_method": "suicidal_thoughts",
        "intent": "suicidal_thoughts",
        "plan": "suicidal_thoughts",
        "behavior_past_3_months": "behavior_lifetime",
    }
)


@dataclass(frozen=True, slots=True)
class LoincCodes:
    """The LOINC codes a partner maps the result to (FHIR Observation, EHR import)."""

    panel: str | None = None
    total: str | None = None
    risk_level: str | None = None
    item_9: str | None = None

    def as_dict(self) -> dict[str, str]:
        codes = {
            "panel": self.panel,
            "total": self.total,
            "risk_level": self.risk_level,
            "item_9": self.item_9,
        }
        return {name: code for name, code in codes.items() if code is not None}


LOINC_CODES: Final[Mapping[Instrument, LoincCodes]] = _every_instrument(
    "LOINC_CODES",
    {
        Instrument.PHQ9: LoincCodes(panel="44249-1", total="44261-6", item_9="44260-8"),
        Instrument.GAD7: LoincCodes(panel="69737-5", total="70274-6"),
        Instrument.PCL5: LoincCodes(panel="101697-1", total="101698-9"),
        Instrument.CSSRS: LoincCodes(risk_level="93374-7"),
        Instrument.KETAMINE_INTAKE: LoincCodes(),
    },
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One flag and the answer that raised it, so a reviewer sees why."""

    code: str
    pointer: str  # JSON pointer into the screening body, e.g. "/answers/8"
    detail: str


@dataclass(frozen=True, slots=True)
class ScoredScreening:
    """The server's reading of one screening; ``total`` and ``severity`` are None where it has none."""

    instrument: Instrument
    total: int | None
    severity: str | None
    findings: tuple[Finding, ...]
    loinc: LoincCodes
    recall: CssrsRecall | None = None  # C-SSRS only
    intake: IntakeFacts | None = None  # ketamine_intake only

    @property
    def flags(self) -> tuple[str, ...]:
        """Distinct finding codes, in the order found."""
        return tuple(dict.fromkeys(finding.code for finding in self.findings))


def answer_pointer(*tokens: str | int) -> str:
    """JSON pointer (RFC 6901) to an answer, e.g. ``answer_pointer(3) == "/answers/3"``."""
    escaped = (str(token).replace("~", "~0").replace("/", "~1") for token in tokens)
    return "/".join((ANSWERS_POINTER, *escaped))


def _is_integer(value: object) -> TypeGuard[int]:
    # bool is a subclass of int; a JSON true is not a score.
    return isinstance(value, int) and not isinstance(value, bool)


def _invalid(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed(f"{len(errors)} invalid answer(s).", errors=errors)


def _raise_if_any(errors: list[FieldError]) -> None:
    if errors:
        raise _invalid(errors)


def _read_item_scores(answers: object, *, label: str, item_count: int, max_score: int) -> tuple[int, ...]:
    """The item scores of a list instrument, or every problem with them."""
    expected = f"{label} answers are an array of {item_count} integers from 0 to {max_score}."
    if not isinstance(answers, list | tuple):
        raise _invalid([FieldError(ANSWERS_POINTER, "wrong_type", expected)])
    errors: list[FieldError] = []
    if len(answers) != item_count:
        errors.append(
            FieldError(ANSWERS_POINTER, "wrong_item_count", f"{expected} {len(answers)} were given.")
        )
    scores: list[int] = []
    for index, value in enumerate(answers):
        message = f"Item {index + 1} must be an integer from 0 to {max_score}."
        if not _is_integer(value):
            errors.append(FieldError(answer_pointer(index), "wrong_type", message))
        elif not 0 <= value <= max_score:
            errors.append(FieldError(answer_pointer(index), "out_of_range", message))
        else:
            scores.append(value)
    _raise_if_any(errors)
    return tuple(scores)


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    """The name of the last band whose lower bound ``total`` reaches (bands in ascending order)."""
    return [name for lower_bound, name in bands if total >= lower_bound][-1]


class _ObjectAnswers:
    """Reads an object answer key by key, collecting every problem instead of stopping at the first."""

    def __init__(
        self,
        answers: object,
        *,
        label: str,
        known_keys: Collection[str],
        unknown_hint: str = "",
        may_be_missing: Collection[str] = frozenset(),
    ) -> None:
        if not isinstance(answers, Mapping):
            raise _invalid([FieldError(ANSWERS_POINTER, "wrong_type", f"{label} answers are an object.")])
        self._answers: Mapping[object, object] = answers
        self._may_be_missing = frozenset(may_be_missing)
        self.errors: list[FieldError] = [
            FieldError(
                answer_pointer(str(key)), "unknown_field", f"{label} has no answer {key!r}{unknown_hint}."
            )
            for key in answers
            if key not in known_keys
        ]

    def _error(self, key: str, code: str, message: str) -> None:
        self.errors.append(FieldError(answer_pointer(key), code, message))

    def _value(self, key: str, expected: str) -> object:
        """The answer, or None after recording ``required`` when it is missing or null."""
        value = self._answers.get(key)
        if value is None and not (key in self._may_be_missing and key not in self._answers):
            self._error(key, "required", f"{key} is required: {expected}.")
        return value

    def boolean(self, key: str) -> bool | None:
        value = self._value(key, "true or false")
        if value is None or isinstance(value, bool):
            return value
        self._error(key, "wrong_type", f"{key} must be true or false.")
        return None

    def follow_up_boolean(self, key: str, *, gate_key: str, gate: bool | None) -> bool | None:
        """A boolean asked only when ``gate`` is true; it must be null or absent when ``gate`` is false."""
        if gate is True:
            return self.boolean(key)
        value = self._answers.get(key)
        if value is None:
            return None
        if gate is False:
            self._error(key, "must_be_null", f"{key} must be null or absent when {gate_key} is false.")
        elif isinstance(value, bool):
            return value
        else:
            self._error(key, "wrong_type", f"{key} must be true, false or null.")
        return None

    def integer(self, key: str, low: int, high: int, unit: str) -> int | None:
        expected = f"an integer from {low} to {high} {unit}"
        value = self._value(key, expected)
        if value is None:
            return None
        if not _is_integer(value):
            self._error(key, "wrong_type", f"{key} must be {expected}.")
        elif not low <= value <= high:
            self._error(key, "out_of_range", f"{key} must be {expected}.")
        else:
            return value
        return None

    def number(self, key: str, low: float, high: float, unit: str) -> float | None:
        expected = f"a number from {low} to {high} {unit}"
        value = self._value(key, expected)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self._error(key, "wrong_type", f"{key} must be {expected}.")
        elif not low <= value <= high:
            self._error(key, "out_of_range", f"{key} must be {expected}.")
        else:
            return value
        return None

    def string_list(self, key: str, *, max_items: int, max_length: int) -> tuple[str, ...] | None:
        expected = f"an array of at most {max_items} texts of 1 to {max_length} characters"
        value = self._value(key, expected)
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            self._error(key, "wrong_type", f"{key} must be {expected}.")
            return None
        errors_before = len(self.errors)
        if len(value) > max_items:
            self._error(key, "too_many_items", f"{key} must be {expected}; {len(value)} were given.")
        for index, item in enumerate(value):
            pointer = answer_pointer(key, index)
            message = f"Each entry of {key} must be a text of 1 to {max_length} characters."
            if not isinstance(item, str):
                self.errors.append(FieldError(pointer, "wrong_type", message))
            elif not item.strip():
                self.errors.append(FieldError(pointer, "blank", message))
            elif len(item) > max_length:
                self.errors.append(FieldError(pointer, "too_long", message))
        return tuple(value) if len(self.errors) == errors_before else None

    def choice_list(self, key: str, choices: Collection[str]) -> tuple[str, ...] | None:
        """An array of distinct codes from ``choices`` (``[]`` for none)."""
        expected = f"an array of distinct codes from: {', '.join(choices)} ([] when none)"
        value = self._value(key, expected)
        if value is None:
            return None
        if not isinstance(value, list | tuple):
            self._error(key, "wrong_type", f"{key} must be {expected}.")
            return None
        errors_before = len(self.errors)
        seen: set[str] = set()
        for index, item in enumerate(value):
            pointer = answer_pointer(key, index)
            if not isinstance(item, str):
                self.errors.append(FieldError(pointer, "wrong_type", f"Each entry of {key} is a code."))
            elif item not in choices:
                self.errors.append(FieldError(pointer, "invalid_choice", f"{key} must be {expected}."))
            elif item in seen:
                self.errors.append(FieldError(pointer, "duplicate", f"{item} is listed more than once."))
            else:
                seen.add(item)
        return tuple(value) if len(self.errors) == errors_before else None

    def raise_if_invalid(self) -> None:
        _raise_if_any(self.errors)


# Severity bands as (lowest total, name), ascending.
_PHQ9_BANDS: Final = (
    (0, "minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately_severe"),
    (20, "severe"),
)
# Public: the cohort tables' baseline severity (api/domain/cohorts.py) is this band of the baseline.
PHQ9_SEVERITY_BANDS: Final = _PHQ9_BANDS
_GAD7_BANDS: Final = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))
# The questionnaires answered item by item: (number of items, highest answer of each).
ITEM_SCALES: Final[Mapping[Instrument, tuple[int, int]]] = MappingProxyType(
    {Instrument.PHQ9: (9, 3), Instrument.GAD7: (7, 3), Instrument.PCL5: (20, 4)}
)
if set(ITEM_SCALES) != {i for i, form in ANSWER_FORMS.items() if form is AnswerForm.ITEM_SCORES}:
    raise IncompleteInstrumentTable(
        "ITEM_SCALES gives the scale of exactly the instruments scored item by item"
    )


def _items(instrument: Instrument, answers: object) -> tuple[int, ...]:
    count, highest = ITEM_SCALES[instrument]
    return _read_item_scores(
        answers, label=INSTRUMENT_LABELS[instrument], item_count=count, max_score=highest
    )


_PHQ9_SELF_HARM_ITEM: Final = 8  # item 9, counted from 0


def score_phq9(answers: object) -> ScoredScreening:
    """PHQ-9: 9 items 0-3. Item 9 (thoughts of death or self-harm) is flagged whatever the total."""
    items = _items(Instrument.PHQ9, answers)
    total = sum(items)
    findings: list[Finding] = []
    if items[_PHQ9_SELF_HARM_ITEM] > 0:
        findings.append(
            Finding(
                SUICIDAL_IDEATION,
                answer_pointer(_PHQ9_SELF_HARM_ITEM),
                "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) was answered "
                f"{items[_PHQ9_SELF_HARM_ITEM]} of 3.",
            )
        )
    severity = _band(total, _PHQ9_BANDS)
    return ScoredScreening(Instrument.PHQ9, total, severity, tuple(findings), LOINC_CODES[Instrument.PHQ9])


def score_gad7(answers: object) -> ScoredScreening:
    """GAD-7: 7 items 0-3; a total of 10 or more is a positive screen."""
    items = _items(Instrument.GAD7, answers)
    total = sum(items)
    cutoff = CLINICAL_CUTOFFS[Instrument.GAD7]
    findings: list[Finding] = []
    if total >= cutoff:
        findings.append(
            Finding(POSITIVE_SCREEN, ANSWERS_POINTER, f"GAD-7 total {total} is at or above {cutoff}.")
        )
    severity = _band(total, _GAD7_BANDS)
    return ScoredScreening(Instrument.GAD7, total, severity, tuple(findings), LOINC_CODES[Instrument.GAD7])


# PCL-5 DSM-5 symptom clusters B-E as (first item, last item, items needed), items numbered from 1.
_PCL5_CLUSTERS: Final = ((1, 5, 1), (6, 7, 1), (8, 14, 2), (15, 20, 2))
_PCL5_ITEM_ENDORSED_AT: Final = 2  # "moderately" or more


def score_pcl5(answers: object) -> ScoredScreening:
    """PCL-5: 20 items 0-4; probable PTSD at 33 or more, and the DSM-5 symptom-cluster rule."""
    items = _items(Instrument.PCL5, answers)
    total = sum(items)
    cutoff = CLINICAL_CUTOFFS[Instrument.PCL5]
    findings: list[Finding] = []
    if total >= cutoff:
        findings.append(
            Finding(PROBABLE_PTSD, ANSWERS_POINTER, f"PCL-5 total {total} is at or above {cutoff}.")
        )
    if all(
        sum(score >= _PCL5_ITEM_ENDORSED_AT for score in items[first - 1 : last]) >= needed
        for first, last, needed in _PCL5_CLUSTERS
    ):
        findings.append(
            Finding(
                DSM5_CRITERIA_MET,
                ANSWERS_POINTER,
                "PCL-5 items rated 2 or more meet the DSM-5 pattern: at least 1 intrusion (B), "
                "1 avoidance (C), 2 mood and cognition (D) and 2 arousal and reactivity (E) symptoms.",
            )
        )
    severity = "probable_ptsd" if total >= cutoff else "below_threshold"
    return ScoredScreening(Instrument.PCL5, total, severity, tuple(findings), LOINC_CODES[Instrument.PCL5])


def _cite_cssrs_answers(code: str, answers: Mapping[str, bool | None]) -> tuple[Finding, ...]:
    return tuple(
        Finding(code, answer_pointer(key), f"C-SSRS: the patient {CSSRS_QUESTIONS[key]}.")
        for key, yes in answers.items()
        if yes
    )


def _read_recall(answers: object) -> tuple[CssrsRecall | None, list[FieldError]]:
    """The recall version the C-SSRS answers name (``lifetime_recent`` when they name none)."""
    if not isinstance(answers, Mapping):
        return CssrsRecall.LIFETIME_RECENT, []  # the reader reports the wrong type
    value = answers.get(CSSRS_RECALL_KEY)
    if value is None:
        return CssrsRecall.LIFETIME_RECENT, []
    if isinstance(value, str) and value in CssrsRecall.__members__.values():
        return CssrsRecall(value), []
    message = f"recall must be one of: {', '.join(CssrsRecall)} (default {CssrsRecall.LIFETIME_RECENT})."
    code = "invalid_choice" if isinstance(value, str) else "wrong_type"
    return None, [FieldError(answer_pointer(CSSRS_RECALL_KEY), code, message)]


def cssrs_recall(answers: object) -> CssrsRecall:
    """The recall version of stored C-SSRS answers: what they name, ``lifetime_recent`` when none (every
    C-SSRS stored before the second edition is one)."""
    recall, _ = _read_recall(answers)
    return recall or CssrsRecall.LIFETIME_RECENT


def score_cssrs(answers: object) -> ScoredScreening:
    """C-SSRS screener, either recall version: the risk level is the severity; ``high`` and ``moderate`` are
    flagged, and ``active_suicidal_ideation`` whenever question 2 is yes.

    Risk (Columbia screener triage, clinical-rules.md §1 [2e]): ``high`` for intent or a plan (questions
    4, 5), or behaviour in the past 3 months (``lifetime_recent``) or since the last contact
    (``since_last_contact``); ``moderate`` for thoughts with a method (question 3), or, ``lifetime_recent``
    only, behaviour over 3 months ago; ``low`` for a wish to be dead or thoughts (questions 1, 2) alone;
    else ``none``.
    """
    recall, recall_errors = _read_recall(answers)
    common = [key for key in CSSRS_QUESTIONS if not key.startswith("behavior_")]
    behaviour_keys = (
        CSSRS_BEHAVIOR_QUESTIONS[recall]
        if recall
        else tuple(key for keys in CSSRS_BEHAVIOR_QUESTIONS.values() for key in keys)
    )
    reader = _ObjectAnswers(
        answers,
        label=INSTRUMENT_LABELS[Instrument.CSSRS],
        known_keys=(CSSRS_RECALL_KEY, *common, *behaviour_keys),
        unknown_hint=f" with recall {recall}" if recall else "",
    )
    reader.errors.extend(recall_errors)
    wish_to_be_dead = reader.boolean("wish_to_be_dead")
    suicidal_thoughts = reader.boolean("suicidal_thoughts")
    method, intent, plan = (
        reader.follow_up_boolean(key, gate_key=CSSRS_FOLLOW_UPS[key], gate=suicidal_thoughts)
        for key in ("thoughts_with_method", "intent", "plan")
    )
    behavior_lifetime = behavior_recent = None
    if recall is CssrsRecall.LIFETIME_RECENT:
        behavior_lifetime = reader.boolean("behavior_lifetime")
        behavior_recent = reader.follow_up_boolean(
            "behavior_past_3_months",
            gate_key=CSSRS_FOLLOW_UPS["behavior_past_3_months"],
            gate=behavior_lifetime,
        )
        recent_key = "behavior_past_3_months"
    else:
        behavior_recent = reader.boolean("behavior_since_last_contact") if recall else None
        recent_key = "behavior_since_last_contact"
    reader.raise_if_invalid()

    # Behaviour in the recall's recent window is high risk; with lifetime_recent, behaviour only longer ago
    # than 3 months is moderate. "Since last contact" asks only what is new: an old act does not re-flag.
    high_risk_answers = {"intent": intent, "plan": plan, recent_key: behavior_recent}
    moderate_risk_answers = {
        "thoughts_with_method": method,
        "behavior_lifetime": behavior_lifetime is True and behavior_recent is not True,
    }
    if any(high_risk_answers.values()):
        risk, findings = CssrsRisk.HIGH, _cite_cssrs_answers(SUICIDE_RISK_HIGH, high_risk_answers)
    elif any(moderate_risk_answers.values()):
        risk, findings = CssrsRisk.MODERATE, _cite_cssrs_answers(SUICIDE_RISK_MODERATE, moderate_risk_answers)
    else:
        risk = CssrsRisk.LOW if wish_to_be_dead or suicidal_thoughts else CssrsRisk.NONE
        findings = ()
    if suicidal_thoughts:
        findings += _cite_cssrs_answers(ACTIVE_SUICIDAL_IDEATION, {"suicidal_thoughts": True})
    return ScoredScreening(
        Instrument.CSSRS, None, risk, findings, LOINC_CODES[Instrument.CSSRS], recall=recall
    )


class RecallContext(StrEnum):
    """Where a C-SSRS is given, which decides its recall version (``expected_recall``)."""

    INTAKE = "intake"  # for a consultation, or for neither a consultation nor a plan
    CHECK_IN = "check_in"  # for a plan (``plan_id`` set): a follow-up check-in
    PLAN_BASELINE = "plan_baseline"  # a plan's baseline check-in (clinical-rules.md §4 [2e] outcomes)


_EXPECTED_RECALL: Final[Mapping[RecallContext, CssrsRecall]] = MappingProxyType(
    {
        RecallContext.INTAKE: CssrsRecall.LIFETIME_RECENT,
        RecallContext.CHECK_IN: CssrsRecall.SINCE_LAST_CONTACT,
        RecallContext.PLAN_BASELINE: CssrsRecall.LIFETIME_RECENT,
    }
)


def expected_recall(context: RecallContext) -> CssrsRecall:
    """The C-SSRS recall version a screening given in ``context`` must use (clinical-rules.md §1 [2e]).

    A consultation's (or a stand-alone) C-SSRS asks ``lifetime_recent``; a plan's check-in asks
    ``since_last_contact`` (asking "past 3 months" every week re-flags one old act as ``high`` for three
    months); a plan's baseline check-in asks ``lifetime_recent`` again, since it stands for the intake.
    Source: Columbia Lighthouse Project, C-SSRS screener versions "Lifetime/Recent" and "Since Last Contact".
    """
    return _EXPECTED_RECALL[context]


def check_recall(scored: ScoredScreening, context: RecallContext) -> None:
    """Refuse a C-SSRS whose recall version is not the one ``context`` expects: 422 ``recall_mismatch``,
    pointer ``/answers/recall``. Other instruments have no recall and always pass."""
    if scored.instrument is not Instrument.CSSRS or scored.recall is None:
        return
    expected = expected_recall(context)
    if scored.recall is not expected:
        message = f"A C-SSRS given as a {context.value.replace('_', ' ')} uses recall {expected.value}."
        raise RuleViolation(
            f"{message} This one uses {scored.recall.value}.",
            code="recall_mismatch",
            errors=[FieldError(answer_pointer(CSSRS_RECALL_KEY), "recall_mismatch", message)],
            extra={"expected_recall": expected.value},
        )


# Heart rate outside this range (beats per minute) needs a clinician's review [2e].
HEART_RATE_LOW_BPM: Final = 50
HEART_RATE_HIGH_BPM: Final = 110
HEART_RATE_ABNORMAL: Final = "heart_rate_abnormal"
INTERACTION_BLOOD_PRESSURE: Final = "interaction_blood_pressure"
INTERACTION_SEDATION: Final = "interaction_sedation"
# Medication classes that interact with ketamine, by the finding each raises (one finding per class).
# Ketamine raises blood pressure: with an MAOI or a psychostimulant more so (Spravato label §7, drug
# interactions: "closely monitor blood pressure"). With a benzodiazepine, an opioid or another CNS
# depressant, sedation is deeper (label §7: "closely monitor for sedation"). Lamotrigine, memantine and
# naltrexone may blunt the response: considerations, never findings (see ``MEDICATION_CONSIDERATIONS``).
MEDICATION_INTERACTIONS: Final[Mapping[MedicationClass, str]] = MappingProxyType(
    {
        MedicationClass.MAOI: INTERACTION_BLOOD_PRESSURE,
        MedicationClass.PSYCHOSTIMULANT: INTERACTION_BLOOD_PRESSURE,
        MedicationClass.BENZODIAZEPINE: INTERACTION_SEDATION,
        MedicationClass.OPIOID: INTERACTION_SEDATION,
        MedicationClass.OTHER_CNS_DEPRESSANT: INTERACTION_SEDATION,
    }
)
_INTERACTION_DETAILS: Final[Mapping[str, str]] = MappingProxyType(
    {
        INTERACTION_BLOOD_PRESSURE: "may raise blood pressure further with ketamine",
        INTERACTION_SEDATION: "may deepen sedation with ketamine",
    }
)
MEDICATION_CONSIDERATIONS: Final[Mapping[MedicationClass, str]] = MappingProxyType(
    {
        MedicationClass.LAMOTRIGINE: "Lamotrigine reduces glutamate release and may blunt ketamine's "
        "antidepressant response.",
        MedicationClass.MEMANTINE: "Memantine is an NMDA antagonist and may blunt or alter ketamine's "
        "response.",
        MedicationClass.NALTREXONE: "Naltrexone (opioid antagonist) may blunt ketamine's antidepressant "
        "response (Williams et al., Am J Psychiatry 2018).",
    }
)
if set(MEDICATION_INTERACTIONS) | set(MEDICATION_CONSIDERATIONS) != set(MedicationClass) or set(
    MEDICATION_INTERACTIONS
) & set(MEDICATION_CONSIDERATIONS):
    raise IncompleteInstrumentTable("every medication class is either an interaction or a consideration")


@dataclass(frozen=True, slots=True)
class IntakeFacts:
    """What eligibility reads from an intake besides its findings; None where a stored intake predates the
    question (``LEGACY_INTAKE_FIELDS``)."""

    antidepressant_trials: int | None
    medication_classes: tuple[MedicationClass, ...]


def score_ketamine_intake(answers: object, *, stored: bool = False) -> ScoredScreening:
    """Medical intake: no score; the findings are the contraindications and cautions reported.

    ``stored``: the answers of an intake already on record, which may predate the second edition's questions
    (``LEGACY_INTAKE_FIELDS``): those missing count as not reported instead of ``required``.
    """
    reader = _ObjectAnswers(
        answers,
        label=INSTRUMENT_LABELS[Instrument.KETAMINE_INTAKE],
        known_keys=INTAKE_FIELDS,
        may_be_missing=LEGACY_INTAKE_FIELDS if stored else frozenset(),
    )
    measured: dict[str, float | None] = {}
    for key, (low, high, unit, whole) in INTAKE_MEASUREMENTS.items():
        measured[key] = (
            reader.integer(key, int(low), int(high), unit) if whole else reader.number(key, low, high, unit)
        )
    systolic, diastolic = measured["systolic_bp"], measured["diastolic_bp"]
    conditions = {key: reader.boolean(key) for key in INTAKE_CONDITION_FIELDS}
    reader.string_list("current_medications", max_items=MAX_MEDICATIONS, max_length=MAX_MEDICATION_LENGTH)
    trials = reader.integer(ANTIDEPRESSANT_TRIALS, 0, MAX_ANTIDEPRESSANT_TRIALS, "adequate trials")
    classes = reader.choice_list("medication_classes", MEDICATION_CLASSES)
    reader.raise_if_invalid()

    findings: list[Finding] = []
    for key, reading, limit, name in (
        ("systolic_bp", systolic, SYSTOLIC_LIMIT_MMHG, "Systolic"),
        ("diastolic_bp", diastolic, DIASTOLIC_LIMIT_MMHG, "Diastolic"),
    ):
        if reading is not None and reading > limit:
            findings.append(
                Finding(
                    BLOOD_PRESSURE_ELEVATED,
                    answer_pointer(key),
                    f"{name} blood pressure {reading} mmHg is above {limit} mmHg.",
                )
            )
    heart_rate = measured[HEART_RATE]
    if heart_rate is not None and not HEART_RATE_LOW_BPM <= heart_rate <= HEART_RATE_HIGH_BPM:
        findings.append(
            Finding(
                HEART_RATE_ABNORMAL,
                answer_pointer(HEART_RATE),
                f"Heart rate {heart_rate:g} bpm is outside {HEART_RATE_LOW_BPM}-{HEART_RATE_HIGH_BPM} bpm.",
            )
        )
    findings.extend(
        Finding(key, answer_pointer(key), f"Intake reports {INTAKE_CONDITION_FIELDS[key]}.")
        for key, reported in conditions.items()
        if reported
    )
    medication_classes = tuple(MedicationClass(code) for code in classes or ())
    findings.extend(
        Finding(
            MEDICATION_INTERACTIONS[medication_class],
            answer_pointer("medication_classes", index),
            f"Intake reports a medication of class {medication_class.value}, which "
            f"{_INTERACTION_DETAILS[MEDICATION_INTERACTIONS[medication_class]]}.",
        )
        for index, medication_class in enumerate(medication_classes)
        if medication_class in MEDICATION_INTERACTIONS
    )
    return ScoredScreening(
        Instrument.KETAMINE_INTAKE,
        None,
        None,
        tuple(findings),
        LOINC_CODES[Instrument.KETAMINE_INTAKE],
        intake=IntakeFacts(trials, medication_classes),
    )


_SCORERS: Final[Mapping[Instrument, Callable[[object], ScoredScreening]]] = _every_instrument(
    "_SCORERS",
    {
        Instrument.PHQ9: score_phq9,
        Instrument.GAD7: score_gad7,
        Instrument.PCL5: score_pcl5,
        Instrument.CSSRS: score_cssrs,
        Instrument.KETAMINE_INTAKE: score_ketamine_intake,
    },
)


def score_screening(instrument: str, answers: object, *, stored: bool = False) -> ScoredScreening:
    """Validate and score one submission; raises ``ValidationFailed`` listing every problem.

    ``stored``: the answers are a screening already on record (eligibility reads them again), which may
    predate a question added since (``score_ketamine_intake``).
    """
    if instrument not in _SCORERS:
        message = f"instrument must be one of: {', '.join(INSTRUMENTS)}."
        raise _invalid([FieldError("/instrument", "unknown_instrument", message)])
    if instrument == Instrument.KETAMINE_INTAKE:
        return score_ketamine_intake(answers, stored=stored)
    return _SCORERS[Instrument(instrument)](answers)
