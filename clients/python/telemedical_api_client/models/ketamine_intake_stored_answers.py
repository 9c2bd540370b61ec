from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.ketamine_intake_stored_answers_medication_classes_item import (
    KetamineIntakeStoredAnswersMedicationClassesItem,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="KetamineIntakeStoredAnswers")


@_attrs_define
class KetamineIntakeStoredAnswers:
    """
    Attributes:
        aneurysmal_vascular_disease (bool): The patient reports aneurysmal vascular disease
        arteriovenous_malformation (bool): The patient reports an arteriovenous malformation
        current_mania (bool): The patient reports current mania
        current_medications (list[str]):
        diastolic_bp (int): mmHg
        elevated_intracranial_pressure (bool): The patient reports elevated intracranial pressure
        heart_rate (int): beats per minute
        interstitial_cystitis (bool): The patient reports interstitial cystitis
        intracerebral_hemorrhage_history (bool): The patient reports a history of intracerebral hemorrhage
        ketamine_hypersensitivity (bool): The patient reports hypersensitivity to ketamine or esketamine
        pregnant_or_breastfeeding (bool): The patient reports pregnancy or breastfeeding
        psychosis_history (bool): The patient reports a history of psychosis
        recent_mi_or_stroke_6_months (bool): The patient reports a myocardial infarction or stroke in the past 6 months
        severe_hepatic_impairment (bool): The patient reports severe hepatic impairment
        substance_use_disorder_active (bool): The patient reports an active substance use disorder
        substance_use_disorder_history (bool): The patient reports a history of substance use disorder
        systolic_bp (int): mmHg
        uncontrolled_cardiovascular_disease (bool): The patient reports uncontrolled cardiovascular disease
        uncontrolled_hyperthyroidism (bool): The patient reports uncontrolled hyperthyroidism
        weight_kg (float): kg
        antidepressant_trials_current_episode (int | Unset): Adequate antidepressant trials (an adequate dose for 6
            weeks or more) in the current depressive episode; 0 when not depressed
        current_psychotic_symptoms (bool | Unset): The patient reports current psychotic symptoms
        ketamine_or_pcp_misuse_history (bool | Unset): The patient reports a history of ketamine or PCP misuse
        medication_classes (list[KetamineIntakeStoredAnswersMedicationClassesItem] | Unset): Classes of the current
            medications that interact with ketamine; [] when none
        untreated_sleep_apnea (bool | Unset): The patient reports untreated sleep apnea
    """

    aneurysmal_vascular_disease: bool
    arteriovenous_malformation: bool
    current_mania: bool
    current_medications: list[str]
    diastolic_bp: int
    elevated_intracranial_pressure: bool
    heart_rate: int
    interstitial_cystitis: bool
    intracerebral_hemorrhage_history: bool
    ketamine_hypersensitivity: bool
    pregnant_or_breastfeeding: bool
    psychosis_history: bool
    recent_mi_or_stroke_6_months: bool
    severe_hepatic_impairment: bool
    substance_use_disorder_active: bool
    substance_use_disorder_history: bool
    systolic_bp: int
    uncontrolled_cardiovascular_disease: bool
    uncontrolled_hyperthyroidism: bool
    weight_kg: float
    antidepressant_trials_current_episode: int | Unset = UNSET
    current_psychotic_symptoms: bool | Unset = UNSET
    ketamine_or_pcp_misuse_history: bool | Unset = UNSET
    medication_classes: list[KetamineIntakeStoredAnswersMedicationClassesItem] | Unset = UNSET
    untreated_sleep_apnea: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        aneurysmal_vascular_disease = self.aneurysmal_vascular_disease

        arteriovenous_malformation = self.arteriovenous_malformation

        current_mania = self.current_mania

        current_medications = self.current_medications

        diastolic_bp = self.diastolic_bp

        elevated_intracranial_pressure = self.elevated_intracranial_pressure

        heart_rate = self.heart_rate

        interstitial_cystitis = self.interstitial_cystitis

        intracerebral_hemorrhage_history = self.intracerebral_hemorrhage_history

        ketamine_hypersensitivity = self.ketamine_hypersensitivity

        pregnant_or_breastfeeding = self.pregnant_or_breastfeeding

        psychosis_history = self.psychosis_history

        recent_mi_or_stroke_6_months = self.recent_mi_or_stroke_6_months

        severe_hepatic_impairment = self.severe_hepatic_impairment

        substance_use_disorder_active = self.substance_use_disorder_active

        substance_use_disorder_history = self.substance_use_disorder_history

        systolic_bp = self.systolic_bp

        uncontrolled_cardiovascular_disease = self.uncontrolled_cardiovascular_disease

        uncontrolled_hyperthyroidism = self.uncontrolled_hyperthyroidism

        weight_kg = self.weight_kg

        antidepressant_trials_current_episode = self.antidepressant_trials_current_episode

        current_psychotic_symptoms = self.current_psychotic_symptoms

        ketamine_or_pcp_misuse_history = self.ketamine_or_pcp_misuse_history

        medication_classes: list[str] | Unset = UNSET
        if not isinstance(self.medication_classes, Unset):
            medication_classes = []
            for medication_classes_item_data in self.medication_classes:
                medication_classes_item = medication_classes_item_data.value
                medication_classes.append(medication_classes_item)

        untreated_sleep_apnea = self.untreated_sleep_apnea

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "aneurysmal_vascular_disease": aneurysmal_vascular_disease,
                "arteriovenous_malformation": arteriovenous_malformation,
                "current_mania": current_mania,
                "current_medications": current_medications,
                "diastolic_bp": diastolic_bp,
                "elevated_intracranial_pressure": elevated_intracranial_pressure,
                "heart_rate": heart_rate,
                "interstitial_cystitis": interstitial_cystitis,
                "intracerebral_hemorrhage_history": intracerebral_hemorrhage_history,
                "ketamine_hypersensitivity": ketamine_hypersensitivity,
                "pregnant_or_breastfeeding": pregnant_or_breastfeeding,
                "psychosis_history": psychosis_history,
                "recent_mi_or_stroke_6_months": recent_mi_or_stroke_6_months,
                "severe_hepatic_impairment": severe_hepatic_impairment,
                "substance_use_disorder_active": substance_use_disorder_active,
                "substance_use_disorder_history": substance_use_disorder_history,
                "systolic_bp": systolic_bp,
                "uncontrolled_cardiovascular_disease": uncontrolled_cardiovascular_disease,
                "uncontrolled_hyperthyroidism": uncontrolled_hyperthyroidism,
                "weight_kg": weight_kg,
            }
        )
        if antidepressant_trials_current_episode is not UNSET:
            field_dict["antidepressant_trials_current_episode"] = antidepressant_trials_current_episode
        if current_psychotic_symptoms is not UNSET:
            field_dict["current_psychotic_symptoms"] = current_psychotic_symptoms
        if ketamine_or_pcp_misuse_history is not UNSET:
            field_dict["ketamine_or_pcp_misuse_history"] = ketamine_or_pcp_misuse_history
        if medication_classes is not UNSET:
            field_dict["medication_classes"] = medication_classes
        if untreated_sleep_apnea is not UNSET:
            field_dict["untreated_sleep_apnea"] = untreated_sleep_apnea

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aneurysmal_vascular_disease = d.pop("aneurysmal_vascular_disease")

        arteriovenous_malformation = d.pop("arteriovenous_malformation")

        current_mania = d.pop("current_mania")

        current_medications = cast(list[str], d.pop("current_medications"))

        diastolic_bp = d.pop("diastolic_bp")

        elevated_intracranial_pressure = d.pop("elevated_intracranial_pressure")

        heart_rate = d.pop("heart_rate")

        interstitial_cystitis = d.pop("interstitial_cystitis")

        intracerebral_hemorrhage_history = d.pop("intracerebral_hemorrhage_history")

        ketamine_hypersensitivity = d.pop("ketamine_hypersensitivity")

        pregnant_or_breastfeeding = d.pop("pregnant_or_breastfeeding")

        psychosis_history = d.pop("psychosis_history")

        recent_mi_or_stroke_6_months = d.pop("recent_mi_or_stroke_6_months")

        severe_hepatic_impairment = d.pop("severe_hepatic_impairment")

        substance_use_disorder_active = d.pop("substance_use_disorder_active")

        substance_use_disorder_history = d.pop("substance_use_disorder_history")

        systolic_bp = d.pop("systolic_bp")

        uncontrolled_cardiovascular_disease = d.pop("uncontrolled_cardiovascular_disease")

        uncontrolled_hyperthyroidism = d.pop("uncontrolled_hyperthyroidism")

        weight_kg = d.pop("weight_kg")

        antidepressant_trials_current_episode = d.pop("antidepressant_trials_current_episode", UNSET)

        current_psychotic_symptoms = d.pop("current_psychotic_symptoms", UNSET)

        ketamine_or_pcp_misuse_history = d.pop("ketamine_or_pcp_misuse_history", UNSET)

        _medication_classes = d.pop("medication_classes", UNSET)
        medication_classes: list[KetamineIntakeStoredAnswersMedicationClassesItem] | Unset = UNSET
        if _medication_classes is not UNSET:
            medication_classes = []
            for medication_classes_item_data in _medication_classes:
                medication_classes_item = KetamineIntakeStoredAnswersMedicationClassesItem(medication_classes_item_data)

                medication_classes.append(medication_classes_item)

        untreated_sleep_apnea = d.pop("untreated_sleep_apnea", UNSET)

        ketamine_intake_stored_answers = cls(
            aneurysmal_vascular_disease=aneurysmal_vascular_disease,
            arteriovenous_malformation=arteriovenous_malformation,
            current_mania=current_mania,
            current_medications=current_medications,
            diastolic_bp=diastolic_bp,
            elevated_intracranial_pressure=elevated_intracranial_pressure,
            heart_rate=heart_rate,
            interstitial_cystitis=interstitial_cystitis,
            intracerebral_hemorrhage_history=intracerebral_hemorrhage_history,
            ketamine_hypersensitivity=ketamine_hypersensitivity,
            pregnant_or_breastfeeding=pregnant_or_breastfeeding,
            psychosis_history=psychosis_history,
            recent_mi_or_stroke_6_months=recent_mi_or_stroke_6_months,
            severe_hepatic_impairment=severe_hepatic_impairment,
            substance_use_disorder_active=substance_use_disorder_active,
            substance_use_disorder_history=substance_use_disorder_history,
            systolic_bp=systolic_bp,
            uncontrolled_cardiovascular_disease=uncontrolled_cardiovascular_disease,
            uncontrolled_hyperthyroidism=uncontrolled_hyperthyroidism,
            weight_kg=weight_kg,
            antidepressant_trials_current_episode=antidepressant_trials_current_episode,
            current_psychotic_symptoms=current_psychotic_symptoms,
            ketamine_or_pcp_misuse_history=ketamine_or_pcp_misuse_history,
            medication_classes=medication_classes,
            untreated_sleep_apnea=untreated_sleep_apnea,
        )

        return ketamine_intake_stored_answers
