from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from treatments.models import Treatment


def home(request: HttpRequest) -> HttpResponse:
    treatments = Treatment.objects.active().prefetch_related("areas")
    return render(request, "treatments/home.html", {"treatments": treatments})


def treatment_list(request: HttpRequest) -> HttpResponse:
    treatments = Treatment.objects.active().prefetch_related("areas")
    return render(request, "treatments/list.html", {"treatments": treatments})


def treatment_detail(request: HttpRequest, slug: str) -> HttpResponse:
    treatment = get_object_or_404(Treatment.objects.active().prefetch_related("areas", "ingredients"), slug=slug)
    return render(request, "treatments/detail.html", {"treatment": treatment})
