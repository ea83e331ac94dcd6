"""The notification outbox: messages are rows with a due time, sent by a dispatcher every minute.

Services schedule rows inside their own transactions (`notification_schedule`), so a booking and
its reminders commit or roll back together, and cancel or move them (`notification_drop`, or a
renderer answering `Drop`/`Retime` when the row comes due). The beat task `dispatch_outbox`
calls `outbox_dispatch` every minute; it claims due rows, asks each kind's renderer whether the
message is still current and what it says, sends it and marks the row.

Why rows and not Celery ETAs: Redis redelivers an unacknowledged task after its visibility
timeout, so a far-future ETA task is eventually delivered twice; and a task cannot be "moved"
when the appointment moves. A row can be re-timed, dropped, listed and retried.

Delivery is exactly once per row as far as the database can make it: each row is claimed by one
dispatcher only (row locks or a conditional update), and marked sent straight after its send.
The one window left is a dispatcher that dies between the send and that mark: its row is sent
again after the stale-claim timeout (at least once beats never).

This module is the only writer of Notification rows. Renderers register per kind with
`@register("kind")` in a module imported when Django starts (an app's `ready()`), so the Celery
worker knows them too; a kind without a renderer goes to "dead" for staff to see.
"""

from clinic.outbox.dispatch import DispatchResult, outbox_dispatch
from clinic.outbox.renderers import Drop, Message, Renderer, Retime, register, renderer_for
from clinic.outbox.schedule import (
    idempotency_key,
    notification_drop,
    notification_schedule,
    notifications_batch,
    notifications_for_patient_drop,
)

__all__ = [
    "DispatchResult",
    "Drop",
    "Message",
    "Renderer",
    "Retime",
    "idempotency_key",
    "notification_drop",
    "notification_schedule",
    "notifications_batch",
    "notifications_for_patient_drop",
    "outbox_dispatch",
    "register",
    "renderer_for",
]
