"""Queries the diary pages share."""

from __future__ import annotations

from collections.abc import Sequence

from bookings.models import Appointment
from intake.models import Intake


def latest_intakes(appointments: Sequence[Appointment], *fields: str) -> dict[tuple[int, int], tuple]:
    """The latest intake's `fields` per (patient, treatment) of the appointments, in one query."""
    latest: dict[tuple[int, int], tuple] = {}
    if not appointments:
        return latest
    for patient_id, treatment_id, *values in (
        Intake.objects.filter(
            patient_id__in={a.patient_id for a in appointments},
            treatment_id__in={a.treatment_id for a in appointments},
        )
        .order_by("patient_id", "treatment_id", "-created_at", "-id")
        .values_list("patient_id", "treatment_id", *fields)
    ):
        latest.setdefault((patient_id, treatment_id), tuple(values))
    return latest


def latest_intake_statuses(appointments: Sequence[Appointment]) -> dict[tuple[int, int], str]:
    """The latest intake's status per (patient, treatment) of the appointments, in one query."""
    return {key: status for key, (status,) in latest_intakes(appointments, "status").items()}
