"""A photo's life after the upload: its thumbnail (a task, safe to repeat), deletion after a
withdrawal (the clinic's retention rule), erasure, the data export, and key rotation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from clinic.fields import DecryptionError
from clinic.models import AuditEvent
from intake.models import PhotoConsent
from photos.models import Photo, PhotoSettings
from photos.storage import file_read
from photos.tasks import make_missing_thumbnails, make_thumbnail, purge_withdrawn_photos
from privacy.services import patient_erase
from tests.photos.conftest import add_photo, consent, stored_files
from tests.photos.images import open_image

pytestmark = pytest.mark.django_db


def test_the_thumbnail_task_is_safe_to_run_twice(session, photo_files):
    photo = add_photo(session)  # the on-commit task does not run inside the test's transaction
    assert len(stored_files(photo_files)) == 1
    assert make_thumbnail(photo.pk) is True
    photo.refresh_from_db()
    name = photo.thumbnail_name
    assert make_thumbnail(photo.pk) is False
    photo.refresh_from_db()
    assert photo.thumbnail_name == name and len(stored_files(photo_files)) == 2
    thumb = open_image(file_read(name))
    assert thumb.format == "JPEG" and max(thumb.size) <= 400
    assert make_thumbnail(987654) is False  # a photo deleted meanwhile


def test_the_upload_queues_its_thumbnail_with_the_photos_id_only(session, django_capture_on_commit_callbacks):
    from unittest import mock

    with (
        mock.patch("photos.tasks.make_thumbnail.apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        photo = add_photo(session)
    queued.assert_called_once_with(args=(photo.pk,), retry=False)


def test_the_beat_makes_thumbnails_whose_task_was_lost(session, frozen_now):
    photo = add_photo(session)
    assert make_missing_thumbnails() == 0  # just uploaded: its own task is on the way
    with time_machine.travel(frozen_now + timedelta(minutes=5), tick=False):
        assert make_missing_thumbnails() == 1
    photo.refresh_from_db()
    assert photo.thumbnail_name


def test_withdrawn_photos_are_deleted_after_the_retention_rule(
    session, photo_files, frozen_now, django_capture_on_commit_callbacks
):
    PhotoSettings.objects.update_or_create(pk=1, defaults={"retention_days_after_withdrawal": 30})
    photo = add_photo(session)
    make_thumbnail(photo.pk)
    add_photo(session, view=Photo.View.LEFT)
    with time_machine.travel(frozen_now + timedelta(days=1), tick=False):
        consent(session.patient)  # every purpose withdrawn
    with time_machine.travel(frozen_now + timedelta(days=30), tick=False):
        assert purge_withdrawn_photos() == 0  # 29 days after: hidden, not yet deleted
    assert Photo.objects.count() == 2 and len(stored_files(photo_files)) == 3
    with (
        time_machine.travel(frozen_now + timedelta(days=31, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert purge_withdrawn_photos() == 2
    assert Photo.objects.count() == 0 and stored_files(photo_files) == []
    event = AuditEvent.objects.get(action="photo.delete")
    assert (event.patient, event.details) == (session.patient, {"count": 2, "why": "withdrawn"})


def test_photos_with_live_consent_are_never_purged(session, photo_files, frozen_now):
    add_photo(session)
    consent(session.patient, PhotoConsent.Purpose.CLINICAL_RECORD, PhotoConsent.Purpose.TEACHING)
    with time_machine.travel(frozen_now + timedelta(days=400), tick=False):
        assert purge_withdrawn_photos() == 0


def test_the_purge_runs_from_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"photos.tasks.purge_withdrawn_photos", "photos.tasks.make_missing_thumbnails"} <= tasks


def test_erasure_deletes_the_files_not_only_the_rows(
    session, photo_files, manager_user, django_capture_on_commit_callbacks
):
    photo = add_photo(session)
    make_thumbnail(photo.pk)
    assert len(stored_files(photo_files)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        patient_erase(patient=session.patient, by=manager_user, now=timezone.now())
    assert Photo.objects.count() == 0
    assert stored_files(photo_files) == []
    assert AuditEvent.objects.filter(action="photo.delete", details__why="erasure").count() == 1


def test_the_export_includes_the_photos_decrypted_in_the_archive(client, session, manager_user):
    photo = add_photo(session)
    add_photo(session, view=Photo.View.LEFT)
    consent(session.patient)  # withdrawn: hidden from the pages, still held, so still exported
    client.force_login(manager_user)
    response = client.get(f"/staff/patients/{session.patient.pk}/export.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read(f"patient-{session.patient.pk}.json"))
    assert [p["id"] for p in data["photos"]] == [photo.pk, photo.pk + 1]
    for entry in data["photos"]:
        image = open_image(archive.read(entry["file"]))
        assert image.format == "JPEG" and dict(image.getexif()) == {}
    page = client.get(f"/staff/patients/{session.patient.pk}/export/").content.decode()
    assert data["photos"][0]["file"] in page and "Download with photos (zip)" in page
    assert "photos" in client.get(f"/staff/patients/{session.patient.pk}/export.json").json()


def test_key_rotation_re_encrypts_the_files(session, settings, photo_files, django_capture_on_commit_callbacks):
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    photo = add_photo(session)
    make_thumbnail(photo.pk)
    photo.refresh_from_db()
    before = {photo.file_name, photo.thumbnail_name}
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    photo.refresh_from_db()
    assert {photo.file_name, photo.thumbnail_name}.isdisjoint(before)
    assert len(stored_files(photo_files)) == 2  # the old files are gone
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped: everything still opens
    assert open_image(file_read(photo.file_name)).format == "JPEG"
    assert open_image(file_read(photo.thumbnail_name)).format == "JPEG"
    settings.FIELD_ENCRYPTION_KEYS = [old]
    with pytest.raises(DecryptionError):
        file_read(photo.file_name)
