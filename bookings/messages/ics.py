"""iCalendar files for appointments: the email attachment, the download and the patient's feed.

Feeds get synced into third-party calendars, so an event carries only what the patient needs to
turn up (what, when, where, whom to call) and nothing that identifies them. Times are written in
the location's own zone with a matching VTIMEZONE, so a visit across a DST change still lands on
the right instant in every calendar, and SEQUENCE follows `updated_at` so a moved visit updates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from bookings.models import Appointment, BookingRules

PRODID = "-//Meso Clinic//Bookings//EN"


def appointment_summary(appointment: Appointment) -> str:
    summary = f"{appointment.treatment.name}: {appointment.area.name}"
    if appointment.course_id and appointment.session_number:
        summary += f" (session {appointment.session_number} of {appointment.course.sessions_planned})"
    return summary


def _event(appointment: Appointment, *, stamp: datetime, cutoff_hours: int) -> Event:
    location = appointment.location
    zone = location.zone
    phone = location.phone or settings.CLINIC_PHONE
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@meso.clinic")
    event.add("dtstamp", stamp)
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add("summary", appointment_summary(appointment))
    event.add("location", f"{location.name}, {' '.join(location.address.split())}")
    event.add(
        "description",
        f"With {appointment.practitioner.display_name}.\n"
        f"{settings.CLINIC_NAME}: {phone}\n"
        f"To cancel or move this appointment, please tell us at least {cutoff_hours} hours before.",
    )
    cancelled = appointment.status == Appointment.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("sequence", int(appointment.updated_at.timestamp()))
    return event


def appointments_ics(appointments: Iterable[Appointment], *, calendar_name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    stamp = timezone.now()
    cutoff_hours = BookingRules.current().cancellation_cutoff_hours
    days: list[date] = []
    for appointment in appointments:
        calendar.add_component(_event(appointment, stamp=stamp, cutoff_hours=cutoff_hours))
        days += [appointment.start.date(), appointment.end.date()]
    if days:
        # Transitions a year either side: enough for every event, small enough to stay readable.
        first, last = min(days), max(days)
        calendar.add_missing_timezones(first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 1, 12, 31))
    return calendar.to_ical()
