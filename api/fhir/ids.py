"""Our ids in FHIR form: ``pat_abc`` is ``pat-abc`` (FHIR ids allow ``[A-Za-z0-9.-]``), and back.

A resource derived from part of a row (one vital sign of one reading of a session record) adds its part after
a dot: ``tsk-abc.bp.3``; the row it comes from is what comes before the first dot.
"""

from __future__ import annotations

import re

from werkzeug.routing import BaseConverter

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def to_fhir_id(our_id: str) -> str:
    return our_id.replace("_", "-")


def from_fhir_id(fhir_id: str) -> str:
    """Our id of the row a FHIR id names (its part after a dot, if any, is kept)."""
    return fhir_id.replace("-", "_")


def row_id(fhir_id: str) -> str:
    """Our id of the row a FHIR id comes from: the part before any dot."""
    return from_fhir_id(fhir_id.split(".", 1)[0])


class FhirIdConverter(BaseConverter):
    """``/fhir/R4/Patient/<fhir_id:resource_id>``: the view (and the audit trail) get our id, ``pat_abc``."""

    regex = r"[A-Za-z0-9\-.]{1,64}"

    def to_python(self, value: str) -> str:
        return from_fhir_id(value)

    def to_url(self, value: str) -> str:
        return to_fhir_id(value)
