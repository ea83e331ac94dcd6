"""Demo appointments for `seed_demo`: a diary with phone patients in it, so reception's day view,
the week view and the worklist show something on a fresh `make run`.

Booked through `appointment_book` as the demo receptionist, like a real phone booking, so every
rule (hours, rooms, buffers) holds and the reminders are queued as they would be.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.errors import Conflict
from clinic.models import Location, Patient, Practitioner, User
from treatments.models import Treatment

# Phone patients (no online account), found again by name and date of birth on the next run.
PHONE_PATIENTS = [
    ("Olivia", "Bennett", date(1986, 3, 2), "07700 900201"),
    ("Sofia", "Romano", date(1979, 11, 23), "07700 900202"),
    ("Grace", "Adeyemi", date(1992, 7, 9), "07700 900203"),
    ("Hannah", "Fischer", date(1983, 1, 30), "07700 900204"),
    ("Chloe", "Martin", date(1995, 5, 17), "07700 900205"),
    ("Amira", "Haddad", date(1988, 9, 12), "07700 900206"),
    ("Lucy", "O'Neill", date(1975, 12, 4), "07700 900207"),
    ("Isabel", "Costa", date(1990, 2, 21), "07700 900208"),
]
TIMES = [time(9, 30), time(10, 30), time(11, 15), time(12, 0), time(14, 15), time(15, 0), time(16, 0), time(17, 0)]
DAYS = 5


def demo_diary_fill(*, location: Location, reception: User, now: datetime | None = None) -> int:
    """Book the demo patients into the next few days at `location`; nothing when they already
    have appointments from today on. Returns how many appointments were booked."""
    now = now or timezone.now()
    patients = [
        Patient.objects.get_or_create(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            user=None,
            defaults={"phone": phone, "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.org"},
        )[0]
        for first, last, born, phone in PHONE_PATIENTS
    ]
    today = now.astimezone(location.zone).date()
    start_of_today = datetime.combine(today, time(0), tzinfo=location.zone)
    if Appointment.objects.filter(patient__in=patients, start__gte=start_of_today).exists():
        return 0
    treatments = list(Treatment.objects.filter(is_active=True).prefetch_related("areas").order_by("id"))
    practitioners = list(Practitioner.objects.filter(locations=location, is_active=True).order_by("id"))
    booked = 0
    turn = 0
    for offset in range(DAYS):
        day = today + timedelta(days=offset)
        for n, practitioner in enumerate(practitioners):
            # Every other time for each practitioner, shifted so the diary is not a chessboard.
            for slot in TIMES[(n + offset) % 2 :: 2]:
                start = datetime.combine(day, slot, tzinfo=location.zone)
                if start <= now:
                    continue
                treatment = treatments[turn % len(treatments)]
                area = list(treatment.areas.all())[0]
                try:
                    appointment_book(
                        patient=patients[turn % len(patients)],
                        treatment=treatment,
                        area=area,
                        location=location,
                        start=start,
                        by=reception,
                        practitioner=practitioner,
                        now=now,
                    )
                except (Conflict, ValidationError):
                    continue  # not working then, or a patient's earlier visit is in the way: skip it
                booked += 1
                turn += 1
    return booked
