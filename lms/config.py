"""Settings read from the environment.

Local use needs no configuration at all: the database is a SQLite file in `instance/` and a
secret key is generated there once. Production (`LMS_ENV=production`) must say where its
database is and give its own `SECRET_KEY`.
"""

import os
import secrets
from pathlib import Path

from lms.locales import SHIPPED_LOCALES, is_time_zone

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it."""


def database_url(raw: str | None, instance_path: Path) -> str:
    """The SQLAlchemy URL for `DATABASE_URL`; PostgreSQL URLs are pinned to psycopg 3."""
    if not raw:
        return f"sqlite:///{instance_path / 'uptake.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def secret_key(environ: dict, instance_path: Path) -> str:
    """`SECRET_KEY` from the environment; locally, one generated once into `instance/`."""
    if environ.get("SECRET_KEY"):
        return environ["SECRET_KEY"]
    if environ.get("LMS_ENV") == "production":
        raise ConfigError("SECRET_KEY must be set when LMS_ENV=production")
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def actor_identifier(value: str) -> str:
    """How people are named in xAPI statements: mbox, mbox_sha1sum or account."""
    if value not in ("mbox", "mbox_sha1sum", "account"):
        raise ConfigError(
            f"XAPI_ACTOR_IDENTIFIER must be mbox, mbox_sha1sum or account, not {value!r}"
        )
    return value


def whole_number(env, name: str, default: int, *, low: int = 0) -> int:
    """`name` from the environment as a whole number of at least `low`."""
    raw = str(env.get(name, default)).strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < low:
        raise ConfigError(f"{name} must be a whole number of at least {low}, not {raw!r}")
    return int(raw)


def database_settings(env) -> dict:
    """How the application uses a PostgreSQL server (SQLite ignores them): connections kept
    per process (DATABASE_POOL_SIZE, as many again when busy), and how long one statement
    (DATABASE_STATEMENT_TIMEOUT_MS) or a transaction left idle
    (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS) may hold a connection; 0 is no limit."""
    return {
        "DATABASE_POOL_SIZE": whole_number(env, "DATABASE_POOL_SIZE", 5, low=1),
        "DATABASE_STATEMENT_TIMEOUT_MS": whole_number(env, "DATABASE_STATEMENT_TIMEOUT_MS", 30_000),
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS": whole_number(
            env, "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000
        ),
    }


def engine_options(settings) -> dict:
    """SQLAlchemy's engine options for the configured database. On PostgreSQL: the pool,
    a liveness check as a connection is taken (a server restart or failover otherwise
    fails the next request on every pooled connection), the timeouts, and no JIT
    compilation, which suits long analytic queries and costs a request's short ones tens
    of milliseconds each time a plan's estimate crosses its threshold."""
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return {}
    options = (
        f"-c statement_timeout={settings['DATABASE_STATEMENT_TIMEOUT_MS']}"
        f" -c idle_in_transaction_session_timeout="
        f"{settings['DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS']}"
        " -c jit=off"
    )
    return {
        "pool_size": settings["DATABASE_POOL_SIZE"],
        "max_overflow": settings["DATABASE_POOL_SIZE"],
        "pool_pre_ping": True,
        "connect_args": {"options": options},
    }


def retention_months(env) -> int:
    """STATEMENT_RETENTION_MONTHS: how many whole months of statements from LRS clients the
    store keeps before `lms xapi prune` archives them; 0 (the default) keeps them all. At
    least 3, so that no open week, month or quarter is cut through."""
    months = whole_number(env, "STATEMENT_RETENTION_MONTHS", 0)
    if 0 < months < 3:
        raise ConfigError(
            f"STATEMENT_RETENTION_MONTHS must be 0 (keep everything) or at least 3, not {months}"
        )
    return months


def quiz_settings(env) -> dict:
    """QUIZ_RETRY_WAIT_MINUTES: the pause before the next attempt once two have not passed
    (0: none); QUIZ_REVIEW_AFTER_ATTEMPTS: attempts not passed after which a failed attempt's
    page shows the right answers too (before, only why the choices made were wrong)."""
    return {
        "QUIZ_RETRY_WAIT_MINUTES": whole_number(env, "QUIZ_RETRY_WAIT_MINUTES", 10),
        "QUIZ_REVIEW_AFTER_ATTEMPTS": whole_number(env, "QUIZ_REVIEW_AFTER_ATTEMPTS", 3, low=1),
    }


