"""Who sees a photo: practitioners at the session's location and managers; the patient their own
only when the clinic allows it; nobody once consent is withdrawn. Every view is audited and
never cached."""

from __future__ import annotations

import pytest

from clinic.models import AuditEvent
from intake.models import PhotoConsent
from photos.models import PhotoSettings
from tests.bookings.conftest import make_patient, make_practitioner
from tests.factories import LocationFactory
from tests.photos.conftest import add_photo, consent
from tests.photos.images import open_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(session):
    return add_photo(session)


def status_for(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def test_each_role_gets_the_photo_or_a_404(client, clinic, photo, reception, manager_user):
    elsewhere = make_practitioner(LocationFactory(), clinic.treatment)
    url = f"/photos/{photo.pk}/image.jpg"
    expected = {
        "its practitioner": (clinic.practitioner.user, 200),
        "a colleague at the location": (clinic.other.user, 200),
        "a manager": (manager_user, 200),
        "a practitioner elsewhere": (elsewhere.user, 404),
        "reception": (reception, 404),
        "the patient (not allowed by the clinic)": (clinic.patient.user, 404),
        "another patient": (make_patient().user, 404),
    }
    got = {who: status_for(client, user, url) for who, (user, _) in expected.items()}
    assert got == {who: status for who, (_, status) in expected.items()}
    assert status_for(client, None, url) == 302  # sign in first


def test_the_image_is_decrypted_private_and_audited(client, clinic, photo):
    client.force_login(clinic.practitioner.user)
    response = client.get(f"/photos/{photo.pk}/image.jpg")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert open_image(response.content).format == "JPEG"
    client.get(f"/photos/{photo.pk}/thumbnail.jpg")
    views = AuditEvent.objects.filter(action="photo.view", object_id=str(photo.pk)).order_by("pk")
    assert [(e.actor, e.patient, e.details["size"]) for e in views] == [
        (clinic.practitioner.user, clinic.patient, "full"),
        (clinic.practitioner.user, clinic.patient, "thumbnail"),
    ]


def test_the_patient_sees_their_own_when_the_clinic_allows_it(client, clinic, photo):
    PhotoSettings.objects.update_or_create(pk=1, defaults={"patients_may_view": True})
    other = make_patient()
    assert status_for(client, clinic.patient.user, f"/photos/{photo.pk}/image.jpg") == 200
    assert status_for(client, other.user, f"/photos/{photo.pk}/image.jpg") == 404
    client.force_login(clinic.patient.user)
    assert "My photos" in client.get("/me/appointments/").content.decode()  # the menu's link


def test_withdrawing_consent_hides_the_photos_at_once(client, clinic, photo, manager_user):
    consent(clinic.patient, PhotoConsent.Purpose.TEACHING)  # the clinical record withdrawn
    for user in (clinic.practitioner.user, manager_user):
        assert status_for(client, user, f"/photos/{photo.pk}/image.jpg") == 404
        assert status_for(client, user, f"/photos/{photo.pk}/thumbnail.jpg") == 404
    page = client.get(f"/practitioner/appointments/{photo.appointment_id}/photos/").content.decode()
    assert f"/photos/{photo.pk}/" not in page and "has not consented" in page
    consent(clinic.patient, PhotoConsent.Purpose.CLINICAL_RECORD)  # given again before the deletion
    assert status_for(client, manager_user, f"/photos/{photo.pk}/image.jpg") == 200


def test_session_photos_page_is_for_clinicians_only(client, clinic, session, reception):
    url = f"/practitioner/appointments/{session.pk}/photos/"
    assert status_for(client, reception, url) == 404
    assert status_for(client, clinic.patient.user, url) == 404
    assert status_for(client, clinic.other.user, url) == 200


def test_its_practitioner_removes_a_photo_taken_by_mistake(
    client, clinic, photo, photo_files, django_capture_on_commit_callbacks
):
    from photos.models import Photo
    from tests.photos.conftest import stored_files

    url = f"/practitioner/photos/{photo.pk}/remove/"
    for user in (clinic.other.user, clinic.patient.user):  # a colleague sees it; the patient never removes
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(clinic.practitioner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert (
        response.status_code == 302
        and response["Location"] == f"/practitioner/appointments/{photo.appointment_id}/photos/"
    )
    assert not Photo.objects.exists() and stored_files(photo_files) == []
    assert AuditEvent.objects.filter(action="photo.delete", details__why="removed").count() == 1
