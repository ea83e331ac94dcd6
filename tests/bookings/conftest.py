from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import pytest
import time_machine

from bookings.models import WorkingHours
from clinic.models import Location, Patient, Practitioner, Room
from clinic.roles import Role, user_set_roles
from tests.factories import LocationFactory, PatientFactory, PractitionerFactory, RoomFactory, UserFactory
from treatments.models import Area, Treatment

# A Tuesday morning in winter (UTC == Europe/London), well away from DST changes.
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@dataclass
class Clinic:
    location: Location
    rooms: list[Room]
    practitioner: Practitioner
    other: Practitioner
    patient: Patient
    treatment: Treatment
    area: Area


def make_practitioner(location: Location, treatment: Treatment, *, start=time(9), end=time(17)) -> Practitioner:
    practitioner = PractitionerFactory()
    user_set_roles(user=practitioner.user, roles=[Role.PRACTITIONER])
    practitioner.locations.add(location)
    treatment.practitioners.add(practitioner)
    WorkingHours.objects.bulk_create(
        WorkingHours(practitioner=practitioner, location=location, weekday=day, start=start, end=end)
        for day in range(7)
    )
    return practitioner


def make_patient(**kwargs) -> Patient:
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.PATIENT])
    return PatientFactory(user=user, **kwargs)


@pytest.fixture
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def clinic(db) -> Clinic:
    location = LocationFactory(phone="020 7946 0999")
    rooms = [RoomFactory(location=location, name="Room 1"), RoomFactory(location=location, name="Room 2")]
    treatment = Treatment.objects.get(indication="SKIN")
    area = treatment.areas.get(slug="face")  # 30 minutes
    return Clinic(
        location=location,
        rooms=rooms,
        practitioner=make_practitioner(location, treatment),
        other=make_practitioner(location, treatment),
        patient=make_patient(),
        treatment=treatment,
        area=area,
    )


@pytest.fixture
def reception(clinic):
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.RECEPTION])
    clinic.location.staff.add(user)
    return user