def locale_settings(env) -> dict:
    """DEFAULT_LOCALE: the company's language for people who chose none (one of
    SHIPPED_LOCALES; unset, the browser's language among them, else English);
    DEFAULT_TIME_ZONE: the company's IANA time zone for people who chose none (UTC)."""
    locale = env.get("DEFAULT_LOCALE", "").strip() or None
    if locale is not None and locale not in SHIPPED_LOCALES:
        raise ConfigError(
            f"DEFAULT_LOCALE must be one of {', '.join(SHIPPED_LOCALES)}, not {locale!r}"
        )
    zone = env.get("DEFAULT_TIME_ZONE", "UTC").strip() or "UTC"
    if not is_time_zone(zone):
        raise ConfigError(
            f"DEFAULT_TIME_ZONE must be an IANA time zone such as Europe/Madrid, not {zone!r}"
        )
    return {
        "DEFAULT_LOCALE": locale,
        "DEFAULT_TIME_ZONE": zone,
        "BABEL_DEFAULT_LOCALE": locale or SHIPPED_LOCALES[0],
        "BABEL_DEFAULT_TIMEZONE": zone,
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).resolve().parent / "translations"),
    }


# Entra ID's claim URIs; Okta and others name their attribute statements as they like.
SAML_DEFAULT_ATTRIBUTES = {
    "SAML_ATTRIBUTE_EMAIL": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "SAML_ATTRIBUTE_HR_ID": "http://schemas.microsoft.com/identity/claims/employeeid",
    "SAML_ATTRIBUTE_NAME": "http://schemas.microsoft.com/identity/claims/displayname",
    "SAML_ATTRIBUTE_GROUPS": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
}
SAML_FILES = ("SAML_SP_KEY_FILE", "SAML_SP_CERT_FILE")


def saml_settings(env) -> dict:
    """SAML 2.0 sign-in (lms/auth/sso/saml), on when SAML_IDP_METADATA (a file or an
    http(s) URL) is set; it then needs the SP's key and certificate (SAML_SP_KEY_FILE,
    SAML_SP_CERT_FILE, PEM files). SAML_SP_ENTITY_ID defaults to the metadata URL;
    SAML_CLOCK_SKEW_SECONDS is how far the IdP's clock may differ (60); the attribute
    names default to Entra ID's claims."""
    metadata = env.get("SAML_IDP_METADATA", "").strip() or None
    files = {name: env.get(name, "").strip() or None for name in SAML_FILES}
    if metadata:
        for name, path in files.items():
            if not path or not Path(path).is_file():
                raise ConfigError(f"{name} must name a PEM file when SAML_IDP_METADATA is set")
    return {
        "SAML_IDP_METADATA": metadata,
        **files,
        "SAML_SP_ENTITY_ID": env.get("SAML_SP_ENTITY_ID", "").strip() or None,
        "SAML_CLOCK_SKEW_SECONDS": whole_number(env, "SAML_CLOCK_SKEW_SECONDS", 60),
        "SAML_BUTTON_LABEL": env.get("SAML_BUTTON_LABEL", "").strip() or "your company account",
        **{name: env.get(name, "").strip() or uri for name, uri in SAML_DEFAULT_ATTRIBUTES.items()},
    }


MAIL_BACKENDS = ("smtp", "file", "console", "none")


