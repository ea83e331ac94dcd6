"""A patient's own appointments: see them, cancel or move them within the cut-off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from bookings.appointments import services
from bookings.appointments.access import get_appointment_for
from bookings.diary.words import course_words_for_patient
from bookings.models import Appointment, BookingRules
from bookings.web.patient.forms import CancelForm
from bookings.web.public.flow import Choice
from clinic.access import patient_of
from clinic.errors import Conflict
from clinic.roles import Role, role_required
from intake.models import Intake


@role_required(Role.PATIENT)
def my_appointments(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request.user)
    now = timezone.now()
    cutoff = BookingRules.current().cancellation_cutoff
    appointments = list(
        patient.appointments.select_related(
            "treatment", "area", "location", "practitioner", "course", "course__intake"
        ).order_by("start")
    )
    upcoming = [
        a for a in appointments if a.end >= now and a.status in (Appointment.Status.BOOKED, Appointment.Status.ARRIVED)
    ]
    for appointment in upcoming:
        appointment.changeable = appointment.status == Appointment.Status.BOOKED and appointment.start - now >= cutoff
        appointment.move_url = _move_url(appointment)
        # Before every later session the patient confirms nothing has changed (or tells us what has).
        intake = appointment.course.intake if appointment.course else None
        appointment.recheck_intake = (
            intake
            if intake and intake.status == Intake.Status.CLEARED and (appointment.session_number or 1) > 1
            else None
        )
    past = [a for a in reversed(appointments) if a not in upcoming]
    courses = patient.courses.select_related("treatment", "area", "intake").order_by("-created_at")
    progress = []
    for course in courses:
        sessions = [a for a in appointments if a.course_id == course.pk]
        done = sum(a.status == Appointment.Status.COMPLETED for a in sessions)
        words = course_words_for_patient(course)
        progress.append({"course": course, "done": done, "booked": sum(a.is_active for a in sessions), **words})
    return render(
        request,
        "bookings/my_appointments.html",
        {
            "patient": patient,
            "upcoming": upcoming,
            "past": past,
            "courses": progress,
            "cutoff_hours": int(cutoff.total_seconds() // 3600),
        },
    )


def _move_url(appointment: Appointment) -> str:
    choice = Choice(
        treatment=appointment.treatment,
        area=appointment.area,
        location=appointment.location,
        practitioner=appointment.practitioner,
        numbing_cream=appointment.numbing_cream,
        move=appointment.pk,
    )
    return choice.url()


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def my_appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(appointment=appointment, by=request.user, reason=form.cleaned_data["reason"])
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Your appointment is cancelled.")
        return redirect("my-appointments")
    return render(request, "bookings/my_appointment_cancel.html", {"appointment": appointment, "form": form})
