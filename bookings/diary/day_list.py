"""A location's day as a list: a CSV download and a printable page for the front desk.

The CSV leaves the application with patients' contact details in it, so each download is
audited. Cells a spreadsheet would read as a formula are defused with a leading quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from bookings.diary.selectors import latest_intake_statuses
from bookings.diary.words import intake_words, session_words
from bookings.domain.grid import local_label
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.models import Location
from clinic.phones import phone_text

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection);
# tab and carriage return can smuggle one in after leading whitespace is trimmed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class DayListRow:
    time: str
    end: str
    practitioner: str
    room: str
    patient: str
    date_of_birth: str
    phone: str
    treatment: str
    area: str
    session: str
    status: str
    intake_status: str


HEADERS = [f.name.replace("_", " ") for f in fields(DayListRow)]


def day_list_rows(*, location: Location, day: date) -> list[DayListRow]:
    """The day's appointments (not cancelled) in time order: two queries."""
    zone = location.zone
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    appointments = list(
        Appointment.objects.filter(location=location, start__gte=start, start__lt=end)
        .exclude(status=Appointment.Status.CANCELLED)
        .select_related("patient", "practitioner", "room", "treatment", "area", "course")
        .order_by("start", "practitioner__display_name", "id")
    )
    statuses = latest_intake_statuses(appointments)
    return [
        DayListRow(
            time=local_label(a.start, zone),
            end=local_label(a.end, zone),
            practitioner=a.practitioner.display_name,
            room=a.room.name,
            patient=a.patient.full_name,
            date_of_birth=a.patient.date_of_birth.isoformat(),
            phone=phone_text(a.patient.phone) or a.patient.phone_unchecked,
            treatment=a.treatment.name,
            area=a.area.name,
            session=session_words(a),
            status=a.get_status_display(),
            intake_status=intake_words(statuses, a),
        )
        for a in appointments
    ]


# "+44 20 7946 0000" starts like a formula but is only digits and separators: a spreadsheet can
# do nothing harmful with it, and the front desk dials what it reads.
PHONE_NUMBER = re.compile(r"\+[0-9 ()-]+")


def csv_safe(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not PHONE_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def day_list_export(*, location: Location, day: date, by) -> list[DayListRow]:
    """The day's rows for a download, with the audit row that says who took them."""
    rows = day_list_rows(location=location, day=day)
    audit_record(actor=by, action="day_list.export", obj=location, details={"date": day.isoformat()})
    return rows
