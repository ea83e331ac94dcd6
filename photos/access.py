"""Who may see which photo: practitioners at the session's location and clinic managers; the
patient their own only when the clinic allows it; a photo whose consent was withdrawn nobody.
Everything else is a 404 (never a 403 that would confirm a photo exists)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from bookings.models import Course
from clinic.access import locations_for_staff
from clinic.roles import Role, roles_of
from photos.models import Photo, PhotoSettings


def patients_may_view() -> bool:
    return PhotoSettings.current().patients_may_view


def _is_patient_viewer(user: Any) -> bool:
    return Role.PATIENT in roles_of(user) and patients_may_view()


def photos_visible_to(user: Any) -> QuerySet[Photo]:
    base = Photo.objects.consented().select_related("patient", "appointment", "area")
    roles = roles_of(user)
    if Role.MANAGER in roles:
        return base
    if Role.PRACTITIONER in roles:
        return base.filter(appointment__location__in=locations_for_staff(user))
    if _is_patient_viewer(user):
        return base.filter(patient__user=user)
    return base.none()


def get_photo_for(user: Any, pk: int) -> Photo:
    try:
        return photos_visible_to(user).get(pk=pk)
    except Photo.DoesNotExist:
        raise Http404 from None


def get_course_for_photos(user: Any, pk: int, *, as_patient: bool = False) -> Course:
    """The course whose photos the page compares: clinicians (by location), or with `as_patient`
    the signed-in patient's own when the clinic lets patients see their photos."""
    roles = roles_of(user)
    base = Course.objects.select_related("patient", "treatment", "area", "location", "practitioner")
    if as_patient:
        courses = base.filter(patient__user=user) if _is_patient_viewer(user) else base.none()
    elif Role.MANAGER in roles:
        courses = base
    elif Role.PRACTITIONER in roles:
        courses = base.filter(location__in=locations_for_staff(user))
    else:
        courses = base.none()
    try:
        return courses.get(pk=pk)
    except Course.DoesNotExist:
        raise Http404 from None