def mail_settings(env, instance_path: Path) -> dict:
    """How notifications are e-mailed. MAIL_BACKEND: smtp (MAIL_SMTP_HOST, MAIL_SMTP_PORT,
    MAIL_SMTP_USER, MAIL_SMTP_PASSWORD, MAIL_SMTP_TLS=1 for STARTTLS), file (.eml files in
    MAIL_FILE_DIR, default instance/mail), console (printed by `lms notify run`) or none (the
    default: in-app notifications only). MAIL_FROM is the sender."""
    backend = env.get("MAIL_BACKEND", "none").strip().lower() or "none"
    if backend not in MAIL_BACKENDS:
        raise ConfigError(
            f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, not {backend!r}"
        )
    if backend == "smtp" and not env.get("MAIL_SMTP_HOST"):
        raise ConfigError("MAIL_SMTP_HOST must be set when MAIL_BACKEND=smtp")
    port = env.get("MAIL_SMTP_PORT", "587")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"MAIL_SMTP_PORT must be a port number, not {port!r}")
    return {
        "MAIL_BACKEND": backend,
        "MAIL_FROM": env.get("MAIL_FROM", "Uptake <uptake@localhost>"),
        "MAIL_SMTP_HOST": env.get("MAIL_SMTP_HOST") or None,
        "MAIL_SMTP_PORT": int(port),
        "MAIL_SMTP_USER": env.get("MAIL_SMTP_USER") or None,
        "MAIL_SMTP_PASSWORD": env.get("MAIL_SMTP_PASSWORD") or None,
        "MAIL_SMTP_TLS": env.get("MAIL_SMTP_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_FILE_DIR": Path(env.get("MAIL_FILE_DIR") or instance_path / "mail"),
    }


def _switch(env, name: str, default: bool) -> bool:
    raw = str(env.get(name, "")).strip().lower()
    if not raw:
        return default
    if raw not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
        raise ConfigError(f"{name} must be on or off, not {raw!r}")
    return raw in ("1", "true", "yes", "on")


def _names(env, name: str) -> frozenset[str]:
    return frozenset(part.strip() for part in env.get(name, "").split(",") if part.strip())


def sign_in_settings(env) -> dict:
    """Signing in (README, "Signing in with your identity provider"). OIDC_ISSUER turns
    OpenID Connect on, with OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_SCOPES and the claims
    that carry the e-mail, groups, HR id and name. SSO_MATCH_BY (email or hr_id),
    SSO_CREATE_UNKNOWN_PEOPLE with SSO_DEFAULT_JOB_ROLE, and SSO_HR_GROUPS / SSO_ADMIN_GROUPS
    (comma-separated) apply to every provider. PASSWORD_SIGN_IN=off leaves passwords to the
    BREAK_GLASS_EMAIL account alone, which must then be named."""
    issuer = env.get("OIDC_ISSUER", "").strip().rstrip("/") or None
    if issuer and not (env.get("OIDC_CLIENT_ID") and env.get("OIDC_CLIENT_SECRET")):
        raise ConfigError("OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set with OIDC_ISSUER")
    match_by = env.get("SSO_MATCH_BY", "email").strip() or "email"
    if match_by not in ("email", "hr_id"):
        raise ConfigError(f"SSO_MATCH_BY must be email or hr_id, not {match_by!r}")
    create = _switch(env, "SSO_CREATE_UNKNOWN_PEOPLE", False)
    if create and not env.get("SSO_DEFAULT_JOB_ROLE"):
        raise ConfigError("SSO_DEFAULT_JOB_ROLE must be set when SSO_CREATE_UNKNOWN_PEOPLE=on")
    passwords = _switch(env, "PASSWORD_SIGN_IN", True)
    break_glass = env.get("BREAK_GLASS_EMAIL", "").strip().lower() or None
    if not passwords and not break_glass:
        raise ConfigError("BREAK_GLASS_EMAIL must be set when PASSWORD_SIGN_IN=off")
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": env.get("OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": env.get("OIDC_CLIENT_SECRET") or None,
        "OIDC_SCOPES": env.get("OIDC_SCOPES", "").strip() or "openid email profile",
        "OIDC_PROVIDER_NAME": env.get("OIDC_PROVIDER_NAME", "").strip() or "your company account",
        "OIDC_EMAIL_CLAIM": env.get("OIDC_EMAIL_CLAIM", "").strip() or "email",
        "OIDC_NAME_CLAIM": env.get("OIDC_NAME_CLAIM", "").strip() or "name",
        "OIDC_GROUPS_CLAIM": env.get("OIDC_GROUPS_CLAIM", "").strip() or "groups",
        "OIDC_HR_ID_CLAIM": env.get("OIDC_HR_ID_CLAIM", "").strip() or None,
        "SSO_MATCH_BY": match_by,
        "SSO_CREATE_UNKNOWN_PEOPLE": create,
        "SSO_DEFAULT_JOB_ROLE": env.get("SSO_DEFAULT_JOB_ROLE", "").strip() or None,
        "SSO_HR_GROUPS": _names(env, "SSO_HR_GROUPS"),
        "SSO_ADMIN_GROUPS": _names(env, "SSO_ADMIN_GROUPS"),
        "PASSWORD_SIGN_IN": passwords,
        "BREAK_GLASS_EMAIL": break_glass,
    }


