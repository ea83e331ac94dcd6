"""Reception's unfinished work, for the locations the staff member sees (a manager: all): the
lists are bookings/appointments/selectors.py's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bookings.appointments.selectors import (
    worklist_courses,
    worklist_missing_intakes,
    worklist_no_shows,
    worklist_unchecked_phones,
)
from clinic.access import locations_for_staff
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.MANAGER)
def worklist(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    locations = list(locations_for_staff(request.user).order_by("name"))
    ids = [location.pk for location in locations]
    return render(
        request,
        "bookings/worklist/worklist.html",
        {
            "locations": locations,
            "missing_intakes": worklist_missing_intakes(ids, now),
            "courses": worklist_courses(ids),
            "no_shows": worklist_no_shows(locations, now),
            "unchecked_phones": list(worklist_unchecked_phones(ids)),
        },
    )
