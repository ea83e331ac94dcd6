"""Public holidays of a location's country and subdivision (the `holidays` package: its data ships
with the package, so nothing is fetched at run time).

Bookings closes a location on its public holidays unless the clinic opens on one
(bookings.models.HolidayOpening); this module only knows which days they are.
"""

from __future__ import annotations

import functools
from datetime import date

import holidays
from django.core.exceptions import ValidationError


@functools.cache
def _supported() -> dict[str, tuple[str, ...]]:
    return {code: tuple(subdivisions) for code, subdivisions in holidays.list_supported_countries().items()}


def validate_country(value: str) -> None:
    if value not in _supported():
        raise ValidationError(f"“{value}” is not a country code the holiday calendar knows (e.g. GB, IE, FR).")


def subdivision_errors(country: str, subdivision: str) -> str:
    """Why this subdivision does not fit the country ("" when it does, or when none is given)."""
    known = _supported().get(country, ())
    if subdivision and subdivision not in known:
        choices = ", ".join(known) or "none"
        return f"“{subdivision}” is not a subdivision of {country} (one of: {choices}; or leave it empty)."
    return ""


@functools.lru_cache(maxsize=256)
def _year(country: str, subdivision: str, year: int) -> dict[date, str]:
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    return dict(calendar.items())


def public_holidays(*, country: str, subdivision: str, first_day: date, last_day: date) -> dict[date, str]:
    """The public holidays from first_day to last_day, with their names."""
    if not country or first_day > last_day:
        return {}
    found: dict[date, str] = {}
    for year in range(first_day.year, last_day.year + 1):
        for day, name in _year(country, subdivision, year).items():
            if first_day <= day <= last_day:
                found[day] = name
    return found
