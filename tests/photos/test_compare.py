"""A course's photos: the same area and view side by side (first against latest, or any two),
dated by the session's local day, and a timeline of every session; a bounded number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Course
from photos.models import Photo, PhotoSettings
from tests.bookings.practice import appointment_at
from tests.photos.conftest import add_photo

pytestmark = pytest.mark.django_db


def make_course(clinic, sessions: int, *, first=datetime(2026, 9, 1, 10, 0, tzinfo=UTC)):
    course = Course.objects.create(
        patient=clinic.patient,
        treatment=clinic.treatment,
        area=clinic.area,
        practitioner=clinic.practitioner,
        location=clinic.location,
        sessions_planned=max(sessions, 4),
        interval_days=14,
        status=Course.Status.IN_PROGRESS,
    )
    appointments = [
        appointment_at(clinic, first + timedelta(days=14 * n), course=course, session_number=n + 1)
        for n in range(sessions)
    ]
    return course, appointments


def compare(client, course, **query):
    return client.get(f"/practitioner/courses/{course.pk}/photos/", query)


def test_it_sets_the_first_session_against_the_latest(client, clinic, session):
    course, visits = make_course(clinic, 3)
    fronts = [add_photo(v) for v in visits]
    add_photo(visits[1], view=Photo.View.LEFT)
    client.force_login(clinic.practitioner.user)
    response = compare(client, course)
    assert response.status_code == 200
    pair = response.context["first"], response.context["second"]
    assert pair == (fronts[0], fronts[2])
    html = response.content.decode()
    assert "Before: Session 1, 1 September 2026" in html and "After: Session 3, 29 September 2026" in html
    assert [len(s.photos) for s in response.context["album"].sessions] == [1, 2, 1]  # the timeline


def test_any_two_sessions_of_one_series_can_be_compared(client, clinic, session):
    course, visits = make_course(clinic, 3)
    fronts = [add_photo(v) for v in visits]
    lefts = [add_photo(v, view=Photo.View.LEFT) for v in visits[:2]]
    client.force_login(clinic.practitioner.user)
    response = compare(client, course, series=f"{clinic.area.slug}:left", a=lefts[1].pk, b=lefts[0].pk)
    assert (response.context["first"], response.context["second"]) == (lefts[1], lefts[0])
    # A photo of another series, an unknown id or a garbled one falls back to first and latest.
    for a in (fronts[1].pk, 999999, "x²"):
        response = compare(client, course, series=f"{clinic.area.slug}:left", a=a)
        assert response.status_code == 200
        assert (response.context["first"], response.context["second"]) == (lefts[0], lefts[1])


def test_the_dates_are_the_sessions_local_days(client, clinic, session):
    clinic.location.timezone = "Asia/Tokyo"
    clinic.location.save()
    course, visits = make_course(clinic, 2, first=datetime(2026, 10, 20, 20, 0, tzinfo=UTC))  # 05:00 next day
    for visit in visits:
        add_photo(visit)
    client.force_login(clinic.practitioner.user)
    html = compare(client, course).content.decode()
    assert "Session 1, 21 October 2026" in html and "Session 2, 4 November 2026" in html


def test_the_page_queries_do_not_grow_with_sessions_or_photos(client, clinic, session):
    small, visits = make_course(clinic, 2)
    for visit in visits:
        add_photo(visit)
    client.force_login(clinic.practitioner.user)
    compare(client, small)  # warm the session and the settings cache
    with CaptureQueriesContext(connection) as few:
        compare(client, small)
    Course.objects.filter(pk=small.pk).update(status=Course.Status.COMPLETED)  # one open course per treatment
    large, visits = make_course(clinic, 8, first=datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    for visit in visits:
        for view in (Photo.View.FRONT, Photo.View.LEFT, Photo.View.RIGHT):
            add_photo(visit, view=view)
    with CaptureQueriesContext(connection) as many:
        response = compare(client, large)
    assert response.context["album"].count == 24
    assert len(many) == len(few) <= 6  # session, user, roles, course, its sessions, their photos


def test_the_compare_page_is_for_clinicians_and_the_patient_when_allowed(client, clinic, session, reception):
    course, visits = make_course(clinic, 2)
    add_photo(visits[0])
    for user in (reception, clinic.patient.user):
        client.force_login(user)
        assert compare(client, course).status_code == 404
    client.force_login(clinic.patient.user)
    assert client.get(f"/me/photos/courses/{course.pk}/").status_code == 404
    assert client.get("/me/photos/").status_code == 404
    PhotoSettings.objects.update_or_create(pk=1, defaults={"patients_may_view": True})
    page = client.get("/me/photos/")
    assert f"/me/photos/courses/{course.pk}/" in page.content.decode()
    response = client.get(f"/me/photos/courses/{course.pk}/")
    assert response.status_code == 200 and response.context["first"] == visits[0].photos.get()
    assert "/practitioner/" not in response.content.decode().split("<main", 1)[1]


def test_a_course_with_no_photos_says_so(client, clinic, session):
    course, _ = make_course(clinic, 2)
    client.force_login(clinic.practitioner.user)
    assert "no photos of this course yet" in compare(client, course).content.decode()


def test_the_session_record_the_day_and_the_patient_record_lead_to_the_photos(client, clinic, session):
    course, visits = make_course(clinic, 2)
    client.force_login(clinic.practitioner.user)
    record = client.get(f"/practitioner/appointments/{visits[1].pk}/session-record/").content.decode()
    assert f"/practitioner/appointments/{visits[1].pk}/photos/" in record
    assert f"/practitioner/courses/{course.pk}/photos/" in record
    day = client.get(f"/practitioner/day/?date={visits[1].start.date().isoformat()}").content.decode()
    assert f"/practitioner/appointments/{visits[1].pk}/photos/" in day
    patient = client.get(f"/staff/patients/{clinic.patient.pk}/").content.decode()
    assert f"/practitioner/courses/{course.pk}/photos/" in patient
