"""Uptake as a pysaml2 service provider, built from the settings (lms.config.saml_settings)
and kept per process until the settings or the IdP's metadata file change, or an hour has
passed for metadata read from a URL."""

import time
from collections.abc import Mapping
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.sigver import get_xmlsec_binary

from lms.errors import DomainError

METADATA_PATH = "/auth/saml/metadata"
ACS_PATH = "/auth/saml/acs"
SLO_PATH = "/auth/saml/logged-out"
METADATA_URL_KEPT_SECONDS = 3600


class ProviderUnavailable(DomainError):
    """The IdP's metadata cannot be read; the message says where it was looked for."""


def is_enabled(settings: Mapping) -> bool:
    return bool(settings.get("SAML_IDP_METADATA"))


def entity_id(settings: Mapping) -> str:
    """Uptake's entity ID: SAML_SP_ENTITY_ID, else the URL of its metadata."""
    return settings.get("SAML_SP_ENTITY_ID") or settings["BASE_URL"] + METADATA_PATH


def acs_url(settings: Mapping) -> str:
    """Where the IdP posts its answer (the Reply URL, the Single sign-on URL)."""
    return settings["BASE_URL"] + ACS_PATH


def slo_url(settings: Mapping) -> str:
    """Where the IdP sends the person back after single logout."""
    return settings["BASE_URL"] + SLO_PATH


def sp_config(settings: Mapping, *, with_idp: bool = True) -> SPConfig:
    """pysaml2's configuration: signed assertions wanted, no unsolicited answers; Uptake's
    own requests signed."""
    keys = {"key_file": settings["SAML_SP_KEY_FILE"], "cert_file": settings["SAML_SP_CERT_FILE"]}
    config = {
        "entityid": entity_id(settings),
        "service": {
            "sp": {
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(settings), BINDING_HTTP_POST)],
                    "single_logout_service": [(slo_url(settings), BINDING_HTTP_REDIRECT)],
                },
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": True,  # the redirect's query string is signed
            }
        },
        **keys,
        "encryption_keypairs": [keys],  # encrypted assertions are read too
        "accepted_time_diff": settings["SAML_CLOCK_SKEW_SECONDS"],
        "xmlsec_binary": get_xmlsec_binary(),
        "allow_unknown_attributes": True,
    }
    if with_idp:
        config["metadata"] = _idp_metadata(settings["SAML_IDP_METADATA"])
    return SPConfig().load(config)


def _idp_metadata(source: str) -> dict:
    if source.startswith(("https://", "http://")):
        return {"remote": [{"url": source}]}
    return {"local": [source]}


def sp_metadata(settings: Mapping) -> str:
    """Uptake's SP metadata, for the IdP: entity ID, ACS URL and certificate."""
    return create_metadata_string(None, config=sp_config(settings, with_idp=False)).decode()


_providers: dict[tuple, Saml2Client] = {}


def service_provider(settings: Mapping) -> Saml2Client:
    """The service provider for these settings, built once per process and version of the
    IdP's metadata."""
    key = _version(settings)
    if key not in _providers:
        try:
            provider = Saml2Client(config=sp_config(settings))
        except Exception as exc:  # pysaml2 raises many kinds for unreadable metadata
            raise ProviderUnavailable(
                f"Uptake cannot read the identity provider's metadata "
                f"(SAML_IDP_METADATA={settings['SAML_IDP_METADATA']}): {exc}"
            ) from exc
        _providers.clear()
        _providers[key] = provider
    return _providers[key]


def _version(settings: Mapping) -> tuple:
    source = settings["SAML_IDP_METADATA"]
    if source.startswith(("https://", "http://")):
        stamp = int(time.monotonic() // METADATA_URL_KEPT_SECONDS)
    else:
        stamp = Path(source).stat().st_mtime_ns if Path(source).exists() else None
    names = sorted(name for name in settings if name.startswith("SAML_"))
    return (stamp, settings["BASE_URL"], *(str(settings[name]) for name in names))
