"""Calendar arithmetic for the almanac: leap days, historical years (no year 0), anniversaries."""

from __future__ import annotations

import calendar
import datetime as dt

# 10 years, then every 25 (25, 50, 75, 100, 125, ...): the anniversaries newsrooms mark.
FIRST_ROUND_ANNIVERSARY = 10
ROUND_ANNIVERSARY_STEP = 25


def days_in_month(month: int) -> int:
    """Return the most days `month` can have (29 for February: the almanac keeps leap-day events)."""
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]


def is_valid_month_day(month: int, day: int) -> bool:
    """Return whether month/day names a calendar day in some year (29 February included)."""
    return 1 <= month <= 12 and 1 <= day <= days_in_month(month)


def year_label(year: int) -> str:
    """Return a historical year as readers write it: 1983 -> '1983', -44 -> '44 BC'."""
    return f"{-year} BC" if year < 0 else str(year)


def years_between(year: int, later_year: int) -> int:
    """Return how many years separate historical `year` from `later_year` (1 BC to AD 1 is one)."""
    return later_year - year - (1 if year < 0 < later_year else 0)


def is_round_anniversary(years: int) -> bool:
    """Return whether an anniversary of `years` years is one to mark: 10, 25, 50, 75, 100, ..."""
    return years == FIRST_ROUND_ANNIVERSARY or (years > 0 and years % ROUND_ANNIVERSARY_STEP == 0)


def shows_leap_day_events(day: dt.date) -> bool:
    """Return whether `day` also shows 29 February's events: 28 February of a non-leap year."""
    return day.month == 2 and day.day == 28 and not calendar.isleap(day.year)
