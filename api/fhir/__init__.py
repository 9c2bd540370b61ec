"""The FHIR R4 read API (``/fhir/R4``, US Core 6.1.0): ids, errors, mappings and the capability statement.

Mappings are pure functions from our rows to FHIR JSON dicts (api/fhir/mapping.py); no FHIR object model runs
on the request path. What is served, with which profile, searches and scopes, is declared once in
api/fhir/registry.py; the CapabilityStatement, the scope checks and the generated tests read it from there.
"""
