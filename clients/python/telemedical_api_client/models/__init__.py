"""Contains all the data models used in inputs/outputs"""

from .address import Address
from .adverse_event import AdverseEvent
from .adverse_event_create import AdverseEventCreate
from .adverse_event_page import AdverseEventPage
from .adverse_event_reported_event import AdverseEventReportedEvent
from .adverse_event_reported_event_data import AdverseEventReportedEventData
from .adverse_event_severity import AdverseEventSeverity
from .adverse_event_type import AdverseEventType
from .age_band import AgeBand
from .appointment import Appointment
from .appointment_status import AppointmentStatus
from .assignment import Assignment
from .audit_action import AuditAction
from .audit_actor import AuditActor
from .audit_event import AuditEvent
from .audit_event_page import AuditEventPage
from .audit_outcome import AuditOutcome
from .availability import Availability
from .baseline_severity import BaselineSeverity
from .blood_pressure import BloodPressure
from .caller_type import CallerType
from .client import Client
from .client_create import ClientCreate
from .client_page import ClientPage
from .client_with_secret import ClientWithSecret
from .cohort_figures import CohortFigures
from .cohort_group_key import CohortGroupKey
from .cohort_instrument import CohortInstrument
from .cohort_table import CohortTable
from .cohort_window import CohortWindow
from .condition import Condition
from .consent import Consent
from .consent_create import ConsentCreate
from .consent_page import ConsentPage
from .consent_type import ConsentType
from .consideration import Consideration
from .consultation import Consultation
from .consultation_cancel import ConsultationCancel
from .consultation_complete import ConsultationComplete
from .consultation_create import ConsultationCreate
from .consultation_created_event import ConsultationCreatedEvent
from .consultation_created_event_data import ConsultationCreatedEventData
from .consultation_escalation_unacknowledged_event import ConsultationEscalationUnacknowledgedEvent
from .consultation_escalation_unacknowledged_event_data import ConsultationEscalationUnacknowledgedEventData
from .consultation_page import ConsultationPage
from .consultation_review import ConsultationReview
from .consultation_start import ConsultationStart
from .consultation_status import ConsultationStatus
from .consultation_status_changed_event import ConsultationStatusChangedEvent
from .consultation_status_changed_event_data import ConsultationStatusChangedEventData
from .contact_outcome import ContactOutcome
from .credential import Credential
from .crisis_resource import CrisisResource
from .cssrs_answers import CssrsAnswers
from .cssrs_answers_recall import CssrsAnswersRecall
from .cssrs_screening import CssrsScreening
from .cssrs_screening_create import CssrsScreeningCreate
from .date_exception import DateException
from .dea_registration import DeaRegistration
from .dea_schedule import DeaSchedule
from .delivery_attempt import DeliveryAttempt
from .delivery_attempt_page import DeliveryAttemptPage
from .delivery_status import DeliveryStatus
from .dispensing import Dispensing
from .disposition import Disposition
from .dissociation_level import DissociationLevel
from .eligibility import Eligibility
from .eligibility_detail import EligibilityDetail
from .eligibility_outcome import EligibilityOutcome
from .eligibility_reason import EligibilityReason
from .endpoint_disabled_reason import EndpointDisabledReason
from .escalation import Escalation
from .escalation_acknowledge import EscalationAcknowledge
from .event import Event
from .event_data import EventData
from .event_page import EventPage
from .event_type import EventType
from .excluded_counts import ExcludedCounts
from .export_row import ExportRow
from .export_row_adverse_events import ExportRowAdverseEvents
from .export_row_adverse_events_additional_property import ExportRowAdverseEventsAdditionalProperty
from .export_score import ExportScore
from .follow_up_plan import FollowUpPlan
from .follow_up_plan_action import FollowUpPlanAction
from .follow_up_plan_create import FollowUpPlanCreate
from .follow_up_plan_created_event import FollowUpPlanCreatedEvent
from .follow_up_plan_created_event_data import FollowUpPlanCreatedEventData
from .follow_up_plan_escalation_unacknowledged_event import FollowUpPlanEscalationUnacknowledgedEvent
from .follow_up_plan_escalation_unacknowledged_event_data import FollowUpPlanEscalationUnacknowledgedEventData
from .follow_up_plan_page import FollowUpPlanPage
from .follow_up_plan_status_changed_event import FollowUpPlanStatusChangedEvent
from .follow_up_plan_status_changed_event_data import FollowUpPlanStatusChangedEventData
from .follow_up_plan_update import FollowUpPlanUpdate
from .follow_up_task_due_event import FollowUpTaskDueEvent
from .follow_up_task_due_event_data import FollowUpTaskDueEventData
from .follow_up_task_overdue_event import FollowUpTaskOverdueEvent
from .follow_up_task_overdue_event_data import FollowUpTaskOverdueEventData
from .gad_7_screening import Gad7Screening
from .gad_7_screening_create import Gad7ScreeningCreate
from .grant_type import GrantType
from .health import Health
from .identity_method import IdentityMethod
from .in_person_evaluation import InPersonEvaluation
from .in_person_evaluation_create import InPersonEvaluationCreate
from .in_person_evaluation_page import InPersonEvaluationPage
from .instrument import Instrument
from .instrument_outcome import InstrumentOutcome
from .invitation import Invitation
from .invitation_create import InvitationCreate
from .ketamine_intake_answers import KetamineIntakeAnswers
from .ketamine_intake_answers_medication_classes_item import KetamineIntakeAnswersMedicationClassesItem
from .ketamine_intake_screening import KetamineIntakeScreening
from .ketamine_intake_screening_create import KetamineIntakeScreeningCreate
from .ketamine_intake_stored_answers import KetamineIntakeStoredAnswers
from .ketamine_intake_stored_answers_medication_classes_item import KetamineIntakeStoredAnswersMedicationClassesItem
from .legal_basis import LegalBasis
from .license_ import License
from .license_status import LicenseStatus
from .loinc import Loinc
from .me import Me
from .medication import Medication
from .mid_reading_pressure import MidReadingPressure
from .outcomes import Outcomes
from .outcomes_instruments import OutcomesInstruments
from .partner import Partner
from .partner_create import PartnerCreate
from .partner_page import PartnerPage
from .patient import Patient
from .patient_create import PatientCreate
from .patient_page import PatientPage
from .patient_update import PatientUpdate
from .pcl_5_screening import Pcl5Screening
from .pcl_5_screening_create import Pcl5ScreeningCreate
from .pdmp_check import PdmpCheck
from .pdmp_check_create import PdmpCheckCreate
from .pdmp_check_page import PdmpCheckPage
from .pdmp_result import PdmpResult
from .phq_9_screening import Phq9Screening
from .phq_9_screening_create import Phq9ScreeningCreate
from .plan_action import PlanAction
from .plan_status import PlanStatus
from .plan_task import PlanTask
from .plan_task_page import PlanTaskPage
from .plan_visit_create import PlanVisitCreate
from .prescription import Prescription
from .prescription_cancel import PrescriptionCancel
from .prescription_cancelled_event import PrescriptionCancelledEvent
from .prescription_cancelled_event_data import PrescriptionCancelledEventData
from .prescription_create import PrescriptionCreate
from .prescription_created_event import PrescriptionCreatedEvent
from .prescription_created_event_data import PrescriptionCreatedEventData
from .prescription_page import PrescriptionPage
from .prescription_status import PrescriptionStatus
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .provider import Provider
from .provider_create import ProviderCreate
from .provider_match import ProviderMatch
from .provider_match_list import ProviderMatchList
from .provider_page import ProviderPage
from .provider_update import ProviderUpdate
from .queued_delivery import QueuedDelivery
from .reading import Reading
from .redeliver import Redeliver
from .redelivery_queued import RedeliveryQueued
from .rems_blood_pressure_increase import RemsBloodPressureIncrease
from .rems_blood_pressures import RemsBloodPressures
from .rems_dissociation import RemsDissociation
from .rems_enrollment import RemsEnrollment
from .rems_form import RemsForm
from .rems_form_due_event import RemsFormDueEvent
from .rems_form_due_event_data import RemsFormDueEventData
from .rems_patient import RemsPatient
from .rems_provider import RemsProvider
from .rems_respiratory import RemsRespiratory
from .rems_sedation import RemsSedation
from .rems_setting import RemsSetting
from .reporter import Reporter
from .reschedule import Reschedule
from .review import Review
from .review_decision import ReviewDecision
from .route import Route
from .score_components import ScoreComponents
from .score_point import ScorePoint
from .screening_completed_event import ScreeningCompletedEvent
from .screening_completed_event_data import ScreeningCompletedEventData
from .screening_page import ScreeningPage
from .screening_risk_flagged_event import ScreeningRiskFlaggedEvent
from .screening_risk_flagged_event_data import ScreeningRiskFlaggedEventData
from .screening_score import ScreeningScore
from .sedating_medications import SedatingMedications
from .session_adverse_event import SessionAdverseEvent
from .session_record import SessionRecord
from .session_record_create import SessionRecordCreate
from .session_trend import SessionTrend
from .sex_at_birth import SexAtBirth
from .site import Site
from .slot import Slot
from .slot_list import SlotList
from .task_complete import TaskComplete
from .task_kind import TaskKind
from .task_purpose import TaskPurpose
from .task_review_decision import TaskReviewDecision
from .task_status import TaskStatus
from .time_range import TimeRange
from .time_window import TimeWindow
from .treatment_protocol import TreatmentProtocol
from .us_state import UsState
from .user import User
from .user_create import UserCreate
from .user_role import UserRole
from .visit import Visit
from .visit_modality import VisitModality
from .visit_outcome import VisitOutcome
from .visit_page import VisitPage
from .webhook_endpoint import WebhookEndpoint
from .webhook_endpoint_create import WebhookEndpointCreate
from .webhook_endpoint_page import WebhookEndpointPage
from .webhook_endpoint_update import WebhookEndpointUpdate
from .webhook_endpoint_with_secret import WebhookEndpointWithSecret
from .webhook_test_event import WebhookTestEvent
from .webhook_test_event_data import WebhookTestEventData
from .webhook_test_queued import WebhookTestQueued
from .weekday import Weekday
from .weekly_window import WeeklyWindow

