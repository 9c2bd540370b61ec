"""One refresh token spent several times at the same moment, against a real server (granian, two worker
processes) on SQLite or PostgreSQL (issue 22, finding 3).

A refresh token works once (RFC 9700 §4.14.2): of N simultaneous refreshes with it at most one gets new
tokens; every other one is ``invalid_grant`` and, being a reuse, revokes the whole family, the winner's new
tokens included. Before the fix PostgreSQL let several of them win and a family survive.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import date
from functools import partial
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from sqlalchemy.orm import Session

from api.models import Patient
from api.services import accounts
from tests.concurrency.conftest import Tenant
from tests.concurrency.server import REQUEST_TIMEOUT, LiveServer, Outcome, call, simultaneously, summary

CONTENDERS = 8
ROUNDS = 4
REDIRECT = "http://127.0.0.1:8765/callback"
PASSWORD = "a-long-enough-password"


def _patient_app(session: Session, tenant: Tenant, tag: str) -> tuple[str, str]:
    """A public authorization-code app of the tenant and a patient who signs in through it."""
    system = accounts.system_principal()
    app, _ = accounts.create_client(
        session,
        system,
        tenant.partner_id,
        name=f"App {tag}",
        grant_type="authorization_code",
        scope="patients:read",
        redirect_uris=[REDIRECT],
        public=True,
    )
    patient = Patient(
        partner_id=tenant.partner_id,
        given_name=f"Pat {tag}",
        family_name="Live",
        birth_date=date(1984, 3, 1),
        sex_at_birth="female",
        preferred_language="en",
        email=f"{tag}@example.test",
    )
    session.add(patient)
    session.commit()
    accounts.create_user(
        session, system, role="patient", email=f"{tag}@example.test", password=PASSWORD, patient_id=patient.id
    )
    session.commit()
    return app.id, f"{tag}@example.test"


def _authorization_code(server: LiveServer, client_id: str, email: str) -> tuple[str, str]:
    """A browser signs in on the authorization page (PKCE): the code and its verifier."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "scope": "patients:read",
            "state": "st4te",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    browser = requests.Session()
    page = browser.get(server.url(f"/oauth/authorize?{query}"), timeout=REQUEST_TIMEOUT)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and csrf, page.text[:500]
    allowed = browser.post(
        server.url(f"/oauth/authorize?{query}"),
        data={"csrf_token": csrf.group(1), "email": email, "password": PASSWORD, "decision": "allow"},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert allowed.status_code == 302, allowed.text[:500]
    return parse_qs(urlsplit(allowed.headers["Location"]).query)["code"][0], verifier


def _sign_in(server: LiveServer, client_id: str, email: str) -> dict[str, str]:
    """The authorization-code flow as an app does it: the token response."""
    code, verifier = _authorization_code(server, client_id, email)
    token = requests.post(
        server.url("/oauth/token"),
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=REQUEST_TIMEOUT,
    )
    assert token.status_code == 200, token.text
    return dict(token.json())


def _refresh(server: LiveServer, client_id: str, refresh_token: str, label: str) -> Outcome:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
    return call(label, "POST", server.url("/oauth/token"), data=form)


def _me(server: LiveServer, access_token: str) -> int:
    return call("me", "GET", server.url("/v1/me"), headers={"Authorization": f"Bearer {access_token}"}).status


def test_a_refresh_token_spent_eight_times_at_once_wins_at_most_once_and_the_family_ends(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    client_id, email = _patient_app(arrange, tenant, f"refresh-race-{secrets.token_hex(4)}")
    rounds = []
    for round_ in range(ROUNDS):
        first = _sign_in(live_server, client_id, email)
        assert _me(live_server, first["access_token"]) == 200

        outcomes = simultaneously(
            [
                partial(_refresh, live_server, client_id, first["refresh_token"], f"round {round_} #{n}")
                for n in range(CONTENDERS)
            ]
        )

        won = [o for o in outcomes if o.status == 200]
        # Every loser presented a spent token: the family is over, the winner's new tokens included.
        access_tokens = [first["access_token"], *(o.body["access_token"] for o in won)]
        refresh_tokens = [first["refresh_token"], *(o.body["refresh_token"] for o in won)]
        renewed = [_refresh(live_server, client_id, token, "afterwards") for token in refresh_tokens]
        rounds.append(
            {
                "outcomes": summary(outcomes),
                "winners": len(won),
                "losers not invalid_grant": [
                    o.brief()
                    for o in outcomes
                    if o.status != 200 and _oauth_error(o) != (400, "invalid_grant")
                ],
                "access tokens still working": sum(_me(live_server, t) != 401 for t in access_tokens),
                "refresh tokens still working": sum(
                    _oauth_error(o) != (400, "invalid_grant") for o in renewed
                ),
            }
        )
    print(f"{CONTENDERS} refreshes at once, per round:", *rounds, sep="\n")
    assert all(r["winners"] <= 1 for r in rounds), rounds
    assert not any(r["losers not invalid_grant"] for r in rounds), rounds
    assert all(r["access tokens still working"] == r["refresh tokens still working"] == 0 for r in rounds), (
        rounds
    )


def _oauth_error(outcome: Outcome) -> tuple[int, str | None]:
    """An RFC 6749 §5.2 error answer as (status, error)."""
    return outcome.status, outcome.body.get("error") if isinstance(outcome.body, dict) else None


def test_an_authorization_code_exchanged_eight_times_at_once_wins_at_most_once(
    live_server: LiveServer, tenant: Tenant, arrange: Session
) -> None:
    """The same race for a code (RFC 6749 §4.1.2: used once; a replay revokes what it issued)."""
    client_id, email = _patient_app(arrange, tenant, f"code-race-{secrets.token_hex(4)}")
    rounds = []
    for round_ in range(ROUNDS):
        code, verifier = _authorization_code(live_server, client_id, email)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        }
        outcomes = simultaneously(
            [
                partial(call, f"round {round_} #{n}", "POST", live_server.url("/oauth/token"), data=form)
                for n in range(CONTENDERS)
            ]
        )
        won = [o for o in outcomes if o.status == 200]
        rounds.append(
            {
                "outcomes": summary(outcomes),
                "winners": len(won),
                "losers not invalid_grant": [
                    o.brief()
                    for o in outcomes
                    if o.status != 200 and _oauth_error(o) != (400, "invalid_grant")
                ],
                "access tokens still working": sum(
                    _me(live_server, o.body["access_token"]) != 401 for o in won
                ),
            }
        )
    print(f"{CONTENDERS} code exchanges at once, per round:", *rounds, sep="\n")
    assert all(r["winners"] <= 1 for r in rounds), rounds
    assert not any(r["losers not invalid_grant"] for r in rounds), rounds
    assert all(r["access tokens still working"] == 0 for r in rounds), rounds
