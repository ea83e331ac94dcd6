"""A patient's private calendar feed: created once, revoked by replacing its token, and what it lists.

A feed URL is fetched by calendar servers that cannot sign in, so its unguessable token is the
only credential: revoking deletes the row and makes a new one, so the old URL is dead at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from bookings.models import Appointment, CalendarFeed
from clinic.audit import audit_record
from clinic.models import Patient


def calendar_feed_create(*, patient: Patient, by: Any) -> CalendarFeed:
    with transaction.atomic():
        feed, created = CalendarFeed.objects.get_or_create(patient=patient)
        if created:
            audit_record(actor=by, action="calendar_feed.create", obj=feed, patient=patient)
    return feed


def calendar_feed_revoke(*, patient: Patient, by: Any) -> CalendarFeed:
    with transaction.atomic():
        CalendarFeed.objects.filter(patient=patient).delete()
        feed = CalendarFeed.objects.create(patient=patient)
        audit_record(actor=by, action="calendar_feed.revoke", obj=feed, patient=patient)
    return feed


def calendar_feed_appointments(feed: CalendarFeed, *, now: datetime) -> QuerySet[Appointment]:
    """Only upcoming visits: what the patient needs in their calendar, nothing of their history."""
    return Appointment.objects.filter(
        patient=feed.patient,
        end__gte=now,
        status__in=[Appointment.Status.BOOKED, Appointment.Status.ARRIVED],
    ).select_related("practitioner", "location", "treatment", "area", "course")
