"""Offering a freed slot, the hold, the answers, and the cascade when an offer runs out."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from bookings.appointments.errors import SlotUnavailable
from bookings.appointments.services import appointment_cancel
from bookings.models import Appointment
from clinic.models import Notification
from clinic.outbox import outbox_dispatch
from tests.bookings.conftest import NOW, make_patient
from tests.waitlist.conftest import TOMORROW_10, book, join
from waitlist.links import offer_id_from, offer_token
from waitlist.models import Entry, FreedSlot, Offer
from waitlist.offers import OfferGone, offer_accept, offer_close, slot_offer_next
from waitlist.tasks import sweep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def cancel_and_offer(clinic, *, now=NOW):
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=appointment.patient.user, now=now)
    slot = FreedSlot.objects.get()
    return slot, slot_offer_next(slot_id=slot.pk, now=now)


def test_it_records_the_freed_slot_in_the_cancellation_and_offers_it_to_the_longest_waiting(clinic, waiting):
    slot, offer = cancel_and_offer(clinic)
    assert (slot.start, slot.practitioner_id, slot.cause) == (TOMORROW_10, clinic.practitioner.pk, "cancelled")
    assert offer.entry == waiting[0]
    assert (offer.start, offer.expires_at) == (TOMORROW_10, NOW + timedelta(minutes=15))
    assert Entry.objects.get(pk=waiting[0].pk).status == Entry.Status.OFFERED
    assert sorted(Notification.objects.filter(kind="waitlist.offer").values_list("channel", flat=True)) == [
        "email",
        "sms",
    ]


def test_it_holds_the_slot_so_nobody_else_can_book_it_meanwhile(clinic, waiting):
    cancel_and_offer(clinic)
    hold = Appointment.with_holds.get(status=Appointment.HELD)
    assert (hold.patient_id, hold.start) == (waiting[0].patient_id, TOMORROW_10)
    with pytest.raises(SlotUnavailable):
        book(clinic)


def test_it_sends_the_offer_with_a_signed_link_and_no_patient_data_in_it(clinic, waiting):
    _, offer = cancel_and_offer(clinic)
    outbox_dispatch(now=NOW)
    [email] = [m for m in mail.outbox if m.subject.startswith("A time has come free")]
    assert email.to == [waiting[0].patient.email]
    token = offer_token(offer)
    assert f"/waitlist/offers/{token}/" in email.body
    assert offer_id_from(token) == offer.pk
    assert offer_id_from(token[:-2] + "xx") is None
    assert waiting[0].patient.email not in token and waiting[0].patient.last_name not in token


def test_it_drops_the_offer_message_when_the_offer_has_gone_by_send_time(clinic, waiting):
    _, offer = cancel_and_offer(clinic)
    offer_close(offer=offer, status=Offer.Status.DECLINED, by=waiting[0].patient.user, now=NOW)
    outbox_dispatch(now=NOW + timedelta(minutes=1))
    assert not [m for m in mail.outbox if m.subject.startswith("A time has come free")]
    assert set(Notification.objects.filter(kind="waitlist.offer").values_list("status", flat=True)) == {"dropped"}


def test_accepting_books_through_the_booking_service_and_refills_the_slot(clinic, waiting):
    slot, offer = cancel_and_offer(clinic)
    patient = waiting[0].patient
    appointment = offer_accept(offer=offer, by=patient.user, now=NOW + timedelta(minutes=5))
    assert (appointment.patient, appointment.start, appointment.status) == (patient, TOMORROW_10, "booked")
    assert appointment.course is not None  # the booking's course and questionnaire, as for any booking
    assert not Appointment.with_holds.filter(status=Appointment.HELD).exists()
    slot.refresh_from_db()
    assert slot.refilled_by == appointment and slot.done_at is not None
    assert Entry.objects.get(pk=waiting[0].pk).status == Entry.Status.BOOKED
    with pytest.raises(OfferGone):  # a second accept
        offer_accept(offer=offer, by=patient.user, now=NOW + timedelta(minutes=6))


def test_an_accept_after_the_offer_expired_is_refused(clinic, waiting):
    _, offer = cancel_and_offer(clinic)
    with pytest.raises(OfferGone):
        offer_accept(offer=offer, by=waiting[0].patient.user, now=NOW + timedelta(minutes=15))


def test_an_expired_offer_cascades_to_the_next_entry_then_the_slot_returns_to_everyone(clinic, waiting):
    slot, first = cancel_and_offer(clinic)
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        sweep()
    first.refresh_from_db()
    assert first.status == Offer.Status.EXPIRED
    second = Offer.objects.get(status=Offer.Status.OFFERED)
    assert second.entry == waiting[1]
    assert Entry.objects.get(pk=waiting[0].pk).status == Entry.Status.WAITING  # still waiting for another time
    hold = Appointment.with_holds.get(status=Appointment.HELD)
    assert hold.patient_id == waiting[1].patient_id
    with time_machine.travel(NOW + timedelta(minutes=32), tick=False):
        sweep()
        slot.refresh_from_db()
        assert slot.done_at is not None  # nobody left who was not asked
        assert not Appointment.with_holds.filter(status=Appointment.HELD).exists()
        later = NOW + timedelta(minutes=32)
        assert book(clinic, now=later).start == TOMORROW_10


def test_a_declined_offer_goes_to_the_next_entry_at_once(clinic, waiting, django_capture_on_commit_callbacks):
    _, offer = cancel_and_offer(clinic)
    with django_capture_on_commit_callbacks(execute=True):
        offer_close(offer=offer, status=Offer.Status.DECLINED, by=waiting[0].patient.user, now=NOW)
    assert Offer.objects.get(status=Offer.Status.OFFERED).entry == waiting[1]


def test_leaving_the_list_withdraws_the_open_offer(clinic, waiting):
    from waitlist.services import entry_leave

    _, offer = cancel_and_offer(clinic)
    entry_leave(entry=waiting[0], by=waiting[0].patient.user, now=NOW)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    assert Entry.objects.get(pk=waiting[0].pk).status == Entry.Status.LEFT
    assert not Appointment.with_holds.filter(status=Appointment.HELD).exists()


def test_an_earlier_than_offer_moves_the_current_appointment(clinic):
    patient = make_patient()
    current = book(clinic, patient=patient, start=TOMORROW_10 + timedelta(days=6))
    entry = join(clinic, patient=patient, current_appointment=current)
    slot, offer = cancel_and_offer(clinic)
    assert offer.entry == entry
    moved = offer_accept(offer=offer, by=patient.user, now=NOW + timedelta(minutes=1))
    assert moved.pk == current.pk and moved.start == TOMORROW_10
    assert Appointment.objects.filter(patient=patient).count() == 1
    # The time it left is a freed slot of its own, for the next person waiting.
    assert FreedSlot.objects.filter(start=TOMORROW_10 + timedelta(days=6), cause="moved").exists()


def test_it_waits_for_the_end_of_quiet_hours(clinic, waiting):
    night = NOW.replace(hour=22)  # 22:00 in London
    appointment = book(clinic, start=TOMORROW_10 + timedelta(days=1))
    appointment_cancel(appointment=appointment, by=appointment.patient.user, now=night)
    slot = FreedSlot.objects.get()
    assert slot_offer_next(slot_id=slot.pk, now=night) is None
    slot.refresh_from_db()
    assert slot.offer_after == (NOW + timedelta(days=1)).replace(hour=8)
    with time_machine.travel(slot.offer_after, tick=False):
        sweep()
    assert Offer.objects.get().entry == waiting[0]


def test_it_records_no_freed_slot_inside_the_minimum_notice(clinic, waiting):
    appointment = book(clinic, start=TOMORROW_10)
    appointment_cancel(appointment=appointment, by=None, now=TOMORROW_10 - timedelta(hours=2))
    assert not FreedSlot.objects.exists()


def test_it_expires_entries_at_the_end_of_their_range(clinic):
    entry = join(clinic)
    with time_machine.travel(NOW + timedelta(days=19), tick=False):
        sweep()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WAITING  # the 20th, its last day, is still in range
    with time_machine.travel(NOW + timedelta(days=20), tick=False):
        sweep()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.EXPIRED


def test_a_slot_freed_on_the_night_the_clocks_go_forward_is_offered_at_eight_local(clinic):
    from datetime import UTC, date, datetime

    # Saturday 27 March 2027, 22:00 UTC is 22:00 GMT: quiet. Quiet hours end at 08:00 BST on the
    # Sunday, which is 07:00 UTC (an hour earlier than in winter).
    night = datetime(2027, 3, 27, 22, 0, tzinfo=UTC)
    entry = join(clinic, now=night - timedelta(days=7), earliest=date(2027, 3, 1), latest=date(2027, 4, 10))
    with time_machine.travel(night, tick=False):
        appointment = book(clinic, start=datetime(2027, 3, 30, 9, 0, tzinfo=UTC), now=night)
        appointment_cancel(appointment=appointment, by=None, now=night)
        sweep()
    assert not Offer.objects.exists()
    assert FreedSlot.objects.get().offer_after == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2027, 3, 28, 6, 59, tzinfo=UTC), tick=False):
        sweep()
    assert not Offer.objects.exists()
    with time_machine.travel(datetime(2027, 3, 28, 7, 0, tzinfo=UTC), tick=False):
        sweep()
    assert Offer.objects.get().entry == entry


def test_new_working_hours_are_offered_like_a_freed_slot(clinic, reception):
    from datetime import time

    from bookings.diary.hours import Block, working_hours_replace

    evening = join(clinic, times=[(time(17), time(19))])
    join(clinic, times=[(time(9), time(12))])  # mornings only: not for the new evenings
    blocks = [Block(day, time(9), time(19)) for day in range(7)]
    working_hours_replace(
        practitioner=clinic.practitioner, location=clinic.location, blocks=blocks, by=reception, now=NOW
    )
    slots = list(FreedSlot.objects.order_by("start"))
    # Two weeks of 17:00-19:00, less this evening (inside the 12-hour minimum notice).
    assert len(slots) == 13 and {s.cause for s in slots} == {"hours"}
    assert (slots[0].start, slots[0].end) == (TOMORROW_10.replace(hour=17), TOMORROW_10.replace(hour=19))
    offer = slot_offer_next(slot_id=slots[0].pk, now=NOW)
    assert (offer.entry, offer.start) == (evening, TOMORROW_10.replace(hour=17))


def test_removed_time_off_is_offered_like_a_freed_slot(clinic, reception):
    from bookings.diary.hours import time_off_remove
    from bookings.models import TimeOff

    entry = join(clinic)
    away = TimeOff.objects.create(
        practitioner=clinic.practitioner, start=TOMORROW_10.replace(hour=0), end=TOMORROW_10.replace(hour=23)
    )
    time_off_remove(time_off=away, by=reception, now=NOW)
    [slot] = FreedSlot.objects.all()
    assert (slot.start, slot.end, slot.cause) == (TOMORROW_10.replace(hour=9), TOMORROW_10.replace(hour=17), "hours")
    assert slot_offer_next(slot_id=slot.pk, now=NOW).entry == entry
