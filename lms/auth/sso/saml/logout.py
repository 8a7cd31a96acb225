"""Single logout with the IdP, both ways, by the HTTP-Redirect binding with signed query
strings. Uptake's log-out goes on to the IdP's; the IdP's LogoutRequest (someone logged out
there) ends every Uptake session of the person it names. Never reads the request and never
commits: the view does."""

from saml2 import BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.saml import NameID
from saml2.sigver import verify_redirect_signature
from saml2.xmldsig import SIG_RSA_SHA256
from sqlalchemy import select

from lms.auth.services import end_sessions
from lms.auth.sso.models import SignInLink
from lms.auth.sso.saml import rules
from lms.auth.sso.saml.services import PROVIDER
from lms.database import db
from lms.errors import DomainError


class LogoutRefused(DomainError):
    """The IdP's LogoutRequest is not one Uptake acts on; the message says why."""


def logout_location(provider: Saml2Client, ticket: dict) -> str | None:
    """The IdP's single logout with a signed LogoutRequest for the session `ticket` names;
    None when the IdP's metadata offers no single logout."""
    idp, location = _idp_logout_service(provider)
    if location is None:
        return None
    _request_id, logout_request = provider.create_logout_request(
        location,
        idp,
        name_id=NameID(text=ticket["name_id"], format=ticket["format"]),
        session_indexes=[ticket["session_index"]] if ticket.get("session_index") else None,
        sign=False,  # the redirect binding signs the query string instead
    )
    return _redirect(provider, str(logout_request), location, relay_state="", response=False)


def end_sessions_at_idp_request(provider: Saml2Client, query: dict) -> str:
    """The IdP says the person its LogoutRequest names logged out: every Uptake session of
    theirs ends (as at Uptake's own log-out). The request must be signed with the IdP's key.
    Returns where the IdP's LogoutResponse goes."""
    idp, location = _idp_logout_service(provider)
    if location is None or not _signed_by_idp(provider, idp, query):
        raise LogoutRefused(rules.REFUSED_LOGOUT_UNSIGNED)
    try:
        message = provider.parse_logout_request(query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
    except Exception as exc:  # pysaml2 raises many kinds
        raise LogoutRefused(rules.REFUSED_UNREADABLE) from exc
    name_id = message.name_id
    subject = rules.lasting_subject((name_id.text or "").strip(), name_id.format, None)
    link = db.session.scalar(
        select(SignInLink).where(SignInLink.provider == PROVIDER, SignInLink.subject == subject)
    )
    if link is not None:
        end_sessions(link.user)
    response = provider.create_logout_response(message, [BINDING_HTTP_REDIRECT])
    relay_state = query.get("RelayState", "")
    return _redirect(provider, str(response), location, relay_state=relay_state, response=True)


def _idp_logout_service(provider: Saml2Client) -> tuple[str | None, str | None]:
    """The IdP's entity ID and its single logout address (HTTP-Redirect), if it has one."""
    idp = next(iter(provider.metadata.identity_providers()), None)
    services = provider.metadata.single_logout_service(idp, BINDING_HTTP_REDIRECT, "idpsso")
    return idp, services[0]["location"] if services else None


def _signed_by_idp(provider: Saml2Client, idp: str, query: dict) -> bool:
    if not all(query.get(name) for name in ("SAMLRequest", "SigAlg", "Signature")):
        return False
    crypto = provider.sec.sec_backend
    certs = provider.metadata.certs(idp, "idpsso", "signing")
    try:
        return any(verify_redirect_signature(query, crypto, cert) for _name, cert in certs)
    except Exception:  # an unknown algorithm, a malformed signature
        return False


def _redirect(provider: Saml2Client, xml: str, location: str, *, relay_state, response) -> str:
    info = provider.apply_binding(
        BINDING_HTTP_REDIRECT,
        xml,
        location,
        relay_state=relay_state,
        response=response,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    return dict(info["headers"])["Location"]
