from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings.appointments.errors import InvalidTransition, SlotUnavailable, TooLateToChange
from bookings.appointments.services import (
    TRANSITIONS,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
    appointment_set_status,
)
from bookings.models import Appointment, BookingRules, TimeOff
from clinic.models import AuditEvent
from tests.bookings.conftest import NOW, make_patient
from tests.clearance import clear

pytestmark = pytest.mark.django_db

Status = Appointment.Status


def tomorrow(hour: int, minute: int = 0):
    return (NOW + timedelta(days=1)).replace(hour=hour, minute=minute)


def book(clinic, start, **kwargs):
    kwargs.setdefault("patient", clinic.patient)
    kwargs.setdefault("by", clinic.patient.user)
    kwargs.setdefault("practitioner", clinic.practitioner)
    return appointment_book(
        treatment=clinic.treatment, area=clinic.area, location=clinic.location, start=start, now=NOW, **kwargs
    )


def test_it_books_a_free_slot_with_a_room_and_audits_it(clinic):
    appointment = book(clinic, tomorrow(10))
    assert appointment.end - appointment.start == timedelta(minutes=30)
    assert appointment.room in clinic.rooms
    assert appointment.status == Status.BOOKED
    event = AuditEvent.objects.get(action="appointment.book")
    assert (event.object_id, event.patient, event.actor) == (str(appointment.pk), clinic.patient, clinic.patient.user)


def test_it_rejects_an_overlapping_booking_and_offers_the_nearest_free_slots(clinic):
    book(clinic, tomorrow(10))
    with pytest.raises(SlotUnavailable) as caught:
        book(clinic, tomorrow(10, 15), patient=make_patient())
    alternatives = caught.value.alternatives
    assert 1 <= len(alternatives) <= 5
    assert all(s.practitioner_id == clinic.practitioner.pk for s in alternatives)
    # Nothing offered overlaps the booked 10:00-10:30 visit or its 10-minute buffer.
    assert all(s.end <= tomorrow(9, 50) or s.start >= tomorrow(10, 40) for s in alternatives)
    assert Appointment.objects.count() == 1


def test_first_available_takes_the_other_practitioner_when_one_is_busy(clinic):
    first = book(clinic, tomorrow(10))
    second = book(clinic, tomorrow(10), patient=make_patient(), practitioner=None)
    assert second.practitioner == clinic.other
    assert second.room != first.room


def test_the_buffer_keeps_time_free_after_an_appointment(clinic):
    book(clinic, tomorrow(10))  # 10:00-10:30, buffer to 10:40
    with pytest.raises(SlotUnavailable):
        book(clinic, tomorrow(10, 30), patient=make_patient())
    assert book(clinic, tomorrow(10, 45), patient=make_patient()).start == tomorrow(10, 45)


@pytest.mark.parametrize(
    "start",
    [
        NOW + timedelta(hours=11),  # inside the 12-hour minimum notice
        tomorrow(7),  # before opening
        tomorrow(16, 45),  # would run past closing at 17:00
        NOW + timedelta(days=91),  # past the 90-day horizon
        tomorrow(10, 5),  # off the 15-minute grid
    ],
)
def test_it_refuses_a_time_the_rules_do_not_offer(clinic, start):
    with pytest.raises(SlotUnavailable):
        book(clinic, start)


def test_time_off_blocks_booking(clinic):
    TimeOff.objects.create(practitioner=clinic.practitioner, start=tomorrow(9), end=tomorrow(12), reason="Training")
    with pytest.raises(SlotUnavailable):
        book(clinic, tomorrow(10))


def test_numbing_cream_adds_its_time_to_the_visit(clinic):
    rules = BookingRules.current()
    appointment = book(clinic, tomorrow(10), numbing_cream=True)
    assert appointment.duration == timedelta(minutes=clinic.area.minutes + rules.numbing_cream_minutes)


def test_it_names_the_field_of_a_bad_request(clinic):
    other_area = clinic.treatment.__class__.objects.get(indication="FAT").areas.first()
    with pytest.raises(ValidationError) as caught:
        appointment_book(
            patient=clinic.patient,
            treatment=clinic.treatment,
            area=other_area,
            location=clinic.location,
            start=tomorrow(10).replace(tzinfo=None),
            by=clinic.patient.user,
            now=NOW,
        )
    assert set(caught.value.message_dict) == {"area", "start"}


