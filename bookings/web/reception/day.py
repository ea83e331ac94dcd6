"""Reception's day view of a location's diary: a column per practitioner (or room), a 15-minute
grid over the day's opening hours, each appointment placed by its local time.

A fixed number of queries whatever the number of appointments (bookings/diary/selectors.py);
the layout is bookings/diary/grids.py's.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.diary.badges import free_cell_counts
from bookings.diary.grids import closed_label, day_grid
from bookings.diary.selectors import day_load
from bookings.web.reception.grid_html import grid_body
from clinic.access import locations_for_staff
from clinic.models import Location
from clinic.params import parse_day
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def diary_day(request: HttpRequest, location: str) -> HttpResponse:
    place = get_object_or_404(locations_for_staff(request.user), slug=location)
    today = timezone.now().astimezone(place.zone).date()
    day = parse_day(request, today)
    context = day_context(place=place, day=day, by_room=request.GET.get("view") == "rooms", today=today)
    return render(request, "bookings/diary/day.html", context)


def day_url(place: Location, day: date, view: str = "") -> str:
    query = {"date": day.isoformat(), **({"view": "rooms"} if view == "rooms" else {})}
    return f"{reverse('diary-day', args=[place.slug])}?{urlencode(query)}"


def day_context(*, place: Location, day: date, by_room: bool, today: date | None = None) -> dict:
    """Everything the grid needs (the page and the `_grid.html` partial the actions re-render)."""
    data = day_load(place=place, day=day, by_room=by_room)
    grid = day_grid(data, now=timezone.now())
    book_url, book_column = reverse("diary-book", args=[place.slug]), "room" if by_room else "practitioner"
    view = "rooms" if by_room else ""
    # Freed cells carry the count of patients waiting for them (the waitlist's badges: one query).
    badges = {} if by_room else free_cell_counts(place, day)
    body = grid_body(
        grid.rows, panel=True, view=view, book_url=book_url, book_column=book_column, day=day, badges=badges
    )
    return {
        "location": place,
        "day": day,
        "today": today or timezone.now().astimezone(place.zone).date(),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "view": view,
        "by_room": by_room,
        "columns": data.columns,
        "rows": grid.rows,
        "grid_body": body,
        "appointment_count": grid.appointment_count,
        "opening": grid.opening,
        "closed": closed_label(data.closure),
        "book_url": book_url,
        "book_column": book_column,
    }
