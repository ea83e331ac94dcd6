"""Photos' part of a patient's export and erasure (privacy/ composes the parts).

The export lists every photo held, hidden ones (consent withdrawn, not yet deleted) included:
the patient has the right to see all that is kept. The archive carries the pictures themselves,
decrypted. Erasure deletes the photos, files and rows: a photo of a face is not anonymised by
blanking a name.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from clinic.models import Patient
from photos.models import Photo
from photos.services import photos_delete
from photos.storage import file_read


def _photos(patient: Patient):
    return Photo.objects.filter(patient=patient).select_related("area", "appointment").order_by("uploaded_at", "pk")


def archive_name(photo: Photo) -> str:
    return f"photos/photo-{photo.pk}-{photo.area.slug}-{photo.view}.jpg"


def patient_export_part(patient: Patient) -> dict[str, Any]:
    return {
        "photos": [
            {
                "id": p.pk,
                "appointment": p.appointment_id,
                "course": p.appointment.course_id,
                "area": p.area.slug,
                "view": p.view,
                "uploaded_at": p.uploaded_at.isoformat(),
                "width": p.width,
                "height": p.height,
                "file": archive_name(p),
            }
            for p in _photos(patient)
        ]
    }


def patient_export_files(patient: Patient) -> Iterator[tuple[str, bytes]]:
    """(name in the archive, the JPEG's bytes), one photo at a time."""
    for photo in _photos(patient):
        yield archive_name(photo), file_read(photo.file_name)


def patient_erase_part(patient: Patient, *, by: Any) -> int:
    return photos_delete(photos=Photo.objects.filter(patient=patient), by=by, reason="erasure")
