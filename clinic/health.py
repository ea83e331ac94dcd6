"""Liveness of the parts the clinic cannot work without: the database and the task broker."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)

OK = "ok"
DOWN = "down"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure means "down"; the reason goes to the log, not the client
        logger.warning("healthz: database check failed", exc_info=True)
        return DOWN
    return OK


def broker_status(*, timeout: float = 2.0) -> str:
    url = settings.CELERY_BROKER_URL
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
            # For Redis a connection object exists before any round trip; ask the server.
            channel = conn.default_channel
            client = getattr(channel, "client", None)
            if client is not None and hasattr(client, "ping"):
                client.ping()
    except Exception:
        logger.warning("healthz: broker check failed", exc_info=True)
        return DOWN
    return OK


def static_status() -> str:
    """Whether the pages can be served: with hashed static files (production), every page names
    its stylesheet through the manifest `collectstatic` writes, and fails without it."""
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage

    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return OK  # debug: files are served straight from the source folders
    try:
        staticfiles_storage.url("css/clinic.css")
    except ValueError:
        logger.warning("healthz: static files are missing; run manage.py collectstatic")
        return DOWN
    return OK


def health() -> dict[str, str]:
    return {"database": database_status(), "broker": broker_status(), "static": static_status()}
