"""Background work for photos: ids only in the messages (never a patient's data), safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from photos.services import photo_thumbnail_make, photos_missing_thumbnails, photos_purge_withdrawn


@shared_task(acks_late=True, max_retries=3, autoretry_for=(OperationalError,), retry_backoff=True)
def make_thumbnail(photo_id: int) -> bool:
    """Queued after an upload commits; a second run finds the thumbnail made and does nothing."""
    return photo_thumbnail_make(photo_id=photo_id)


@shared_task(acks_late=True)
def make_missing_thumbnails() -> int:
    """Beat, every five minutes: thumbnails whose task was lost (broker down, worker killed)."""
    return sum(photo_thumbnail_make(photo_id=pk) for pk in photos_missing_thumbnails(now=timezone.now()))


@shared_task(acks_late=True)
def purge_withdrawn_photos() -> int:
    """Beat, hourly: deletes the photos whose consent was withdrawn longer ago than the clinic keeps them."""
    return photos_purge_withdrawn(now=timezone.now())
