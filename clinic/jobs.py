"""Asking a worker for work soon after a commit, without ever failing the request for it.

A job that matters is never only a broker message: its state is in a row (a due outbox row, a
course waiting to be scheduled) that a beat-driven sweep picks up, so this queueing is only there
to make it happen within seconds. With the broker down the request has still succeeded.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_after_commit(name: str, *args: Any) -> None:
    """Queue the Celery task `name` (by name: no import of the task's module) once the current
    transaction commits. Tasks are safe to run twice, so two calls in one transaction may simply
    queue two runs."""

    def queue() -> None:
        try:
            # No publish retries: a dead broker answers at once instead of holding the response.
            _task(name).apply_async(args=args, retry=False)
        except Exception:  # noqa: BLE001 - a dead broker must never turn a committed request into a 500
            logger.warning("could not queue %s now; the beat's sweep will do it", name, exc_info=True)

    transaction.on_commit(queue)


def _task(name: str) -> Any:
    # A web process imports the tasks modules only when first needed (the worker imports them
    # all at start): the task's name is its module and function.
    if name not in current_app.tasks:
        importlib.import_module(name.rpartition(".")[0])
    return current_app.tasks[name]
