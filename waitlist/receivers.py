"""What the waiting list does when bookings says a slot has freed up (bookings/signals.py).

Sent inside the booking service's transaction: the freed slot's row commits with the change, and
the offer is made by a worker once it has (never inside the patient's request)."""

from __future__ import annotations

from typing import Any

from waitlist.models import FreedSlot
from waitlist.services import slot_freed


def on_appointment_cancelled(sender: Any, *, appointment: Any, now: Any, **kwargs: Any) -> None:
    slot_freed(
        location_id=appointment.location_id,
        practitioner_id=appointment.practitioner_id,
        start=appointment.start,
        end=appointment.end,
        cause=FreedSlot.Cause.CANCELLED,
        appointment=appointment,
        now=now,
    )


def on_appointment_moved(
    sender: Any, *, appointment: Any, old_start: Any, old_end: Any, old_practitioner_id: int, now: Any, **kwargs: Any
) -> None:
    slot_freed(
        location_id=appointment.location_id,
        practitioner_id=old_practitioner_id,
        start=old_start,
        end=old_end,
        cause=FreedSlot.Cause.MOVED,
        appointment=appointment,
        now=now,
    )
