"""The token-signing key: RS256 (RSA verification is the cheapest check on the hot request path).

``JWT_PRIVATE_KEY_FILE`` names a PEM key in production. Without it a development key is generated once
under ``instance/`` (created exclusively, so several server processes end up sharing one key).

Rotation: ``JWT_PREVIOUS_PUBLIC_KEYS_FILE`` names a PEM file of the public keys that signed before (one block
each). They are served in the JWKS beside the current key, and tokens they signed (named by their RFC 7638
``kid``) are accepted until they expire; only the current key signs. Roll a new key out with the old one's
public key in that file, and take it out once the longest-lived token it signed has expired (15 minutes
for access tokens; refresh tokens are opaque and not signed).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from joserfc.jwk import KeyParameters, KeySet, RSAKey

from api.config import ConfigurationError, Settings

ALGORITHM = "RS256"


def _public(key: RSAKey) -> RSAKey:
    params: KeyParameters = {"kid": key.thumbprint(), "alg": ALGORITHM, "use": "sig"}
    return RSAKey.import_key(key.as_pem(private=False), parameters=params)


class SigningKeys:
    def __init__(self, private_key: RSAKey, previous: Sequence[RSAKey] = ()) -> None:
        kid = private_key.thumbprint()
        params: KeyParameters = {"kid": kid, "alg": ALGORITHM, "use": "sig"}
        pem = private_key.as_pem(private=True)
        self.private = KeySet([RSAKey.import_key(pem, parameters=params)])
        earlier = [_public(key) for key in previous if key.thumbprint() != kid]
        self.public = KeySet([_public(private_key), *earlier])
        self.kid = kid

    def public_jwks(self) -> dict[str, Any]:
        return dict(self.public.as_dict(private=False))


def _generate_dev_key(path: Path) -> RSAKey:
    """Create the development key once, whoever gets there first. Several processes start together (the
    server's workers): each writes its key to a file of its own and links it to ``path``, which is atomic
    and fails if the file exists, so nobody ever reads a half-written key; the losers read the winner's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = RSAKey.generate_key(2048, private=True)
    fd, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.as_pem(private=True))
        os.chmod(staging, 0o600)
        os.link(staging, path)
    except FileExistsError:
        return RSAKey.import_key(path.read_bytes())
    finally:
        os.unlink(staging)
    return key


_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)


def previous_public_keys(path: str) -> list[RSAKey]:
    """Every PEM block of ``path`` as a key; a file that holds none, or a block that is not an RSA key,
    stops start-up naming the variable."""
    blocks = [match.group(0) for match in _PEM_BLOCK.finditer(Path(path).read_bytes())]
    if not blocks:
        raise ConfigurationError(f"JWT_PREVIOUS_PUBLIC_KEYS_FILE: no PEM key in {path}")
    keys = []
    for index, block in enumerate(blocks, start=1):
        try:
            keys.append(RSAKey.import_key(block))
        except (ValueError, TypeError) as exc:
            raise ConfigurationError(
                f"JWT_PREVIOUS_PUBLIC_KEYS_FILE: block {index} of {path} is not an RSA key ({exc})"
            ) from None
    return keys


def load_signing_keys(settings: Settings) -> SigningKeys:
    previous = (
        previous_public_keys(settings.jwt_previous_public_keys_file)
        if settings.jwt_previous_public_keys_file
        else []
    )
    if settings.jwt_private_key_file:
        return SigningKeys(RSAKey.import_key(Path(settings.jwt_private_key_file).read_bytes()), previous)
    path = settings.dev_key_file
    if path.exists():
        return SigningKeys(RSAKey.import_key(path.read_bytes()), previous)
    return SigningKeys(_generate_dev_key(path), previous)
