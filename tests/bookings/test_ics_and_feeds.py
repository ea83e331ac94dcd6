from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from bookings.appointments.services import appointment_book
from bookings.messages.feeds import calendar_feed_create, calendar_feed_revoke
from bookings.messages.ics import appointments_ics
from bookings.models import Appointment, CalendarFeed, Course
from clinic.models import AuditEvent
from tests.bookings.conftest import NOW, make_patient

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]

LONDON = ZoneInfo("Europe/London")
TOMORROW_10 = (NOW + timedelta(days=1)).replace(hour=10)


def book(clinic, start=TOMORROW_10, *, patient=None, practitioner=None) -> Appointment:
    patient = patient or clinic.patient
    return appointment_book(
        patient=patient,
        treatment=clinic.treatment,
        area=clinic.area,
        location=clinic.location,
        start=start,
        by=patient.user,
        practitioner=practitioner or clinic.practitioner,
        now=NOW,
    )


def create_directly(clinic, start: datetime, **extra) -> Appointment:
    return Appointment.objects.create(
        patient=extra.pop("patient", clinic.patient),
        practitioner=clinic.practitioner,
        room=clinic.rooms[0],
        location=clinic.location,
        treatment=clinic.treatment,
        area=clinic.area,
        start=start,
        end=start + timedelta(minutes=30),
        **extra,
    )


def events_of(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def signed_in(client, user):
    client.force_login(user)
    return client


# --- The .ics file ---------------------------------------------------------------------------


def test_ics_event_lands_on_the_appointments_instants_in_the_location_zone(clinic):
    appointment = book(clinic)
    calendar = Calendar.from_ical(appointments_ics([appointment], calendar_name="Meso Clinic"))
    assert str(calendar["prodid"]) == "-//Meso Clinic//Bookings//EN"
    assert (str(calendar["version"]), str(calendar["method"]), str(calendar["x-wr-calname"])) == (
        "2.0",
        "PUBLISH",
        "Meso Clinic",
    )
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == appointment.start
    assert event.decoded("dtend") == appointment.end
    assert event["dtstart"].params["TZID"] == event["dtend"].params["TZID"] == "Europe/London"
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/London"]
    assert str(event["uid"]) == f"appointment-{appointment.pk}@meso.clinic"
    assert str(event["location"]) == f"{clinic.location.name}, 1 High Street, London"
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstamp") == NOW
    assert event.decoded("sequence") == int(appointment.updated_at.timestamp())
    description = str(event["description"])
    assert clinic.practitioner.display_name in description
    assert "020 7946 0999" in description and "24 hours" in description


def test_ics_summary_names_the_treatment_and_area(clinic):
    [event] = events_of(appointments_ics([create_directly(clinic, TOMORROW_10)], calendar_name="x"))
    assert str(event["summary"]) == f"{clinic.treatment.name}: {clinic.area.name}"


def test_ics_summary_names_the_session_of_the_course(clinic):
    course = Course.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=4,
        interval_days=14,
    )
    appointment = create_directly(clinic, TOMORROW_10, course=course, session_number=2)
    [event] = events_of(appointments_ics([appointment], calendar_name="x"))
    assert str(event["summary"]) == f"{clinic.treatment.name}: {clinic.area.name} (session 2 of 4)"


def test_ics_never_contains_the_patients_identity(clinic):
    patient = make_patient(first_name="Zelinda", last_name="Quarrington", phone="07700 912345")
    body = appointments_ics([book(clinic, patient=patient)], calendar_name="x").decode()
    for secret in ("Zelinda", "Quarrington", patient.email, "07700 912345", "077009", "1988", "19880402"):
        assert secret not in body


def test_ics_across_the_autumn_dst_change_keeps_each_instant(clinic):
    summer = create_directly(clinic, datetime(2026, 10, 23, 10, tzinfo=LONDON))  # BST: 09:00 UTC
    winter = create_directly(clinic, datetime(2026, 10, 26, 10, tzinfo=LONDON))  # GMT: 10:00 UTC
    body = appointments_ics([summer, winter], calendar_name="x")
    assert b"DTSTART;TZID=Europe/London:20261023T100000" in body
    assert b"DTSTART;TZID=Europe/London:20261026T100000" in body
    calendar = Calendar.from_ical(body)
    starts = [event.decoded("dtstart") for event in calendar.walk("VEVENT")]
    assert starts == [datetime(2026, 10, 23, 9, tzinfo=UTC), datetime(2026, 10, 26, 10, tzinfo=UTC)]
    # The VTIMEZONE itself, not just the zone's name, resolves the wall-clock times.
    from_vtimezone = calendar.timezones[0].to_tz(lookup_tzid=False)
    wall_clocks = [datetime(2026, 10, 23, 10), datetime(2026, 10, 26, 10)]
    assert [wall.replace(tzinfo=from_vtimezone) for wall in wall_clocks] == starts


