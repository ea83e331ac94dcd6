"""Taking photos at a session: consent gates it, the stored file is encrypted and metadata-free,
and bad files get a clear message beside the field (never a 500)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from PIL import ExifTags, ImageFile

from bookings.models import Appointment
from clinic.models import AuditEvent
from intake.models import PhotoConsent
from photos.models import Photo
from photos.storage import file_read
from tests.bookings.practice import appointment_at
from tests.photos.conftest import CLINICAL, consent, stored_files, upload
from tests.photos.images import iphone_heic, open_image, phone_jpeg, png_declaring, truncated_jpeg

pytestmark = pytest.mark.django_db


def post_photo(client, appointment, data: bytes, *, name: str = "IMG_0001.JPG", view: str = "front"):
    url = f"/practitioner/appointments/{appointment.pk}/photos/"
    return client.post(url, {"image": upload(data, name), "area": appointment.area_id, "view": view})


def test_it_stores_an_uploaded_photo_encrypted_without_exif_and_upright(
    client, session, photo_files, django_capture_on_commit_callbacks
):
    client.force_login(session.practitioner.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(client, session, phone_jpeg((60, 40), orientation=6))
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert (photo.appointment, photo.view, photo.area) == (session, "front", session.area)
    files = stored_files(photo_files)
    assert len(files) == 2  # the photo and (the task ran on commit) its thumbnail
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xff\xd8")  # not a JPEG: a Fernet token
        assert raw.startswith(b"gAAAAA")
        assert b"iPhone" not in raw and b"Apple" not in raw
    # Nothing in the stored names says whose photo it is.
    assert re.fullmatch(r"[0-9a-f]{4}/[0-9a-f]{32}\.fernet", photo.file_name)
    image = open_image(file_read(photo.file_name))
    assert image.format == "JPEG"
    assert image.size == (40, 60)  # turned upright from the orientation tag
    exif = image.getexif()
    assert dict(exif) == {}
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert AuditEvent.objects.filter(action="photo.upload", patient=session.patient).count() == 1


@pytest.mark.parametrize(
    ("purposes", "allowed"),
    [
        ((CLINICAL,), True),
        ((PhotoConsent.Purpose.TEACHING,), False),
        ((PhotoConsent.Purpose.MARKETING,), False),
        ((PhotoConsent.Purpose.TEACHING, PhotoConsent.Purpose.MARKETING), False),
        ((), False),
    ],
)
def test_it_takes_photos_only_with_consent_to_the_clinical_record(client, clinic, frozen_now, purposes, allowed):
    consent(clinic.patient, *purposes)
    appointment = appointment_at(clinic)
    client.force_login(appointment.practitioner.user)
    page = client.get(f"/practitioner/appointments/{appointment.pk}/photos/")
    assert ('type="file"' in page.content.decode()) is allowed
    response = post_photo(client, appointment, phone_jpeg())
    assert response.status_code == (302 if allowed else 409)
    assert Photo.objects.count() == (1 if allowed else 0)
    if not allowed:
        assert "has not consented to photos in their clinical record" in response.content.decode()


def test_it_refuses_photos_once_consent_is_withdrawn(client, session):
    consent(session.patient, PhotoConsent.Purpose.TEACHING)  # clinical record withdrawn
    client.force_login(session.practitioner.user)
    assert post_photo(client, session, phone_jpeg()).status_code == 409
    assert Photo.objects.count() == 0


def test_the_phone_page_opens_the_camera(client, session):
    client.force_login(session.practitioner.user)
    html = client.get(f"/practitioner/appointments/{session.pk}/photos/").content.decode()
    assert 'accept="image/*"' in html and " capture " in html.replace(">", " >")
    assert 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a picture at all", "not a photo we can read"),
        (b"", "The file is empty"),
        (png_declaring(10_000, 8_000), "far larger than any photo (10000 × 8000 pixels)"),  # over our 50 MP
        (png_declaring(40_000, 40_000), "far larger than any photo"),  # over Pillow's own bomb limit
        (truncated_jpeg(), "This image is damaged"),
    ],
    ids=["not-an-image", "empty", "bomb", "huge-bomb", "truncated"],
)
def test_it_explains_a_bad_file_beside_the_field(client, session, photo_files, data, message):
    client.force_login(session.practitioner.user)
    response = post_photo(client, session, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Photo.objects.count() == 0 and stored_files(photo_files) == []


def test_it_refuses_a_50_mb_file_from_its_size(client, session, photo_files):
    client.force_login(session.practitioner.user)
    response = post_photo(client, session, b"\xff\xd8" + b"\0" * 50_000_000)
    assert response.status_code == 200
    assert "This file is 50.0 MB; photos may be at most 15.0 MB" in response.content.decode()
    assert stored_files(photo_files) == []


def test_the_size_cap_is_a_setting(client, session, settings):
    settings.PHOTO_MAX_UPLOAD_MB = 0
    client.force_login(session.practitioner.user)
    assert "photos may be at most 0.0 MB" in post_photo(client, session, phone_jpeg()).content.decode()


def test_it_converts_an_iphone_heic_to_jpeg(client, session):
    client.force_login(session.practitioner.user)
    assert post_photo(client, session, iphone_heic((64, 48)), name="IMG_0002.HEIC").status_code == 302
    photo = Photo.objects.get()
    assert photo.source_format == "HEIF"
    image = open_image(file_read(photo.file_name))
    assert (image.format, image.size) == ("JPEG", (64, 48))


def test_without_pillow_heif_a_heic_says_how_to_take_a_compatible_photo(client, session, monkeypatch):
    from photos.domain import images

    monkeypatch.setattr(images, "HEIF_READABLE", False)
    client.force_login(session.practitioner.user)
    response = post_photo(client, session, iphone_heic(), name="IMG_0003.HEIC")
    assert response.status_code == 200
    assert "iPhone HEIC photos are not supported here: choose &#x27;Most compatible&#x27;" in response.content.decode()
    assert Photo.objects.count() == 0


def test_it_scales_a_large_photo_down_to_the_long_edge_cap(client, session, settings):
    settings.PHOTO_MAX_EDGE = 50
    client.force_login(session.practitioner.user)
    post_photo(client, session, phone_jpeg((200, 100), orientation=1))
    assert open_image(file_read(Photo.objects.get().file_name)).size == (50, 25)


def test_only_the_sessions_practitioner_or_a_manager_takes_its_photos(client, clinic, session, manager_user):
    client.force_login(clinic.other.user)  # a colleague at the location: sees, does not take
    assert 'type="file"' not in client.get(f"/practitioner/appointments/{session.pk}/photos/").content.decode()
    assert post_photo(client, session, phone_jpeg()).status_code == 409
    client.force_login(manager_user)
    assert post_photo(client, session, phone_jpeg()).status_code == 302


def test_it_takes_no_photos_before_the_day_or_of_a_cancelled_session(client, clinic, session, frozen_now):
    tomorrow = appointment_at(clinic, frozen_now + timedelta(days=1), status=Appointment.Status.BOOKED)
    cancelled = appointment_at(clinic, frozen_now - timedelta(days=3), status=Appointment.Status.CANCELLED)
    client.force_login(clinic.practitioner.user)
    assert "on the day of the session" in post_photo(client, tomorrow, phone_jpeg()).content.decode()
    assert "is cancelled: it has no photos" in post_photo(client, cancelled, phone_jpeg()).content.decode()
    today = appointment_at(clinic, frozen_now + timedelta(hours=1), status=Appointment.Status.ARRIVED)
    assert post_photo(client, today, phone_jpeg()).status_code == 302  # the "before" photo


def test_it_refuses_an_area_of_another_treatment_and_an_unknown_view(client, session):
    from treatments.models import Area

    other = Area.objects.exclude(treatment=session.treatment).first()
    client.force_login(session.practitioner.user)
    url = f"/practitioner/appointments/{session.pk}/photos/"
    response = client.post(url, {"image": upload(phone_jpeg()), "area": other.pk, "view": "front"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    response = client.post(url, {"image": upload(phone_jpeg()), "area": session.area_id, "view": "underneath"})
    assert response.status_code == 200 and Photo.objects.count() == 0
    assert client.post(url, {"area": session.area_id, "view": "front"}).status_code == 200  # no file


def test_a_damaged_photo_is_refused_even_when_a_library_has_let_pillow_load_truncated_files(
    client, session, photo_files, monkeypatch
):
    # WeasyPrint (invoices' PDFs) turns this on when it is imported; a photo must still be refused.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    client.force_login(session.practitioner.user)
    response = post_photo(client, session, truncated_jpeg())
    assert response.status_code == 200 and "This image is damaged" in response.content.decode()
    assert Photo.objects.count() == 0 and stored_files(photo_files) == []