__all__ = (
    "Address",
    "AdverseEvent",
    "AdverseEventCreate",
    "AdverseEventPage",
    "AdverseEventReportedEvent",
    "AdverseEventReportedEventData",
    "AdverseEventSeverity",
    "AdverseEventType",
    "AgeBand",
    "Appointment",
    "AppointmentStatus",
    "Assignment",
    "AuditAction",
    "AuditActor",
    "AuditEvent",
    "AuditEventPage",
    "AuditOutcome",
    "Availability",
    "BaselineSeverity",
    "BloodPressure",
    "CallerType",
    "Client",
    "ClientCreate",
    "ClientPage",
    "ClientWithSecret",
    "CohortFigures",
    "CohortGroupKey",
    "CohortInstrument",
    "CohortTable",
    "CohortWindow",
    "Condition",
    "Consent",
    "ConsentCreate",
    "ConsentPage",
    "ConsentType",
    "Consideration",
    "Consultation",
    "ConsultationCancel",
    "ConsultationComplete",
    "ConsultationCreate",
    "ConsultationCreatedEvent",
    "ConsultationCreatedEventData",
    "ConsultationEscalationUnacknowledgedEvent",
    "ConsultationEscalationUnacknowledgedEventData",
    "ConsultationPage",
    "ConsultationReview",
    "ConsultationStart",
    "ConsultationStatus",
    "ConsultationStatusChangedEvent",
    "ConsultationStatusChangedEventData",
    "ContactOutcome",
    "Credential",
    "CrisisResource",
    "CssrsAnswers",
    "CssrsAnswersRecall",
    "CssrsScreening",
    "CssrsScreeningCreate",
    "DateException",
    "DeaRegistration",
    "DeaSchedule",
    "DeliveryAttempt",
    "DeliveryAttemptPage",
    "DeliveryStatus",
    "Dispensing",
    "Disposition",
    "DissociationLevel",
    "Eligibility",
    "EligibilityDetail",
    "EligibilityOutcome",
    "EligibilityReason",
    "EndpointDisabledReason",
    "Escalation",
    "EscalationAcknowledge",
    "Event",
    "EventData",
    "EventPage",
    "EventType",
    "ExcludedCounts",
    "ExportRow",
    "ExportRowAdverseEvents",
    "ExportRowAdverseEventsAdditionalProperty",
    "ExportScore",
    "FollowUpPlan",
    "FollowUpPlanAction",
    "FollowUpPlanCreate",
    "FollowUpPlanCreatedEvent",
    "FollowUpPlanCreatedEventData",
    "FollowUpPlanEscalationUnacknowledgedEvent",
    "FollowUpPlanEscalationUnacknowledgedEventData",
    "FollowUpPlanPage",
    "FollowUpPlanStatusChangedEvent",
    "FollowUpPlanStatusChangedEventData",
    "FollowUpPlanUpdate",
    "FollowUpTaskDueEvent",
    "FollowUpTaskDueEventData",
    "FollowUpTaskOverdueEvent",
    "FollowUpTaskOverdueEventData",
    "Gad7Screening",
    "Gad7ScreeningCreate",
    "GrantType",
    "Health",
    "IdentityMethod",
    "InPersonEvaluation",
    "InPersonEvaluationCreate",
    "InPersonEvaluationPage",
    "Instrument",
    "InstrumentOutcome",
    "Invitation",
    "InvitationCreate",
    "KetamineIntakeAnswers",
    "KetamineIntakeAnswersMedicationClassesItem",
    "KetamineIntakeScreening",
    "KetamineIntakeScreeningCreate",
    "KetamineIntakeStoredAnswers",
    "KetamineIntakeStoredAnswersMedicationClassesItem",
    "LegalBasis",
    "License",
    "LicenseStatus",
    "Loinc",
    "Me",
    "Medication",
    "MidReadingPressure",
    "Outcomes",
    "OutcomesInstruments",
    "Partner",
    "PartnerCreate",
    "PartnerPage",
    "Patient",
    "PatientCreate",
    "PatientPage",
    "PatientUpdate",
    "Pcl5Screening",
    "Pcl5ScreeningCreate",
    "PdmpCheck",
    "PdmpCheckCreate",
    "PdmpCheckPage",
    "PdmpResult",
    "Phq9Screening",
    "Phq9ScreeningCreate",
    "PlanAction",
    "PlanStatus",
    "PlanTask",
    "PlanTaskPage",
    "PlanVisitCreate",
    "Prescription",
    "PrescriptionCancel",
    "PrescriptionCancelledEvent",
    "PrescriptionCancelledEventData",
    "PrescriptionCreate",
    "PrescriptionCreatedEvent",
    "PrescriptionCreatedEventData",
    "PrescriptionPage",
    "PrescriptionStatus",
    "Problem",
    "ProblemFieldError",
    "Provider",
    "ProviderCreate",
    "ProviderMatch",
    "ProviderMatchList",
    "ProviderPage",
    "ProviderUpdate",
    "QueuedDelivery",
    "Reading",
    "Redeliver",
    "RedeliveryQueued",
    "RemsBloodPressureIncrease",
    "RemsBloodPressures",
    "RemsDissociation",
    "RemsEnrollment",
    "RemsForm",
    "RemsFormDueEvent",
    "RemsFormDueEventData",
    "RemsPatient",
    "RemsProvider",
    "RemsRespiratory",
    "RemsSedation",
    "RemsSetting",
    "Reporter",
    "Reschedule",
    "Review",
    "ReviewDecision",
    "Route",
    "ScoreComponents",
    "ScorePoint",
    "ScreeningCompletedEvent",
    "ScreeningCompletedEventData",
    "ScreeningPage",
    "ScreeningRiskFlaggedEvent",
    "ScreeningRiskFlaggedEventData",
    "ScreeningScore",
    "SedatingMedications",
    "SessionAdverseEvent",
    "SessionRecord",
    "SessionRecordCreate",
    "SessionTrend",
    "SexAtBirth",
    "Site",
    "Slot",
    "SlotList",
    "TaskComplete",
    "TaskKind",
    "TaskPurpose",
    "TaskReviewDecision",
    "TaskStatus",
    "TimeRange",
    "TimeWindow",
    "TreatmentProtocol",
    "User",
    "UserCreate",
    "UserRole",
    "UsState",
    "Visit",
    "VisitModality",
    "VisitOutcome",
    "VisitPage",
    "WebhookEndpoint",
    "WebhookEndpointCreate",
    "WebhookEndpointPage",
    "WebhookEndpointUpdate",
    "WebhookEndpointWithSecret",
    "WebhookTestEvent",
    "WebhookTestEventData",
    "WebhookTestQueued",
    "Weekday",
    "WeeklyWindow",
)
