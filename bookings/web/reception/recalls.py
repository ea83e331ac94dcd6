"""Reception's maintenance recall list: who is due, whom we called, who has booked."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.courses import course_recall_contacted
from bookings.models import Appointment, Course
from clinic.access import locations_for_staff
from clinic.roles import Role, role_required

LOOK_AHEAD = timedelta(days=30)


def _recalls(user):
    upcoming = Appointment.objects.active().filter(
        patient=OuterRef("patient"), treatment=OuterRef("treatment"), start__gte=timezone.now()
    )
    return (
        Course.objects.filter(
            status=Course.Status.COMPLETED,
            maintenance_due__isnull=False,
            maintenance_due__lte=timezone.localdate() + LOOK_AHEAD,
            location__in=locations_for_staff(user),
        )
        .annotate(booked=Exists(upcoming))
        .select_related("patient", "treatment", "area", "location")
        .order_by("maintenance_due")
    )


@role_required(Role.RECEPTION, Role.MANAGER)
def recall_list(request: HttpRequest) -> HttpResponse:
    return render(request, "bookings/recalls.html", {"recalls": _recalls(request.user), "today": timezone.localdate()})


@role_required(Role.RECEPTION, Role.MANAGER)
@require_POST
def recall_contacted(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(_recalls(request.user), pk=pk)
    course_recall_contacted(course=course, by=request.user, now=timezone.now())
    messages.success(request, f"Marked {course.patient.full_name} as contacted.")
    return redirect("recall-list")
