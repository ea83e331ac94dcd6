"""Finding the slot a booking asks for, and inserting an appointment into it.

Two guards stop a double booking: the availability check here (which also applies working
hours, buffers and notice), and, on PostgreSQL, the exclusion constraints that catch the race
two requests can still run between check and insert. On SQLite, IMMEDIATE transactions take the
write lock at BEGIN, so check-then-insert cannot interleave.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from bookings.appointments.errors import PatientBusy, SlotUnavailable
from bookings.diary.loading import availability_search, diary_load, staff_rules
from bookings.domain import availability as av
from bookings.models import MAX_APPOINTMENT, Appointment, BookingRules
from clinic.models import Location, Practitioner, Room
from treatments.models import Area, Treatment

ALTERNATIVES = 5
# A 409's alternatives come from the day asked for and the next three: one diary load of four
# days, so a refusal costs no more than a booking (it searched 18 days before issue 16).
ALTERNATIVE_DAYS = 4


@dataclass(frozen=True)
class SlotRequest:
    """What a booking or a move asks for: a start at a location, for a visit of some length."""

    location: Location
    treatment: Treatment
    start: datetime
    duration: timedelta
    practitioner_id: int | None = None
    room_id: int | None = None  # reception booking from a room's column asks for that room only
    exclude_appointment_id: int | None = None  # a move: the appointment does not block itself
    for_staff: bool = False  # staff skip the online minimum notice


def request_validate(
    *, treatment: Treatment, area: Area, location: Location, practitioner: Practitioner | None, start: datetime
) -> None:
    errors: dict[str, str] = {}
    if timezone.is_naive(start):
        errors["start"] = "Give the start time with its UTC offset, e.g. 2026-12-01T10:00:00+00:00."
    if area.treatment_id != treatment.pk:
        errors["area"] = f"“{area.name}” is not an area of {treatment.name.lower()}."
    if not treatment.is_active:
        errors["treatment"] = f"{treatment.name} is not offered at the moment."
    if not location.is_active:
        errors["location"] = f"{location.name} is not taking bookings."
    if practitioner is not None and not practitioner.is_active:
        errors["practitioner"] = f"{practitioner.display_name} does not work at {location.name}."
    if errors:
        raise ValidationError(errors)


def practitioner_check(*, practitioner: Practitioner, location: Location, treatment: Treatment) -> None:
    """A form error when the practitioner does not work at the location or perform the treatment.

    Two queries, so a booking asks only when the diary it loaded has no hours for them (or for an
    overbooking, which loads no diary): a booking that finds its practitioner costs nothing."""
    if not practitioner.locations.filter(pk=location.pk).exists():
        raise ValidationError({"practitioner": f"{practitioner.display_name} does not work at {location.name}."})
    if not practitioner.treatments.filter(pk=treatment.pk).exists():
        raise ValidationError(
            {"practitioner": f"{practitioner.display_name} does not perform {treatment.name.lower()}."}
        )


def slot_free(request: SlotRequest, *, rules: BookingRules, now: datetime) -> av.Slot:
    """The slot to book for `request`, or SlotUnavailable saying why there is none."""
    location = request.location
    day = request.start.astimezone(location.zone).date()
    diary = diary_load(
        location=location,
        treatment=request.treatment,
        first_day=day,
        last_day=day,
        practitioner_id=request.practitioner_id,
        exclude_appointment_id=request.exclude_appointment_id,
        rules=rules,
        count_rooms=True,
        now=now,
    )
    rooms = [r for r in diary.rooms if request.room_id is None or r.room_id == request.room_id]
    engine_rules = staff_rules(diary.rules) if request.for_staff else diary.rules
    check = {
        "slot_start": request.start,
        "duration": request.duration,
        "rooms": rooms,
        "tz": location.zone,
        "rules": engine_rules,
        "now": now,
        "closures": diary.closures,
    }
    for practitioner in diary.practitioners:
        ordered = rooms_in_preference(
            rooms, practitioner.practitioner_id, diary.rooms_used.get(practitioner.practitioner_id)
        )
        slot = av.slot_is_free(practitioner=practitioner, **{**check, "rooms": ordered})
        if slot is not None:
            return slot
    if request.practitioner_id is not None and not diary.practitioners:
        practitioner = Practitioner.objects.get(pk=request.practitioner_id)
        practitioner_check(practitioner=practitioner, location=location, treatment=request.treatment)
        raise SlotUnavailable(f"That time is not free: {practitioner.display_name} does not work that day.")
    if len(diary.practitioners) != 1:
        raise SlotUnavailable("That time is not free: no practitioner who does this treatment is free then.")
    reason = av.slot_refusal(practitioner=diary.practitioners[0], **check)
    raise SlotUnavailable(f"That time is not free: {reason or 'it has just been taken'}.")


def rooms_in_preference(rooms: list[av.RoomDiary], practitioner_id: int, used: Counter | None) -> list[av.RoomDiary]:
    """The rooms in the order a booking tries them: the one the practitioner already works in that
    day first (nobody moves rooms between patients), then the rest starting at a place given by
    the practitioner's id. Every booking trying room 1 first made two practitioners booking the
    same time queue on its constraint, and the loser retry: bookings at one time were serial."""
    if not rooms:
        return rooms
    shift = practitioner_id % len(rooms)
    rotated = rooms[shift:] + rooms[:shift]
    if not used:
        return rotated
    return sorted(rotated, key=lambda room: -used.get(room.room_id, 0))  # stable: rotation breaks ties


def slot_override(
    *, location: Location, practitioner: Practitioner, start: datetime, duration: timedelta, room: Room | None = None
) -> av.Slot:
    """Reception's overbooking: the practitioner as asked, the room asked for, else the first room
    free then (else the first room)."""
    # Real minutes: on a start aware in a local zone, Python adds wall-clock time, and a 30-minute
    # visit at 01:30 on the night the clocks go back would end at 02:00 GMT, 90 minutes later.
    start = start.astimezone(UTC)
    end = start + duration
    if room is not None:
        if room.location_id != location.pk or not room.is_active:
            raise ValidationError({"room": f"{room.name} is not a room at {location.name}."})
        return av.Slot(start=start, end=end, practitioner_id=practitioner.pk, room_id=room.pk)
    rooms = list(Room.objects.filter(location=location, is_active=True).order_by("name", "id"))
    if not rooms:
        raise ValidationError({"location": f"{location.name} has no room to book into."})
    busy_rooms = set(
        Appointment.objects.active().filter(location=location).overlapping(start, end).values_list("room_id", flat=True)
    )
    room = next((r for r in rooms if r.pk not in busy_rooms), rooms[0])
    return av.Slot(start=start, end=end, practitioner_id=practitioner.pk, room_id=room.pk)


def slot_alternatives(request: SlotRequest, *, area: Area, numbing_cream: bool, now: datetime) -> list[av.Slot]:
    """The free slots nearest the requested time, same practitioner if one was asked for: later
    that day or on the next few days (the patient asked for this day; earlier ones have often
    gone, and the patient's page offers the whole calendar)."""
    day = request.start.astimezone(request.location.zone).date()
    slots = availability_search(
        treatment=request.treatment,
        area=area,
        location=request.location,
        first_day=day,
        last_day=day + timedelta(days=ALTERNATIVE_DAYS - 1),
        now=now,
        practitioner_id=request.practitioner_id,
        numbing_cream=numbing_cream,
        for_staff=request.for_staff,
    )
    nearest = sorted(slots, key=lambda s: abs(s.start - request.start))[:ALTERNATIVES]
    return sorted(nearest, key=lambda s: s.start)


# The exclusion constraints (migrations 0003 and 0011) and what losing each race means.
PRACTITIONER_OVERLAP = "bookings_appt_no_practitioner_overlap"
ROOM_OVERLAP = "bookings_appt_no_room_overlap"
PATIENT_OVERLAP = "bookings_appt_no_patient_overlap"
OVERLAPS = (PRACTITIONER_OVERLAP, ROOM_OVERLAP, PATIENT_OVERLAP)
DEADLOCK_DETECTED = "40P01"


def appointment_insert(appointment: Appointment, *, update: bool = False, any_room: bool = True) -> Appointment:
    """Save a new (or moved) appointment in a savepoint; a lost race is SlotUnavailable.

    The database decides the race: the practitioner (buffer included), the room and the patient
    each have an exclusion constraint. A room taken meanwhile by another practitioner's booking
    is not a lost slot: with `any_room` the next free room is tried. The savepoint leaves the
    caller's transaction usable, so a course schedule can record a session as unplaced and go on.
    """
    _hold_buffer([appointment])
    if connection.vendor != "postgresql":
        _check_patient_free(appointment)  # no exclusion constraint to ask afterwards
    tried: set[int] = set()
    deadlocks = 0
    holds_released = False
    while True:
        try:
            with transaction.atomic():
                appointment.save(force_insert=not update)
            return appointment
        except OperationalError as exc:
            # Two bookings that clash insert at the same moment: each constraint check waits for
            # the other's transaction, and PostgreSQL ends the wait by failing one of them. The
            # savepoint's rollback released this one's locks, so inserting again waits for the
            # other to commit and then names the constraint it loses to (the patient, the time).
            if getattr(exc.__cause__, "pgcode", None) != DEADLOCK_DETECTED:
                raise
            deadlocks += 1
            if deadlocks < 2:
                continue
            raise SlotUnavailable("Someone has just booked that time.") from exc
        except IntegrityError as exc:
            constraint = _constraint_of(exc)
            if constraint in OVERLAPS and not holds_released:
                # A waitlist hold past its held_until still matches the constraint (its condition
                # cannot read the clock): release the expired ones in the way and insert once more.
                # Only a refused insert pays for this; the waitlist's sweep cascades the offer.
                holds_released = True
                if holds_release_expired(appointment, now=timezone.now()):
                    continue
            if constraint == PATIENT_OVERLAP:
                # Asked only now (the savepoint is rolled back): a read before every insert
                # would cost each booking a statement to word a refusal that is rare.
                _check_patient_free(appointment)
                raise PatientBusy("The patient has just been booked elsewhere at that time.") from exc
            if constraint == ROOM_OVERLAP and any_room and not appointment.is_override:
                tried.add(appointment.room_id)
                room_id = _another_free_room(appointment, tried)
                if room_id is not None:
                    appointment.room_id = room_id
                    continue
            if constraint in (PRACTITIONER_OVERLAP, ROOM_OVERLAP):
                raise SlotUnavailable("Someone has just booked that time.") from exc
            raise


def appointments_insert_all(appointments: list[Appointment]) -> bool:
    """Insert them all in one statement (a course's sessions), or none: False when any lost a
    race (or the database has no constraints to decide one), for the caller to insert them one
    by one with `appointment_insert` and record the losers."""
    if not appointments or connection.vendor != "postgresql":
        return False
    _hold_buffer(appointments)
    try:
        with transaction.atomic():
            Appointment.objects.bulk_create(appointments)
    except IntegrityError:
        for appointment in appointments:
            appointment.pk = None
            appointment._state.adding = True
        return False
    return True


def _hold_buffer(appointments: list[Appointment]) -> None:
    """The constraints hold each appointment's time plus the buffer after it (`blocked_until`)."""
    buffer = BookingRules.current().as_availability_rules().buffer
    for appointment in appointments:
        appointment.blocked_until = appointment.end + buffer


def holds_release_expired(appointment: Appointment, *, now: datetime) -> int:
    """Delete the expired waitlist holds that overlap `appointment` (its practitioner, room or
    patient): how many went."""
    end = appointment.blocked_until or appointment.end
    expired = (
        Appointment.with_holds.filter(status=Appointment.HELD, held_until__lte=now)
        .filter(start__lt=end, start__gte=appointment.start - MAX_APPOINTMENT)
        .filter(Q(blocked_until__gt=appointment.start) | Q(blocked_until__isnull=True, end__gt=appointment.start))
        .filter(
            Q(practitioner_id=appointment.practitioner_id)
            | Q(room_id=appointment.room_id)
            | Q(patient_id=appointment.patient_id)
        )
        .exclude(pk=appointment.pk)
    )
    deleted, _ = expired.delete()
    return deleted


def _another_free_room(appointment: Appointment, tried: set[int]) -> int | None:
    """A room of the location free for the appointment's held range now (read after the race)."""
    busy = (
        Appointment.objects.active()
        .filter(location_id=appointment.location_id, is_override=False, start__lt=appointment.blocked_until)
        .filter(Q(blocked_until__gt=appointment.start) | Q(blocked_until__isnull=True, end__gt=appointment.start))
        .exclude(pk=appointment.pk)
        .values("room_id")
    )
    return (
        Room.objects.filter(location_id=appointment.location_id, is_active=True)
        .exclude(pk__in=tried)
        .exclude(pk__in=busy)
        .order_by("name", "id")
        .values_list("pk", flat=True)
        .first()
    )


def _constraint_of(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _check_patient_free(appointment: Appointment) -> None:
    """Even with the practitioner and a room free, the patient may be booked elsewhere then
    (a second treatment, or a phone booking on top of an online one): the words for it (where
    and when). On PostgreSQL the patient constraint decides, and this is read after it refused."""
    clash = (
        Appointment.objects.filter(
            patient_id=appointment.patient_id,
            status__in=Appointment.ACTIVE_STATUSES,
            start__lt=appointment.end,
            end__gt=appointment.start,
        )
        .exclude(pk=appointment.pk)
        .select_related("location")
        .first()
    )
    if clash is not None:
        zone = clash.location.zone
        raise PatientBusy(
            f"The patient already has an appointment from {clash.start.astimezone(zone):%H:%M} "
            f"to {clash.end.astimezone(zone):%H:%M} that day at {clash.location.name}."
        )
