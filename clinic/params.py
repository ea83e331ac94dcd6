"""Reading what a person typed into a URL's query: a bad value is explained, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest


def parse_day(request: HttpRequest, today: date) -> date:
    """The page's ?date=YYYY-MM-DD, or today with a message saying why the given one was ignored."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return today
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not (date.min + timedelta(days=1) < day < date.max - timedelta(days=1)) or len(raw) != 10:
        messages.warning(request, f"“{raw[:40]}” is not a date like 2026-12-01; showing today instead.")
        return today
    return day
