"""SCORM's time spans, pure: a SCO reports each session's time (`session_time`); the LMS keeps
the sum (`total_time`, read-only to the SCO) and hands it back at the next launch. SCORM 1.2
writes HHHH:MM:SS.SS, SCORM 2004 an ISO 8601 duration (PT1H2M3.5S)."""

import re

_SPAN_12 = re.compile(r"(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)")
_DURATION = re.compile(
    r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
# A year and a month in a duration, as seconds: SCORM 2004 leaves them to the LMS.
_UNITS = (365 * 86400, 30 * 86400, 86400, 3600, 60, 1)
NO_TIME = {"1.2": "0000:00:00.00", "2004": "PT0S"}


def seconds_of(version: str, span: str) -> float | None:
    """The span in seconds; None when it is not one of `version`'s spans."""
    if version == "1.2":
        match = _SPAN_12.fullmatch(span or "")
        if match is None:
            return None
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    match = _DURATION.fullmatch(span or "")
    if match is None or span in ("P", "PT"):
        return None
    return sum(float(part or 0) * unit for part, unit in zip(match.groups(), _UNITS, strict=True))


def span_of(version: str, seconds: float) -> str:
    """Seconds as `version` writes a time span (hundredths at most)."""
    hundredths = round(seconds * 100)
    whole, fraction = divmod(hundredths, 100)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if version == "1.2":
        return f"{min(hours, 9999):04d}:{minutes:02d}:{secs:02d}.{fraction:02d}"
    text = f"{secs}.{fraction:02d}".rstrip("0").rstrip(".") if fraction else str(secs)
    return f"PT{hours}H{minutes}M{text}S"


def with_total_time(version: str, before: dict, after: dict, *, finishing: bool) -> dict:
    """The committed data model with the LMS's total time: the total as it stood, plus this
    session's time when the SCO finishes its session (its last report of it)."""
    total = seconds_of(version, _get(version, before, "total_time")) or 0.0
    if finishing:
        total += seconds_of(version, _get(version, after, "session_time")) or 0.0
    kept = {"cmi": dict(after.get("cmi") or {})}
    if version == "1.2":
        kept["cmi"]["core"] = {**kept["cmi"].get("core", {}), "total_time": span_of("1.2", total)}
    else:
        kept["cmi"]["total_time"] = span_of("2004", total)
    return kept


def _get(version: str, data: dict | None, name: str) -> str:
    cmi = (data or {}).get("cmi") or {}
    holder = cmi.get("core") or {} if version == "1.2" else cmi
    value = holder.get(name)
    return value if isinstance(value, str) else ""
