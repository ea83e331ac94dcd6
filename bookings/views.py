from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from treatments.models import Treatment


def book_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Where a treatment's "Book" button leads. Until online booking exists it says how to book."""
    treatment = get_object_or_404(Treatment.objects.active(), slug=slug)
    return render(request, "bookings/book_start.html", {"treatment": treatment})
