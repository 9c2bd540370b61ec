"""The server's CapabilityStatement and SMART configuration, computed from what is served
(api/fhir/registry.py): nothing is advertised that is not served."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.fhir.registry import FHIR_VERSION, SERVED

JSON = dict[str, Any]
US_CORE_SERVER = "http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server"
US_CORE_IG = "http://hl7.org/fhir/us/core/ImplementationGuide/hl7.fhir.us.core"
# When this statement's content last changed (a statement computed per request would otherwise carry a new
# date on every read).
PUBLISHED = datetime(2026, 12, 1, tzinfo=UTC)


def capability_statement(issuer: str, version: str) -> JSON:
    base = f"{issuer}/fhir/R4"
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": PUBLISHED.date().isoformat(),
        "publisher": "Telemedical",
        "kind": "instance",
        "software": {"name": "Telemedical API", "version": version},
        "implementation": {"description": "Telemedical FHIR R4 read API (US Core 6.1.0)", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "implementationGuide": [f"{US_CORE_IG}|6.1.0"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read-only. OAuth 2.0 bearer tokens (SMART App Launch 2.x, client "
                "credentials for backend services); errors are OperationOutcome.",
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [
                                {"url": "token", "valueUri": f"{issuer}/oauth/token"},
                                {"url": "authorize", "valueUri": f"{issuer}/oauth/authorize"},
                                {"url": "revoke", "valueUri": f"{issuer}/oauth/revoke"},
                            ],
                        }
                    ],
                },
                "resource": [_resource(served) for served in SERVED.values()],
            }
        ],
    }


def _resource(served: Any) -> JSON:
    resource: JSON = {"type": served.type}
    if served.profiles:
        resource["supportedProfile"] = list(served.profiles)
    resource["interaction"] = [{"code": "read"}, {"code": "search-type"}]
    resource["searchParam"] = [
        {"name": name, "definition": param.definition, "type": str(param.type)}
        for name, param in served.searches.items()
    ]
    if served.documentation:
        resource["documentation"] = served.documentation
    return resource


def smart_configuration(issuer: str, scopes: list[str]) -> JSON:
    """SMART App Launch 2.x discovery: only what the server does. Backend services (client credentials with a
    client secret), standalone launch with PKCE S256 for patients and clinicians; no EHR launch, no OpenID
    Connect, no launch context scopes, no private_key_jwt."""
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}/oauth/token",
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "introspection_endpoint": f"{issuer}/oauth/introspect",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "scopes_supported": scopes,
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "capabilities": [
            "launch-standalone",
            "client-public",
            "client-confidential-symmetric",
            "permission-v2",
            "permission-patient",
            "permission-user",
            "permission-offline",
        ],
    }
