"""Patient data rights: a manager exports everything held about one patient, or erases them.

The top floor: each app knows its own data and contributes a part (`<app>/privacy.py`:
`patient_export_part` and `patient_erase_part`, as pretix's data shredders); this module only
composes them, in one transaction, with the audit row. Export gathers the patient's own rows only.
Erasure anonymises contact details and free text but keeps clinical records (appointments,
courses, intakes, reviews, consents) linked to the now-anonymous patient row: the clinic must
retain them by law. Photos are the exception: they identify the patient, so erasure deletes them,
files and rows. The archive (`patient_export_archive`) is the JSON with the photos beside it.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from billing import privacy as billing_part
from bookings import privacy as bookings_part
from clinic import privacy as clinic_part
from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.models import Patient
from intake import privacy as intake_part
from photos import privacy as photos_part
from waitlist import privacy as waitlist_part

# The export's sections, in the order a reader meets them.
SECTIONS = (
    "patient",
    "account",
    "appointments",
    "courses",
    "session_records",
    "intakes",
    "reviews",
    "consents",
    "photo_consents",
    "photos",
    "waitlist_entries",
    "invoices",
    "payments",
    "deposits",
    "calendar_feed",
    "notifications",
    "audit_events",
)


def patient_export(*, patient: Patient, by: Any) -> dict[str, Any]:
    """Everything held about this patient, and nothing about anyone else."""
    parts = {
        **clinic_part.patient_export_part(patient),
        **bookings_part.patient_export_part(patient),
        **intake_part.patient_export_part(patient),
        **photos_part.patient_export_part(patient),
        **waitlist_part.patient_export_part(patient),
        **billing_part.patient_export_part(patient),
    }
    data = {"exported_at": timezone.now().isoformat(), **{name: parts[name] for name in SECTIONS}}
    audit_record(actor=by, action="patient.export", obj=patient, patient=patient)
    return data


def patient_erase(*, patient: Patient, by: Any, now: datetime) -> None:
    """Anonymise the patient; keep the clinical record, linked to the anonymous row."""
    with transaction.atomic(durable=True):
        patient = Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
        if clinic_part.patient_erased_at(patient):
            raise Conflict("This patient has already been erased.")
        # Off the waiting list before anything else: an open offer's hold goes with it.
        waitlist_part.patient_erase_part(patient, by=by, now=now)
        # Bookings first: its cancellations schedule "appointment cancelled" messages, which the
        # clinic's part then drops with every other pending message to this patient.
        bookings_part.patient_erase_part(patient, by=by, now=now)
        # Photos are deleted, not kept: a picture of a face identifies whatever the name says.
        photos_part.patient_erase_part(patient, by=by)
        # Invoices are kept (VAT records); only what reception typed against payments goes.
        billing_part.patient_erase_part(patient)
        intake_part.patient_erase_part(patient)
        clinic_part.patient_erase_part(patient)
        # Existing AuditEvent rows are never changed (the trail is append-only). They need no
        # anonymising: they hold ids, actions and field names, never a patient's name or contact
        # details, and point at the patient row, which is now anonymous itself.
        audit_record(actor=by, action="patient.erase", obj=patient, patient=patient, details={"by": by.email})


def patient_export_archive(*, patient: Patient, by: Any) -> bytes:
    """A zip: `patient-<id>.json` (the export) and every photo, decrypted, under the name its
    entry in the JSON gives. Built in memory: a patient's photos are tens of megabytes at most."""
    data = patient_export(patient=patient, by=by)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            f"patient-{patient.pk}.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        for name, jpeg in photos_part.patient_export_files(patient):
            archive.writestr(name, jpeg, compress_type=zipfile.ZIP_STORED)  # JPEG is compressed already
    return buffer.getvalue()