def scim_settings(env) -> dict:
    """SCIM provisioning (README, "Provisioning with SCIM 2.0"): which attribute of a SCIM
    User carries the job role (SCIM_JOB_ROLE_ATTRIBUTE, `title` unless another is named,
    such as urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter) and
    which the hire date (SCIM_HIRE_DATE_ATTRIBUTE; none: the day the person is created);
    membership of which pushed groups grants HR and admin (SCIM_HR_GROUPS, default "Uptake
    HR"; SCIM_ADMIN_GROUPS, default "Uptake admins"; comma-separated, any case);
    SCIM_MAX_REQUEST_KB bounds a request's body."""
    size = env.get("SCIM_MAX_REQUEST_KB", "1024").strip()
    if not size.isdigit() or int(size) < 1:
        raise ConfigError(f"SCIM_MAX_REQUEST_KB must be a number of kilobytes, not {size!r}")
    return {
        "SCIM_JOB_ROLE_ATTRIBUTE": env.get("SCIM_JOB_ROLE_ATTRIBUTE", "").strip() or "title",
        "SCIM_HIRE_DATE_ATTRIBUTE": env.get("SCIM_HIRE_DATE_ATTRIBUTE", "").strip() or None,
        "SCIM_MAX_REQUEST_BYTES": int(size) * 1024,
        "SCIM_HR_GROUPS": _names(env, "SCIM_HR_GROUPS") or frozenset({"Uptake HR"}),
        "SCIM_ADMIN_GROUPS": _names(env, "SCIM_ADMIN_GROUPS") or frozenset({"Uptake admins"}),
    }


def package_settings(env, instance_path: Path) -> dict:
    """Where imported e-learning packages' files live and how big one may be. Behind several
    app servers PACKAGE_DIR must be one shared directory (NFS, a mounted volume): each
    package's files are written once, under a name of their own, before the database points
    at them."""
    return {
        "PACKAGE_DIR": Path(env.get("PACKAGE_DIR") or instance_path / "packages"),
        "PACKAGE_MAX_MB": _whole_number(env, "PACKAGE_MAX_MB", 500),
        "PACKAGE_MAX_FILES": _whole_number(env, "PACKAGE_MAX_FILES", 10_000),
        # How long an AU's LRS credentials last after its launch, at most (cmi5 8.2.1: "limited
        # to the duration of the session"; a session ends sooner when the AU terminates).
        "CMI5_SESSION_HOURS": _whole_number(env, "CMI5_SESSION_HOURS", 12),
    }


def _whole_number(env, name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {value!r}")
    return int(value)


def from_environment(instance_path: Path, environ: dict | None = None) -> dict:
    """Every setting the application reads, as a dict for `app.config`."""
    env = os.environ if environ is None else environ
    production = env.get("LMS_ENV") == "production"
    base_url = env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    if production and "DATABASE_URL" not in env:
        raise ConfigError("DATABASE_URL must be set when LMS_ENV=production")
    return {
        "LMS_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "BASE_URL": base_url,
        # Unset, BASE_URL is the development default, which `lms demo --port` follows.
        "BASE_URL_GIVEN": "BASE_URL" in env,
        "CONTENT_DIR": Path(env.get("CONTENT_DIR", PROJECT_ROOT / "content")),
        # Secure cookies need HTTPS; the local demo on http://127.0.0.1 would lose its session.
        "SESSION_COOKIE_SECURE": production or base_url.startswith("https://"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production or base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "PASSWORD_LINK_MAX_AGE": int(env.get("PASSWORD_LINK_MAX_AGE", 7 * 24 * 3600)),
        "XAPI_ACTOR_IDENTIFIER": actor_identifier(env.get("XAPI_ACTOR_IDENTIFIER", "mbox")),
        "XAPI_PLATFORM": env.get("XAPI_PLATFORM", "Uptake"),
        "LRS_FORWARD_ENDPOINT": env.get("LRS_FORWARD_ENDPOINT") or None,
        "LRS_FORWARD_USERNAME": env.get("LRS_FORWARD_USERNAME") or None,
        "LRS_FORWARD_PASSWORD": env.get("LRS_FORWARD_PASSWORD") or None,
        # The contact address of the Open Badges Issuer profile (optional).
        "BADGE_ISSUER_EMAIL": env.get("BADGE_ISSUER_EMAIL") or None,
        "STATEMENT_RETENTION_MONTHS": retention_months(env),
        **quiz_settings(env),
        **locale_settings(env),
        **saml_settings(env),
        **database_settings(env),
        **mail_settings(env, instance_path),
        **sign_in_settings(env),
        **scim_settings(env),
        **package_settings(env, instance_path),
        "CRM_SYNC_PROCESSES": crm_sync_processes(env),
    }


def crm_sync_processes(env) -> int | None:
    """`lms crm sync`'s processes: 1, 2 (PostgreSQL only: lms.crm.pipeline), or None for the
    default (2 on PostgreSQL, 1 on SQLite)."""
    value = env.get("CRM_SYNC_PROCESSES", "").strip()
    if value not in ("", "1", "2"):
        raise ConfigError(f"CRM_SYNC_PROCESSES must be 1 or 2, not {value!r}")
    return int(value) if value else None
