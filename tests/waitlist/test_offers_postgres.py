"""Exactly one offer per entry and slot, and one hold per slot, when two workers run at once:
real threads, real PostgreSQL transactions, the real services (as tests/bookings/test_races_postgres.py)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bookings.appointments.services import appointment_cancel
from bookings.models import Appointment
from tests.bookings.conftest import NOW
from tests.waitlist.conftest import TOMORROW_10, book, join
from waitlist.models import Entry, FreedSlot, Offer
from waitlist.offers import offer_accept, slot_offer_next

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("frozen_now"),
]
ROUNDS = 6


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """The two workers are this test's threads: the task queued on commit (run eagerly in the
    tests) would offer the slot before they start."""
    monkeypatch.setattr("waitlist.offers.task_after_commit", lambda *args: None)


def together(*calls) -> list[str]:
    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait(timeout=10)
            result = fn()
            outcome = "none" if result is None else "offer"
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test, named
            outcome = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def freed(clinic, start) -> FreedSlot:
    appointment = book(clinic, start=start)
    appointment_cancel(appointment=appointment, by=None, now=NOW)
    return FreedSlot.objects.get(start=start, done_at=None)


def test_two_workers_on_one_freed_slot_make_exactly_one_offer(clinic):
    for day in range(ROUNDS):
        join(clinic), join(clinic)
        slot = freed(clinic, TOMORROW_10 + timedelta(days=day))
        offer = lambda s=slot: slot_offer_next(slot_id=s.pk, now=NOW)  # noqa: E731
        assert together(offer, offer) == ["none", "offer"], f"round {day}"
        assert Offer.objects.filter(slot=slot).count() == 1
        assert Appointment.with_holds.filter(status=Appointment.HELD, start=slot.start).count() == 1


def test_two_slots_offered_at_once_never_go_to_the_same_entry_twice(clinic):
    only = join(clinic)
    for day in range(ROUNDS):
        first = freed(clinic, TOMORROW_10 + timedelta(days=day, hours=1))
        second = freed(clinic, TOMORROW_10 + timedelta(days=day, hours=3))
        outcomes = together(
            lambda s=first: slot_offer_next(slot_id=s.pk, now=NOW),
            lambda s=second: slot_offer_next(slot_id=s.pk, now=NOW),
        )
        assert outcomes.count("offer") <= 1 and not [o for o in outcomes if o.startswith("error")], f"round {day}"
        assert Offer.objects.filter(entry=only, status=Offer.Status.OFFERED).count() == 1
        Offer.objects.filter(entry=only).update(status=Offer.Status.DECLINED)
        Entry.objects.filter(pk=only.pk).update(status=Entry.Status.WAITING)
        Appointment.with_holds.filter(status=Appointment.HELD).delete()


def test_two_accepts_of_one_offer_book_once(clinic):
    entry = join(clinic)
    slot = freed(clinic, TOMORROW_10)
    offer = slot_offer_next(slot_id=slot.pk, now=NOW)
    outcomes: list[str] = []

    def accept():
        from django.db import connection

        try:
            offer_accept(offer=offer, by=entry.patient.user, now=NOW + timedelta(minutes=1))
            outcomes.append("booked")
        except Exception as exc:  # noqa: BLE001
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["OfferGone", "booked"]
    assert Appointment.objects.filter(patient=entry.patient, start=TOMORROW_10).count() == 1
