"""The patient's waiting list under My appointments, and the page an offer's link opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from bookings.models import Appointment
from tests.bookings.conftest import NOW, make_patient
from tests.waitlist.conftest import join, offered
from waitlist.links import offer_token
from waitlist.models import Entry, Offer
from waitlist.services import entry_leave

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def form(clinic, **changes):
    data = {
        "area": clinic.area.pk,
        "location": clinic.location.pk,
        "practitioner": "",
        "earliest": "2026-12-01",
        "latest": "2026-12-14",
        "weekdays": ["0", "2"],
        "after": "09:00",
        "before": "12:00",
        "current_appointment": "",
    }
    return {**data, **changes}


def test_a_patient_joins_the_list_and_sees_the_entry(client, clinic):
    patient = make_patient()
    client.force_login(patient.user)
    response = client.post("/me/waitlist/", form(clinic))
    assert response.status_code == 302
    entry = Entry.objects.get(patient=patient)
    assert (entry.weekdays, entry.times, entry.status) == ([0, 2], [["09:00", "12:00"]], "waiting")
    page = client.get("/me/waitlist/").content.decode()
    assert "Skin rejuvenation: face" in page and "Leave the list" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latest": "2026-11-20", "earliest": "2026-11-01"}, "latest"),
        ({"latest": "not a date"}, "latest"),
        ({"before": "08:00"}, "before"),
        ({"before": ""}, "before"),
        ({"area": "999999"}, "area"),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field(client, clinic, changes, field):
    client.force_login(make_patient().user)
    response = client.post("/me/waitlist/", form(clinic, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Entry.objects.exists()


def test_the_booking_page_link_fills_in_what_the_patient_was_booking(client, clinic):
    client.force_login(make_patient().user)
    response = client.get(f"/me/waitlist/?area={clinic.area.pk}&location={clinic.location.pk}")
    assert response.context["form"].initial["area"] == str(clinic.area.pk)


def test_a_patient_leaves_their_entry_and_nobody_elses(client, clinic):
    mine, theirs = join(clinic), join(clinic)
    client.force_login(mine.patient.user)
    assert client.post(f"/me/waitlist/{theirs.pk}/leave/").status_code == 404
    assert client.post(f"/me/waitlist/{mine.pk}/leave/").status_code == 302
    assert Entry.objects.get(pk=mine.pk).status == Entry.Status.LEFT
    assert Entry.objects.get(pk=theirs.pk).status == Entry.Status.WAITING


def test_the_offer_link_shows_the_time_and_books_it(client, clinic):
    entry, offer = offered(clinic, make_patient())
    client.force_login(entry.patient.user)
    page = client.get(f"/waitlist/offers/{offer_token(offer)}/").content.decode()
    assert "Book this time" in page and "10:00" in page
    response = client.post(f"/waitlist/offers/{offer_token(offer)}/", {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == "/me/appointments/"
    assert Appointment.objects.get(patient=entry.patient).start == offer.start


def test_an_offer_that_has_run_out_says_so(client, clinic):
    entry, offer = offered(clinic, make_patient())
    client.force_login(entry.patient.user)
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        assert "This offer has gone" in client.get(f"/waitlist/offers/{offer_token(offer)}/").content.decode()
        response = client.post(f"/waitlist/offers/{offer_token(offer)}/", {"answer": "accept"})
    assert response.status_code == 409
    assert "This offer has gone" in response.content.decode()
    assert not Appointment.objects.filter(patient=entry.patient).exists()


def test_declining_passes_the_offer_on(client, clinic):
    entry, offer = offered(clinic, make_patient())
    client.force_login(entry.patient.user)
    assert client.post(f"/waitlist/offers/{offer_token(offer)}/", {"answer": "decline"}).status_code == 302
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DECLINED


def test_a_forged_or_someone_elses_link_is_404(client, clinic):
    _, offer = offered(clinic, make_patient())
    client.force_login(make_patient().user)
    assert client.get(f"/waitlist/offers/{offer_token(offer)}/").status_code == 404
    assert client.get(f"/waitlist/offers/{offer.pk}:forged/").status_code == 404


def test_my_appointments_shows_what_the_patient_waits_for_and_an_offer_kept_for_them(client, clinic):
    waiting = join(clinic)
    entry, _ = offered(clinic, make_patient())
    left = join(clinic, patient=entry.patient)
    entry_leave(entry=left, by=entry.patient.user, now=NOW)
    client.force_login(entry.patient.user)
    page = client.get("/me/appointments/").content.decode()
    assert page.count("data-waitlist-entry") == 1  # their open entry; not the one they left
    assert "A time is kept for you" in page and "at 10:00" in page
    assert f'action="/me/waitlist/{entry.pk}/leave/"' in page
    assert f"/me/waitlist/{waiting.pk}/" not in page  # nobody else's
    assert 'href="/me/waitlist/"' in page


def test_my_appointments_says_when_the_patient_waits_for_nothing(client, clinic):
    client.force_login(make_patient().user)
    page = client.get("/me/appointments/").content.decode()
    assert "You are not on the waiting list." in page and 'href="/me/waitlist/"' in page
