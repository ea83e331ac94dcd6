"""The patient record: everyone on the staff who may see the patient.

Reception sees the administrative part only (details, appointments, intake status); the clinical
sections (session records, review links) are not computed for them at all, so nothing clinical
can leak through the template.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bookings.appointments.access import get_patient_for, is_clinician
from bookings.appointments.records import session_record_viewed
from bookings.models import SessionRecord
from clinic.access import locations_for_staff
from clinic.accounts.invites import invite_days, may_claim
from clinic.privacy import patient_erased_at
from clinic.roles import Role, has_role, role_required


@role_required(Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)
def patient_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who may see the patient: details, appointments, intake status. Clinicians also
    get the session records and the links to intake reviews (reception never does)."""
    patient = get_patient_for(request.user, pk)
    clinical = is_clinician(request.user)
    locations = locations_for_staff(request.user)
    appointments = list(
        patient.appointments.filter(location__in=locations)
        .select_related("treatment", "area", "location", "practitioner", "course")
        .order_by("-start", "-id")
    )
    intake_fields = ["pk", "status", "submitted_at", "created_at", "treatment__name", "area__name"]
    intakes = patient.intakes.select_related("treatment", "area").order_by("-created_at", "-id")
    # Reception's query never even loads the answers or findings.
    intakes = list(intakes.only(*intake_fields, "findings") if clinical else intakes.only(*intake_fields))
    records = []
    if clinical:
        records = list(
            SessionRecord.objects.filter(appointment__patient=patient, appointment__location__in=locations)
            .select_related("appointment__location", "appointment__treatment", "appointment__patient")
            .prefetch_related("ingredients", "areas")
            .order_by("-appointment__start")
        )
        for record in records:
            session_record_viewed(record=record, by=request.user, via="patient record")
    return render(
        request,
        "bookings/practice/patient_record.html",
        {
            "patient": patient,
            "age": patient.age_on(timezone.localdate()),
            "appointments": appointments,
            "intakes": intakes,
            "clinical": clinical,
            "records": records,
            "is_manager": has_role(request.user, Role.MANAGER),
            "erased_at": patient_erased_at(patient),
            "can_invite": may_claim(patient) and has_role(request.user, Role.RECEPTION, Role.MANAGER),
            "can_edit_contact": has_role(request.user, Role.RECEPTION, Role.MANAGER),
            "invite_days": invite_days(),
        },
    )
