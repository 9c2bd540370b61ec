"""The token-signing key: RS256 (RSA verification is the cheapest check on the hot request path).

``JWT_PRIVATE_KEY_FILE`` names a PEM key in production. Without it a development key is generated once
under ``instance/`` (created exclusively, so several server processes end up sharing one key).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from joserfc.jwk import KeySet, RSAKey

from api.config import Settings

ALGORITHM = "RS256"


class SigningKeys:
    def __init__(self, private_key: RSAKey) -> None:
        kid = private_key.thumbprint()
        params = {"kid": kid, "alg": ALGORITHM, "use": "sig"}
        pem = private_key.as_pem(private=True)
        self.private = KeySet([RSAKey.import_key(pem, parameters=params)])  # type: ignore[arg-type]
        public = RSAKey.import_key(private_key.as_pem(private=False), parameters=params)  # type: ignore[arg-type]
        self.public = KeySet([public])
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


def load_signing_keys(settings: Settings) -> SigningKeys:
    if settings.jwt_private_key_file:
        return SigningKeys(RSAKey.import_key(Path(settings.jwt_private_key_file).read_bytes()))
    path = settings.dev_key_file
    if path.exists():
        return SigningKeys(RSAKey.import_key(path.read_bytes()))
    return SigningKeys(_generate_dev_key(path))
