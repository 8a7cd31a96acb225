"""The webhook's signature and freshness rules. Pure.

A CRM (or the middleware beside it) signs each delivery with the connection's secret:

    X-Uptake-Timestamp: 1764930000                       (Unix seconds when it was sent)
    X-Uptake-Delivery:  3f0c…                            (unique per delivery, ≤ 100 chars)
    X-Uptake-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<delivery>.<body>")>

A delivery is taken once: older or newer than FRESHNESS it is refused (so a captured one
cannot be replayed later), and within it the same delivery id is refused the second time."""

import hashlib
import hmac
from datetime import datetime, timedelta

FRESHNESS = timedelta(minutes=5)
SIGNATURE_PREFIX = "sha256="


def signature(secret: str, timestamp: str, delivery: str, body: bytes) -> str:
    """The X-Uptake-Signature value for a delivery (what a sender computes)."""
    message = f"{timestamp}.{delivery}.".encode() + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def delivery_problem(
    secret: str,
    *,
    timestamp: str | None,
    delivery: str | None,
    signed: str | None,
    body: bytes,
    now: datetime,
) -> str | None:
    """Why the delivery is refused (naming the header), or None when it is signed with the
    secret and fresh. The signature is compared in constant time."""
    for header, value in (
        ("X-Uptake-Timestamp", timestamp),
        ("X-Uptake-Delivery", delivery),
        ("X-Uptake-Signature", signed),
    ):
        if not value:
            return f"{header} is missing"
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 12:
        return "X-Uptake-Timestamp must be Unix seconds"
    if len(delivery) > 100 or not delivery.isascii() or not delivery.isprintable():
        return "X-Uptake-Delivery must be printable ASCII of at most 100 characters"
    sent = datetime(1970, 1, 1) + timedelta(seconds=int(timestamp))
    if abs(now - sent) > FRESHNESS:
        return "X-Uptake-Timestamp is more than 5 minutes from now: send it afresh"
    expected = signature(secret, timestamp, delivery, body)
    if not hmac.compare_digest(expected.encode(), signed.strip().encode("utf-8", "replace")):
        return "X-Uptake-Signature does not match this body signed with the connection's secret"
    return None


def lag_words(since: datetime | None, now: datetime) -> str:
    """How far behind a sync is, in words: "never", "2 minutes", "3 hours", "4 days"."""
    if since is None:
        return "never synced"
    seconds = max(0, int((now - since).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "less than a minute"
