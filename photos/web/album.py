"""The comparison page's context, shared by the practitioner's and the patient's page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from bookings.models import Course
from clinic.params import Query
from photos.selectors import compare_pair, course_album


def album_context(request: HttpRequest, course: Course, *, audience: str) -> dict[str, Any]:
    album = course_album(course)
    query = Query(request.GET)
    keys = {series.key: series for series in album.series}
    chosen = keys.get(request.GET.get("series", "")) or (album.series[0] if album.series else None)
    first, second = compare_pair(chosen, query.id("a"), query.id("b")) if chosen else (None, None)
    return {
        "course": course,
        "album": album,
        "series": chosen,
        "first": first,
        "second": second,
        "audience": audience,
        "query_errors": query.errors,
    }
