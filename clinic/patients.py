"""Finding patients (reception's search and the patient directory) and the staff who may see them.

A phone number is matched as E.164 when the search reads as a whole number (in the location's
country), else by its digits, so "07700 900123", "+44 7700 900123" and "900123" all find
+447700900123.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from clinic.access import locations_for_staff
from clinic.models import Patient
from clinic.phones import phone_parse
from clinic.roles import Role, has_role


def phone_digits(text: str) -> str:
    """The digits a phone search matches on: a leading trunk 0 or 00 dropped (E.164 has none)."""
    return re.sub(r"\D", "", text or "").lstrip("0")


def patient_search(
    patients: QuerySet[Patient],
    *,
    name: str = "",
    date_of_birth: date | None = None,
    email: str = "",
    phone: str = "",
    region: str | None = None,
) -> QuerySet[Patient]:
    for word in name.split():
        patients = patients.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    if date_of_birth:
        patients = patients.filter(date_of_birth=date_of_birth)
    if email := email.strip():
        patients = patients.filter(email__icontains=email)
    if phone.strip():
        e164 = phone_parse(phone, region=region)
        if e164:
            patients = patients.filter(Q(phone=e164) | Q(phone_unchecked__icontains=phone.strip()))
        else:
            digits = phone_digits(phone)
            patients = patients.filter(Q(phone__contains=digits) | Q(phone_unchecked__icontains=phone.strip()))
    return patients


def patients_for_staff(user: Any) -> QuerySet[Patient]:
    """Managers: every patient. Reception and practitioners: the patients known at their locations."""
    if has_role(user, Role.MANAGER):
        return Patient.objects.all()
    return Patient.objects.filter(pk__in=Patient.objects.filter(locations__in=locations_for_staff(user)).values("pk"))
