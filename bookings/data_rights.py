"""Patient data rights: a manager exports everything held about one patient, or erases them.

Export gathers the patient's own rows only (every query is filtered by that patient) into a
JSON-serialisable dict. Erasure anonymises contact details and free text but keeps clinical
records (appointments, courses, intakes, reviews, consents) linked to the now-anonymous patient
row: the clinic must retain them by law. bookings sits on top of clinic, treatments and intake,
so this module may import all of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bookings.models import Appointment, CalendarFeed, Course, SessionRecord
from bookings.services import appointment_cancel
from clinic.audit import audit_record
from clinic.models import AuditEvent, Notification, Patient
from clinic.outbox import notifications_for_patient_drop
from intake.models import Consent, Intake, PhotoConsent, Review

ERASED_NAME = "Erased"
ERASE_CANCEL_REASON = "erased at the patient's request"
# Free-text intake answers that may hold anything the patient typed (names, family, contact
# details). Medications and allergies are clinical facts and stay.
FREE_TEXT_ANSWERS = ("expectations", "health_change")
# The same rule for session records: the structured clinical facts (products, batch, expiry,
# areas, volume, anaesthetic, whether an adverse event occurred) stay; the free text, which may
# name or describe the person, is blanked.
SESSION_FREE_TEXT = ("technique_notes", "adverse_events", "advice_given")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- export -----------------------------------------------------------------------------------


def patient_export(*, patient: Patient, by: Any) -> dict[str, Any]:
    """Everything held about this patient, and nothing about anyone else."""
    data = {
        "exported_at": timezone.now().isoformat(),
        "patient": _patient_data(patient),
        "account": _account_data(patient),
        "appointments": _appointments(patient),
        "courses": _courses(patient),
        "session_records": _session_records(patient),
        "intakes": _intakes(patient),
        "reviews": _reviews(patient),
        "consents": _consents(patient),
        "photo_consents": _photo_consents(patient),
        # Whether a feed exists only: the token is a credential and never leaves the database.
        "calendar_feed": {"exists": CalendarFeed.objects.filter(patient=patient).exists()},
        "notifications": _notifications(patient),
        "audit_events": _audit_events(patient),
    }
    audit_record(actor=by, action="patient.export", obj=patient, patient=patient)
    return data


def _patient_data(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": _iso(patient.date_of_birth),
        "email": patient.email,
        "phone": patient.phone,
        "created_at": _iso(patient.created_at),
    }


def _account_data(patient: Patient) -> dict[str, Any] | None:
    user = patient.user
    if user is None:
        return None
    # Never the password hash, groups or permissions: what the patient can act on is their login.
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _appointments(patient: Patient) -> list[dict[str, Any]]:
    rows = Appointment.objects.filter(patient=patient).select_related("treatment", "area", "location", "practitioner")
    return [
        {
            "id": a.pk,
            "treatment": a.treatment.name,
            "area": a.area.name,
            "location": a.location.name,
            "practitioner": a.practitioner.display_name,
            # In the location's time zone, with its offset: what the patient saw when booking.
            "start": a.start.astimezone(a.location.zone).isoformat(),
            "end": a.end.astimezone(a.location.zone).isoformat(),
            "status": a.status,
            "kind": a.kind,
            "session_number": a.session_number,
            "notes": a.notes,
            "cancel_reason": a.cancel_reason,
        }
        for a in rows.order_by("start", "pk")
    ]


def _courses(patient: Patient) -> list[dict[str, Any]]:
    rows = Course.objects.filter(patient=patient).select_related("treatment", "area", "location", "practitioner")
    return [
        {
            "id": c.pk,
            "treatment": c.treatment.name,
            "area": c.area.name,
            "location": c.location.name,
            "practitioner": c.practitioner.display_name,
            "status": c.status,
            "sessions_planned": c.sessions_planned,
            "interval_days": c.interval_days,
            "maintenance_due": _iso(c.maintenance_due),
            "created_at": _iso(c.created_at),
        }
        for c in rows.order_by("created_at", "pk")
    ]


def _session_records(patient: Patient) -> list[dict[str, Any]]:
    rows = (
        SessionRecord.objects.filter(appointment__patient=patient)
        .select_related("appointment__location", "recorded_by")
        .prefetch_related("ingredients", "areas")
    )
    return [
        {
            "appointment": r.appointment_id,
            "session_date": r.appointment.start.astimezone(r.appointment.location.zone).date().isoformat(),
            "ingredients": [i.name for i in r.ingredients.all()],
            "product_name": r.product_name,
            "batch_number": r.batch_number,
            "expiry_date": _iso(r.expiry_date),
            "areas": [a.name for a in r.areas.all()],
            "volume_ml": str(r.volume_ml),
            "anaesthetic": r.anaesthetic,
            "anaesthetic_other": r.anaesthetic_other,
            "adverse_event_occurred": r.adverse_event_occurred,
            "technique_notes": r.technique_notes,
            "adverse_events": r.adverse_events,
            "advice_given": r.advice_given,
            "recorded_by": r.recorded_by.get_full_name(),
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.updated_at),
        }
        for r in rows.order_by("appointment__start", "pk")
    ]


def _intakes(patient: Patient) -> list[dict[str, Any]]:
    rows = Intake.objects.filter(patient=patient).select_related("treatment", "area")
    return [
        {
            "id": i.pk,
            "treatment": i.treatment.name,
            "area": i.area.name,
            "status": i.status,
            "answers": i.answers,
            "findings": i.findings,
            "snapshot": i.snapshot,
            "submitted_at": _iso(i.submitted_at),
            "valid_until": _iso(i.valid_until),
            "created_at": _iso(i.created_at),
        }
        for i in rows.order_by("created_at", "pk")
    ]


def _reviews(patient: Patient) -> list[dict[str, Any]]:
    rows = Review.objects.filter(intake__patient=patient).select_related("practitioner")
    return [
        {
            "intake": r.intake_id,
            "decision": r.decision,
            "notes": r.notes,
            "finding_decisions": r.finding_decisions,
            "sessions": r.sessions,
            "interval_days": r.interval_days,
            "practitioner": r.practitioner.display_name,
            "at": _iso(r.at),
        }
        for r in rows.order_by("at", "pk")
    ]


def _consents(patient: Patient) -> list[dict[str, Any]]:
    rows = Consent.objects.filter(patient=patient).select_related("text__treatment")
    return [
        {
            "intake": c.intake_id,
            "treatment": c.text.treatment.name,
            "text_version": c.text.version,
            "typed_name": c.typed_name,
            "accepted_at": _iso(c.accepted_at),
            "address": c.address,
        }
        for c in rows.order_by("accepted_at", "pk")
    ]


def _photo_consents(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "purpose": c.purpose,
            "granted_at": _iso(c.granted_at),
            "revoked_at": _iso(c.revoked_at),
            "address": c.address,
        }
        for c in PhotoConsent.objects.filter(patient=patient).order_by("granted_at", "pk")
    ]


def _notifications(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "channel": n.channel,
            "due_at": _iso(n.due_at),
            "sent_at": _iso(n.sent_at),
            "status": n.status,
        }
        for n in Notification.objects.filter(patient=patient).order_by("due_at", "pk")
    ]


def _audit_events(patient: Patient) -> list[dict[str, Any]]:
    rows = AuditEvent.objects.filter(patient=patient).select_related("actor")
    return [
        {
            "at": _iso(e.at),
            "action": e.action,
            "actor": e.actor.email if e.actor else None,
            "object": f"{e.object_type}#{e.object_id}",
        }
        for e in rows.order_by("at", "pk")
    ]


# --- erasure ----------------------------------------------------------------------------------


def patient_erase(*, patient: Patient, by: Any, now: datetime) -> None:
    """Anonymise the patient; keep the clinical record, linked to the anonymous row."""
    with transaction.atomic():
        patient = Patient.objects.select_for_update(of=("self",)).select_related("user").get(pk=patient.pk)
        # Through the booking service, so courses close and reminders drop as for any cancel.
        for appointment in Appointment.objects.filter(patient=patient, status=Appointment.Status.BOOKED, start__gt=now):
            appointment_cancel(appointment=appointment, by=by, reason=ERASE_CANCEL_REASON, now=now)
        # After the cancellations, which schedule an "appointment cancelled" message: nothing
        # more is sent to them, and sent rows lose the address they went to.
        notifications_for_patient_drop(patient=patient)
        CalendarFeed.objects.filter(patient=patient).delete()
        Appointment.objects.filter(patient=patient).exclude(notes="").update(notes="")
        _erase_intake_free_text(patient)
        _erase_session_free_text(patient)
        Consent.objects.filter(patient=patient).update(typed_name=ERASED_NAME, address=None)
        PhotoConsent.objects.filter(patient=patient).update(address=None)
        if patient.user is not None:
            _erase_account(patient.user)
        patient.first_name = ERASED_NAME
        patient.last_name = f"Patient #{patient.pk}"
        patient.email = ""
        patient.phone = ""
        # Retention choice: clinical records keep their relevance to age (dosing, screening
        # rules that depend on age, the age recorded in intake snapshots), so the year of birth
        # is kept. Day and month are what make a date of birth identifying, so they are dropped
        # (1 January of the same year stands in: the field cannot be empty).
        patient.date_of_birth = date(patient.date_of_birth.year, 1, 1)
        patient.save(update_fields=["first_name", "last_name", "email", "phone", "date_of_birth", "updated_at"])
        # Existing AuditEvent rows are never changed (the trail is append-only). They need no
        # anonymising: they hold ids, actions and field names, never a patient's name or contact
        # details, and point at the patient row, which is now anonymous itself.
        audit_record(actor=by, action="patient.erase", obj=patient, patient=patient, details={"by": by.email})


def _erase_intake_free_text(patient: Patient) -> None:
    for intake in Intake.objects.select_for_update().filter(patient=patient):
        changed = False
        for holder in (intake.answers, intake.snapshot.get("answers")):
            if not isinstance(holder, dict):
                continue
            for key in FREE_TEXT_ANSWERS:
                if holder.get(key):
                    holder[key] = ""
                    changed = True
        if changed:
            intake.save(update_fields=["answers", "snapshot", "updated_at"])


def _erase_session_free_text(patient: Patient) -> None:
    # Row by row through save(), not a bulk update(): the free-text fields are due to become
    # encrypted fields, whose value must go through the field's own preparation.
    for record in SessionRecord.objects.select_for_update().filter(appointment__patient=patient):
        blanked = [name for name in SESSION_FREE_TEXT if getattr(record, name)]
        for name in blanked:
            setattr(record, name, "")
        if blanked:
            record.save(update_fields=[*blanked, "updated_at"])


def _erase_account(user: Any) -> None:
    user.is_active = False
    user.email = f"erased-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "first_name", "last_name", "password"])
    # API tokens would otherwise outlive the account's sign-in (DRF also refuses inactive users).
    Token.objects.filter(user=user).delete()
