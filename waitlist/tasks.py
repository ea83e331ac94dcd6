"""Background work for the waiting list: ids only in the messages, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from waitlist.offers import offers_expire_due, slot_offer_next
from waitlist.selectors import slots_due
from waitlist.services import entries_expire


@shared_task(acks_late=True, max_retries=3, autoretry_for=(OperationalError,), retry_backoff=True)
def offer_slot(slot_id: int) -> bool:
    """Queued when a slot frees up or an offer is declined; a second run finds the offer made."""
    return slot_offer_next(slot_id=slot_id, now=timezone.now()) is not None


@shared_task(acks_late=True)
def sweep() -> int:
    """Beat, every minute: expired offers cascade to the next match, freed slots whose task was
    lost (or that waited for the end of the quiet hours) are offered, and finished ranges expire."""
    now = timezone.now()
    done = offers_expire_due(now=now)
    for slot_id in slots_due(now=now):
        done += slot_offer_next(slot_id=slot_id, now=now) is not None
    return done + entries_expire(now=now)
