"""The practitioner's photo pages: a session's photos (taking them) and a course's comparison."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.appointments.access import get_appointment_for_clinician, may_edit_session_record
from clinic.errors import Conflict
from clinic.roles import Role, role_required
from photos.access import get_course_for_photos, get_photo_for
from photos.selectors import session_photos
from photos.services import photo_remove, photo_upload, photo_upload_refusal
from photos.web.album import album_context
from photos.web.practitioner.forms import PhotoUploadForm


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_http_methods(["GET", "POST"])
def session_photos_page(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for_clinician(request.user, pk)
    refusal = photo_upload_refusal(appointment=appointment, now=timezone.now())
    may_take = refusal is None and may_edit_session_record(request.user, appointment)
    form = PhotoUploadForm(request.POST or None, request.FILES or None, appointment=appointment) if may_take else None
    status = 200
    if request.method == "POST" and form is None:
        status = 409  # the page says why (no consent, not the day, not theirs)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            photo_upload(
                appointment=appointment,
                area=data["area"],
                view=data["view"],
                upload=data["image"],
                by=request.user,
                now=timezone.now(),
            )
        except (ValidationError, Conflict) as exc:
            form.add_service_errors(exc)
            status = 409 if isinstance(exc, Conflict) else 200
        else:
            messages.success(request, f"Photo added to {appointment.patient.full_name}'s session.")
            return redirect("session-photos", pk=appointment.pk)
    context = {
        "appointment": appointment,
        "photos": session_photos(appointment),
        "form": form,
        "refusal": refusal,
        "is_own": may_edit_session_record(request.user, appointment),
    }
    return render(request, "photos/session.html", context, status=status)


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_GET
def course_photos_page(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_course_for_photos(request.user, pk)
    return render(request, "photos/course.html", album_context(request, course, audience="clinician"))


@role_required(Role.PRACTITIONER, Role.MANAGER)
@require_POST
def photo_remove_page(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_photo_for(request.user, pk)
    if not may_edit_session_record(request.user, photo.appointment):
        raise Http404  # colleagues at the location see the photo; they do not remove it
    photo_remove(photo=photo, by=request.user)
    messages.success(request, "The photo has been removed.")
    return redirect("session-photos", pk=photo.appointment_id)
