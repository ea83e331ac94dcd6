"""A location's day as a list: a CSV download and a printable page for the front desk
(the rows, the audit of each download and the formula-safe cells: bookings/diary/day_list.py)."""

from __future__ import annotations

import csv
from dataclasses import astuple
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings.diary.day_list import HEADERS, csv_safe, day_list_export, day_list_rows
from clinic.access import locations_for_staff
from clinic.models import Location
from clinic.params import parse_day
from clinic.roles import Role, role_required


def _place_and_day(request: HttpRequest, location: str) -> tuple[Location, date]:
    place = get_object_or_404(locations_for_staff(request.user), slug=location)
    return place, parse_day(request, timezone.now().astimezone(place.zone).date())


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def day_list_csv(request: HttpRequest, location: str) -> HttpResponse:
    place, day = _place_and_day(request, location)
    rows = day_list_export(location=place, day=day, by=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{place.slug}-{day.isoformat()}.csv"'
    response["Cache-Control"] = "no-store"  # patient contact details: keep them out of caches
    writer = csv.writer(response)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([csv_safe(value) for value in astuple(row)])
    return response


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def day_list_print(request: HttpRequest, location: str) -> HttpResponse:
    place, day = _place_and_day(request, location)
    return render(
        request,
        "bookings/diary/day_print.html",
        {
            "location": place,
            "day": day,
            "headers": HEADERS,
            # Each value with its header: on a phone each row stacks into "header: value" lines.
            "rows": [list(zip(HEADERS, astuple(row), strict=True)) for row in day_list_rows(location=place, day=day)],
            "printed_at": f"{timezone.now().astimezone(place.zone):%d %b %Y %H:%M}",
        },
    )
