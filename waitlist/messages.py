"""The offer's email and text, decided at send time: an offer that has gone is not sent."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from clinic.formatting import friendly_when
from clinic.models import Notification
from clinic.outbox import Drop, Message
from clinic.phones import phone_e164
from waitlist.links import offer_token
from waitlist.models import Offer


def render_offer(row: Notification, now: datetime) -> Message | Drop:
    offer = (
        Offer.objects.select_related("entry__patient", "entry__treatment", "slot__location", "practitioner")
        .filter(pk=row.subject_id)
        .first()
    )
    if offer is None or offer.status != Offer.Status.OFFERED or offer.expires_at <= now:
        return Drop("offer no longer open")
    patient, location = offer.entry.patient, offer.slot.location
    link = settings.CLINIC_BASE_URL + reverse("waitlist-offer", args=[offer_token(offer)])
    when = friendly_when(offer.start, location.zone)
    until = offer.expires_at.astimezone(location.zone).strftime("%H:%M")
    phone = location.phone or settings.CLINIC_PHONE
    if row.channel == "sms":
        if not patient.phone:
            return Drop("no phone number")
        # No treatment name: texts show on lock screens.
        text = (
            f"{settings.CLINIC_NAME}: a time has come free, {when} at {location.name}. "
            f"Kept for you until {until}: {link}"
        )
        return Message(to=phone_e164(patient.phone), subject="", text=text)
    if not patient.email:
        return Drop("no email address")
    context = {
        "patient": patient,
        "treatment": offer.entry.treatment.name,
        "when": when,
        "location": location.name,
        "practitioner": offer.practitioner.display_name,
        "until": until,
        "link": link,
        "clinic_phone": phone,
        "clinic_name": settings.CLINIC_NAME,
    }
    text = render_to_string("emails/waitlist_offer.txt", context)
    html = render_to_string("emails/reminder.html", {"body": text})
    return Message(to=patient.email, subject=f"A time has come free: {when}", text=text, html=html)
