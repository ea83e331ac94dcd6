"""Reception's waiting list per location: the list, a phone patient added, a time offered by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bookings.models import Appointment
from clinic.models import Notification
from tests.bookings.conftest import make_patient
from tests.factories import LocationFactory
from tests.waitlist.conftest import TOMORROW_10, book, join, offered
from waitlist.models import Entry, Offer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def url(clinic, action: str = "") -> str:
    return f"/staff/waitlist/{clinic.location.slug}/{action}"


def test_reception_sees_who_waits_for_what_since_when_and_the_last_offer(client, clinic, reception):
    entry, offer = offered(clinic, make_patient())
    join(clinic, patient=make_patient(first_name="Ottilie"))
    client.force_login(reception)
    page = client.get(url(clinic)).content.decode()
    assert entry.patient.full_name in page and "Ottilie" in page
    assert "held until 08:15" in page
    assert 'class="table-stack table"' in page


def test_reception_elsewhere_gets_404(client, clinic):
    from clinic.roles import Role, user_set_roles
    from tests.factories import UserFactory

    elsewhere = UserFactory()
    user_set_roles(user=elsewhere, roles=[Role.RECEPTION])
    elsewhere.staff_locations.add(LocationFactory())
    client.force_login(elsewhere)
    assert client.get(url(clinic)).status_code == 404


def test_reception_adds_a_phone_patient(client, clinic, reception):
    patient = make_patient()
    patient.locations.add(clinic.location)
    client.force_login(reception)
    data = {
        "add-patient": patient.pk,
        "add-area": clinic.area.pk,
        "add-practitioner": "",
        "add-earliest": "2026-12-01",
        "add-latest": "2026-12-31",
    }
    assert client.post(url(clinic, "add/"), data).status_code == 302
    entry = Entry.objects.get(patient=patient)
    assert entry.created_by == reception
    bad = client.post(url(clinic, "add/"), {**data, "add-latest": "2026-11-01"})
    assert bad.status_code == 400 and bad.context["add_form"].errors["latest"]


def test_reception_offers_a_free_time_by_hand(client, clinic, reception):
    entry = join(clinic)
    client.force_login(reception)
    data = {
        "offer-entry": entry.pk,
        "offer-practitioner": clinic.practitioner.pk,
        "offer-day": "2026-12-02",
        "offer-time": "11:00",
    }
    assert client.post(url(clinic, "offer/"), data).status_code == 302
    offer = Offer.objects.get(entry=entry)
    assert (offer.start, offer.by, offer.slot.cause) == (TOMORROW_10 + timedelta(hours=1), reception, "reception")
    assert Appointment.with_holds.get(status=Appointment.HELD).start == offer.start
    assert Notification.objects.filter(kind="waitlist.offer", subject_id=offer.pk).count() == 2


def test_offering_a_taken_time_by_hand_is_refused_with_the_reason(client, clinic, reception):
    entry = join(clinic)
    book(clinic)  # 10:00 is taken
    client.force_login(reception)
    data = {
        "offer-entry": entry.pk,
        "offer-practitioner": clinic.practitioner.pk,
        "offer-day": "2026-12-02",
        "offer-time": "10:00",
    }
    response = client.post(url(clinic, "offer/"), data)
    assert response.status_code == 409
    assert "cannot be offered" in response.content.decode()
    assert not Offer.objects.exists()


def test_a_free_diary_cell_offers_its_time_to_the_waiting_list(client, clinic, reception):
    client.force_login(reception)
    cell = f"/staff/diary/{clinic.location.slug}/book/?practitioner={clinic.practitioner.pk}&date=2026-12-02&time=11:00"
    page = client.get(cell).content.decode()
    link = f"/staff/waitlist/{clinic.location.slug}/?day=2026-12-02&amp;time=11:00"
    link += f"&amp;practitioner={clinic.practitioner.pk}"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).context["offer_form"]
    assert (form.initial["day"], form.initial["time"]) == ("2026-12-02", "11:00")
    assert "Waiting list</a>" in client.get(f"/staff/diary/{clinic.location.slug}/").content.decode()


def test_the_diary_shows_a_live_hold_for_what_it_is_and_not_an_expired_one(client, clinic, reception):
    import time_machine

    from tests.bookings.conftest import NOW

    entry, _ = offered(clinic, make_patient())
    client.force_login(reception)
    day = f"/staff/diary/{clinic.location.slug}/?date=2026-12-04"
    page = client.get(day).content.decode()
    assert "held for a waitlist offer until 08:15" in page and entry.patient.last_name in page
    with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
        assert "held for a waitlist offer" not in client.get(day).content.decode()


def test_a_freed_diary_cell_shows_how_many_are_waiting_for_it_in_one_query(client, clinic, reception, monkeypatch):
    from datetime import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.appointments.services import appointment_cancel
    from tests.bookings.conftest import NOW

    start = TOMORROW_10 + timedelta(days=2)  # Friday 4 December, 10:00
    join(clinic)
    join(clinic, times=[(time(9), time(12))])
    join(clinic, weekdays=[0, 1])  # Mondays and Tuesdays only: not this one
    client.force_login(reception)
    day = f"/staff/diary/{clinic.location.slug}/?date=2026-12-04"
    with CaptureQueriesContext(connection) as before:
        assert "waiting</span>" not in client.get(day).content.decode()
    appointment_cancel(appointment=book(clinic, start=start), by=None, now=NOW)
    with CaptureQueriesContext(connection) as after:
        page = client.get(day).content.decode()
    assert '<span class="badge text-bg-info">2 waiting</span>' in page
    assert len(after.captured_queries) == len(before.captured_queries)  # the one query runs either way
    monkeypatch.setattr("bookings.diary.badges._sources", [])  # the diary without the waitlist
    with CaptureQueriesContext(connection) as without:
        assert "waiting</span>" not in client.get(day).content.decode()
    assert len(after.captured_queries) == len(without.captured_queries) + 1
