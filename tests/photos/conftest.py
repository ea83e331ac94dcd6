"""Photos' test world: the bookings clinic, a completed session, photo storage in a temporary
folder, and the patient's consent to photos in their clinical record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from intake.consent import photo_consent_set
from intake.models import PhotoConsent
from photos.models import Photo
from photos.services import photo_upload
from tests.bookings.conftest import NOW, clinic, frozen_now, reception  # noqa: F401
from tests.bookings.practice import appointment_at
from tests.photos.images import phone_jpeg

CLINICAL = PhotoConsent.Purpose.CLINICAL_RECORD


def photo_storage_in(tmp_path) -> dict:
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "photos")}}


@pytest.fixture(autouse=True)
def photo_files(settings, tmp_path):
    """The photos' storage in a folder of this test's own, so its files can be counted."""
    settings.STORAGES = {**settings.STORAGES, "photos": photo_storage_in(tmp_path)}
    return tmp_path / "photos"


def stored_files(folder) -> list:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def consent(patient, *purposes: str) -> None:
    photo_consent_set(patient=patient, purposes=purposes, by=patient.user, address="127.0.0.1", now=timezone.now())


@pytest.fixture
def session(clinic, frozen_now):  # noqa: F811
    """Yesterday's completed session; its patient consents to photos in the clinical record."""
    consent(clinic.patient, CLINICAL)
    return appointment_at(clinic)


def upload(data: bytes, name: str = "IMG_0001.JPG", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def add_photo(appointment, *, view: str = Photo.View.FRONT, area=None, data: bytes | None = None, by=None) -> Photo:
    return photo_upload(
        appointment=appointment,
        area=area or appointment.area,
        view=view,
        upload=upload(data or phone_jpeg()),
        by=by or appointment.practitioner.user,
        now=max(NOW, appointment.end),
    )


__all__ = ["NOW", "clinic", "frozen_now", "reception"]
