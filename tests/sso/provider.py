"""A real OpenID provider for the tests: panva/oidc-provider (OpenID Certified) in node,
started on 127.0.0.1 on a free port and stopped by its PID. `make oidc-deps` installs it."""

import json
import os
import shutil
import signal
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "uptake", "uptake-test-secret"


@contextmanager
def running_provider(
    *, redirect_uris, accounts, post_logout_redirect_uris=(), claims_in_userinfo_only=False
):
    """Yield the issuer URL of a provider that knows one client (CLIENT_ID) with these
    redirect URIs, and `accounts` ({login: claims}) to sign in as on its login page; their
    claims in the ID token, or (`claims_in_userinfo_only`) from userinfo alone."""
    node = shutil.which("node")
    if node is None or not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.skip("no oidc-provider: run `make oidc-deps` (node and npm)")
    env = os.environ | {
        "PORT": "0",
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_redirect_uris),
        "ACCOUNTS": json.dumps(accounts),
        "CONFORM_ID_TOKEN_CLAIMS": "1" if claims_in_userinfo_only else "0",
    }
    process = subprocess.Popen(
        [node, str(PROVIDER_DIR / "provider.js")],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("listening "):
            raise RuntimeError(f"the OpenID provider did not start: {line!r}")
        yield line.split(" ", 1)[1].strip()
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        process.stdout.close()


def provider_settings(issuer: str, **overrides) -> dict:
    """The application settings that point Uptake at the provider."""
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_SCOPES": "openid email profile groups",
        "OIDC_PROVIDER_NAME": "Test Provider",
        "OIDC_EMAIL_CLAIM": "email",
        "OIDC_NAME_CLAIM": "name",
        "OIDC_GROUPS_CLAIM": "groups",
        "OIDC_HR_ID_CLAIM": None,
    } | overrides
