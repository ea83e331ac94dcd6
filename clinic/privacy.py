"""The clinic's part of a patient's data rights: their record, account, messages and audit trail.

Composed with the other apps' parts by privacy/services.py (each app knows its own data).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rest_framework.authtoken.models import Token

from clinic.models import AuditEvent, Notification, Patient
from clinic.outbox import notifications_for_patient_drop

ERASED_NAME = "Erased"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def patient_export_part(patient: Patient) -> dict[str, Any]:
    return {
        "patient": _patient_data(patient),
        "account": _account_data(patient),
        "notifications": _notifications(patient),
        "audit_events": _audit_events(patient),
    }


def _patient_data(patient: Patient) -> dict[str, Any]:
    return {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "date_of_birth": _iso(patient.date_of_birth),
        "email": patient.email,
        "phone": str(patient.phone),
        "phone_unchecked": patient.phone_unchecked,
        "created_at": _iso(patient.created_at),
    }


def _account_data(patient: Patient) -> dict[str, Any] | None:
    user = patient.user
    if user is None:
        return None
    # Never the password hash, groups or permissions: what the patient can act on is their login.
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": user.is_active,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
    }


def _notifications(patient: Patient) -> list[dict[str, Any]]:
    return [
        {
            "kind": n.kind,
            "channel": n.channel,
            "due_at": _iso(n.due_at),
            "sent_at": _iso(n.sent_at),
            "status": n.status,
        }
        for n in Notification.objects.filter(patient=patient).order_by("due_at", "pk")
    ]


def _audit_events(patient: Patient) -> list[dict[str, Any]]:
    rows = AuditEvent.objects.filter(patient=patient).select_related("actor")
    return [
        {
            "at": _iso(e.at),
            "action": e.action,
            "actor": e.actor.email if e.actor else None,
            "object": f"{e.object_type}#{e.object_id}",
        }
        for e in rows.order_by("at", "pk")
    ]


def patient_erased_at(patient: Patient) -> datetime | None:
    """When the patient was erased (None: never); the audit row is the record of it."""
    return (
        AuditEvent.objects.filter(action="patient.erase", patient=patient)
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )


def patient_erase_part(patient: Patient) -> None:
    """Nothing more is sent to them, sent rows lose the address they went to, the account is
    disabled, and the record keeps only what clinical retention needs."""
    notifications_for_patient_drop(patient=patient)
    if patient.user is not None:
        _erase_account(patient.user)
    patient.first_name = ERASED_NAME
    patient.last_name = f"Patient #{patient.pk}"
    patient.email = ""
    patient.phone = ""
    patient.phone_unchecked = ""
    # Retention choice: clinical records keep their relevance to age (dosing, screening
    # rules that depend on age, the age recorded in intake snapshots), so the year of birth
    # is kept. Day and month are what make a date of birth identifying, so they are dropped
    # (1 January of the same year stands in: the field cannot be empty).
    patient.date_of_birth = date(patient.date_of_birth.year, 1, 1)
    patient.save(
        update_fields=["first_name", "last_name", "email", "phone", "phone_unchecked", "date_of_birth", "updated_at"]
    )


def _erase_account(user: Any) -> None:
    user.is_active = False
    user.email = f"erased-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "first_name", "last_name", "password"])
    # API tokens would otherwise outlive the account's sign-in (DRF also refuses inactive users).
    Token.objects.filter(user=user).delete()
