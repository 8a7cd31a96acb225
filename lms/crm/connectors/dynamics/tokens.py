"""Sign-in to Dynamics 365: Microsoft Entra ID's client-credentials flow (msal) for an app
registration that is an application user of the environment."""

from collections.abc import Mapping
from typing import Any

import msal
import requests

from lms.crm.connectors.base import (
    ConnectionSettings,
    ConnectorError,
    NotAuthorised,
    RateLimited,
)
from lms.crm.connectors.dynamics.web_api import TIMEOUT

AUTHORITY_HOST = "https://login.microsoftonline.com"


class EntraTokens:
    """Client-credentials tokens from Microsoft Entra ID through msal, which keeps a token
    until shortly before it expires."""

    def __init__(self, *, tenant_id: str, client_id: str, secret: str, scope: str, session):
        self.tenant_id, self.client_id, self.scope = tenant_id, client_id, scope
        self._secret, self._session = secret, session
        self._app: msal.ConfidentialClientApplication | None = None

    def token(self) -> str:
        return self._acquire()

    def renew(self) -> str:
        if self._app is not None:
            self._app.remove_tokens_for_client()
        return self._acquire()

    def _acquire(self) -> str:
        try:
            result = self._application().acquire_token_for_client(scopes=[self.scope])
        except (requests.RequestException, ValueError) as error:
            raise ConnectorError(
                f"could not get a token from Microsoft Entra ID ({type(error).__name__})"
            ) from None
        if result and "access_token" in result:
            return result["access_token"]
        raise self._refusal(result or {})

    def _application(self) -> msal.ConfidentialClientApplication:
        """Built when first needed: msal reads the tenant's OpenID configuration at once.
        Instance discovery is off (login.microsoftonline.com needs none)."""
        if self._app is None:
            try:
                self._app = msal.ConfidentialClientApplication(
                    self.client_id,
                    client_credential=self._secret,
                    authority=f"{AUTHORITY_HOST}/{self.tenant_id}",
                    http_client=self._session,
                    instance_discovery=False,
                    timeout=TIMEOUT,
                )
            except ValueError:
                raise NotAuthorised(
                    f"Microsoft Entra ID does not know the tenant {self.tenant_id!r}: check the "
                    "tenant_id option (the Directory (tenant) ID of the app registration)"
                ) from None
            except requests.RequestException as error:
                raise ConnectorError(
                    f"could not reach Microsoft Entra ID to sign in ({type(error).__name__})"
                ) from None
        return self._app

    def _refusal(self, result: Mapping[str, Any]) -> ConnectorError:
        error = str(result.get("error") or "error")
        reason = str(result.get("error_description") or "").split("\r\n")[0].split("\n")[0]
        reason = reason.replace(self._secret, "[secret]")[:300]
        if error == "temporarily_unavailable":
            return RateLimited(f"Microsoft Entra ID asked to wait before signing in ({reason})")
        return NotAuthorised(
            f"Microsoft Entra ID refused the client credentials of app {self.client_id} in "
            f"tenant {self.tenant_id} ({error}: {reason}); check the client_id option and that "
            "the client secret has not expired and is the secret's Value, not its ID"
        )


def entra_tokens(settings: ConnectionSettings, origin: str, session) -> EntraTokens:
    """The connection's token source, from its tenant_id and client_id options and secret."""
    tenant_id = (settings.options.get("tenant_id") or "").strip()
    client_id = (settings.options.get("client_id") or "").strip()
    if not tenant_id:
        raise ConnectorError("Dynamics 365 needs the tenant_id option (the Entra tenant's ID)")
    if not client_id:
        raise ConnectorError("Dynamics 365 needs the client_id option (the app registration's)")
    if not settings.secret:
        raise ConnectorError("Dynamics 365 needs its secret (the app registration's client secret)")
    return EntraTokens(
        tenant_id=tenant_id,
        client_id=client_id,
        secret=settings.secret,
        scope=f"{origin}/.default",
        session=session,
    )
