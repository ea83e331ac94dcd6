"""What bookings tells the apps above it (billing, waitlist, ...), which it never imports.

Each signal is sent by a service in bookings/appointments/services.py inside its transaction,
after the change and its audit record: a receiver's writes commit or roll back with the change,
and a receiver that must reach the outside world writes an outbox row (clinic/outbox) rather
than acting at once. Receivers take keyword arguments (and **kwargs, for what is added later).
A signal with no receiver costs nothing, so the booking path's statement count is unchanged
until an app answers it.
"""

from django.dispatch import Signal

# appointment, by, now: booked by a patient online or by staff (a course's later sessions,
# booked in bulk by the scheduler, are not sent one by one).
appointment_booked = Signal()
# appointment, by, now: the slot it held is free again (appointment.cancelled_at is set).
appointment_cancelled = Signal()
# appointment, old_start, old_end, old_practitioner_id, old_room_id, by, now: the slot it left
# is free again.
appointment_moved = Signal()
# appointment, previous, by, now: arrived, completed, no-show, or back to booked.
appointment_status_changed = Signal()
# practitioner_id, location_id, before, after, by, now: a practitioner's weekly hours at a location
# were replaced; before and after are (weekday, start, end) local wall-clock blocks, so the apps
# above can tell which times are newly bookable.
working_hours_changed = Signal()
# practitioner_id, start, end, by, now: time off was removed; the practitioner's working time
# inside [start, end) is bookable again.
time_off_removed = Signal()
