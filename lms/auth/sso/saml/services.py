"""Starting a SAML sign-in and checking the IdP's answer. Never reads the request and never
commits: the view does. Signature, audience, recipient, destination and validity times are
pysaml2's checks; which request was answered and which assertions were used are Uptake's."""

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.response import AuthnResponse
from saml2.samlp import response_from_string
from saml2.xmldsig import SIG_RSA_SHA256
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.auth.sso.people import SignInClaims, SignInRefused, person_for_sign_in
from lms.auth.sso.saml import rules
from lms.auth.sso.saml.models import SamlRequest, UsedAssertion
from lms.database import db
from lms.errors import DomainError

PROVIDER = "saml"
REQUEST_LIFETIME = timedelta(minutes=10)
MAX_ID_LENGTH = 100  # of the kept request and assertion IDs (models)
# An assertion without an end of validity is remembered this long after use.
ASSERTION_REMEMBERED = timedelta(days=1)


class SamlRefused(DomainError):
    """The IdP's answer failed a check, or named someone Uptake does not sign in; the
    message says which. `who` is the person the verified assertion named, if it got so far."""

    def __init__(self, reason: str, *, who: str | None = None):
        super().__init__(reason)
        self.who = who


@dataclass(frozen=True)
class SignedIn:
    """Who an answer signed in, where they were going, and their session at the IdP (the
    NameID and session index a LogoutRequest names)."""

    person: User
    next_url: str | None
    name_id: str
    name_id_format: str | None
    session_index: str | None

    def logout_ticket(self) -> dict:
        return {
            "name_id": self.name_id,
            "format": self.name_id_format,
            "session_index": self.session_index,
        }


def start_sign_in(provider: Saml2Client, *, next_url: str | None, now: datetime) -> str:
    """An AuthnRequest to the IdP by the redirect binding, its query string signed with
    Uptake's key, remembered for ten minutes: the URL to send the person to. Requests and
    assertions past their time are forgotten."""
    _forget_expired(now)
    request_id, info = provider.prepare_for_authenticate(
        binding=BINDING_HTTP_REDIRECT, sign=True, sigalg=SIG_RSA_SHA256
    )
    db.session.add(
        SamlRequest(
            id=request_id, next_url=next_url, sent_at=now, expires_at=now + REQUEST_LIFETIME
        )
    )
    return dict(info["headers"])["Location"]


def finish_sign_in(
    provider: Saml2Client, saml_response: str, *, names: rules.AttributeNames, now: datetime
) -> SignedIn:
    """The person the IdP's answer signs in, and where they were going. The answer must be
    to a request Uptake sent in the last ten minutes, pass pysaml2's checks (signed
    assertion, audience, recipient, times), and carry an assertion never used before; each
    request is answered once. Raises SamlRefused."""
    request = _request_answered_by(saml_response, now=now)
    response = _verified(provider, saml_response, request)
    assertion = response.assertion
    if not assertion.id or len(assertion.id) > MAX_ID_LENGTH:
        raise SamlRefused(rules.REFUSED_UNVERIFIED)
    if db.session.get(UsedAssertion, assertion.id) is not None:
        raise SamlRefused(rules.REFUSED_REPLAYED)
    if request.answered_at is not None:
        raise SamlRefused(rules.REFUSED_ANSWERED)
    request.answered_at = now
    _forget_expired(now)
    _remember(assertion.id, _remember_until(response, now), now=now)
    claims = _claims(response, names)
    try:
        person = person_for_sign_in(claims, now=now)
    except SignInRefused as exc:
        raise SamlRefused(str(exc), who=claims.email or claims.subject) from exc
    statements = assertion.authn_statement or [None]
    return SignedIn(
        person=person,
        next_url=request.next_url,
        name_id=(response.name_id.text or "").strip(),
        name_id_format=response.name_id.format,
        session_index=getattr(statements[0], "session_index", None),
    )


def _request_answered_by(saml_response: str, *, now: datetime) -> SamlRequest:
    """The request the answer's InResponseTo names, if Uptake sent it and it is recent."""
    try:
        xml = base64.b64decode(saml_response, validate=False)
        in_response_to = response_from_string(xml).in_response_to
    except (binascii.Error, ValueError, TypeError, AttributeError, SyntaxError) as exc:
        raise SamlRefused(rules.REFUSED_UNREADABLE) from exc
    ours = in_response_to and len(in_response_to) <= MAX_ID_LENGTH  # Uptake's are shorter
    request = db.session.get(SamlRequest, in_response_to) if ours else None
    if request is None or request.expires_at <= now:
        raise SamlRefused(rules.REFUSED_UNSOLICITED)
    return request


def _verified(provider: Saml2Client, saml_response: str, request: SamlRequest) -> AuthnResponse:
    outstanding = {request.id: request.next_url or "/"}
    try:
        response = provider.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as exc:  # pysaml2 raises many kinds, some plain Exception
        names = [cls.__name__ for cls in type(exc).__mro__]
        raise SamlRefused(rules.refusal_for(names, str(exc))) from exc
    if response is None or response.assertion is None:
        raise SamlRefused(rules.REFUSED_UNVERIFIED)
    return response


def _remember(assertion_id: str, until: datetime, *, now: datetime) -> None:
    """Record the assertion as used; the same one posted twice at once fails one insert."""
    try:
        with db.session.begin_nested():
            db.session.add(UsedAssertion(id=assertion_id, used_at=now, expires_at=until))
    except IntegrityError as exc:
        raise SamlRefused(rules.REFUSED_REPLAYED) from exc


def _remember_until(response: AuthnResponse, now: datetime) -> datetime:
    """Until the assertion expires (pysaml2 gives its NotOnOrAfter in epoch seconds)."""
    if not response.not_on_or_after:
        return now + ASSERTION_REMEMBERED
    ends = datetime.fromtimestamp(response.not_on_or_after, UTC).replace(tzinfo=None)
    return max(ends, now) + timedelta(minutes=10)


def _forget_expired(now: datetime) -> None:
    """Assertions past their validity would be refused anyway; requests past theirs too."""
    db.session.execute(delete(UsedAssertion).where(UsedAssertion.expires_at < now))
    db.session.execute(delete(SamlRequest).where(SamlRequest.expires_at < now))


def _claims(response: AuthnResponse, names: rules.AttributeNames) -> SignInClaims:
    name_id = response.name_id
    values = rules.person_values(
        _attributes(response),
        names,
        name_id=(name_id.text or "").strip(),
        name_id_format=name_id.format,
    )
    subject = rules.lasting_subject((name_id.text or "").strip(), name_id.format, values["email"])
    return SignInClaims(**values, provider=PROVIDER, subject=subject)


def _attributes(response: AuthnResponse) -> dict[str, list[str]]:
    """Every attribute's values, by its name and by its friendly name."""
    attributes: dict[str, list[str]] = {}
    for statement in response.assertion.attribute_statement:
        for attribute in statement.attribute:
            values = [(value.text or "").strip() for value in attribute.attribute_value]
            for key in {attribute.name, attribute.friendly_name} - {None}:
                attributes.setdefault(key, []).extend(values)
    return attributes
