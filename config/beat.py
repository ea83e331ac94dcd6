"""Celery beat's schedule: sweeps over rows, so nothing depends on a broker message queued at
the time of a change surviving. A run queued while no worker is free expires rather than piling
up (each run's `expires` is a little under its period)."""

from __future__ import annotations


def _every(task: str, seconds: float) -> dict:
    return {"task": task, "schedule": float(seconds), "options": {"expires": max(int(seconds * 0.9), 1)}}


def beat_schedule(*, outbox_every: int) -> dict:
    return {
        # One run sends for up to 45 s, so two workers overlap and share the load (SKIP LOCKED), and a
        # broker that comes back is followed within seconds.
        "dispatch-outbox": {
            "task": "clinic.tasks.dispatch_outbox",
            "schedule": float(outbox_every),
            "options": {"expires": max(outbox_every - 1, 1)},
        },
        "schedule-pending-courses": _every("bookings.tasks.schedule_pending_courses", 60),
        "photos-thumbnails": _every("photos.tasks.make_missing_thumbnails", 300),
        "photos-purge-withdrawn": _every("photos.tasks.purge_withdrawn_photos", 3600),
        # For lost tasks: expired waitlist offers cascade, freed slots are offered, online refunds are sent.
        "waitlist-sweep": _every("waitlist.tasks.sweep", 60),
        "billing-refunds-sweep": _every("billing.tasks.sweep_refunds", 60),
        "purge-idempotency-keys": _every("clinic.tasks.purge_idempotency_keys", 3600),
    }
