"""Intake's part of a patient's data rights: questionnaires, reviews and consents.

Erasure blanks the free text a patient typed; the clinical record itself is kept (retention).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from clinic.models import Patient
from intake.models import Consent, Intake, PhotoConsent, Review

ERASED_NAME = "Erased"
# Free-text intake answers that may hold anything the patient typed (names, family, contact
# details). Medications and allergies are clinical facts and stay.
FREE_TEXT_ANSWERS = ("expectations", "health_change")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def patient_export_part(patient: Patient) -> dict[str, Any]:
    return {
        "intakes": _intakes(patient),
        "reviews": _reviews(patient),
        "consents": _consents(patient),
        "photo_consents": _photo_consents(patient),
    }


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
    rows = Consent.objects.filter(patient=patient).select_related("text__treatment").prefetch_related("areas")
    return [
        {
            "intake": c.intake_id,
            "treatment": c.text.treatment.name,
            "areas": [area.name for area in c.areas.all()],
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


def patient_erase_part(patient: Patient) -> None:
    _erase_intake_free_text(patient)
    Consent.objects.filter(patient=patient).update(typed_name=ERASED_NAME, address=None)
    PhotoConsent.objects.filter(patient=patient).update(address=None)


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
