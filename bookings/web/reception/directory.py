"""The patient directory (/staff/patients/): the patients known at the staff member's locations
(managers: all), most recently seen first, a search by name, date of birth, email or phone (a
POST: patient details never go in a URL), and correcting a patient's contact details."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bookings.appointments.access import get_patient_for
from bookings.web.reception.forms import PatientSearchForm
from clinic.access import locations_for_staff
from clinic.accounts.services import patient_contact_update
from clinic.forms import ServiceErrorsMixin
from clinic.patients import patients_for_staff
from clinic.phones import PhoneFormField, region_of
from clinic.roles import Role, role_required

PER_PAGE = 50
STAFF = (Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER)


class ContactForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label="Email address", required=False)
    phone = PhoneFormField(label="Phone", required=False)


def _region(request: HttpRequest) -> str:
    return region_of(locations_for_staff(request.user).order_by("name").first())


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def patient_directory(request: HttpRequest) -> HttpResponse:
    patients = patients_for_staff(request.user).annotate(last_seen=Max("appointments__start"))
    # Most recently seen first (latest appointment, else when the record was made).
    patients = patients.order_by(F("last_seen").desc(nulls_last=True), "-created_at", "pk")
    search = PatientSearchForm(request.POST if request.method == "POST" else None, region=_region(request))
    searched = request.method == "POST" and search.is_valid()
    if searched:
        patients = search.filter(patients)
    page = Paginator(patients, PER_PAGE).get_page(None if searched else request.GET.get("page"))
    context = {"search": search, "page": page, "searched": searched}
    return render(request, "bookings/reception/patients.html", context)


@role_required(Role.RECEPTION, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def patient_contact(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_patient_for(request.user, pk)
    initial = {"email": patient.email, "phone": patient.phone or patient.phone_unchecked}
    form = ContactForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["phone"].region = region_of(patient.locations.order_by("name").first())
    if patient.user_id:
        form.fields["email"].disabled = True  # they sign in with it: theirs to change
    if form.is_valid():
        try:
            patient_contact_update(
                patient=patient,
                by=request.user,
                email=form.cleaned_data["email"] if not patient.user_id else patient.email,
                phone=form.cleaned_data["phone"],
                region=form.fields["phone"].region,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{patient.full_name}’s contact details are saved.")
            return redirect("patient-record", pk=patient.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "bookings/reception/patient_contact.html", {"patient": patient, "form": form}, status=status)
