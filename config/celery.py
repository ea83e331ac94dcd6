"""The Celery application.

Reliability settings live in settings.py under the CELERY_ namespace (UTC, acks_late,
reject_on_worker_lost, prefetch 1, JSON only, results ignored, time limits): a task is
acknowledged only after it ran, so a worker that dies mid-task leaves it to be redelivered,
which is why every task is written to be safe to run twice.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
