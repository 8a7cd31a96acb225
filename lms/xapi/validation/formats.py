"""The lexical formats xAPI 1.0.3 gives its values (Data 4.2-4.6): IRIs, UUIDs, RFC 5646
language tags, ISO 8601 timestamps and durations, mailto IRIs, SHA-1 and SHA-2 hex. Pure.

Each `is_*` predicate answers whether a value (already known to be a string) has the format;
`parse_timestamp` also turns a timestamp into naive UTC for storing and comparing."""

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from lms.dates import EARLIEST, LATEST

# Best-effort IRI check (Data 2.2.s4.b6): a scheme, then something, and nothing an IRI can
# never hold (white space, control characters, the delimiters RFC 3987 excludes).
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
)
_MAILTO = re.compile(r"^mailto:[^@\s:/]+@[^@\s]+\.[^@\s]+$|^mailto:[^@\s:/]+@[^@\s.]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_SHA2 = re.compile(r"^(?:[0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")

# RFC 5646 section 2.1 ABNF, case-insensitive.
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"  # variants
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z\d]{1,8})+)?"  # private use
)
_GRANDFATHERED = (
    r"en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn"
    r"|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn"
    r"|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
_LANGUAGE = re.compile(
    rf"^(?:{_LANGTAG}|x(?:-[a-z\d]{{1,8}})+|{_GRANDFATHERED})$", re.IGNORECASE | re.ASCII
)

# ISO 8601 combined date and time, extended or basic; the offset is required to be a real one:
# "-00", "-0000" and "-00:00" mean "unknown offset" (RFC 3339) and ISO 8601 forbids them.
# Offsets run from -23:59 to +23:59 (RFC 3339 5.6: time-hour, time-minute).
_TIMESTAMP = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}|\d{8})T"
    r"(?P<time>\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d+)?)?)?)"
    r"(?P<tz>Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?$",
    re.ASCII,
)
_NUM = r"\d+(?:[.,]\d+)?"
# ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS or PnW; at least one part; not the
# alternative format (4.4.3.3, "P0003-06-04T12:30:05").
_DURATION = re.compile(
    rf"^P(?:{_NUM}W|(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?"
    rf"(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)$",
    re.ASCII,
)


def is_iri(value: str) -> bool:
    """An absolute IRI: it has a scheme (Data 2.2.s4.b1.b8)."""
    return bool(_IRI.match(value))


def is_uuid(value: str) -> bool:
    """A UUID in standard string form, RFC 4122 variant (Data 4.4)."""
    return bool(_UUID.match(value))


def is_mailto(value: str) -> bool:
    """A mailto IRI naming one address: "mailto:email address" (Data 2.4.2.3)."""
    return bool(_MAILTO.match(value))


def is_sha1_hex(value: str) -> bool:
    return bool(_SHA1.match(value))


def is_sha2_hex(value: str) -> bool:
    """Hex SHA-224, SHA-256, SHA-384 or SHA-512."""
    return bool(_SHA2.match(value))


@lru_cache(maxsize=1024)  # a store sees a handful of tags, in every language map
def is_language_tag(value: str) -> bool:
    """An RFC 5646 language tag (Data 2.2.s4.b2): well-formed, and no extension singleton
    used twice (RFC 5646 2.2.6)."""
    if not _LANGUAGE.match(value):
        return False
    subtags = value.lower().split("-x-")[0].split("-")
    singletons = [tag for tag in subtags[1:] if len(tag) == 1]
    return len(singletons) == len(set(singletons))


def is_duration(value: str) -> bool:
    """An ISO 8601 duration in the 4.4.3.2 format (Data 4.6)."""
    return bool(_DURATION.match(value))


_DURATION_PARTS = re.compile(r"(\d+(?:\.\d+)?)([WDHMS])")
_SECONDS = {"W": 604_800, "D": 86_400, "H": 3_600, "M": 60, "S": 1}


def duration_seconds(value) -> float | None:
    """The seconds of a duration of weeks, days, hours, minutes and seconds (what an LMS
    records for an attempt); None for anything else, or a duration in years or months,
    whose length depends on the calendar."""
    if not isinstance(value, str) or not is_duration(value):
        return None
    head, _, clock = value[1:].partition("T")
    if "Y" in head or "M" in head:
        return None
    # Before T: weeks and days; after it, H, M (minutes) and S.
    parts = _DURATION_PARTS.findall(head) + _DURATION_PARTS.findall(clock)
    return sum(float(number) * _SECONDS[unit] for number, unit in parts)


TIMESTAMP_RULE = (
    f"an ISO 8601 timestamp from {EARLIEST.year} to {LATEST.year} in UTC, with an offset "
    "from -23:59 to +23:59 if any, such as 2026-10-05T09:00:00Z"
)


# A batch's timestamps are parsed when validated, normalised and stored, and again by the
# points engine and the adoption counts: remembered for a batch's worth (datetimes are
# immutable, so the cached answers can be shared).
@lru_cache(maxsize=4096)
def parse_timestamp(value: str) -> datetime | None:
    """The instant an ISO 8601 timestamp names, as naive UTC; None when it is not one, or
    when that instant is outside the years every other date is held to (lms.dates: the
    week, streak and contest arithmetic done on a statement's time must stay in range).
    A timestamp without an offset is taken as UTC (the offset is only a SHOULD*)."""
    match = _TIMESTAMP.match(value)
    if not match:
        return None
    tz = match["tz"]
    if tz and tz[0] == "-" and set(tz[1:]) <= {"0", ":"}:
        return None
    date = match["date"].replace("-", "")
    time = match["time"].replace(":", "").replace(",", ".")
    whole, _, fraction = time.partition(".")
    whole = whole.ljust(6, "0")
    try:
        parsed = datetime(
            int(date[:4]),
            int(date[4:6]),
            int(date[6:8]),
            int(whole[:2]),
            int(whole[2:4]),
            int(whole[4:6]),
            int((fraction + "000000")[:6]),
        )
        moment = parsed - _offset(tz)
    except (ValueError, OverflowError):  # no such day, or past year 1 or 9999 once in UTC
        return None
    return moment if EARLIEST <= moment.date() <= LATEST else None


def _offset(tz: str | None) -> timedelta:
    if not tz or tz == "Z":
        return timedelta(0)
    digits = tz[1:].replace(":", "").ljust(4, "0")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))
    return delta if tz[0] == "+" else -delta


def format_timestamp(moment: datetime) -> str:
    """Naive UTC as ISO 8601 in UTC, to the millisecond or finer (Data 4.5.s1.b3, b6)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    spec = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.isoformat(timespec=spec) + "Z"


def http_date(moment: datetime) -> str:
    """Naive UTC in the HTTP-date form Last-Modified uses."""
    return moment.replace(tzinfo=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def counted_at(timestamp: datetime, stored: datetime) -> datetime:
    """When a statement counts — in a week's points, a contest or a week's CRM use: at its
    timestamp, but never later than the LRS stored it, so a sender cannot push activity
    into a future week by dating it ahead."""
    return min(timestamp, stored)
