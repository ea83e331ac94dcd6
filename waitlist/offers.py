"""Offering a freed slot to the waiting list, exactly once, and the answers to an offer.

Exactly once, decided by the database: the freed slot's row is locked with SKIP LOCKED (a second
worker on the same slot does nothing), an offer is unique per entry and slot, a slot has one open
offer at a time and an entry one (partial unique constraints), and the hold is an appointment row
under the exclusion constraints, so a slot cannot be held twice or booked meanwhile.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q

from bookings.appointments.errors import PatientBusy, SlotUnavailable
from bookings.appointments.holds import appointment_hold, hold_release
from bookings.appointments.services import appointment_book, appointment_reschedule
from bookings.models import Appointment
from clinic.audit import audit_record
from clinic.errors import Conflict
from clinic.jobs import task_after_commit
from clinic.models import Practitioner
from clinic.outbox import notification_schedule
from treatments.models import Treatment
from waitlist.domain import matching
from waitlist.models import Entry, FreedSlot, Offer
from waitlist.rules import entry_view, rules_for, slot_view

OFFER_KIND = "waitlist.offer"
# Each try holds the slot through the availability engine (a diary load): a slot nobody can take
# stops being offered after this many refusals rather than walking a long list.
MAX_TRIES = 5


class OfferGone(Conflict):
    code = "offer_gone"


def slot_offer_next(*, slot_id: int, now: datetime) -> Offer | None:
    """Offer the slot to the best waiting match, or close it when nobody is left; None when
    there is nothing to do now (another worker has it, an offer is open, quiet hours)."""
    with transaction.atomic():
        slot = (
            FreedSlot.objects.select_for_update(skip_locked=True)
            .select_related("location")
            .filter(pk=slot_id, done_at=None)
            .first()
        )
        if slot is None or slot.offer_after > now or slot.offers.filter(status=Offer.Status.OFFERED).exists():
            return None
        rules = rules_for(slot.location)
        if not matching.offerable(slot_view(slot, frozenset()), rules, now):
            return _close(slot, now)  # too close to offer now: the slot is everyone's again
        after = matching.quiet_ends(now, rules)
        if after > now:
            slot.offer_after = after
            slot.save(update_fields=["offer_after"])
            return None
        for entry in _ranked(slot, rules, now)[:MAX_TRIES]:
            offer = _offer(slot, entry, rules, now)
            if offer is not None:
                return offer
        return _close(slot, now)


def slot_offer_by_hand(*, entry: Entry, practitioner: Practitioner, start: datetime, by: Any, now: datetime) -> Offer:
    """Reception offers a time to one waiting patient (on the phone, or from a free diary cell):
    the same hold, offer and messages as the automatic offer, whatever the quiet hours."""
    with transaction.atomic():
        end = start + timedelta(minutes=entry.area.minutes)
        slot = FreedSlot.objects.create(
            location=entry.location,
            practitioner=practitioner,
            start=start,
            end=end,
            cause=FreedSlot.Cause.RECEPTION,
            freed_at=now,
            offer_after=now,
        )
        offer = _offer(slot, entry, rules_for(entry.location), now)
        if offer is None:
            raise SlotUnavailable(
                "That time cannot be offered: it is not free, or the patient is not waiting any more."
            )
        offer.by = by if getattr(by, "is_authenticated", False) else None
        offer.save(update_fields=["by"])
    return offer


def _ranked(slot: FreedSlot, rules: matching.Rules, now: datetime) -> list[Entry]:
    treatments = frozenset(
        Treatment.practitioners.through.objects.filter(practitioner_id=slot.practitioner_id).values_list(
            "treatment_id", flat=True
        )
    )
    local_day = slot.start.astimezone(rules.tz).date()
    rows = {
        e.pk: e
        for e in Entry.objects.filter(
            location_id=slot.location_id,
            status=Entry.Status.WAITING,
            treatment_id__in=treatments,
            earliest__lte=local_day,
            latest__gte=local_day,
        )
        .filter(Q(practitioner_id=None) | Q(practitioner_id=slot.practitioner_id))
        .select_related("area", "current_appointment")
    }
    views = [entry_view(e, current_start=_current_start(e)) for e in rows.values()]
    asked = slot.offers.values_list("entry_id", flat=True)
    return [rows[v.id] for v in matching.rank(views, slot_view(slot, treatments), rules, now, already=list(asked))]


def _current_start(entry: Entry) -> datetime | None:
    current = entry.current_appointment
    if current is None or current.status != Appointment.Status.BOOKED:
        return None
    return current.start


def _offer(slot: FreedSlot, entry: Entry, rules: matching.Rules, now: datetime) -> Offer | None:
    # Locked until this offer commits: a worker offering another slot skips this entry meanwhile.
    locked = Entry.objects.select_for_update(skip_locked=True).filter(pk=entry.pk, status=Entry.Status.WAITING)
    if not list(locked.values_list("pk", flat=True)):
        return None  # taken by another slot's offer meanwhile
    expires_at = now + rules.hold
    try:
        with transaction.atomic():
            hold = appointment_hold(
                patient=entry.patient,
                treatment=entry.treatment,
                area=entry.area,
                location=slot.location,
                practitioner=slot.practitioner,
                start=slot.start,
                held_until=expires_at,
                now=now,
            )
    except (SlotUnavailable, PatientBusy):
        return None
    offer = Offer.objects.create(
        entry=entry,
        slot=slot,
        hold=hold,
        practitioner_id=hold.practitioner_id,
        start=hold.start,
        end=hold.end,
        offered_at=now,
        expires_at=expires_at,
    )
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.OFFERED)
    audit_record(actor=None, action="waitlist.offer", obj=offer, patient=entry.patient, details={"slot": slot.pk})
    for channel in ("email", "sms"):
        notification_schedule(kind=OFFER_KIND, channel=channel, subject=offer, patient=entry.patient, due_at=now)
    return offer


def _close(slot: FreedSlot, now: datetime) -> None:
    slot.done_at = now
    slot.save(update_fields=["done_at"])
    return None


def offer_close(*, offer: Offer, status: str, by: Any, now: datetime) -> bool:
    """Decline, expire or withdraw an open offer: the hold goes, the entry waits again (or stays
    left), and the slot's next match is asked once this commits. False when it was no longer open."""
    with transaction.atomic():
        row = Offer.objects.select_for_update().select_related("entry").filter(pk=offer.pk, status=Offer.Status.OFFERED)
        offer = row.first()
        if offer is None:
            return False
        offer.status, offer.answered_at = status, now
        offer.save(update_fields=["status", "answered_at"])
        hold_release(hold_id=offer.hold_id)
        Entry.objects.filter(pk=offer.entry_id, status=Entry.Status.OFFERED).update(status=Entry.Status.WAITING)
        audit_record(actor=by, action=f"waitlist.offer_{status}", obj=offer, patient=offer.entry.patient)
        slot_queue(slot_id=offer.slot_id)
    return True


