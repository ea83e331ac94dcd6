"""The only way a photo's pixels leave the clinic: decrypted here, for whoever photos/access.py
lets see it, each view audited, never cached by a browser or a proxy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from clinic.roles import Role, role_required
from photos.access import get_photo_for
from photos.services import photo_viewed
from photos.storage import file_read


def _image(request: HttpRequest, pk: int, *, thumbnail: bool) -> HttpResponse:
    photo = get_photo_for(request.user, pk)
    name = photo.thumbnail_name if thumbnail and photo.thumbnail_name else photo.file_name
    response = HttpResponse(file_read(name), content_type="image/jpeg")
    photo_viewed(photo=photo, by=request.user, size="thumbnail" if thumbnail else "full")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.jpg"'
    return response


@role_required(Role.PATIENT, Role.PRACTITIONER, Role.MANAGER)
@require_GET
def photo_image(request: HttpRequest, pk: int) -> HttpResponse:
    return _image(request, pk, thumbnail=False)


@role_required(Role.PATIENT, Role.PRACTITIONER, Role.MANAGER)
@require_GET
def photo_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    return _image(request, pk, thumbnail=True)
