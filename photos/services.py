"""The only writers of photos: upload, thumbnail, view (audited), and deletion after withdrawal.

Photos are clinical data and identifying (a face, a scalp): they are taken only with the
patient's live consent to photos in their clinical record, read only through the audited views,
and the audit rows name the photo and the session, never what it shows.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from bookings.appointments.access import may_edit_session_record
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.jobs import task_after_commit
from clinic.models import Patient
from intake.models import PhotoConsent
from photos.domain.images import Limits, PhotoRejected, check_size, clean_photo, thumbnail
from photos.models import Photo, PhotoSettings
from photos.storage import file_read, file_write, files_delete_after_commit, photo_storage
from treatments.models import Area

logger = logging.getLogger(__name__)

# A photo belongs to a session that is happening or has happened.
PHOTO_STATUSES = (Appointment.Status.BOOKED, Appointment.Status.ARRIVED, Appointment.Status.COMPLETED)


class NoPhotoConsent(Conflict):
    code = "no_photo_consent"


class NotASession(Conflict):
    code = "not_a_session"


def upload_limits() -> Limits:
    return Limits(
        max_bytes=settings.PHOTO_MAX_UPLOAD_MB * 1_000_000,
        max_pixels=settings.PHOTO_MAX_PIXELS,
        max_edge=settings.PHOTO_MAX_EDGE,
    )


def photo_consent_live(patient: Patient) -> bool:
    """Consent to photographs in the clinical record, given and not withdrawn. Teaching or
    marketing consent alone does not cover taking photos for the record."""
    return PhotoConsent.objects.filter(
        patient=patient, purpose=PhotoConsent.Purpose.CLINICAL_RECORD, revoked_at=None
    ).exists()


def photo_upload_refusal(*, appointment: Appointment, now: datetime) -> Conflict | None:
    """Why no photo may be added to this session now (None: it may). The page asks before it
    offers the camera; the service asks again when the photo arrives."""
    if appointment.status not in PHOTO_STATUSES:
        return NotASession(f"This appointment is {appointment.get_status_display().lower()}: it has no photos.")
    zone = appointment.location.zone
    if appointment.start.astimezone(zone).date() > now.astimezone(zone).date():
        return NotASession("Photos are taken on the day of the session, not before.")
    if not photo_consent_live(appointment.patient):
        return NoPhotoConsent(
            f"{appointment.patient.full_name} has not consented to photos in their clinical record (or has "
            "withdrawn it). They can give it under Photo consent when signed in; teaching or marketing consent "
            "alone is not enough."
        )
    return None


def photo_upload(*, appointment: Appointment, area: Area, view: str, upload: Any, by: Any, now: datetime) -> Photo:
    """Check, clean (EXIF removed, orientation applied, size capped), encrypt and store one photo
    of this session; the thumbnail follows in the background. `upload` is a Django UploadedFile."""
    if not may_edit_session_record(by, appointment):
        raise PermissionDenied("Only the appointment's practitioner or a clinic manager takes its photos.")
    refusal = photo_upload_refusal(appointment=appointment, now=now)
    if refusal is not None:
        raise refusal
    if area.treatment_id != appointment.treatment_id:
        raise ValidationError({"area": f"Choose an area of {appointment.treatment.name.lower()}."})
    if view not in Photo.View.values:
        raise ValidationError({"view": "Choose the view: front, left, right, back, top of the scalp or close-up."})
    limits = upload_limits()
    try:
        check_size(upload.size, limits)  # from the declared size: a 50 MB file is never read
        clean = clean_photo(upload.read(), limits)
    except PhotoRejected as exc:
        raise ValidationError({"image": str(exc)}) from exc
    name = file_write(clean.jpeg)
    try:
        with transaction.atomic():
            photo = Photo.objects.create(
                patient=appointment.patient,
                appointment=appointment,
                area=area,
                view=view,
                file_name=name,
                width=clean.width,
                height=clean.height,
                source_format=clean.source_format,
                uploaded_by=by,
                uploaded_at=now,
            )
            audit_record(
                actor=by,
                action="photo.upload",
                obj=photo,
                patient=appointment.patient,
                details={"session": appointment.pk},
            )
            task_after_commit("photos.tasks.make_thumbnail", photo.pk)
    except BaseException:
        photo_storage().delete(name)  # no row names it: nothing must be left behind
        raise
    return photo


def photo_thumbnail_make(*, photo_id: int) -> bool:
    """Make the photo's thumbnail unless it has one; True when this call made it. Safe to run twice
    (or concurrently): only the first conditional update keeps its file."""
    photo = Photo.objects.filter(pk=photo_id, thumbnail_name="").only("file_name").first()
    if photo is None:
        return False
    try:
        data = file_read(photo.file_name)
    except FileNotFoundError:  # deleted meanwhile (withdrawal, erasure)
        return False
    name = file_write(thumbnail(data))
    if Photo.objects.filter(pk=photo_id, thumbnail_name="").update(thumbnail_name=name):
        return True
    photo_storage().delete(name)
    return False


def photos_missing_thumbnails(*, now: datetime) -> list[int]:
    """Photos whose thumbnail task was lost (queued more than two minutes ago and still none)."""
    return list(
        Photo.objects.filter(thumbnail_name="", uploaded_at__lt=now - timedelta(minutes=2)).values_list("pk", flat=True)
    )


def photo_viewed(*, photo: Photo, by: Any, size: str) -> None:
    audit_record(
        actor=by,
        action="photo.view",
        obj=photo,
        patient=photo.patient,
        details={"size": size, "session": photo.appointment_id},
    )


def photos_delete(*, photos: models.QuerySet[Photo], by: Any, reason: str) -> int:
    """Delete the rows now and their files once that commits; one audit row per patient."""
    with transaction.atomic():
        rows = list(photos.select_for_update().select_related("patient"))
        if not rows:
            return 0
        files_delete_after_commit([name for p in rows for name in (p.file_name, p.thumbnail_name)])
        Photo.objects.filter(pk__in=[p.pk for p in rows]).delete()
        counts: dict[int, int] = {}
        for photo in rows:
            counts[photo.patient_id] = counts.get(photo.patient_id, 0) + 1
        patients = {p.patient_id: p.patient for p in rows}
        for patient_id, count in sorted(counts.items()):
            patient = patients[patient_id]
            audit_record(
                actor=by, action="photo.delete", obj=patient, patient=patient, details={"count": count, "why": reason}
            )
    return len(rows)


def photo_remove(*, photo: Photo, by: Any) -> None:
    """A photo taken by mistake (the wrong view, the wrong patient's arm) is deleted, file and row,
    by the session's practitioner or a manager."""
    if not may_edit_session_record(by, photo.appointment):
        raise PermissionDenied("Only the appointment's practitioner or a clinic manager removes its photos.")
    photos_delete(photos=Photo.objects.filter(pk=photo.pk), by=by, reason="removed")


def photos_purge_withdrawn(*, now: datetime) -> int:
    """Beat: the photos of patients who withdrew consent to photos in their record longer ago than
    the clinic's retention rule are deleted, files and rows. Returns how many."""
    days = PhotoSettings.current().retention_days_after_withdrawal
    clinical = PhotoConsent.objects.filter(
        patient=models.OuterRef("patient"), purpose=PhotoConsent.Purpose.CLINICAL_RECORD
    )
    withdrawn = (
        Photo.objects.exclude(models.Exists(clinical.filter(revoked_at=None)))
        .annotate(withdrawn_at=models.Subquery(clinical.order_by("-revoked_at").values("revoked_at")[:1]))
        .filter(models.Q(withdrawn_at__lte=now - timedelta(days=days)) | models.Q(withdrawn_at__isnull=True))
    )
    return photos_delete(photos=Photo.objects.filter(pk__in=withdrawn.values("pk")), by=None, reason="withdrawn")