def test_a_practitioner_from_elsewhere_is_refused(clinic):
    clinic.practitioner.locations.clear()
    with pytest.raises(ValidationError) as caught:
        book(clinic, tomorrow(10))
    assert "does not work at" in caught.value.message_dict["practitioner"][0]


def test_reception_can_overbook_with_a_reason_and_it_is_audited(clinic, reception):
    book(clinic, tomorrow(10))
    extra = book(clinic, tomorrow(10), patient=make_patient(), by=reception, override_reason="Urgent review")
    assert extra.is_override and extra.override_reason == "Urgent review"
    assert AuditEvent.objects.filter(action="appointment.overbook", object_id=str(extra.pk)).exists()


def test_a_patient_cannot_overbook(clinic):
    with pytest.raises(ValidationError):
        book(clinic, tomorrow(10), override_reason="I insist")


def test_a_patient_cancels_before_the_cut_off(clinic):
    appointment = book(clinic, tomorrow(10) + timedelta(days=1))
    appointment_cancel(appointment=appointment, by=clinic.patient.user, reason="Away", now=NOW)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED and appointment.cancel_reason == "Away"
    # The freed time can be booked again.
    assert book(clinic, tomorrow(10) + timedelta(days=1), patient=make_patient()).pk != appointment.pk


def test_a_patient_cannot_cancel_after_the_cut_off_but_reception_can(clinic, reception):
    appointment = book(clinic, tomorrow(10))
    late = tomorrow(10) - timedelta(hours=23)
    with pytest.raises(TooLateToChange) as caught:
        appointment_cancel(appointment=appointment, by=clinic.patient.user, now=late)
    assert clinic.location.phone in caught.value.message
    assert "can only be cancelled online up to 24 hours" in caught.value.message  # never "canceld"
    appointment_cancel(appointment=appointment, by=reception, now=late)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED


def test_a_patient_moves_an_appointment_to_a_free_time(clinic):
    appointment = book(clinic, tomorrow(10))
    moved = appointment_reschedule(appointment=appointment, start=tomorrow(10, 15), by=clinic.patient.user, now=NOW)
    assert (moved.start, moved.end) == (tomorrow(10, 15), tomorrow(10, 45))  # overlapping its own old time is fine
    assert AuditEvent.objects.filter(action="appointment.reschedule").count() == 1


def test_moving_onto_a_busy_time_is_refused_with_alternatives(clinic):
    appointment = book(clinic, tomorrow(10))
    book(clinic, tomorrow(14), patient=make_patient())
    with pytest.raises(SlotUnavailable) as caught:
        appointment_reschedule(appointment=appointment, start=tomorrow(14), by=clinic.patient.user, now=NOW)
    assert caught.value.alternatives
    appointment.refresh_from_db()
    assert appointment.start == tomorrow(10)


def test_a_patient_cannot_move_after_the_cut_off(clinic):
    appointment = book(clinic, tomorrow(10))
    with pytest.raises(TooLateToChange, match="can only be moved online"):
        appointment_reschedule(
            appointment=appointment, start=tomorrow(15), by=clinic.patient.user, now=tomorrow(10) - timedelta(hours=2)
        )


ALL = [s.value for s in Status]


def _at_status(clinic, status):
    patient = make_patient()
    clear(clinic, patient)  # cleared for treatment: completing is allowed (the gate: test_clearance.py)
    appointment = book(clinic, tomorrow(10), patient=patient)
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment.refresh_from_db()
    return appointment


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a]])
def test_every_invalid_status_transition_is_refused(clinic, reception, current, target):
    appointment = _at_status(clinic, current)
    with pytest.raises(InvalidTransition):
        appointment_set_status(appointment=appointment, status=target, by=reception, now=tomorrow(11))
    appointment.refresh_from_db()
    assert appointment.status == current


