"""A person's own language and time zone (the account page)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from lms.auth.models import User
from lms.errors import FieldError
from lms.locales import is_shipped_locale, is_time_zone


def set_preferences(
    person: User, *, locale: str | None, time_zone: str | None, now: datetime
) -> None:
    """Keep the person's language and time zone; None (or empty) follows the company's
    default. A language Uptake does not ship, or a name that is not an IANA time zone, is
    refused naming its field, and nothing is changed."""
    locale, time_zone = locale or None, time_zone or None
    if locale is not None and not is_shipped_locale(locale):
        raise FieldError("locale", str(_l("Choose one of the languages listed.")))
    if time_zone is not None and not is_time_zone(time_zone):
        raise FieldError(
            "time_zone", str(_l("Choose a time zone from the list, such as Europe/Madrid."))
        )
    person.locale, person.time_zone = locale, time_zone
    person.updated_at = now
