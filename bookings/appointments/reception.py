"""Reception books at the desk: a found patient, or a phone or walk-in patient added on the spot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from clinic.accounts.services import patient_create_without_account
from clinic.models import Location, Patient, Practitioner, Room
from clinic.phones import region_of
from treatments.models import Area, Treatment


@dataclass(frozen=True)
class NewPatient:
    """A phone or walk-in patient reception adds while booking (a record with no online account)."""

    first_name: str
    last_name: str
    date_of_birth: date
    phone: str
    email: str


def appointment_book_at_desk(
    *,
    by: Any,
    patient: Patient | NewPatient,
    location: Location,
    treatment: Treatment,
    area: Area,
    start: datetime,
    practitioner: Practitioner | None,
    room: Room | None,
    numbing_cream: bool,
    override_reason: str,
    today: date,
) -> Appointment:
    """The new patient's record and the booking commit together: a refused booking (a taken slot,
    a busy patient) leaves no new patient behind."""
    with transaction.atomic(durable=True):
        if isinstance(patient, NewPatient):
            patient = patient_create_without_account(by=by, today=today, region=region_of(location), **vars(patient))
        return appointment_book(
            patient=patient,
            treatment=treatment,
            area=area,
            location=location,
            start=start,
            by=by,
            practitioner=practitioner,
            room=room,
            numbing_cream=numbing_cream,
            override_reason=override_reason,
        )
