"""The data-rights pages: a clinic manager's export (JSON download and readable page) and erasure.
Anyone else gets 404 from role_required; the work is in bookings/data_rights.py."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from clinic.models import Patient
from clinic.privacy import patient_erased_at
from clinic.roles import Role, role_required
from privacy.readable import readable_export
from privacy.services import patient_erase, patient_export, patient_export_archive

CONFIRM_WORD = "ERASE"


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=f"Type {CONFIRM_WORD} to confirm",
        max_length=20,
        help_text=f"In capital letters: {CONFIRM_WORD}.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "form-control"}),
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != CONFIRM_WORD:
            raise forms.ValidationError(f"Type {CONFIRM_WORD} exactly to erase this patient.")
        return value


@role_required(Role.MANAGER)
def patient_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    data = patient_export(patient=patient, by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f"attachment; filename=patient-{patient.pk}.json"
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.MANAGER)
def patient_export_zip(request: HttpRequest, pk: int) -> HttpResponse:
    """The export with the photos: the JSON and every photo, decrypted, in one zip archive."""
    patient = get_object_or_404(Patient, pk=pk)
    response = HttpResponse(patient_export_archive(patient=patient, by=request.user), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename=patient-{patient.pk}.zip"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(Role.MANAGER)
def patient_export_page(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    data = readable_export(patient_export(patient=patient, by=request.user), patient)
    context = {"patient": patient, "data": data, "intakes": data["intakes"], "erased_at": patient_erased_at(patient)}
    response = render(request, "privacy/export.html", context)
    response["Cache-Control"] = "no-store"
    return response


@role_required(Role.MANAGER)
def patient_erase_page(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if patient_erased_at(patient):
        messages.info(request, "This patient has already been erased.")
        return redirect("patient-export", pk=patient.pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        patient_erase(patient=patient, by=request.user, now=timezone.now())
        messages.success(request, f"Patient #{patient.pk} has been erased. Their clinical record is kept, anonymised.")
        return redirect("patient-export", pk=patient.pk)
    return render(request, "privacy/erase.html", {"patient": patient, "form": form})
