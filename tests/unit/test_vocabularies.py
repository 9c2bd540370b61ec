"""Per-instrument tables and vocabularies live in api/domain, and fail loudly when one is incomplete: an
instrument added to ``Instrument`` without its entry in a table stops the import, naming the table."""

from __future__ import annotations

import pytest

from api.domain import screening
from api.domain.matching import KETAMINE_DEA_SCHEDULE, PHYSICIAN_CREDENTIALS
from api.domain.reference import CREDENTIALS, DEA_SCHEDULES
from api.domain.screening import (
    ANSWER_FORMS,
    CSSRS_FOLLOW_UPS,
    CSSRS_QUESTIONS,
    INSTRUMENT_LABELS,
    ITEM_SCALES,
    LOINC_CODES,
    AnswerForm,
    IncompleteInstrumentTable,
    Instrument,
)
from api.http.spec_shape import _submission_name


def test_a_table_that_leaves_an_instrument_out_is_refused() -> None:
    partial = {Instrument.PHQ9: "PHQ-9"}
    with pytest.raises(IncompleteInstrumentTable, match="LABELS has no entry for gad7, pcl5, cssrs"):
        screening._every_instrument("LABELS", partial)


def test_every_instrument_has_its_label_loinc_codes_and_answer_form() -> None:
    for table in (INSTRUMENT_LABELS, LOINC_CODES, ANSWER_FORMS):
        assert set(table) == set(Instrument)
    item_scored = {i for i, form in ANSWER_FORMS.items() if form is AnswerForm.ITEM_SCORES}
    assert set(ITEM_SCALES) == item_scored


def test_the_screeners_follow_ups_follow_its_own_questions() -> None:
    assert set(CSSRS_FOLLOW_UPS) | set(CSSRS_FOLLOW_UPS.values()) <= set(CSSRS_QUESTIONS)
    assert not set(CSSRS_FOLLOW_UPS) & set(CSSRS_FOLLOW_UPS.values())  # no follow-up of a follow-up


def test_each_instruments_submission_is_named_for_sdks_from_its_code() -> None:
    names = {instrument: _submission_name(instrument) for instrument in Instrument}
    assert names[Instrument.PHQ9] == "Phq9" and names[Instrument.KETAMINE_INTAKE] == "KetamineIntake"
    assert len(set(names.values())) == len(names)


def test_the_rules_name_only_values_of_the_vocabularies() -> None:
    assert PHYSICIAN_CREDENTIALS.issubset(CREDENTIALS)
    assert KETAMINE_DEA_SCHEDULE in DEA_SCHEDULES
