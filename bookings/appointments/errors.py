"""Why an appointment could not be booked or changed: each is a clean 409 (or a form error)."""

from __future__ import annotations

from typing import Any

from bookings.domain import availability as av
from clinic.errors import Conflict


class SlotUnavailable(Conflict):
    code = "slot_unavailable"

    def __init__(self, message: str, alternatives: list[av.Slot] | None = None) -> None:
        super().__init__(message)
        self.alternatives = alternatives or []

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "alternatives": [slot.as_dict() for slot in self.alternatives]}


class PatientBusy(SlotUnavailable):
    """The patient already has an active appointment overlapping the time: nobody is in two rooms."""

    code = "patient_busy"


class TooLateToChange(Conflict):
    code = "too_late"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class CourseRace(Exception):  # noqa: N818 - not an error the user sees: the booking is tried again
    """Another booking of this patient started the same course while this one ran. The caller's
    transaction is spoilt by the unique violation; running the booking again finds that course."""
