"""Signed statements (xAPI 1.0.3, Data 2.6): a JWS signature attachment is checked for form,
algorithm, payload and, with an x5c certificate, the signature itself. Keys are made with
the openssl command line tool."""

import base64
import hashlib
import json
import shutil
import subprocess

import pytest

from lms.xapi.validation.rsa import rsa_public_key
from tests.xapi.lrs.test_statements_attachments import data_part, error, multipart, send
from tests.xapi.statement_data import get, statement

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def signer(tmp_path_factory):
    """(sign(data, digest) -> bytes, certificate as base64 DER)."""
    folder = tmp_path_factory.mktemp("keys")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            key,
            "-out",
            cert,
            "-days",
            "1",
            "-subj",
            "/CN=Uptake test",
        ],
        check=True,
        capture_output=True,
    )
    der = subprocess.run(
        ["openssl", "x509", "-in", cert, "-outform", "DER"], check=True, capture_output=True
    ).stdout

    def sign(data: bytes, digest: str = "sha256") -> bytes:
        command = ["openssl", "dgst", f"-{digest}", "-sign", key]
        return subprocess.run(command, input=data, check=True, capture_output=True).stdout

    return sign, base64.b64encode(der).decode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(signer, payload: dict, alg="RS256", certificate=True, tamper=False) -> bytes:
    sign, cert = signer
    header = {"alg": alg, **({"x5c": [cert]} if certificate else {})}
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    digest = {"RS256": "sha256", "RS384": "sha384", "RS512": "sha512"}.get(alg, "sha256")
    signature = sign(signing_input.encode(), digest)
    if tamper:
        signature = bytes([signature[0] ^ 1]) + signature[1:]
    return f"{signing_input}.{b64url(signature)}".encode()


def signed(token: bytes, original: dict, content_type="application/octet-stream") -> dict:
    header = {
        "usageType": SIGNATURE,
        "display": {"en-US": "Signature"},
        "contentType": content_type,
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    return {**original, "attachments": [*original.get("attachments", []), header]}


def send_signed(client, headers, statement_, token):
    part = data_part(token, Content_Type="application/octet-stream")
    return send(client, headers, multipart(statement_, part))


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_a_well_signed_statement_is_stored(client, lrs_headers, signer, alg):
    original = statement()
    token = jws(signer, original, alg)
    response = send_signed(client, lrs_headers, signed(token, original), token)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert get(client, lrs_headers, statementId=original["id"]).status_code == 200


def test_a_signature_without_a_certificate_is_checked_for_form_only(client, lrs_headers, signer):
    original = statement()
    token = jws(signer, original, certificate=False)
    assert send_signed(client, lrs_headers, signed(token, original), token).status_code == 200


def test_a_signature_that_does_not_verify_is_refused(client, lrs_headers, signer):
    original = statement()
    token = jws(signer, original, tamper=True)
    message = error(send_signed(client, lrs_headers, signed(token, original), token))
    assert "does not verify against its x5c certificate" in message


def test_the_payload_must_be_the_statement(client, lrs_headers, signer):
    original = statement()
    token = jws(signer, {**original, "verb": {"id": "http://example.com/other"}})
    message = error(send_signed(client, lrs_headers, signed(token, original), token))
    assert "the JWS payload does not match the statement" in message


def test_the_algorithm_must_be_rsa_sha2(client, lrs_headers, signer):
    original = statement()
    token = jws(signer, original, alg="HS256", certificate=False)
    message = error(send_signed(client, lrs_headers, signed(token, original), token))
    assert "RS256, RS384 or RS512" in message


def test_the_signature_must_be_a_jws(client, lrs_headers):
    original, token = statement(), b"not a jws"
    message = error(send_signed(client, lrs_headers, signed(token, original), token))
    assert "not a JWS in compact serialization" in message


def test_the_signature_attachment_is_octet_stream(client, lrs_headers, signer):
    original = statement()
    token = jws(signer, original)
    bad = signed(token, original, content_type="text/plain")
    assert "must be application/octet-stream" in error(send_signed(client, lrs_headers, bad, token))


def test_the_public_key_is_read_from_the_certificate(signer):
    modulus, exponent = rsa_public_key(base64.b64decode(signer[1]))
    assert modulus.bit_length() == 2048 and exponent == 65537
