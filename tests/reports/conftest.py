"""A hand-built diary for the reports: a London and a Paris location, a practitioner at each
(and one more in London), rooms, two treatments, and helpers that place appointments, courses,
questionnaires and messages at exact instants (the DST days of 2027 included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

import pytest

from bookings.models import Appointment, Course, WorkingHours
from clinic.models import Location, Notification, Patient, Practitioner, Room
from clinic.roles import Role, user_set_roles
from tests.factories import LocationFactory, PatientFactory, PractitionerFactory, RoomFactory, UserFactory
from treatments.models import Area, Treatment

LONDON, PARIS = ZoneInfo("Europe/London"), ZoneInfo("Europe/Paris")
SPRING, AUTUMN = datetime(2027, 3, 28).date(), datetime(2027, 10, 31).date()  # the clocks change
_keys = count(1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(day, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


@dataclass
class Diary:
    london: Location
    paris: Location
    rooms: list[Room]
    paris_room: Room
    a: Practitioner
    b: Practitioner
    skin: Treatment
    face: Area
    cell: Treatment
    thighs: Area
    manager: object

    def appointment(
        self,
        start: datetime,
        *,
        minutes: int = 60,
        status: str = Appointment.Status.COMPLETED,
        patient: Patient | None = None,
        practitioner: Practitioner | None = None,
        room: Room | None = None,
        treatment: Treatment | None = None,
        created: datetime | None = None,
        course: Course | None = None,
        session: int | None = None,
    ) -> Appointment:
        practitioner = practitioner or self.a
        location = self.paris if practitioner == self.b else self.london
        treatment = treatment or self.skin
        appointment = Appointment.objects.create(
            patient=patient or PatientFactory(),
            practitioner=practitioner,
            room=room or (self.paris_room if location == self.paris else self.rooms[0]),
            location=location,
            treatment=treatment,
            area=self.face if treatment == self.skin else self.thighs,
            start=start,
            end=start + timedelta(minutes=minutes),
            status=status,
            course=course,
            session_number=session,
        )
        if created:
            Appointment.objects.filter(pk=appointment.pk).update(created_at=created)
        return appointment

    def course(self, created: datetime, *, status: str, treatment: Treatment | None = None, **extra) -> Course:
        treatment = treatment or self.skin
        course = Course.objects.create(
            patient=extra.pop("patient", None) or PatientFactory(),
            treatment=treatment,
            area=self.face if treatment == self.skin else self.thighs,
            practitioner=self.a,
            location=self.london,
            sessions_planned=4,
            interval_days=14,
            status=status,
            **extra,
        )
        Course.objects.filter(pk=course.pk).update(created_at=created)
        return course

    def message(self, kind: str, due: datetime, *, status: str, subject, last_error: str = "") -> Notification:
        return Notification.objects.create(
            kind=kind,
            channel=Notification.Channel.EMAIL,
            subject_type=subject._meta.label_lower,
            subject_id=subject.pk,
            due_at=due,
            status=status,
            last_error=last_error,
            attempts=2 if last_error else 1,
            idempotency_key=f"test-{next(_keys)}",
        )


def _practitioner(location: Location, treatments: list[Treatment]) -> Practitioner:
    practitioner = PractitionerFactory()
    user_set_roles(user=practitioner.user, roles=[Role.PRACTITIONER])
    practitioner.locations.add(location)
    for treatment in treatments:
        treatment.practitioners.add(practitioner)
    return practitioner


@pytest.fixture
def diary(db) -> Diary:
    london = LocationFactory(name="London", slug="london", timezone="Europe/London", country="GB", subdivision="ENG")
    paris = LocationFactory(name="Paris", slug="paris", timezone="Europe/Paris", country="FR", subdivision="")
    skin, cell = Treatment.objects.get(indication="SKIN"), Treatment.objects.get(indication="CELL")
    a, b = _practitioner(london, [skin, cell]), _practitioner(paris, [skin, cell])
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    return Diary(
        london=london,
        paris=paris,
        rooms=[RoomFactory(location=london, name="Room 1"), RoomFactory(location=london, name="Room 2")],
        paris_room=RoomFactory(location=paris, name="Salle 1"),
        a=a,
        b=b,
        skin=skin,
        face=skin.areas.get(slug="face"),
        cell=cell,
        thighs=cell.areas.first(),
        manager=manager,
    )


def hours(practitioner: Practitioner, location: Location, weekday: int, start: time, end: time) -> None:
    WorkingHours.objects.create(practitioner=practitioner, location=location, weekday=weekday, start=start, end=end)


def scope_of(diary: Diary, first, last=None, *, chosen: Location | None = None):
    from reports.domain.periods import Period
    from reports.selectors.scope import Scope

    locations = (chosen,) if chosen else (diary.london, diary.paris)
    return Scope(locations=locations, period=Period(first, last or first), chosen=chosen)


def rows_of(report, figure: str) -> list[list]:
    return next(f for f in report.figures if f.slug == figure).table.rows
