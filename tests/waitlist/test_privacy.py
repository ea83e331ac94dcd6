"""The waiting list in a patient's export and erasure (through privacy/'s composition)."""

from __future__ import annotations

import pytest

from bookings.appointments.services import appointment_cancel
from bookings.models import Appointment
from privacy.services import patient_erase, patient_export
from tests.bookings.conftest import NOW
from tests.factories import UserFactory
from tests.waitlist.conftest import book, join
from waitlist.models import Entry, FreedSlot, Offer
from waitlist.offers import slot_offer_next

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


@pytest.fixture
def manager():
    from clinic.roles import Role, user_set_roles

    user = UserFactory()
    user_set_roles(user=user, roles=[Role.MANAGER])
    return user


def test_the_export_lists_the_patients_entries_and_their_offers_only(clinic, manager):
    mine, other = join(clinic), join(clinic)
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=None, now=NOW)
    slot_offer_next(slot_id=FreedSlot.objects.get().pk, now=NOW)
    data = patient_export(patient=mine.patient, by=manager)
    [entry] = data["waitlist_entries"]
    assert (entry["id"], entry["status"], len(entry["offers"])) == (mine.pk, "offered", 1)
    assert other.pk not in [e["id"] for e in data["waitlist_entries"]]


def test_erasure_takes_the_patient_off_the_list_and_releases_their_hold(clinic, manager):
    entry = join(clinic)
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=None, now=NOW)
    offer = slot_offer_next(slot_id=FreedSlot.objects.get().pk, now=NOW)
    patient_erase(patient=entry.patient, by=manager, now=NOW)
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.LEFT
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.WITHDRAWN
    assert not Appointment.with_holds.filter(status=Appointment.HELD).exists()
