"""The audit trail as a manager reads it (/staff/audit/): who did what, to whose record, when (in
the clinic's local time), filtered by action, actor, patient and date. Reads only: the trail is
append-only and holds ids, actions and field names, never a patient's details.

The clinic is the ground floor, so the words for each action live here as plain strings (the
apps that record them are above it).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from clinic.models import AuditEvent, User

ACTION_WORDS = {
    "appointment.book": "Booked an appointment",
    "appointment.overbook": "Overbooked an appointment",
    "appointment.cancel": "Cancelled an appointment",
    "appointment.reschedule": "Moved an appointment",
    "appointment.status": "Changed an appointment's status",
    "appointment.clearance_override": "Went ahead without full clearance",
    "calendar_feed.create": "Turned on the calendar feed",
    "calendar_feed.revoke": "Turned off the calendar feed",
    "catalogue.version": "Changed the screening catalogue",
    "consent.accept": "Signed consent",
    "course.start": "Started a course",
    "course.schedule": "Booked a course's sessions",
    "course.intake_cleared": "Course cleared to go ahead",
    "course.needs_attention": "Course needs attention",
    "course.complete": "Completed a course",
    "course.cancel": "Cancelled a course",
    "course.recall_contacted": "Called about maintenance",
    "day_list.export": "Downloaded a day's list",
    "intake.start": "Opened a health questionnaire",
    "intake.save": "Saved questionnaire answers",
    "intake.submit": "Sent a health questionnaire",
    "intake.view": "Viewed a health questionnaire",
    "intake.approve": "Approved a health questionnaire",
    "intake.decline": "Declined a health questionnaire",
    "intake.recheck": "Confirmed health since the last session",
    "intake.request_send": "Emailed the health questionnaire",
    "patient.register": "Created an online account",
    "patient.create": "Added a patient",
    "patient.update": "Changed patient details",
    "patient.contact_update": "Changed contact details",
    "patient.invited": "Sent an account invitation",
    "patient.account_claimed": "Set up an online account",
    "patient.export": "Exported a patient's data",
    "patient.erase": "Erased a patient",
    "photo_consent.grant": "Gave photo consent",
    "photo_consent.revoke": "Withdrew photo consent",
    "photo.upload": "Added a photo",
    "photo.view": "Viewed a photo",
    "photo.delete": "Deleted photos",
    "session_record.create": "Recorded a session",
    "session_record.update": "Changed a session record",
    "session_record.view": "Viewed a session record",
    "time_off.add": "Added time off",
    "time_off.remove": "Removed time off",
    "two_factor.enrolled": "Set up two-factor sign-in",
    "working_hours.replace": "Changed working hours",
}
OBJECT_WORDS = {
    "bookings.appointment": "appointment",
    "bookings.course": "course",
    "bookings.sessionrecord": "session record",
    "bookings.calendarfeed": "calendar feed",
    "bookings.timeoff": "time off",
    "bookings.workinghours": "working hours",
    "intake.intake": "questionnaire",
    "intake.consent": "consent",
    "intake.photoconsent": "photo consent",
    "photos.photo": "photo",
    "intake.catalogueversion": "catalogue version",
    "clinic.patient": "patient",
    "clinic.user": "account",
    "clinic.location": "location",
}
PER_PAGE = 100


def action_words(action: str) -> str:
    return ACTION_WORDS.get(action, action.replace("_", " ").replace(".", ": ").capitalize())


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.CLINIC_TIME_ZONE)


class AuditFilterForm(forms.Form):
    """GET filters: ids, action names and dates only (never a patient's name in a URL)."""

    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.ModelChoiceField(User.objects.none(), label="Who", required=False, empty_label="Anyone")
    patient = forms.IntegerField(label="Patient number", required=False, min_value=1)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        recorded = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        self.fields["action"].choices = [("", "Any action")] + sorted(
            ((a, action_words(a)) for a in set(recorded) | set(ACTION_WORDS)), key=lambda c: c[1]
        )
        # Staff and anyone else who has acted (patients act on their own records).
        actors = User.objects.filter(pk__in=AuditEvent.objects.exclude(actor=None).values("actor_id"))
        self.fields["actor"].queryset = actors.order_by("last_name", "first_name", "email")
        self.fields["actor"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The last day cannot be before the first.")
        return data

    def events(self) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.select_related("actor", "patient").order_by("-at", "-pk")
        if not self.is_valid():
            return events
        data, zone = self.cleaned_data, clinic_zone()
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("actor"):
            events = events.filter(actor=data["actor"])
        if data.get("patient"):
            events = events.filter(patient_id=data["patient"])
        if data.get("date_from"):
            events = events.filter(at__gte=_local_midnight(data["date_from"], zone))
        if data.get("date_to"):
            events = events.filter(at__lt=_local_midnight(data["date_to"] + timedelta(days=1), zone))
        return events


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def event_row(event: AuditEvent, zone: ZoneInfo) -> dict[str, Any]:
    details = event.details or {}
    # Field names (and codes) only: the trail never holds values.
    extra = ", ".join(str(name).replace("_", " ") for name in details.get("fields", []))
    return {
        "event": event,
        "when": event.at.astimezone(zone),
        "what": action_words(event.action),
        "object": f"{OBJECT_WORDS.get(event.object_type, event.object_type)} #{event.object_id}",
        "fields": extra,
        "who": (event.actor.get_full_name() if event.actor else "The clinic's system"),
    }
