"""Session records: what a practitioner did at a completed appointment.

Clinical data. Every write and every read by staff leaves an audit row; the audit details name
the fields that changed, never their values (the audit trail must not become a second copy of
the clinical record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bookings.appointments.access import may_edit_session_record
from bookings.appointments.clearance import clearance_require
from bookings.models import Appointment, SessionRecord
from clinic.audit import audit_record
from clinic.errors import Conflict

# The record's own columns a form may set; the many-to-many choices are compared as id sets.
SCALAR_FIELDS = (
    "product_name",
    "batch_number",
    "expiry_date",
    "volume_ml",
    "anaesthetic",
    "anaesthetic_other",
    "adverse_event_occurred",
    "technique_notes",
    "adverse_events",
    "advice_given",
)
MANY_FIELDS = ("ingredients", "areas")


class SessionNotCompleted(Conflict):
    code = "session_not_completed"


def session_date(appointment: Appointment) -> date:
    """The local calendar day of the session, at the appointment's location."""
    return appointment.start.astimezone(appointment.location.zone).date()


def day_label(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def session_record_problems(*, appointment: Appointment, data: dict[str, Any]) -> dict[str, str]:
    """What is wrong with this record for this appointment, by field; empty when it is fine.

    Shared by the form (errors beside the fields) and the service (which refuses the same).
    """
    errors: dict[str, str] = {}
    expiry = data.get("expiry_date")
    day = session_date(appointment)
    if expiry is not None and expiry < day:
        errors["expiry_date"] = (
            f"This batch expired on {day_label(expiry)}, before the session on {day_label(day)}: "
            "an expired product must not be used or recorded as used."
        )
    ingredients = list(data.get("ingredients") or [])
    if not ingredients and not (data.get("product_name") or "").strip():
        errors["ingredients"] = "Choose the products used, or name the product below."
    allowed_ingredients = set(appointment.treatment.ingredients.values_list("pk", flat=True))
    if any(item.pk not in allowed_ingredients for item in ingredients):
        errors["ingredients"] = f"Choose products of {appointment.treatment.name.lower()} only."
    areas = list(data.get("areas") or [])
    if not areas:
        errors["areas"] = "Choose at least one area treated."
    elif any(area.treatment_id != appointment.treatment_id for area in areas):
        errors["areas"] = f"Choose areas of {appointment.treatment.name.lower()} only."
    if data.get("anaesthetic") == SessionRecord.Anaesthetic.OTHER and not (data.get("anaesthetic_other") or "").strip():
        errors["anaesthetic_other"] = "Say which anaesthetic was used."
    if data.get("adverse_event_occurred") and not (data.get("adverse_events") or "").strip():
        errors["adverse_events"] = "Describe the adverse event."
    return errors


def session_record_save(*, appointment: Appointment, by: Any, data: dict[str, Any], now: datetime) -> SessionRecord:
    """Create or update the appointment's session record; only once the appointment is completed.

    `data` holds model field values (`ingredients` and `areas` as model instances). Fields not in
    `data` are left as they are.
    """
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("patient", "practitioner", "location", "treatment")
            .get(pk=appointment.pk)
        )
        if appointment.status != Appointment.Status.COMPLETED:
            raise SessionNotCompleted(
                "A session is recorded once its appointment is marked completed; "
                f"this one is {appointment.get_status_display().lower()}."
            )
        if appointment.start > now:  # completed ahead of time by a data error: nothing happened yet
            raise SessionNotCompleted("This session has not started yet, so there is nothing to record.")
        if not may_edit_session_record(by, appointment):
            raise PermissionDenied("Only the appointment's practitioner or a clinic manager records this session.")
        clearance_require(appointment)
        problems = session_record_problems(appointment=appointment, data=data)
        if problems:
            raise ValidationError(problems)
        record = SessionRecord.objects.select_for_update().filter(appointment=appointment).first()
        creating = record is None
        if record is None:
            record = SessionRecord(appointment=appointment, recorded_by=by)
        changed = []
        for name in SCALAR_FIELDS:
            if name in data and getattr(record, name) != data[name]:
                setattr(record, name, data[name])
                changed.append(name)
        if creating or changed:
            record.full_clean(exclude=["appointment", "recorded_by", *MANY_FIELDS], validate_unique=False)
            record.save()
        for name in MANY_FIELDS:
            if name not in data:
                continue
            wanted = _ids(data[name])
            current = set() if creating else set(getattr(record, name).values_list("pk", flat=True))
            if wanted != current:
                getattr(record, name).set(wanted)
                changed.append(name)
        if creating or changed:
            audit_record(
                actor=by,
                action="session_record.create" if creating else "session_record.update",
                obj=record,
                patient=appointment.patient,
                details={"fields": sorted(changed)},
            )
    return record


def session_record_viewed(*, record: SessionRecord, by: Any, via: str = "session record") -> None:
    """Staff read a session record: an audit row, as for every read of clinical data."""
    audit_record(
        actor=by, action="session_record.view", obj=record, patient=record.appointment.patient, details={"via": via}
    )


def _ids(items: Iterable[Any]) -> set[int]:
    return {item if isinstance(item, int) else item.pk for item in items}
