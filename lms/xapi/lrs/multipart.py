"""multipart/mixed statement requests and responses (xAPI 1.0.3, Communication 1.5.2;
RFC 2046 5.1). Pure."""

import hashlib
import re
import secrets

from lms.xapi.errors import XapiError

HASHES = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}
_BLANK_LINE = re.compile(rb"\r?\n\r?\n")


def parse_multipart(body: bytes, boundary: str | None) -> list[tuple[dict[str, str], bytes]]:
    """The parts of a multipart body, each as (lower-cased headers, content). Line ends may
    be CRLF or bare LF; anything that is not a well-formed multipart body is a 400."""
    if not boundary:
        raise XapiError(400, "Content-Type: multipart/mixed needs a boundary parameter")
    delimiter = re.compile(rb"(?:^|\r?\n)--" + re.escape(boundary.encode("latin-1")))
    pieces = delimiter.split(body)
    if len(pieces) < 3 or not pieces[-1].startswith(b"--"):
        raise XapiError(400, "the multipart/mixed body is not delimited by its boundary")
    parts = []
    for piece in pieces[1:-1]:
        line_end = piece.find(b"\n")
        if line_end < 0 or piece[:line_end].strip():
            raise XapiError(400, "a multipart/mixed boundary line has trailing characters")
        parts.append(_part(piece[line_end + 1 :]))
    return parts


def _part(raw: bytes) -> tuple[dict[str, str], bytes]:
    separator = _BLANK_LINE.search(raw)
    if raw.startswith((b"\r\n", b"\n")):  # a part without headers
        return {}, raw.split(b"\n", 1)[1]
    if separator is None:
        raise XapiError(400, "a multipart/mixed part has no blank line after its headers")
    headers = {}
    for line in raw[: separator.start()].decode("latin-1").splitlines():
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise XapiError(400, f"a multipart/mixed part has a malformed header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    return headers, raw[separator.end() :]


def statement_parts(parts) -> tuple[bytes, dict[str, tuple[str, bytes]]]:
    """The statements (the first part, application/json) and the attachment data by SHA-2:
    each later part names its hash in X-Experience-API-Hash, uses the binary
    Content-Transfer-Encoding, and has content with that hash (1.5.2.s2.b2)."""
    headers, statements = parts[0]
    if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise XapiError(400, "the first multipart/mixed part must be application/json")
    attachments = {}
    for index, (headers, content) in enumerate(parts[1:], start=2):
        declared = headers.get("x-experience-api-hash", "").lower()
        if not declared:
            raise XapiError(400, f"multipart part {index}: X-Experience-API-Hash is required")
        if headers.get("content-transfer-encoding", "").lower() != "binary":
            raise XapiError(
                400, f"multipart part {index}: Content-Transfer-Encoding must be binary"
            )
        content_type = headers.get("content-type", "application/octet-stream")
        attachments[declared] = (content_type, _content_with_hash(content, declared, index))
    return statements, attachments


def _content_with_hash(content: bytes, declared: str, index: int) -> bytes:
    """The part's content, which must hash to the declared SHA-2 (1.5.2.s1.b4)."""
    algorithm = HASHES.get(len(declared))
    if algorithm is None:
        raise XapiError(400, f"multipart part {index}: X-Experience-API-Hash is not a SHA-2 hash")
    if hashlib.new(algorithm, content).hexdigest() == declared:
        return content
    # Browser code often builds the body from a "binary" string and sends it as UTF-8;
    # undoing that recovers the exact octets the sender hashed.
    try:
        recovered = content.decode("utf-8").encode("latin-1")
    except (UnicodeDecodeError, UnicodeEncodeError):
        recovered = None
    if recovered is not None and hashlib.new(algorithm, recovered).hexdigest() == declared:
        return recovered
    raise XapiError(
        400, f"multipart part {index}: the content does not match its X-Experience-API-Hash"
    )


def build_multipart(first: bytes, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A multipart/mixed body: the statements as JSON, then each attachment as
    (sha2, content type, content); returns (body, boundary)."""
    boundary = secrets.token_hex(16)
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), first]
    for sha2, content_type, content in attachments:
        chunks.append(
            f"\r\n--{boundary}\r\nContent-Type: {content_type}\r\n"
            f"Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}\r\n\r\n".encode()
        )
        chunks.append(content)
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), boundary
