"""One-time links for setting a password.

The token carries a fingerprint of the current password hash, so it stops working the moment
a password is set: one use, no table of issued links to keep.
"""

import hashlib

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms.errors import DomainError

SALT = "password-set"


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def make_password_token(user_id: int, password_hash: str | None, secret: str) -> str:
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    return serializer.dumps({"id": user_id, "fp": password_fingerprint(password_hash)})


def read_password_token(token: str, secret: str, max_age: int) -> tuple[int, str]:
    """(user id, fingerprint) from a token, or DomainError if it is forged or expired."""
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError("This link has expired. Ask an administrator for a new one.") from exc
    except BadSignature as exc:
        raise DomainError("This link is not valid.") from exc
    return payload["id"], payload["fp"]
