"""The export as a person reads it: labels instead of codes, and local times (the location's the
patient is known at, else the clinic's) instead of UTC. The JSON download keeps the codes and ISO
times, which is what a machine (or another clinic's system) wants."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from bookings.messages.kinds import MessageKind
from bookings.models import Appointment, Course, SessionRecord
from clinic.audit_trail import action_words
from clinic.models import Notification, Patient
from intake.models import ContraindicationItem, Intake, PhotoConsent, Review
from photos.models import Photo

LABELS: dict[str, dict[str, str]] = {
    "appointment_status": dict(Appointment.Status.choices),
    "appointment_kind": dict(Appointment.Kind.choices),
    "course_status": dict(Course.Status.choices),
    "intake_status": dict(Intake.Status.choices),
    "decision": dict(Review.Decision.choices),
    "anaesthetic": dict(SessionRecord.Anaesthetic.choices),
    "purpose": dict(PhotoConsent.Purpose.choices),
    "view": dict(Photo.View.choices),
    "channel": dict(Notification.Channel.choices),
    "notification_status": dict(Notification.Status.choices),
}
MESSAGE_WORDS = {
    MessageKind.CONFIRMATION: "Booking confirmation",
    MessageKind.MOVED: "New time confirmed",
    MessageKind.PRECARE: "Before your session (a week ahead)",
    MessageKind.REMINDER: "Reminder (48 hours ahead)",
    MessageKind.AFTERCARE: "Aftercare",
    MessageKind.CHECKIN: "Check-in after a session",
    MessageKind.CANCELLED: "Cancellation",
    MessageKind.COURSE_DATES: "Course dates",
    MessageKind.COURSE_COMPLETED: "Course complete",
    MessageKind.RECALL: "Maintenance recall",
    MessageKind.INTAKE_REQUEST: "Health questionnaire request",
    MessageKind.INTAKE_NUDGE: "Health questionnaire reminder",
    MessageKind.INTAKE_DECLINED: "Treatment not going ahead",
    MessageKind.NOT_SUITABLE: "Practitioner alert",
}
ANSWER_WORDS = {
    "height_cm": "Height (cm)",
    "weight_kg": "Weight (kg)",
    "weight_stable": "Weight stable for 6 months",
    "medications": "Medicines",
    "allergies": "Allergies",
    "hsv_frequency": "Cold sores",
    "hsv_after_procedure": "Cold sore after a procedure",
    "expectations": "Hoped-for result",
}


def zone_of(patient: Patient) -> ZoneInfo:
    location = patient.locations.order_by("name").first()
    return location.zone if location else ZoneInfo(settings.CLINIC_TIME_ZONE)


def local(value: str | None, zone: ZoneInfo) -> str:
    """ "Tue 1 Dec 2026, 08:00" in the zone; a date stays a date; nothing stays empty."""
    if not value:
        return ""
    if len(value) == 10:
        day = date.fromisoformat(value)
        return f"{day.day} {day:%b %Y}"
    moment = datetime.fromisoformat(value).astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M}"


def _answer_text(answer: Any) -> str:
    if answer is True or answer is False:
        return "Yes" if answer else "No"
    if answer is None:
        return ""
    if isinstance(answer, list):
        return ", ".join(str(item) for item in answer) or "None"
    return str(answer)


def readable_export(data: dict[str, Any], patient: Patient) -> dict[str, Any]:
    zone = zone_of(patient)
    questions = dict(ContraindicationItem.objects.values_list("code", "question"))

    def times(row: dict[str, Any], *names: str) -> dict[str, Any]:
        return {**row, **{name: local(row.get(name), zone) for name in names}}

    out = dict(data, zone=str(zone), exported_at=local(data["exported_at"], zone))
    out["patient"] = times(data["patient"], "created_at", "date_of_birth")
    out["account"] = times(data["account"], "date_joined", "last_login") if data["account"] else None
    out["appointments"] = [
        {
            **times(a, "start", "end"),
            "status": LABELS["appointment_status"].get(a["status"], a["status"]),
            "kind": LABELS["appointment_kind"].get(a["kind"], a["kind"]),
        }
        for a in data["appointments"]
    ]
    out["courses"] = [
        {**times(c, "maintenance_due", "created_at"), "status": LABELS["course_status"].get(c["status"], c["status"])}
        for c in data["courses"]
    ]
    out["session_records"] = [
        {
            **times(r, "session_date", "expiry_date", "created_at"),
            "anaesthetic": LABELS["anaesthetic"].get(r["anaesthetic"], r["anaesthetic"]),
        }
        for r in data["session_records"]
    ]
    out["intakes"] = [
        {
            **times(i, "submitted_at", "valid_until", "created_at"),
            "status": LABELS["intake_status"].get(i["status"], i["status"]),
            "answer_rows": [
                (questions.get(code) or ANSWER_WORDS.get(code, code), _answer_text(answer))
                for code, answer in i["answers"].items()
            ],
            "findings_json": json.dumps(i["findings"], indent=2, ensure_ascii=False),
            "snapshot_json": json.dumps(i["snapshot"], indent=2, ensure_ascii=False),
        }
        for i in data["intakes"]
    ]
    out["reviews"] = [
        {**times(r, "at"), "decision": LABELS["decision"].get(r["decision"], r["decision"])} for r in data["reviews"]
    ]
    out["consents"] = [times(c, "accepted_at") for c in data["consents"]]
    out["photo_consents"] = [
        {**times(c, "granted_at", "revoked_at"), "purpose": LABELS["purpose"].get(c["purpose"], c["purpose"])}
        for c in data["photo_consents"]
    ]
    out["photos"] = [
        {**times(p, "uploaded_at"), "view": LABELS["view"].get(p["view"], p["view"])} for p in data["photos"]
    ]
    out["invoices"] = [times(i, "issued_at") for i in data["invoices"]]
    out["payments"] = [times(p, "taken_at") for p in data["payments"]]
    out["notifications"] = [
        {
            **times(n, "due_at", "sent_at"),
            "kind": MESSAGE_WORDS.get(n["kind"], n["kind"]),
            "channel": LABELS["channel"].get(n["channel"], n["channel"]),
            "status": LABELS["notification_status"].get(n["status"], n["status"]),
        }
        for n in data["notifications"]
    ]
    out["audit_events"] = [{**times(e, "at"), "action": action_words(e["action"])} for e in data["audit_events"]]
    return out
