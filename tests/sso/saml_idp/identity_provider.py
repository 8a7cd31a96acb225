"""The test IdP's keys, configuration and answers, built with pysaml2 itself."""

import base64
import datetime
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.response import IncorrectlySigned
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.samlp import response_from_string
from saml2.server import Server
from saml2.sigver import (
    get_xmlsec_binary,
    pre_signature_part,
    signed_instance_factory,
    verify_redirect_signature,
)
from saml2.xmldsig import SIG_RSA_SHA256

AUTHN_PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
EMAIL = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
NAME = "http://schemas.microsoft.com/identity/claims/displayname"
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"


def make_key_pair(directory: Path, name: str) -> tuple[str, str]:
    """A fresh RSA key and self-signed certificate as PEM files: (key file, cert file)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = directory / f"{name}.key", directory / f"{name}.crt"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def identity_provider(base_url: str, directory: Path, sp_metadata: str | None) -> Server:
    """pysaml2's IdP at `base_url`, with the key pair in `directory` (made if missing),
    trusting the SP whose metadata file is `sp_metadata`: signs assertions, not responses."""
    key_file, cert_file = directory / "idp.key", directory / "idp.crt"
    if not key_file.exists():
        make_key_pair(directory, "idp")
    config = {
        "entityid": base_url + "/metadata",
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [(base_url + "/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(base_url + "/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "policy": {
                    "default": {
                        "lifetime": {"minutes": 5},
                        "attribute_restrictions": None,
                        "name_form": NAME_FORMAT_URI,
                        "sign_assertion": True,
                        "sign_response": False,
                    }
                },
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
            }
        },
        "key_file": str(key_file),
        "cert_file": str(cert_file),
        "metadata": {"local": [sp_metadata]} if sp_metadata else {},
        "xmlsec_binary": get_xmlsec_binary(),
    }
    return Server(config=IdPConfig().load(config))


def idp_metadata(server: Server) -> str:
    return create_metadata_string(None, config=server.config).decode()


def parse_request(server: Server, saml_request: str):
    """The AuthnRequest an SP sent by the redirect binding (its `id`, ACS URL, issuer)."""
    return server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message


def parse_signed_request(server: Server, query: dict):
    """The AuthnRequest in a redirect's query, its signature checked against the SP's
    certificate in its metadata."""
    message = parse_request(server, query["SAMLRequest"])
    _check_signed_by_sp(server, query, message.issuer.text)
    return message


def parse_logout_request(server: Server, query: dict):
    """The LogoutRequest an SP sent by the redirect binding, its signature checked against
    the SP's certificate in its metadata."""
    message = server.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
    _check_signed_by_sp(server, query, message.issuer.text)
    return message


def _check_signed_by_sp(server: Server, query: dict, sp_entity_id: str) -> None:
    """pysaml2's IdP checks a redirect's signature only when it wants every request signed;
    this IdP checks every one it is given."""
    certs = server.metadata.certs(sp_entity_id, "spsso", "signing")
    crypto = server.sec.sec_backend
    if "Signature" not in query or not any(
        verify_redirect_signature(query, crypto, cert) for _name, cert in certs
    ):
        raise IncorrectlySigned("The request is not signed with the SP's key")


def logout_answer(server: Server, logout_request) -> str:
    """Where the IdP sends the person after logging them out: the SP's single logout
    address with a LogoutResponse (HTTP-Redirect)."""
    sp_entity_id = logout_request.issuer.text
    location = server.metadata.single_logout_service(sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[
        0
    ]["location"]
    response = server.create_logout_response(logout_request, [BINDING_HTTP_REDIRECT])
    info = server.apply_binding(BINDING_HTTP_REDIRECT, str(response), location, response=True)
    return dict(info["headers"])["Location"]


def logout_request_to_sp(server: Server, sp_metadata_url: str, name_id: str, *, sign=True):
    """The address of a LogoutRequest from the IdP (someone logged out there) to the SP's
    single logout, for `name_id`, its query string signed with the IdP's key or not."""
    location = server.metadata.single_logout_service(
        sp_metadata_url, BINDING_HTTP_REDIRECT, "spsso"
    )[0]["location"]
    _id, request = server.create_logout_request(
        location, sp_metadata_url, name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=name_id)
    )
    info = server.apply_binding(
        BINDING_HTTP_REDIRECT, str(request), location, sign=sign, sigalg=SIG_RSA_SHA256
    )
    return dict(info["headers"])["Location"]


def answer(server: Server, request, **what) -> str:
    """`response_xml` in base64, as the POST binding carries it."""
    return base64.b64encode(response_xml(server, request, **what).encode()).decode()


def response_xml(
    server: Server,
    request,
    *,
    email: str,
    name: str = "",
    groups=(),
    extra: dict | None = None,
    audience: str | None = None,
    sign: bool = True,
    shift: datetime.timedelta | None = None,
    assertion_id: str | None = None,
) -> str:
    """The IdP's Response to `request` for `email` (and `extra` attributes). `audience`
    replaces the SP's entity ID, `sign=False` leaves the assertion unsigned, and `shift`
    moves every time in it, `assertion_id` replaces the assertion's ID (the assertion is
    signed after any change)."""
    identity = {EMAIL: [email], NAME: [name or email], GROUPS: list(groups), **(extra or {})}
    xml = str(
        server.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email),
            authn={"class_ref": AUTHN_PASSWORD, "authn_auth": server.config.entityid},
            sign_assertion=False,
            sign_response=False,
        )
    )
    if audience:
        xml = re.sub(r"(<(?:\w+:)?Audience>)[^<]*(<)", rf"\g<1>{audience}\g<2>", xml)
    if shift:
        xml = re.sub(r'(\w+)="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"', _shifted(shift), xml)
    if assertion_id:
        xml = re.sub(r'(<(?:\w+:)?Assertion [^>]*ID=")[^"]*', rf"\g<1>{assertion_id}", xml)
    return _signed(server, xml) if sign else xml


def _shifted(shift: datetime.timedelta):
    def shifted(match) -> str:
        when = datetime.datetime.strptime(match.group(2), "%Y-%m-%dT%H:%M:%SZ") + shift
        return f'{match.group(1)}="{when:%Y-%m-%dT%H:%M:%SZ}"'

    return shifted


def _signed(server: Server, xml: str) -> str:
    """The Response with its assertion signed by the IdP's key."""
    response = response_from_string(xml)
    assertion = response.assertion
    if isinstance(assertion, list):
        assertion = assertion[0]
    assertion.signature = pre_signature_part(assertion.id, server.sec.my_cert, 1)
    response.assertion = assertion
    return str(
        signed_instance_factory(response, server.sec, [(class_name(assertion), assertion.id)])
    )
