from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.ketamine_intake_stored_answers_medication_classes_item import (
    KetamineIntakeStoredAnswersMedicationClassesItem,
)

T = TypeVar("T", bound="KetamineIntakeStoredAnswers")


@_attrs_define
class KetamineIntakeStoredAnswers:
    """
    Attributes:
        aneurysmal_vascular_disease (bool): The patient reports aneurysmal vascular disease
        antidepressant_trials_current_episode (int): Adequate antidepressant trials (an adequate dose for 6 weeks or
            more) in the current depressive episode; 0 when not depressed
        arteriovenous_malformation (bool): The patient reports an arteriovenous malformation
        current_mania (bool): The patient reports current mania
        current_medications (list[str]):
        current_psychotic_symptoms (bool): The patient reports current psychotic symptoms
        diastolic_bp (int): mmHg
        elevated_intracranial_pressure (bool): The patient reports elevated intracranial pressure
        heart_rate (int): beats per minute
        interstitial_cystitis (bool): The patient reports interstitial cystitis
        intracerebral_hemorrhage_history (bool): The patient reports a history of intracerebral hemorrhage
        ketamine_hypersensitivity (bool): The patient reports hypersensitivity to ketamine or esketamine
        ketamine_or_pcp_misuse_history (bool): The patient reports a history of ketamine or PCP misuse
        medication_classes (list[KetamineIntakeStoredAnswersMedicationClassesItem]): Classes of the current medications
            that interact with ketamine; [] when none
        pregnant_or_breastfeeding (bool): The patient reports pregnancy or breastfeeding
        psychosis_history (bool): The patient reports a history of psychosis
        recent_mi_or_stroke_6_months (bool): The patient reports a myocardial infarction or stroke in the past 6 months
        severe_hepatic_impairment (bool): The patient reports severe hepatic impairment
        substance_use_disorder_active (bool): The patient reports an active substance use disorder
        substance_use_disorder_history (bool): The patient reports a history of substance use disorder
        systolic_bp (int): mmHg
        uncontrolled_cardiovascular_disease (bool): The patient reports uncontrolled cardiovascular disease
        uncontrolled_hyperthyroidism (bool): The patient reports uncontrolled hyperthyroidism
        untreated_sleep_apnea (bool): The patient reports untreated sleep apnea
        weight_kg (float): kg
    """

    aneurysmal_vascular_disease: bool
    antidepressant_trials_current_episode: int
    arteriovenous_malformation: bool
    current_mania: bool
    current_medications: list[str]
    current_psychotic_symptoms: bool
    diastolic_bp: int
    elevated_intracranial_pressure: bool
    heart_rate: int
    interstitial_cystitis: bool
    intracerebral_hemorrhage_history: bool
    ketamine_hypersensitivity: bool
    ketamine_or_pcp_misuse_history: bool
    medication_classes: list[KetamineIntakeStoredAnswersMedicationClassesItem]
    pregnant_or_breastfeeding: bool
    psychosis_history: bool
    recent_mi_or_stroke_6_months: bool
    severe_hepatic_impairment: bool
    substance_use_disorder_active: bool
    substance_use_disorder_history: bool
    systolic_bp: int
    uncontrolled_cardiovascular_disease: bool
    uncontrolled_hyperthyroidism: bool
    untreated_sleep_apnea: bool
    weight_kg: float

    def to_dict(self) -> dict[str, Any]:
        aneurysmal_vascular_disease = self.aneurysmal_vascular_disease

        antidepressant_trials_current_episode = self.antidepressant_trials_current_episode

        arteriovenous_malformation = self.arteriovenous_malformation

        current_mania = self.current_mania

        current_medications = self.current_medications

        current_psychotic_symptoms = self.current_psychotic_symptoms

        diastolic_bp = self.diastolic_bp

        elevated_intracranial_pressure = self.elevated_intracranial_pressure

        heart_rate = self.heart_rate

        interstitial_cystitis = self.interstitial_cystitis

        intracerebral_hemorrhage_history = self.intracerebral_hemorrhage_history

        ketamine_hypersensitivity = self.ketamine_hypersensitivity

        ketamine_or_pcp_misuse_history = self.ketamine_or_pcp_misuse_history

        medication_classes = []
        for medication_classes_item_data in self.medication_classes:
            medication_classes_item = medication_classes_item_data.value
            medication_classes.append(medication_classes_item)

        pregnant_or_breastfeeding = self.pregnant_or_breastfeeding

        psychosis_history = self.psychosis_history

        recent_mi_or_stroke_6_months = self.recent_mi_or_stroke_6_months

        severe_hepatic_impairment = self.severe_hepatic_impairment

        substance_use_disorder_active = self.substance_use_disorder_active

        substance_use_disorder_history = self.substance_use_disorder_history

        systolic_bp = self.systolic_bp

        uncontrolled_cardiovascular_disease = self.uncontrolled_cardiovascular_disease

        uncontrolled_hyperthyroidism = self.uncontrolled_hyperthyroidism

        untreated_sleep_apnea = self.untreated_sleep_apnea

        weight_kg = self.weight_kg

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "aneurysmal_vascular_disease": aneurysmal_vascular_disease,
                "antidepressant_trials_current_episode": antidepressant_trials_current_episode,
                "arteriovenous_malformation": arteriovenous_malformation,
                "current_mania": current_mania,
                "current_medications": current_medications,
                "current_psychotic_symptoms": current_psychotic_symptoms,
                "diastolic_bp": diastolic_bp,
                "elevated_intracranial_pressure": elevated_intracranial_pressure,
                "heart_rate": heart_rate,
                "interstitial_cystitis": interstitial_cystitis,
                "intracerebral_hemorrhage_history": intracerebral_hemorrhage_history,
                "ketamine_hypersensitivity": ketamine_hypersensitivity,
                "ketamine_or_pcp_misuse_history": ketamine_or_pcp_misuse_history,
                "medication_classes": medication_classes,
                "pregnant_or_breastfeeding": pregnant_or_breastfeeding,
                "psychosis_history": psychosis_history,
                "recent_mi_or_stroke_6_months": recent_mi_or_stroke_6_months,
                "severe_hepatic_impairment": severe_hepatic_impairment,
                "substance_use_disorder_active": substance_use_disorder_active,
                "substance_use_disorder_history": substance_use_disorder_history,
                "systolic_bp": systolic_bp,
                "uncontrolled_cardiovascular_disease": uncontrolled_cardiovascular_disease,
                "uncontrolled_hyperthyroidism": uncontrolled_hyperthyroidism,
                "untreated_sleep_apnea": untreated_sleep_apnea,
                "weight_kg": weight_kg,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aneurysmal_vascular_disease = d.pop("aneurysmal_vascular_disease")

        antidepressant_trials_current_episode = d.pop("antidepressant_trials_current_episode")

        arteriovenous_malformation = d.pop("arteriovenous_malformation")

        current_mania = d.pop("current_mania")

        current_medications = cast(list[str], d.pop("current_medications"))

        current_psychotic_symptoms = d.pop("current_psychotic_symptoms")

        diastolic_bp = d.pop("diastolic_bp")

        elevated_intracranial_pressure = d.pop("elevated_intracranial_pressure")

        heart_rate = d.pop("heart_rate")

        interstitial_cystitis = d.pop("interstitial_cystitis")

        intracerebral_hemorrhage_history = d.pop("intracerebral_hemorrhage_history")

        ketamine_hypersensitivity = d.pop("ketamine_hypersensitivity")

        ketamine_or_pcp_misuse_history = d.pop("ketamine_or_pcp_misuse_history")

        medication_classes = []
        _medication_classes = d.pop("medication_classes")
        for medication_classes_item_data in _medication_classes:
            medication_classes_item = KetamineIntakeStoredAnswersMedicationClassesItem(medication_classes_item_data)

            medication_classes.append(medication_classes_item)

        pregnant_or_breastfeeding = d.pop("pregnant_or_breastfeeding")

        psychosis_history = d.pop("psychosis_history")

        recent_mi_or_stroke_6_months = d.pop("recent_mi_or_stroke_6_months")

        severe_hepatic_impairment = d.pop("severe_hepatic_impairment")

        substance_use_disorder_active = d.pop("substance_use_disorder_active")

        substance_use_disorder_history = d.pop("substance_use_disorder_history")

        systolic_bp = d.pop("systolic_bp")

        uncontrolled_cardiovascular_disease = d.pop("uncontrolled_cardiovascular_disease")

        uncontrolled_hyperthyroidism = d.pop("uncontrolled_hyperthyroidism")

        untreated_sleep_apnea = d.pop("untreated_sleep_apnea")

        weight_kg = d.pop("weight_kg")

        ketamine_intake_stored_answers = cls(
            aneurysmal_vascular_disease=aneurysmal_vascular_disease,
            antidepressant_trials_current_episode=antidepressant_trials_current_episode,
            arteriovenous_malformation=arteriovenous_malformation,
            current_mania=current_mania,
            current_medications=current_medications,
            current_psychotic_symptoms=current_psychotic_symptoms,
            diastolic_bp=diastolic_bp,
            elevated_intracranial_pressure=elevated_intracranial_pressure,
            heart_rate=heart_rate,
            interstitial_cystitis=interstitial_cystitis,
            intracerebral_hemorrhage_history=intracerebral_hemorrhage_history,
            ketamine_hypersensitivity=ketamine_hypersensitivity,
            ketamine_or_pcp_misuse_history=ketamine_or_pcp_misuse_history,
            medication_classes=medication_classes,
            pregnant_or_breastfeeding=pregnant_or_breastfeeding,
            psychosis_history=psychosis_history,
            recent_mi_or_stroke_6_months=recent_mi_or_stroke_6_months,
            severe_hepatic_impairment=severe_hepatic_impairment,
            substance_use_disorder_active=substance_use_disorder_active,
            substance_use_disorder_history=substance_use_disorder_history,
            systolic_bp=systolic_bp,
            uncontrolled_cardiovascular_disease=uncontrolled_cardiovascular_disease,
            uncontrolled_hyperthyroidism=uncontrolled_hyperthyroidism,
            untreated_sleep_apnea=untreated_sleep_apnea,
            weight_kg=weight_kg,
        )

        return ketamine_intake_stored_answers