def offer_accept(*, offer: Offer, by: Any, now: datetime) -> Appointment:
    """Book the offered slot through the booking service (intake, course and confirmation as for
    any booking), or move the current appointment to it; OfferGone when it is no longer open."""
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("entry__patient", "entry__treatment", "entry__area", "slot__location", "practitioner")
            .filter(pk=offer.pk)
            .first()
        )
        if offer is None or offer.status != Offer.Status.OFFERED or offer.expires_at <= now:
            raise OfferGone("This offer has gone: it was answered already or its time ran out.")
        entry = offer.entry
        # The hold gives way to the booking in this same transaction: nobody can take it between.
        hold_release(hold_id=offer.hold_id)
        current = (
            entry.current_appointment_id
            and Appointment.objects.filter(pk=entry.current_appointment_id, status=Appointment.Status.BOOKED).first()
        )
        if current:
            appointment = appointment_reschedule(
                appointment=current, start=offer.start, practitioner=offer.practitioner, by=by, now=now
            )
        else:
            appointment = appointment_book(
                patient=entry.patient,
                treatment=entry.treatment,
                area=entry.area,
                location=offer.slot.location,
                start=offer.start,
                practitioner=offer.practitioner,
                by=by,
                now=now,
            )
        offer.status, offer.answered_at, offer.appointment = Offer.Status.ACCEPTED, now, appointment
        offer.save(update_fields=["status", "answered_at", "appointment"])
        Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.BOOKED, appointment=appointment)
        FreedSlot.objects.filter(pk=offer.slot_id).update(done_at=now, refilled_at=now, refilled_by=appointment)
        audit_record(actor=by, action="waitlist.offer_accepted", obj=offer, patient=entry.patient)
    return appointment


def slot_queue(*, slot_id: int) -> None:
    """Ask a worker to offer the slot once this commits (the sweep does it if the task is lost)."""
    task_after_commit("waitlist.tasks.offer_slot", slot_id)


def offers_expire_due(*, now: datetime) -> int:
    """The sweep: offers past their time expire (their slots go to the next match)."""
    due = Offer.objects.filter(status=Offer.Status.OFFERED, expires_at__lte=now).order_by("expires_at")
    return sum(offer_close(offer=offer, status=Offer.Status.EXPIRED, by=None, now=now) for offer in due)
