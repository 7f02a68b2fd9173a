"""Dates as the newsroom sees them: conversions to the site's time zone and the date-line format."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Return every IANA time zone name this machine knows, sorted, for the settings form."""
    return tuple(sorted(zoneinfo.available_timezones()))


def validate_time_zone(value: str) -> None:
    """Reject a time zone name that the IANA database does not know."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(f"{value!r} is not a known time zone (e.g. Europe/London).") from exc


def get_zone(name: str) -> dt.tzinfo:
    """Return the zone called `name`, falling back to UTC for a name that no longer exists."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_now(zone: dt.tzinfo) -> dt.datetime:
    """Return the current moment in `zone`; tests patch this to travel in time."""
    return timezone.now().astimezone(zone)


def local_today(zone: dt.tzinfo) -> dt.date:
    """Return today's date for a reader of a newsroom in `zone`."""
    return local_now(zone).date()


def format_dateline(value: dt.datetime | None, *, zone: dt.tzinfo, fmt: str, upper: bool) -> str:
    """Format `value` for the date line, in the newsroom's zone, e.g. "DECEMBER 9, 2022"."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    text = dateformat.format(value.astimezone(zone), fmt)
    return text.upper() if upper else text


def next_local_midnight(zone: dt.tzinfo, *, now: dt.datetime | None = None) -> dt.datetime:
    """Return the instant the newsroom's current local day ends (its next local midnight), in UTC.

    Caches use it as the latest moment a page showing date-dependent content (On this day) may be
    served. The wall-clock midnight is resolved through UTC so a day of 23 or 25 hours (daylight
    saving changes) still ends at the right instant.
    """
    current = (now or local_now(zone)).astimezone(zone)
    tomorrow = current.date() + dt.timedelta(days=1)
    midnight = dt.datetime.combine(tomorrow, dt.time.min).replace(tzinfo=zone)
    # Round-trip through UTC: a midnight skipped by a DST jump lands on the next valid instant.
    return midnight.astimezone(dt.UTC)


def seconds_until_local_midnight(zone: dt.tzinfo, *, now: dt.datetime | None = None) -> int:
    """Return the whole seconds from now until the newsroom's next local midnight (at least 0)."""
    current = now or local_now(zone)
    remaining = (next_local_midnight(zone, now=current) - current).total_seconds()
    return max(0, int(remaining))


# English month names and their usual abbreviations, lower-case, to month numbers (1-12); used to
# read dates written in text (importers, editorial checks).
MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
