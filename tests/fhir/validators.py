"""Two validators nobody here wrote, run over every resource the FHIR tests read:

- ``fhir.resources`` (R4B models, pydantic): structure, cardinality, primitive formats;
- ``@medplum/core``'s ``validateResource(resource, {profile})`` loaded with the US Core 6.1.0
StructureDefinitions
  (tests/fhir/validate.mjs): each profile the resource claims in ``meta.profile`` — required elements,
  fixed and
  pattern values, slices, invariants.

One node process serves the whole test session (per xdist worker); resources go to it one JSON line each.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


class ProfileValidator:
    """The node process, started on first use."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._n = 0

    def _start(self) -> subprocess.Popen[str]:
        node = shutil.which("node")
        assert node, "node is needed for the profile validator (make node_modules/.installed)"
        return subprocess.Popen(  # our own script, by absolute path
            [node, str(HERE / "validate.mjs")],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def issues(self, resource: dict[str, Any], profile: str | None) -> list[dict[str, Any]]:
        with self._lock:
            if self._process is None or self._process.poll() is not None:
                self._process = self._start()
            assert self._process.stdin and self._process.stdout
            self._n += 1
            self._process.stdin.write(
                json.dumps({"n": self._n, "profile": profile, "resource": resource}) + "\n"
            )
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline())
            assert answer["n"] == self._n
            issues: list[dict[str, Any]] = answer["issues"]
            return issues

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()  # type: ignore[union-attr]
            self._process.wait(timeout=10)
            self._process = None


PROFILE_VALIDATOR = ProfileValidator()


def structure_errors(resource: dict[str, Any]) -> list[str]:
    try:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError as exc:
        return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    return []


# Findings of the profile validator that are its own error, each re-checked here by the rule's meaning so that
# a resource really breaking it still fails. pd-1 (PractitionerRole: ``telecom or endpoint``): medplum's
# FHIRPath
# refuses a non-boolean collection as an operand of ``or`` ("Expected singleton of type boolean"), where
# FHIRPath's singleton evaluation makes one item true; the HL7 validator accepts it.
def _pd1_holds(resource: dict[str, Any]) -> bool:
    return bool(resource.get("telecom") or resource.get("endpoint"))


KNOWN_VALIDATOR_ERRORS: dict[tuple[str, str], Any] = {
    (
        "PractitionerRole",
        "Constraint pd-1 not met: SHALL have contact information or a reference to an Endpoint",
    ): _pd1_holds,
    ("PractitionerRole", "Error evaluating invariant expression"): _pd1_holds,
}


def _known(resource: dict[str, Any], text: str) -> bool:
    holds = KNOWN_VALIDATOR_ERRORS.get((resource.get("resourceType", ""), text))
    return holds is not None and holds(resource)


def problems(resource: dict[str, Any]) -> list[str]:
    """Every finding of both validators, against each profile the resource claims (or the base type)."""
    found = [f"fhir.resources: {e}" for e in structure_errors(resource)]
    profiles = resource.get("meta", {}).get("profile") or [None]
    for profile in profiles:
        for issue in PROFILE_VALIDATOR.issues(resource, profile):
            if _known(resource, str(issue.get("details", {}).get("text"))):
                continue
            where = ",".join(issue.get("expression") or [])
            found.append(f"medplum {profile or 'base'}: {where}: {issue.get('details', {}).get('text')}")
    return found


def resources_in(body: dict[str, Any]) -> list[dict[str, Any]]:
    if body.get("resourceType") == "Bundle":
        return [e["resource"] for e in body.get("entry", [])]
    return [body]


def assert_valid(body: dict[str, Any]) -> None:
    """Every resource of a response (a Bundle's entries, or the one resource) passes both validators."""
    failures = {
        f"{r['resourceType']}/{r.get('id')}": found for r in resources_in(body) if (found := problems(r))
    }
    if body.get("resourceType") == "Bundle":
        failures.update({"Bundle": found} if (found := structure_errors(body)) else {})
    assert not failures, json.dumps(failures, indent=1)
