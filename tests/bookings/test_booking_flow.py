"""The patient's online booking pages, step by step, with their bad input."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Course
from bookings.web.public.flow import SESSION_KEY
from clinic.models import Patient
from tests.bookings.conftest import NOW, make_patient
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

START = (NOW + timedelta(days=1)).replace(hour=10)  # Wednesday 2 December 2026, 10:00 London


def step_url(clinic, **params):
    base = {"area": clinic.area.slug, "location": clinic.location.slug, "practitioner": clinic.practitioner.pk}
    base.update(params)
    query = "&".join(f"{k}={v}" for k, v in base.items() if v is not None)
    return f"/book/{clinic.treatment.slug}/?{query}"


def hold(client, clinic, start=START, **extra):
    data = {"area": clinic.area.slug, "location": clinic.location.slug, "practitioner": clinic.practitioner.pk}
    data.update(extra, start=start.isoformat())
    return client.post(f"/book/{clinic.treatment.slug}/hold/", data)


def page(response) -> str:
    return response.content.decode()


def test_the_first_step_offers_the_areas_with_their_minutes_and_numbing_cream(client, clinic):
    html = page(client.get(f"/book/{clinic.treatment.slug}/"))
    assert "Which area would you like treated?" in html
    assert "Face (30 minutes)" in html and "numbing cream" in html
    assert "Step 1 of 7" in html


def test_an_unknown_treatment_is_404(client, clinic):
    assert client.get("/book/botox/").status_code == 404


def test_an_unknown_area_returns_to_the_area_step_with_a_message(client, clinic):
    html = page(client.get(f"/book/{clinic.treatment.slug}/?area=knees"))
    assert "Please choose one of the areas below." in html and "Which area" in html


def test_the_location_step_lists_locations_offering_the_treatment(client, clinic):
    html = page(client.get(step_url(clinic, location=None, practitioner=None)))
    assert "Where would you like to be treated?" in html and clinic.location.name in html


def test_the_practitioner_step_offers_first_available_and_each_practitioner(client, clinic):
    html = page(client.get(step_url(clinic, practitioner=None)))
    assert "First available practitioner" in html
    assert clinic.practitioner.display_name in html and clinic.other.display_name in html


def test_a_practitioner_from_elsewhere_is_refused_with_a_message(client, clinic):
    clinic.other.locations.clear()
    html = page(client.get(step_url(clinic, practitioner=clinic.other.pk)))
    assert "Please choose a practitioner below." in html


def test_the_day_step_links_only_days_with_free_times(client, clinic):
    html = page(client.get(step_url(clinic)))
    assert "December 2026" in html
    assert "date=2026-12-02" in html  # tomorrow has times
    assert "date=2026-12-01" not in html  # today is inside the 12-hour notice after 08:00... at 09:00 start
    assert "1 December: no free times" in html


def test_the_time_step_lists_the_free_times_of_the_day(client, clinic):
    appointment_book(
        patient=make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START,
        by=None,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    html = page(client.get(step_url(clinic, date="2026-12-02")))
    assert ">09:00<" in html and ">10:45<" in html
    assert ">10:00<" not in html and ">10:15<" not in html


def test_a_bad_date_returns_to_the_calendar_with_a_message(client, clinic):
    html = page(client.get(step_url(clinic, date="02-12-2026")))
    assert "Please choose a day from the calendar." in html and "Choose a day" in html


def test_choosing_a_time_holds_it_in_the_session_not_the_url(client, clinic):
    response = hold(client, clinic)
    assert response.status_code == 302 and response["Location"] == "/booking/details/"
    assert client.session[SESSION_KEY]["start"] == START.isoformat()


def test_a_time_taken_since_the_times_page_is_refused_before_the_details_step(client, clinic):
    appointment_book(
        patient=make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START,
        by=None,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    response = hold(client, clinic)  # the page the patient had open still offered 10:00
    assert response.status_code == 302
    assert response["Location"] == step_url(clinic, date="2026-12-02")  # the day's times, fresh
    assert SESSION_KEY not in client.session  # nothing held: they never reach the details step
    html = page(client.get(response["Location"]))
    assert "that time has just been taken" in html
    assert ">10:00<" not in html and ">10:45<" in html


def test_any_practitioner_still_free_at_that_time_keeps_the_hold(client, clinic):
    appointment_book(
        patient=make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START,
        by=None,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    response = hold(client, clinic, practitioner="any")  # the other practitioner is free at 10:00
    assert response["Location"] == "/booking/details/"


@pytest.mark.parametrize("start", ["", "tomorrow", "2026-12-02T10:00:00"])
def test_an_unreadable_or_naive_time_is_refused(client, clinic, start):
    data = {"area": clinic.area.slug, "location": clinic.location.slug, "practitioner": "any", "start": start}
    response = client.post(f"/book/{clinic.treatment.slug}/hold/", data)
    assert response.status_code == 302 and response["Location"].startswith(f"/book/{clinic.treatment.slug}/?")
    assert SESSION_KEY not in client.session


def test_details_without_a_held_time_go_back_to_the_treatments(client, clinic):
    assert client.get("/booking/details/")["Location"] == "/treatments/"


def test_an_anonymous_patient_is_offered_an_account_or_sign_in(client, clinic):
    hold(client, clinic)
    html = page(client.get("/booking/details/"))
    assert "Create an account" in html and "Sign in" in html and "Step 6 of 7" in html


def registration(**changes):
    data = {
        "action": "register",
        "register-email": "new.patient@example.org",
        "register-password": "Saffron-Lantern-42",
        "register-first_name": "Nia",
        "register-last_name": "Evans",
        "register-date_of_birth": "1990-05-14",
        "register-phone": "07700 900456",
    }
    data.update(changes)
    return data


def test_registering_in_the_flow_signs_in_and_goes_to_review(client, clinic):
    hold(client, clinic)
    response = client.post("/booking/details/", registration())
    assert response["Location"] == "/booking/review/"
    patient = Patient.objects.get(email="new.patient@example.org")
    assert patient.user.is_authenticated and client.session["_auth_user_id"] == str(patient.user.pk)


def test_an_under_18_is_told_online_booking_is_for_adults(client, clinic):
    hold(client, clinic)
    seventeen = date(2026, 12, 1).replace(year=2009) + timedelta(days=1)
    html = page(client.post("/booking/details/", registration(**{"register-date_of_birth": seventeen.isoformat()})))
    assert "Online booking is for adults (18 and over)" in html
    assert not Patient.objects.filter(email="new.patient@example.org").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("register-password", "123", "too short"),
        ("register-email", "not-an-email", "Enter a valid email address"),
        ("register-phone", "", "This field is required"),
    ],
)
def test_bad_registration_input_is_a_linked_form_error(client, clinic, field, value, message):
    hold(client, clinic)
    html = page(client.post("/booking/details/", registration(**{field: value})))
    assert message in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert not Patient.objects.filter(last_name="Evans").exists()


def test_an_existing_email_must_sign_in_instead(client, clinic):
    hold(client, clinic)
    html = page(client.post("/booking/details/", registration(**{"register-email": clinic.patient.user.email})))
    assert "already exists: sign in instead" in html


def test_signing_in_in_the_flow_fills_in_a_returning_patients_details(client, clinic):
    hold(client, clinic)
    user = clinic.patient.user
    response = client.post(
        "/booking/details/", {"action": "signin", "signin-email": user.email, "signin-password": PASSWORD}
    )
    assert response["Location"] == "/booking/details/"
    html = page(client.get("/booking/details/"))
    assert f'value="{clinic.patient.first_name}"' in html and 'value="07700 900000"' in html  # as people write it
    # ISO, as a native date input needs, whatever the site's locale (en-GB would render 02/04/1988).
    assert f'value="{clinic.patient.date_of_birth.isoformat()}"' in html


def test_a_wrong_password_in_the_flow_is_a_form_error(client, clinic):
    hold(client, clinic)
    html = page(
        client.post(
            "/booking/details/",
            {"action": "signin", "signin-email": "x@example.org", "signin-password": "nope-nope-nope"},
        )
    )
    assert "The email address or password is not right." in html


def test_a_signed_in_patient_confirms_details_and_reviews_the_booking(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic, numbing="1")
    details = {
        "first_name": "Ada",
        "last_name": clinic.patient.last_name,
        "date_of_birth": "1988-04-02",
        "phone": "07700 900999",
    }
    assert client.post("/booking/details/", details)["Location"] == "/booking/review/"
    clinic.patient.refresh_from_db()
    assert clinic.patient.first_name == "Ada"
    html = page(client.get("/booking/review/"))
    for text in (
        "Wednesday 2 December 2026",
        "10:00",
        clinic.practitioner.display_name,
        clinic.location.name,
        "60 minutes, including 30 minutes for numbing cream",
        "Cancellation policy",
        "24 hours",
    ):
        assert text in html


def test_confirming_books_the_first_session_of_a_new_course(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    response = client.post("/booking/review/", {"accept_policy": "on"})
    appointment = Appointment.objects.get(patient=clinic.patient)
    assert response["Location"] == f"/booking/confirmed/{appointment.pk}/"
    assert appointment.start == START and appointment.session_number == 1
    assert appointment.course.status == Course.Status.AWAITING_INTAKE
    assert SESSION_KEY not in client.session
    html = page(client.get(response["Location"]))
    assert "You're booked" in html and "Fill in the health questionnaire now" in html


def test_a_resubmitted_confirm_books_once_and_shows_the_same_booking(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    key = client.session[SESSION_KEY]["key"]
    assert f'name="confirm_key" value="{key}"' in page(client.get("/booking/review/"))
    first = client.post("/booking/review/", {"accept_policy": "on", "confirm_key": key})
    again = client.post("/booking/review/", {"accept_policy": "on", "confirm_key": key})  # back, and confirm again
    appointment = Appointment.objects.get(patient=clinic.patient)
    assert first["Location"] == again["Location"] == f"/booking/confirmed/{appointment.pk}/"


def test_confirming_needs_the_policy_ticked(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    html = page(client.post("/booking/review/", {}))
    assert "This field is required" in html and 'href="#id_accept_policy"' in html
    assert not Appointment.objects.exists()


def test_a_slot_taken_while_reviewing_shows_a_plain_message_and_alternatives(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    appointment_book(
        patient=make_patient(),
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=START,
        by=None,
        practitioner=clinic.practitioner,
        now=NOW,
    )
    response = client.post("/booking/review/", {"accept_policy": "on"})
    assert response.status_code == 200
    html = page(response)
    assert "that time has just been taken" in html and "The nearest free times" in html
    assert '<input type="hidden" name="start" value="2026-12-02T10:45:00+00:00">' in html
    assert not Appointment.objects.filter(patient=clinic.patient).exists()


def test_the_confirmation_page_is_404_for_another_patient(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    location = client.post("/booking/review/", {"accept_policy": "on"})["Location"]
    client.force_login(make_patient().user)
    assert client.get(location).status_code == 404


def test_staff_are_sent_to_the_staff_area(client, clinic, reception):
    client.force_login(reception)
    hold(client, clinic)
    assert "You are signed in as clinic staff" in page(client.get("/booking/details/"))


def test_booking_attempts_are_rate_limited(client, clinic):
    client.force_login(clinic.patient.user)
    hold(client, clinic)
    statuses = [client.post("/booking/review/", {}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_password_reset_sends_an_email_with_a_link(
    client, clinic, dispatch_after_commit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the dispatch asked for after the commit
        response = client.post("/accounts/password_reset/", {"email": clinic.patient.user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
