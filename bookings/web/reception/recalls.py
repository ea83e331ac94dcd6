"""Reception's maintenance recall list: who is due, whom we called, who has booked."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.courses import course_recall_contacted
from bookings.appointments.selectors import recalls_for
from clinic.roles import Role, role_required


@role_required(Role.RECEPTION, Role.MANAGER)
def recall_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "bookings/recalls.html", {"recalls": recalls_for(request.user), "today": timezone.localdate()}
    )


@role_required(Role.RECEPTION, Role.MANAGER)
@require_POST
def recall_contacted(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(recalls_for(request.user), pk=pk)
    course_recall_contacted(course=course, by=request.user, now=timezone.now())
    messages.success(request, f"Marked {course.patient.full_name} as contacted.")
    return redirect("recall-list")
