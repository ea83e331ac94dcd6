"""Before-and-after photos in Chromium: a practitioner opens a session record, adds a photo
through the file input, and compares it with the course's first session; the patient sees their
own when the clinic allows it. axe-core checks every photo page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Appointment, Course
from clinic.models import Patient
from clinic.roles import Role, user_set_roles
from intake.models import PhotoConsent
from photos.models import Photo, PhotoSettings
from tests.browser.staff import sign_in
from tests.browser.test_booking_accessibility import AxeAudit
from tests.clearance import make_clear
from tests.factories import PASSWORD, UserFactory
from tests.photos.conftest import add_photo, consent, photo_storage_in
from tests.photos.images import phone_jpeg
from tests.two_factor import authenticator_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def course_with_a_first_photo(booking_clinic, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "photos": photo_storage_in(tmp_path)}
    practitioner = booking_clinic.practitioner
    practitioner.user.set_password(PASSWORD)
    practitioner.user.save()
    user = UserFactory(password=PASSWORD)
    user_set_roles(user=user, roles=[Role.PATIENT])
    patient = Patient.objects.create(user=user, first_name="Priya", last_name="Photo", date_of_birth=date(1979, 3, 4))
    consent(patient, PhotoConsent.Purpose.CLINICAL_RECORD)
    area = booking_clinic.treatment.areas.get(slug="face")
    course = Course.objects.create(
        patient=patient,
        treatment=booking_clinic.treatment,
        area=area,
        practitioner=practitioner,
        location=booking_clinic.location,
        sessions_planned=4,
        interval_days=14,
        status=Course.Status.IN_PROGRESS,
    )
    zone = booking_clinic.location.zone
    today = timezone.now().astimezone(zone).date()
    sessions = []
    for number, day in ((1, today - timedelta(days=15)), (2, today - timedelta(days=1))):
        start = datetime.combine(day, time(10), tzinfo=zone)
        appointment = Appointment.objects.create(
            patient=patient,
            practitioner=practitioner,
            room=booking_clinic.rooms[0],
            location=booking_clinic.location,
            treatment=booking_clinic.treatment,
            area=area,
            status=Appointment.Status.COMPLETED,
            start=start,
            end=start + timedelta(minutes=30),
            course=course,
            session_number=number,
        )
        make_clear(appointment)
        sessions.append(appointment)
    add_photo(sessions[0], data=phone_jpeg((300, 400), "navy", orientation=1))
    return course, sessions


def test_a_practitioner_uploads_from_the_session_record_and_compares(
    page: Page, booking_clinic, course_with_a_first_photo, page_problems
):
    course, (first, latest) = course_with_a_first_photo
    practitioner = booking_clinic.practitioner
    sign_in(page, practitioner.user.email, authenticator_for(practitioner.user))
    audit = AxeAudit(page)

    page.goto(f"/practitioner/appointments/{latest.pk}/session-record/")
    page.get_by_role("link", name="Photos", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Photos: Priya Photo")).to_be_visible()
    audit.check("session photos")
    photo_input = page.get_by_role("button", name="Photo*")  # a file input is a button to assistive technology
    assert photo_input.get_attribute("accept") == "image/*" and photo_input.get_attribute("capture") is not None
    photo_input.set_input_files(
        {"name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": phone_jpeg((400, 300), "teal")}
    )
    page.get_by_label("View").select_option(label="Front")
    page.get_by_role("button", name="Add the photo").click()
    expect(page.get_by_text("Photo added to Priya Photo's session.")).to_be_visible()
    expect(page.get_by_role("img", name="Face, front").first).to_be_visible()
    assert Photo.objects.filter(appointment=latest).count() == 1

    page.get_by_role("link", name="Compare the course's photos").click()
    compare = page.locator("[data-compare]")
    expect(compare.get_by_text(f"Before: Session 1, {first.start.day} {first.start:%B %Y}")).to_be_visible()
    expect(compare.get_by_text(f"After: Session 2, {latest.start.day} {latest.start:%B %Y}")).to_be_visible()
    images = compare.get_by_role("img")
    expect(images).to_have_count(2)
    page.wait_for_load_state("networkidle")
    assert images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)") == [300, 300]  # upright, decrypted
    audit.check("course comparison")
    assert not page_problems, page_problems

    # The patient's own page, once the clinic allows patients to see their photos.
    PhotoSettings.objects.update_or_create(pk=1, defaults={"patients_may_view": True})
    page.context.clear_cookies()
    sign_in(page, course.patient.user.email)
    page.get_by_role("link", name="My photos").click()
    audit.check("my photos")
    page.get_by_role("link", name="Skin rejuvenation: face").click()
    expect(page.locator("[data-compare]").get_by_role("img")).to_have_count(2)
    audit.check("my course's photos")

    everything = audit.report()
    if everything:
        print("\naxe-core findings on the photo pages:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking
