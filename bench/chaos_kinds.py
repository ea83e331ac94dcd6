"""The message kind bench/chaos.py sends, loaded into its Celery workers with --include."""

from __future__ import annotations

from datetime import datetime

from clinic.outbox import Message, register

KIND = "bench.chaos"


@register(KIND)
def render(row, now: datetime) -> Message:
    return Message(
        to=f"patient{row.subject_id}@bench.example",
        subject=f"Chaos {row.pk}: your reminder",
        text=f"Hello,\n\nThis is reminder {row.pk}.\n\nMeso Clinic\n",
    )
