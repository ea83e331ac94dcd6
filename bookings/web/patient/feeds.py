"""Calendar subscriptions and .ics downloads.

A feed URL is fetched by calendar servers that cannot sign in, so its unguessable token is the
only credential: the patient can revoke it (new row, new token) and the old URL is dead at once.
The feed lists only upcoming visits and, like every .ics here, nothing that names the patient.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bookings.appointments.access import get_appointment_for
from bookings.messages.feeds import calendar_feed_appointments, calendar_feed_create, calendar_feed_revoke
from bookings.messages.ics import appointments_ics
from bookings.models import CalendarFeed
from clinic.access import patient_of
from clinic.params import BadValue, to_token
from clinic.roles import Role, role_required

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


@role_required(Role.PATIENT)
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request: HttpRequest) -> HttpResponse:
    patient = patient_of(request.user)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            calendar_feed_create(patient=patient, by=request.user)
            messages.success(request, "Your calendar feed is ready. Copy the link below into your calendar app.")
        elif action == "revoke":
            calendar_feed_revoke(patient=patient, by=request.user)
            messages.success(request, "The old link no longer works. Use the new link below in your calendar app.")
        else:
            return HttpResponseBadRequest("Unknown action.")
        return redirect("calendar-feed")
    feed = CalendarFeed.objects.filter(patient=patient).first()
    feed_url = request.build_absolute_uri(reverse("calendar-feed-ics", args=[feed.token])) if feed else None
    return render(request, "bookings/calendar_feed.html", {"feed": feed, "feed_url": feed_url})


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    try:
        token = to_token(token, "token")
    except BadValue:  # not the shape of a token (a NUL would reach the database as one): no such feed
        raise Http404 from None
    feed = get_object_or_404(CalendarFeed.objects.select_related("patient"), token=token)
    appointments = calendar_feed_appointments(feed, now=timezone.now())
    body = appointments_ics(appointments, calendar_name=f"{settings.CLINIC_NAME} appointments")
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_appointment_for(request.user, pk)
    body = appointments_ics([appointment], calendar_name=settings.CLINIC_NAME)
    response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response
