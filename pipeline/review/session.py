"""A signed, expiring session token (itsdangerous), so a refreshed page keeps its person signed in.

The token says who (the user name) and a fingerprint of their password hash, signed with the studio's secret and
stamped with the time it was issued: it is refused once it is older than the idle limit, when its signature does not
match, when the account is disabled or gone, and when the password changed since (the fingerprint no longer
matches). The screen re-issues it as the person works, so "older than the idle limit" means "idle that long".

The secret: STUDIO_SESSION_SECRET (the same on every machine that serves the studio), else a random key kept in
`<data>/session.key` (created once, readable by its owner only)."""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from pipeline.errors import ConfigError

COOKIE = "studio_session"
_SALT = "studio-session-v1"
MIN_SECRET = 32  # characters of STUDIO_SESSION_SECRET


def fingerprint(password_hash: str) -> str:
    """What a token holds of the password hash: enough to tell it changed, nothing to attack it with."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def load_secret(data_dir: Path) -> str:
    """The signing secret (see the module's docstring); ConfigError when STUDIO_SESSION_SECRET is too short."""
    env = os.environ.get("STUDIO_SESSION_SECRET", "")
    if env:
        if len(env) < MIN_SECRET:
            raise ConfigError(f"STUDIO_SESSION_SECRET is {len(env)} characters long, at least {MIN_SECRET} needed",
                              fix="set it to a long random value, e.g. python -c 'import secrets; "
                                  "print(secrets.token_urlsafe(32))', or unset it to use <data>/session.key")
        return env
    path = Path(data_dir) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: read theirs
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_urlsafe(48))
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < MIN_SECRET:
        raise ConfigError(f"{path} holds no usable secret", fix=f"delete {path} (a new one is made; everyone signs in "
                                                                "again)")
    return secret


@dataclass(frozen=True)
class Claim:
    """What a valid token says: the user name and the fingerprint of the password hash it was issued under."""

    username: str
    fingerprint: str


class SessionSigner:
    def __init__(self, secret: str, idle_minutes: float) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self.max_age = max(1, int(idle_minutes * 60))

    def issue(self, username: str, password_hash: str) -> str:
        return self._serializer.dumps({"u": username, "f": fingerprint(password_hash)})

    def read(self, token: str | None) -> Claim | None:
        """The token's claim, or None when it is missing, forged, malformed or older than the idle limit."""
        if not token:
            return None
        try:
            data = self._serializer.loads(token, max_age=self.max_age)
        except (SignatureExpired, BadSignature):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("u"), str) or not isinstance(data.get("f"), str):
            return None
        return Claim(data["u"], data["f"])
