"""A patient's own appointments: list, course progress, cancel and move within the cut-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

START = (NOW + timedelta(days=2)).replace(hour=10)  # Thursday 3 December, 10:00


def book(clinic, patient=None, start=START):
    patient = patient or clinic.patient
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=clinic.practitioner,
        now=NOW,
    )


def test_my_appointments_shows_upcoming_sessions_with_course_progress(client, clinic):
    appointment = book(clinic)
    book(clinic, patient=make_patient(), start=START + timedelta(hours=2))
    client.force_login(clinic.patient.user)
    html = client.get("/me/appointments/").content.decode()
    assert "Thursday 3 December 2026 at 10:00" in html
    assert "session 1 of 4" in html and "0 of 4 sessions done" in html
    assert "12:00" not in html  # another patient's appointment
    assert f"/me/appointments/{appointment.pk}/cancel/" in html
    assert f"move={appointment.pk}" in html
    assert f"/me/appointments/{appointment.pk}/ics" in html


def test_my_appointments_is_for_patients_only(client, reception):
    assert client.get("/me/appointments/").status_code == 302
    client.force_login(reception)
    assert client.get("/me/appointments/").status_code == 404


def test_inside_the_cut_off_the_page_says_to_call_the_clinic(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    with time_machine.travel(START - timedelta(hours=5), tick=False):
        html = client.get("/me/appointments/").content.decode()
    assert "please call us on" in html and clinic.location.phone in html
    assert f"/me/appointments/{appointment.pk}/cancel/" not in html


def test_a_patient_cancels_before_the_cut_off(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    assert "Cancel this appointment?" in client.get(f"/me/appointments/{appointment.pk}/cancel/").content.decode()
    response = client.post(f"/me/appointments/{appointment.pk}/cancel/", {"reason": "Away"}, follow=True)
    assert "Your appointment is cancelled." in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.course.status == Course.Status.CANCELLED  # its only session, before any intake


def test_a_patient_cannot_cancel_after_the_cut_off(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    with time_machine.travel(START - timedelta(hours=5), tick=False):
        response = client.post(f"/me/appointments/{appointment.pk}/cancel/", follow=True)
    assert "Please call the clinic" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_another_patient_cannot_cancel_or_move_it(client, clinic):
    appointment = book(clinic)
    client.force_login(make_patient().user)
    assert client.get(f"/me/appointments/{appointment.pk}/cancel/").status_code == 404
    assert client.post(f"/me/appointments/{appointment.pk}/cancel/").status_code == 404
    assert client.get(f"/book/{clinic.treatment.slug}/?move={appointment.pk}").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.BOOKED


def test_a_patient_moves_an_appointment_through_the_booking_pages(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    new_start = START + timedelta(days=1, hours=3)
    response = client.post(
        f"/book/{clinic.treatment.slug}/hold/",
        {
            "area": clinic.area.slug,
            "location": clinic.location.slug,
            "practitioner": clinic.practitioner.pk,
            "move": appointment.pk,
            "start": new_start.isoformat(),
        },
    )
    # A move never passes through the details step: the date of birth is not the patient's to
    # change while moving a time.
    assert response["Location"] == "/booking/review/"
    assert client.get("/booking/details/")["Location"] == "/booking/review/"
    html = client.get("/booking/review/").content.decode()
    assert "Move my appointment" in html
    assert "<del>Thursday 3 December 2026 at 10:00</del>" in html  # the old time beside the new one
    assert "Friday 4 December 2026" in html and "13:00" in html
    response = client.post("/booking/review/", {"accept_policy": "on"})
    assert response["Location"] == f"/booking/confirmed/{appointment.pk}/"
    appointment.refresh_from_db()
    assert appointment.start == new_start and appointment.status == Appointment.Status.BOOKED
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1
    html = client.get(response["Location"]).content.decode()
    assert "Your appointment is moved" in html and "You&#x27;re booked" not in html
    assert "It was on <del>Thursday 3 December 2026 at 10:00</del>" in html


def test_the_move_pages_keep_the_treatment_and_show_the_time_being_moved(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    html = client.get(
        f"/book/{clinic.treatment.slug}/?move={appointment.pk}&area={clinic.area.slug}"
        f"&location={clinic.location.slug}&practitioner={clinic.practitioner.pk}"
    ).content.decode()
    assert "Move your appointment" in html
    assert 'Change<span class="visually-hidden"> treatment' not in html
    assert 'Change<span class="visually-hidden"> area' not in html
    assert "Now booked for" in html and "Thursday 3 December 2026 at 10:00" in html


def test_after_moving_the_questionnaire_already_sent_is_not_asked_for_again(client, clinic):
    from intake.models import Intake

    appointment = book(clinic)
    Intake.objects.filter(pk=appointment.course.intake_id).update(status=Intake.Status.NEEDS_REVIEW)
    client.force_login(clinic.patient.user)
    client.post(
        f"/book/{clinic.treatment.slug}/hold/",
        {
            "area": clinic.area.slug,
            "location": clinic.location.slug,
            "practitioner": clinic.practitioner.pk,
            "move": appointment.pk,
            "start": (START + timedelta(days=1)).isoformat(),
        },
    )
    response = client.post("/booking/review/", {"accept_policy": "on"})
    html = client.get(response["Location"]).content.decode()
    assert "Fill in the health questionnaire now" not in html
    assert "Your health questionnaire: Sent: with our practitioner, who checks it." in html


def test_my_appointments_says_where_the_questionnaire_is_in_the_same_words_as_the_questionnaire_page(client, clinic):
    from intake.models import Intake

    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    html = client.get("/me/appointments/").content.decode()
    assert "Health questionnaire: Not started: please fill it in" in html
    assert "awaiting intake" not in html.lower()
    Intake.objects.filter(pk=appointment.course.intake_id).update(status=Intake.Status.NEEDS_REVIEW)
    html = client.get("/me/appointments/").content.decode()
    assert "Health questionnaire: Sent: with our practitioner, who checks it" in html
    assert "waiting for your health questionnaire" not in html.lower()
    listing = client.get("/me/intake/").content.decode()
    assert "Sent: with our practitioner, who checks it" in listing


def test_moving_after_the_cut_off_is_refused_with_the_clinic_phone(client, clinic):
    appointment = book(clinic)
    client.force_login(clinic.patient.user)
    with time_machine.travel(START - timedelta(hours=5), tick=False):
        client.post(
            f"/book/{clinic.treatment.slug}/hold/",
            {
                "area": clinic.area.slug,
                "location": clinic.location.slug,
                "practitioner": clinic.practitioner.pk,
                "move": appointment.pk,
                "start": (START + timedelta(days=2)).isoformat(),
            },
        )
        html = client.post("/booking/review/", {"accept_policy": "on"}).content.decode()
    assert "Please call the clinic on" in html and clinic.location.phone in html
    appointment.refresh_from_db()
    assert appointment.start == START


def test_a_patient_cannot_start_a_second_course_of_the_same_treatment_online(client, clinic):
    book(clinic)
    client.force_login(clinic.patient.user)
    client.post(
        f"/book/{clinic.treatment.slug}/hold/",
        {
            "area": clinic.area.slug,
            "location": clinic.location.slug,
            "practitioner": "any",
            "start": (START + timedelta(days=7)).isoformat(),
        },
    )
    html = client.post("/booking/review/", {"accept_policy": "on"}).content.decode()
    assert "already on a course of skin rejuvenation" in html
    assert Appointment.objects.filter(patient=clinic.patient).count() == 1


def test_a_later_session_asks_whether_anything_has_changed(client, clinic, reception):
    from intake.models import Intake

    first = book(clinic)
    intake = Intake.objects.create(
        patient=clinic.patient, treatment=clinic.treatment, area=clinic.area, status=Intake.Status.CLEARED
    )
    Course.objects.filter(pk=first.course_id).update(intake=intake)
    second = appointment_book(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START + timedelta(days=14),
        by=reception,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    assert second.session_number == 2
    client.force_login(clinic.patient.user)
    html = client.get("/me/appointments/").content.decode()
    assert html.count(f"/me/intake/{intake.pk}/recheck/") == 1  # the second session only, not the first
