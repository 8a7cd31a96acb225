"""Signed statements (xAPI 1.0.3, Data 2.6): the signature attachment must be a well-formed
JWS over the statement as it was before the signature was added. Pure."""

import base64
import binascii

from lms.xapi.validation import json_text
from lms.xapi.validation.attachments import referenced_attachments
from lms.xapi.validation.checks import fail
from lms.xapi.validation.prepare import same_statement
from lms.xapi.validation.rsa import verify_with_certificate

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256": "sha256", "RS384": "sha384", "RS512": "sha512"}


def check_signatures(
    statements: list[dict], paths: list[str], attachments: dict[str, tuple[str, bytes]]
) -> None:
    """Malformed signatures are rejected with 400 (Data 2.6.s5.b1)."""
    for statement, path in zip(statements, paths, strict=True):
        for index, attachment in enumerate(referenced_attachments(statement)):
            if attachment["usageType"] != SIGNATURE_USAGE:
                continue
            where = f"{path}.attachments[{index}]"
            if attachment["contentType"] != "application/octet-stream":
                fail(f"{where}.contentType", "a signature must be application/octet-stream")
            if attachment["sha2"] in attachments:
                jws = attachments[attachment["sha2"]][1]
                check_jws(jws, statement, where)


def check_jws(raw: bytes, statement: dict, path: str) -> None:
    """Decode the JWS, require an RS256/384/512 algorithm, check the payload is the
    statement, and check the signature against an included X.509 certificate
    (Data 2.6.s4, 2.6.s5.b3)."""
    try:
        text = raw.decode("ascii").strip()
        encoded_header, encoded_payload, encoded_signature = text.split(".")
        header = json_text.loads(_b64(encoded_header))
        payload = json_text.loads(_b64(encoded_payload))
        signature = _b64(encoded_signature)
    except (UnicodeDecodeError, ValueError, binascii.Error):
        fail(path, "the signature is not a JWS in compact serialization")
    if (
        not isinstance(header, dict)
        or not isinstance(header.get("alg"), str)
        or header["alg"] not in ALGORITHMS
    ):
        fail(path, "the JWS algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict) or not _signs(payload, statement):
        fail(path, "the JWS payload does not match the statement")
    certificates = header.get("x5c")
    if certificates:
        signed = f"{encoded_header}.{encoded_payload}".encode("ascii")
        if not verify_with_certificate(
            certificates[0], signed, signature, ALGORITHMS[header["alg"]]
        ):
            fail(path, "the JWS signature does not verify against its x5c certificate")


def _signs(payload: dict, statement: dict) -> bool:
    """The payload is the statement less its signature attachment; its id, if it has one,
    is the statement's."""
    if "id" in payload and "id" in statement and payload["id"].lower() != statement["id"].lower():
        return False
    return same_statement(_unsigned(payload), _unsigned(statement))


def _unsigned(statement: dict) -> dict:
    copy = dict(statement)
    kept = [a for a in copy.pop("attachments", ()) if a.get("usageType") != SIGNATURE_USAGE]
    if kept:
        copy["attachments"] = kept
    return copy


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
