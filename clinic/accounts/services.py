"""Writers of the clinic's people: patient accounts and details."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.accounts.invites import ALREADY_A_PATIENT, patient_invites_for_registration
from clinic.audit import audit_record
from clinic.models import Patient, User, age_on
from clinic.phones import phone_normalise
from clinic.roles import Role, user_set_roles

ADULT_AGE = 18
EXISTING_ACCOUNT = "An account with this email address already exists: sign in instead."


def date_of_birth_errors(date_of_birth: date, *, today: date) -> list[str]:
    """Why a date of birth cannot book online, in words a patient understands."""
    if date_of_birth > today:
        return ["The date of birth cannot be in the future."]
    if age_on(date_of_birth, today) > 120:
        return ["Please check the year of your date of birth."]
    if age_on(date_of_birth, today) < ADULT_AGE:
        return [
            f"Online booking is for adults ({ADULT_AGE} and over). Please call us on {settings.CLINIC_PHONE} "
            "to talk about treatment."
        ]
    return []


def patient_register(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    phone: str,
    today: date,
    now: datetime | None = None,
) -> Patient:
    """Create a patient's online account: a user with the Patient role and their patient record.

    Not for an address that belongs to a phone or walk-in patient: that would make a second record
    of the same person. They are emailed the link to claim the record the clinic has instead."""
    email = User.objects.normalize_email(email).strip().lower()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(email__iexact=email).exists():
        errors["email"] = [EXISTING_ACCOUNT]
    elif patient_invites_for_registration(email=email, now=now or timezone.now()):
        errors["email"] = [ALREADY_A_PATIENT]
    if dob_errors := date_of_birth_errors(date_of_birth, today=today):
        errors["date_of_birth"] = dob_errors
    try:
        phone = phone_normalise(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        validate_password(password, User(email=email, first_name=first_name, last_name=last_name))
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = User.objects.create_user(email, password, first_name=first_name, last_name=last_name)
        except IntegrityError:
            # The same address registered a moment ago (a double submit, two tabs): the unique
            # index decided; the answer is the one the check above gives once it has committed.
            raise ValidationError({"email": [EXISTING_ACCOUNT]}) from None
        user_set_roles(user=user, roles=[Role.PATIENT])
        patient = Patient.objects.create(
            user=user,
            first_name=first_name,
            last_name=last_name,
            date_of_birth=date_of_birth,
            email=email,
            phone=phone,
        )
        audit_record(actor=user, action="patient.register", obj=patient, patient=patient)
    return patient


def patient_details_update(
    *, patient: Patient, by: Any, first_name: str, last_name: str, date_of_birth: date, phone: str, today: date
) -> Patient:
    if dob_errors := date_of_birth_errors(date_of_birth, today=today):
        raise ValidationError({"date_of_birth": dob_errors})
    phone = phone_normalise(phone)
    changed = sorted(
        field
        for field, value in {
            "first_name": first_name,
            "last_name": last_name,
            "date_of_birth": date_of_birth,
            "phone": phone,
        }.items()
        if str(getattr(patient, field)) != str(value)
    )
    if not changed:
        return patient
    with transaction.atomic():
        patient.first_name, patient.last_name = first_name, last_name
        patient.date_of_birth, patient.phone = date_of_birth, phone
        patient.phone_unchecked = ""  # a number the patient typed now replaces one we could not read
        patient.save()
        # Which fields changed, never their values: the audit trail holds no extra copy of PII.
        audit_record(actor=by, action="patient.update", obj=patient, patient=patient, details={"fields": changed})
    return patient


def patient_create_without_account(
    *,
    by: Any,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    phone: str,
    email: str,
    today: date,
    region: str | None = None,
) -> Patient:
    """A phone or walk-in patient that reception registers: a record without an online account
    (they claim one from the link in their emails, clinic/invites.py; registering afresh with the
    same address sends them that link instead of making a second record)."""
    errors: dict[str, list[str]] = {}
    if date_of_birth > today:
        errors["date_of_birth"] = ["The date of birth cannot be in the future."]
    elif age_on(date_of_birth, today) > 120:
        errors["date_of_birth"] = ["Please check the year of the date of birth."]
    elif age_on(date_of_birth, today) < ADULT_AGE:
        errors["date_of_birth"] = [f"The clinic treats adults only ({ADULT_AGE} and over)."]
    if not (phone.strip() or email.strip()):
        errors["phone"] = ["Give a phone number or an email address so the clinic can reach the patient."]
    try:
        phone = phone_normalise(phone, region=region)  # the location's country: where it was typed
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        patient = Patient.objects.create(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            date_of_birth=date_of_birth,
            phone=phone,
            email=User.objects.normalize_email(email.strip()).lower(),
        )
        audit_record(actor=by, action="patient.create", obj=patient, patient=patient)
    return patient


def patient_contact_update(*, patient: Patient, by: Any, email: str, phone: str, region: str | None = None) -> Patient:
    """Reception corrects a patient's email address or phone number. Audited with the names of the
    fields that changed, never their values. The email of a patient with an online account is the
    address they sign in with: it is theirs to change, not the desk's."""
    email = User.objects.normalize_email(email.strip()).lower()
    phone = phone_normalise(phone, region=region)
    if patient.user_id is not None and email != patient.email:
        raise ValidationError({"email": "This patient signs in with this address: only they can change it."})
    changed = sorted(
        name
        for name, old, new in (
            ("email", patient.email, email),
            ("phone", str(patient.phone or ""), phone),
            ("phone_unchecked", patient.phone_unchecked, ""),
        )
        if old != new
    )
    if not changed:
        return patient
    with transaction.atomic():
        patient.email, patient.phone, patient.phone_unchecked = email, phone, ""
        patient.save(update_fields=["email", "phone", "phone_unchecked", "updated_at"])
        audit_record(
            actor=by, action="patient.contact_update", obj=patient, patient=patient, details={"fields": changed}
        )
    return patient