@pytest.mark.parametrize(("current", "target"), [(a, b) for a in ALL for b in sorted(TRANSITIONS[a])])
def test_every_allowed_status_transition_is_recorded(clinic, reception, current, target):
    appointment = _at_status(clinic, current)
    appointment_set_status(appointment=appointment, status=target, by=reception, now=tomorrow(11))
    appointment.refresh_from_db()
    assert appointment.status == target
    assert AuditEvent.objects.filter(object_id=str(appointment.pk)).exclude(action="appointment.book").exists()


@pytest.mark.parametrize("target", [Status.NO_SHOW])
def test_no_show_cannot_be_marked_before_the_appointment_starts(clinic, reception, target):
    appointment = book(clinic, tomorrow(10))
    with pytest.raises(InvalidTransition, match="before it starts"):
        appointment_set_status(appointment=appointment, status=target, by=reception, now=NOW)


def test_reception_books_a_walk_in_inside_the_online_notice_period(clinic, reception):
    # NOW is 08:00; the practitioner works from 09:00 and patients need 12 hours' notice online.
    soon = NOW.replace(hour=9, minute=15)
    with pytest.raises(SlotUnavailable):
        book(clinic, soon)  # the patient, online
    appointment = book(clinic, soon, by=reception)
    assert appointment.start == soon and not appointment.is_override


def test_reception_moves_an_appointment_to_later_today(clinic, reception):
    appointment = book(clinic, tomorrow(10))
    moved = appointment_reschedule(appointment=appointment, start=NOW.replace(hour=11), by=reception, now=NOW)
    assert moved.start == NOW.replace(hour=11)


def test_staff_still_cannot_book_in_the_past(clinic, reception):
    with pytest.raises(SlotUnavailable):
        book(clinic, NOW - timedelta(hours=1), by=reception)


def test_it_refuses_to_book_a_patient_into_two_places_at_once(clinic, reception):
    book(clinic, tomorrow(10))
    with pytest.raises(SlotUnavailable) as refused:  # the other practitioner and room are free
        book(clinic, tomorrow(10, 15), practitioner=clinic.other, by=reception)
    assert refused.value.code == "patient_busy" and "already has an appointment from 10:00 to 10:30" in str(
        refused.value
    )
    assert refused.value.alternatives  # the nearest free times come with the refusal
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1


def test_a_move_onto_the_patients_other_appointment_is_refused(clinic, reception):
    book(clinic, tomorrow(10))
    other = book(clinic, tomorrow(14), practitioner=clinic.other, by=reception)
    with pytest.raises(SlotUnavailable):
        appointment_reschedule(appointment=other, start=tomorrow(10), by=reception, now=NOW)
    other.refresh_from_db()
    assert other.start == tomorrow(14)


def test_a_cancelled_appointment_does_not_keep_the_patient_busy(clinic, reception):
    first = book(clinic, tomorrow(10))
    appointment_cancel(appointment=first, by=reception, reason="Changed plans", now=NOW)
    assert book(clinic, tomorrow(10), practitioner=clinic.other, by=reception).start == tomorrow(10)


def test_a_practitioner_stays_in_the_room_they_are_already_in_that_day(clinic):
    first = book(clinic, tomorrow(10))
    book(clinic, tomorrow(10), patient=make_patient(), practitioner=clinic.other)
    later = book(clinic, tomorrow(12), patient=make_patient())
    assert later.room_id == first.room_id


def test_two_practitioners_booking_one_time_try_different_rooms_first(clinic):
    """Each booking tried room 1 first, so two at one time queued on its constraint and one had
    to retry; the room a practitioner tries first now follows from who they are."""
    from bookings.appointments.slots import rooms_in_preference
    from bookings.domain.availability import RoomDiary

    rooms = [RoomDiary(room_id=room.pk) for room in clinic.rooms]
    first_tried = [rooms_in_preference(rooms, practitioner_id, None)[0].room_id for practitioner_id in (6, 7)]
    assert sorted(first_tried) == sorted(room.pk for room in clinic.rooms)
    one = book(clinic, tomorrow(10))
    other = book(clinic, tomorrow(10), patient=make_patient(), practitioner=clinic.other)
    assert one.room_id != other.room_id
