"""The patient's own photos, when the clinic lets patients see them (PhotoSettings); else 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bookings.models import Course
from clinic.access import patient_of
from clinic.roles import Role, role_required
from photos.access import get_course_for_photos, patients_may_view
from photos.models import Photo
from photos.web.album import album_context


@role_required(Role.PATIENT)
@require_GET
def my_photos(request: HttpRequest) -> HttpResponse:
    if not patients_may_view():
        raise Http404
    patient = patient_of(request.user)
    with_photos = Photo.objects.consented().filter(patient=patient).values("appointment__course")
    courses = Course.objects.filter(patient=patient, pk__in=with_photos).select_related("treatment", "area")
    return render(request, "photos/my_photos.html", {"courses": courses.order_by("-pk")})


@role_required(Role.PATIENT)
@require_GET
def my_course_photos(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_course_for_photos(request.user, pk, as_patient=True)
    return render(request, "photos/course.html", album_context(request, course, audience="patient"))
