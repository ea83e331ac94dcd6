"""What the waiting list shows on bookings' pages, through clinic/extensions.py's slots
(registered from WaitlistConfig.ready()): bookings never names the waitlist's URLs itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from waitlist.models import Entry
from waitlist.selectors import open_entries_of


def my_waiting_list(request: HttpRequest, *, patient: Any = None) -> str:
    """My appointments: what the patient is waiting for (an open offer first-hand, with when it
    is kept until), a way to leave each, and the way to join; two queries."""
    if patient is None:
        return ""
    return render_to_string(
        "waitlist/_my_appointments.html",
        {"entries": open_entries_of(patient), "offered": Entry.Status.OFFERED},
        request=request,
    )
