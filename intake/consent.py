"""Writers of consent: the treatment's consent (typed name, versioned wording) and the patient's
granular, revocable photo consent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.audit import audit_record
from clinic.models import Patient
from intake.models import Consent, Intake, PhotoConsent
from intake.selectors import consent_signature, consent_text_for
from intake.services import OPEN, IntakeConflict, intake_save_answers


def consent_record(*, intake: Intake, typed_name: str, agreed: bool, address: str | None, now: datetime) -> Consent:
    if not agreed:
        raise ValidationError({"agreed": "Please tick to confirm you agree."})
    typed = " ".join(typed_name.split())
    if typed.casefold() != intake.patient.full_name.casefold():
        raise ValidationError({"typed_name": f"Type your full name as we hold it: {intake.patient.full_name}."})
    text = consent_text_for(intake)
    if text is None:
        raise ValidationError(
            {"typed_name": "There is no consent text for this treatment yet: please call the clinic."}
        )
    with transaction.atomic():
        consent = Consent.objects.create(
            patient=intake.patient, text=text, intake=intake, typed_name=typed, accepted_at=now, address=address
        )
        # The questionnaire's area is what the patient booked and what the wording named.
        consent.areas.set([intake.area_id])
        audit_record(
            actor=intake.patient.user,
            action="consent.accept",
            obj=consent,
            patient=intake.patient,
            details={"version": text.version, "areas": [intake.area.slug]},
        )
    return consent


def photo_consent_set(
    *, patient: Patient, purposes: Iterable[str], by: Any, address: str | None, now: datetime
) -> list[PhotoConsent]:
    """Grant exactly these purposes: new ones are granted, missing ones revoked (kept, stamped)."""
    wanted = set(purposes)
    valid = {choice.value for choice in PhotoConsent.Purpose}
    if wanted - valid:
        raise ValidationError({"purposes": f"Unknown purpose(s): {', '.join(sorted(wanted - valid))}."})
    with transaction.atomic():
        live = {c.purpose: c for c in PhotoConsent.objects.select_for_update().filter(patient=patient, revoked_at=None)}
        for purpose, consent in live.items():
            if purpose not in wanted:
                consent.revoked_at = now
                consent.save(update_fields=["revoked_at"])
                audit_record(
                    actor=by, action="photo_consent.revoke", obj=consent, patient=patient, details={"purpose": purpose}
                )
        for purpose in sorted(wanted - set(live)):
            consent = PhotoConsent.objects.create(patient=patient, purpose=purpose, granted_at=now, address=address)
            audit_record(
                actor=by, action="photo_consent.grant", obj=consent, patient=patient, details={"purpose": purpose}
            )
    return list(PhotoConsent.objects.filter(patient=patient, revoked_at=None))


def intake_consent_give(
    *,
    intake: Intake,
    typed_name: str,
    agreed: bool,
    purposes: Iterable[str],
    by: Any,
    address: str | None,
    now: datetime,
) -> Intake:
    """The questionnaire's consent step, all or nothing: the treatment's consent signed (once per
    wording), the photo choices set, and the step recorded."""
    with transaction.atomic(durable=True):
        if consent_signature(intake) is None:
            consent_record(intake=intake, typed_name=typed_name, agreed=agreed, address=address, now=now)
        photo_consent_set(patient=intake.patient, purposes=purposes, by=by, address=address, now=now)
        return intake_save_answers(intake=intake, answers={}, by=by, step=4)


def intake_consent_sign(
    *, intake: Intake, typed_name: str, agreed: bool, address: str | None, now: datetime
) -> Consent:
    """The treatment's consent signed for a questionnaire still being filled in (the API's
    consent step). Signing the wording already signed changes nothing and answers that signature,
    so an app that retries does not sign twice."""
    with transaction.atomic():
        intake = Intake.objects.select_for_update().select_related("patient", "treatment").get(pk=intake.pk)
        if intake.status not in OPEN:
            raise IntakeConflict("This questionnaire has been submitted: its consent can no longer be changed.")
        signature = consent_signature(intake)
        if signature is not None:
            return signature
        return consent_record(intake=intake, typed_name=typed_name, agreed=agreed, address=address, now=now)
