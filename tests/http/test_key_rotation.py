"""Signing-key rotation (api-contract.md §4, `JWT_PREVIOUS_PUBLIC_KEYS_FILE`): after a new key takes over,
tokens the old one signed are still accepted and its public key is still in the JWKS until it is taken out;
kids are RFC 7638 thumbprints; a malformed file stops start-up."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from joserfc.jwk import RSAKey

from api.auth.keys import load_signing_keys
from api.config import ConfigurationError, Settings
from tests.helpers import bearer, cc_token
from tests.world import World


def _key_file(directory: Path, name: str) -> tuple[str, RSAKey]:
    key = RSAKey.generate_key(2048, private=True)
    path = directory / f"{name}.pem"
    path.write_bytes(key.as_pem(private=True))
    return str(path), key


def _kid(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def test_tokens_of_the_previous_key_stay_valid_through_a_rotation(
    make_app: Callable[..., Flask], world: World, tmp_path: Path
) -> None:
    old_file, old = _key_file(tmp_path, "old")
    new_file, new = _key_file(tmp_path, "new")
    previous = tmp_path / "previous.pem"
    previous.write_bytes(old.as_pem(private=False))

    before = make_app(jwt_private_key_file=old_file).test_client()
    old_token = cc_token(before, world.portal_a)
    assert _kid(old_token) == old.thumbprint()

    during = make_app(
        jwt_private_key_file=new_file, jwt_previous_public_keys_file=str(previous)
    ).test_client()
    assert during.get("/v1/patients?limit=1", headers=bearer(old_token)).status_code == 200
    new_token = cc_token(during, world.portal_a)
    assert _kid(new_token) == new.thumbprint()  # only the current key signs
    jwks = during.get("/.well-known/jwks.json").get_json()["keys"]
    assert [k["kid"] for k in jwks] == [new.thumbprint(), old.thumbprint()]
    assert all("d" not in k and k["use"] == "sig" and k["alg"] == "RS256" for k in jwks)

    after = make_app(jwt_private_key_file=new_file).test_client()  # the old key taken out
    refused = after.get("/v1/patients?limit=1", headers=bearer(old_token))
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"
    assert after.get("/v1/patients?limit=1", headers=bearer(new_token)).status_code == 200
    assert [k["kid"] for k in after.get("/.well-known/jwks.json").get_json()["keys"]] == [new.thumbprint()]


def test_several_previous_keys_and_private_blocks_are_read_as_public(tmp_path: Path) -> None:
    current_file, current = _key_file(tmp_path, "current")
    keys = [RSAKey.generate_key(2048, private=True) for _ in range(2)]
    previous = tmp_path / "previous.pem"
    previous.write_bytes(keys[0].as_pem(private=False) + b"\n" + keys[1].as_pem(private=True))

    loaded = load_signing_keys(
        Settings(jwt_private_key_file=current_file, jwt_previous_public_keys_file=str(previous))
    )

    assert [k["kid"] for k in loaded.public_jwks()["keys"]] == [
        current.thumbprint(),
        keys[0].thumbprint(),
        keys[1].thumbprint(),
    ]
    assert all("d" not in k for k in loaded.public_jwks()["keys"])


@pytest.mark.parametrize(
    "content", [b"", b"not a key", b"-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n"]
)
def test_a_malformed_previous_keys_file_stops_start_up(tmp_path: Path, content: bytes) -> None:
    current_file, _ = _key_file(tmp_path, "current")
    previous = tmp_path / "previous.pem"
    previous.write_bytes(content)
    with pytest.raises(ConfigurationError, match="JWT_PREVIOUS_PUBLIC_KEYS_FILE"):
        load_signing_keys(
            Settings(jwt_private_key_file=current_file, jwt_previous_public_keys_file=str(previous))
        )
