"""Optimistic concurrency for documents with HTTP entity tags (xAPI 1.0.3, Communication 3.1).
Pure: header values and ETags in, a 412 / 409 / 400 XapiError out when a rule says no."""

import hashlib
from dataclasses import dataclass

from lms.xapi.errors import XapiError


@dataclass(frozen=True)
class Preconditions:
    """The If-Match and If-None-Match request headers, None when absent."""

    if_match: str | None = None
    if_none_match: str | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def etag_of(content: bytes) -> str:
    """The ETag is the lower-case hex SHA-1 of the content (Communication 3.1.s4.b2)."""
    return hashlib.sha1(content).hexdigest()


def etag_matches(header: str, etag: str) -> bool:
    """An If-Match / If-None-Match value matches: '*', or one of its listed entity tags
    (quoted, possibly weak W/"...") is this ETag (RFC 2616 14.24, 14.26)."""
    if header.strip() == "*":
        return True
    tags = (tag.strip() for tag in header.split(","))
    return etag in {tag.removeprefix("W/").strip('"') for tag in tags}


def check_preconditions(current_etag: str | None, pre: Preconditions) -> None:
    """412 when If-Match names no current document, or If-None-Match names the current one;
    the request then changes nothing (Communication 3.1.s4.b5-b12)."""
    if pre.if_match is not None and (
        current_etag is None or not etag_matches(pre.if_match, current_etag)
    ):
        raise XapiError(
            412,
            "If-Match failed: the document does not exist or has changed since you read it; "
            "GET it again for its current ETag.",
        )
    if (
        pre.if_none_match is not None
        and current_etag is not None
        and etag_matches(pre.if_none_match, current_etag)
    ):
        raise XapiError(412, "If-None-Match failed: the document already exists.")


def require_preconditions(current_etag: str | None, pre: Preconditions) -> None:
    """A PUT to an Agent or Activity Profile must carry If-Match or If-None-Match
    (Communication 3.1.s3.b1): without them, 409 when the profile exists (3.1.s4.b13-b15),
    400 when it does not."""
    if pre.given:
        return
    if current_etag is not None:
        raise XapiError(
            409,
            "This profile already exists and the request has neither If-Match nor If-None-Match. "
            "Check the current state of the profile (GET it), then send the request again with "
            "If-Match set to its current ETag to replace it.",
        )
    raise XapiError(
        400,
        "A PUT to a profile needs an If-Match header (the ETag you last read) or "
        "If-None-Match: * (to create it only if it does not exist yet).",
    )
