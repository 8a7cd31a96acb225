"""RSASSA-PKCS1-v1_5 verification against an X.509 certificate (RFC 8017 8.2.2), the one
piece of JWS checking signed statements need; written out so that the LRS needs no
cryptography library. Verifying is public-key arithmetic only: nothing secret is handled."""

import base64
import binascii
import hashlib

# DER DigestInfo prefixes (RFC 8017 9.2, note 1).
DIGEST_INFO = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")  # OID 1.2.840.113549.1.1.1


def verify_with_certificate(certificate_b64, signed: bytes, signature: bytes, digest: str) -> bool:
    """Whether `signature` is the certificate's RSA key's signature of `signed`."""
    try:
        modulus, exponent = rsa_public_key(base64.b64decode(certificate_b64))
    except (ValueError, TypeError, IndexError, binascii.Error):
        return False
    size = (modulus.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    message = pow(int.from_bytes(signature, "big"), exponent, modulus).to_bytes(size, "big")
    digest_info = DIGEST_INFO[digest] + hashlib.new(digest, signed).digest()
    padding = b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00"
    return message == padding + digest_info


def rsa_public_key(certificate: bytes) -> tuple[int, int]:
    """(n, e) from a DER certificate's subjectPublicKeyInfo (RFC 5280 4.1)."""
    _, outer_start, _ = _read(certificate, 0)  # Certificate ::= SEQUENCE { tbsCertificate, ..
    _, start, end = _read(certificate, outer_start)
    fields = list(_children(certificate, start, end))
    if certificate[fields[0][0]] == 0xA0:  # the explicit [0] version
        fields = fields[1:]
    # serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
    _, spki_start, spki_end = fields[5]
    algorithm, key = list(_children(certificate, spki_start, spki_end))[:2]
    if RSA_ENCRYPTION not in certificate[algorithm[1] : algorithm[2]]:
        raise ValueError("not an RSA key")
    bits = certificate[key[1] + 1 : key[2]]  # skip the BIT STRING's unused-bits octet
    _, inner_start, inner_end = _read(bits, 0)
    n_item, e_item = list(_children(bits, inner_start, inner_end))[:2]
    return (
        int.from_bytes(bits[n_item[1] : n_item[2]], "big"),
        int.from_bytes(bits[e_item[1] : e_item[2]], "big"),
    )


def _read(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER item at offset."""
    tag, length = data[offset], data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    if start + length > len(data):
        raise ValueError("truncated DER")
    return tag, start, start + length


def _children(data: bytes, start: int, end: int):
    """(offset, content start, content end) of each item inside a constructed value."""
    offset = start
    while offset < end:
        _, content_start, content_end = _read(data, offset)
        yield offset, content_start, content_end
        offset = content_end