def test_ics_marks_a_cancelled_appointment_cancelled(clinic):
    appointment = create_directly(clinic, TOMORROW_10, status=Appointment.Status.CANCELLED)
    [event] = events_of(appointments_ics([appointment], calendar_name="x"))
    assert str(event["status"]) == "CANCELLED"


def test_ics_sequence_grows_when_an_appointment_is_moved(clinic):
    appointment = book(clinic)
    [before] = events_of(appointments_ics([appointment], calendar_name="x"))
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        appointment.start += timedelta(hours=1)
        appointment.end += timedelta(hours=1)
        appointment.save()
    [after] = events_of(appointments_ics([appointment], calendar_name="x"))
    assert after.decoded("sequence") > before.decoded("sequence")


# --- The feed --------------------------------------------------------------------------------


def test_feed_lists_only_the_patients_upcoming_booked_sessions(client, clinic):
    mine = book(clinic)
    create_directly(clinic, TOMORROW_10 + timedelta(hours=2), status=Appointment.Status.CANCELLED)
    create_directly(clinic, NOW - timedelta(days=3), status=Appointment.Status.COMPLETED)
    create_directly(clinic, NOW - timedelta(days=2))  # booked but already over
    book(clinic, TOMORROW_10, patient=make_patient(), practitioner=clinic.other)
    feed = calendar_feed_create(patient=clinic.patient, by=clinic.patient.user)

    response = client.get(reverse("calendar-feed-ics", args=[feed.token]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, max-age=300"
    assert [str(e["uid"]) for e in events_of(response.content)] == [f"appointment-{mine.pk}@meso.clinic"]


def test_feed_with_an_unknown_token_is_404(client, clinic):
    calendar_feed_create(patient=clinic.patient, by=clinic.patient.user)
    assert client.get(reverse("calendar-feed-ics", args=["not-a-real-token"])).status_code == 404


def test_revoking_a_feed_kills_the_old_link_and_issues_a_working_new_one(client, clinic):
    book(clinic)
    old = calendar_feed_create(patient=clinic.patient, by=clinic.patient.user)
    new = calendar_feed_revoke(patient=clinic.patient, by=clinic.patient.user)
    assert new.token != old.token
    assert client.get(reverse("calendar-feed-ics", args=[old.token])).status_code == 404
    assert client.get(reverse("calendar-feed-ics", args=[new.token])).status_code == 200
    assert list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True))[-2:] == [
        "calendar_feed.create",
        "calendar_feed.revoke",
    ]


def test_creating_a_feed_twice_keeps_the_same_link(clinic):
    first = calendar_feed_create(patient=clinic.patient, by=clinic.patient.user)
    assert calendar_feed_create(patient=clinic.patient, by=clinic.patient.user).token == first.token
    assert AuditEvent.objects.filter(action="calendar_feed.create").count() == 1


# --- The feed page ---------------------------------------------------------------------------


def test_feed_page_creates_shows_and_replaces_the_patients_link(client, clinic):
    signed_in(client, clinic.patient.user)
    url = reverse("calendar-feed")
    page = client.get(url)
    assert page.status_code == 200 and b'value="create"' in page.content

    created = client.post(url, {"action": "create"}, follow=True)
    feed = CalendarFeed.objects.get(patient=clinic.patient)
    assert created.redirect_chain == [(url, 302)]
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in created.content.decode()
    assert b'<label for="feed-url"' in created.content
    assert [m.level_tag for m in created.context["messages"]] == ["success"]

    revoked = client.post(url, {"action": "revoke"}, follow=True)
    new = CalendarFeed.objects.get(patient=clinic.patient)
    assert new.token != feed.token
    assert f"/calendar/{new.token}.ics" in revoked.content.decode()
    assert feed.token not in revoked.content.decode()


def test_feed_page_is_404_for_reception(client, reception):
    assert signed_in(client, reception).get(reverse("calendar-feed")).status_code == 404


def test_feed_page_is_404_for_a_patient_user_without_patient_details(client, patient_user):
    assert signed_in(client, patient_user).get(reverse("calendar-feed")).status_code == 404


def test_feed_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("calendar-feed"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- One appointment's .ics ------------------------------------------------------------------


def test_single_appointment_ics_downloads_for_its_patient(client, clinic):
    appointment = book(clinic)
    response = signed_in(client, clinic.patient.user).get(reverse("appointment-ics", args=[appointment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="appointment-{appointment.pk}.ics"'
    [event] = events_of(response.content)
    assert event.decoded("dtstart") == appointment.start


def test_single_appointment_ics_is_404_for_another_patient(client, clinic):
    appointment = book(clinic)
    other = make_patient()
    response = signed_in(client, other.user).get(reverse("appointment-ics", args=[appointment.pk]))
    assert response.status_code == 404
