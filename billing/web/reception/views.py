"""Reception's till (on the diary's appointment panel) and a location's day of takings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing.access import TILL_ROLES, get_appointment_for_till
from billing.exports import takings_csv
from billing.selectors import takings, takings_summary
from billing.services.deposits import deposit_waive
from billing.services.packages import package_buy, package_cancel
from billing.services.payments import payment_take
from billing.web.reception.forms import PaymentForm, WaiveForm
from clinic.access import locations_for_staff
from clinic.params import parse_day
from clinic.roles import role_required


def _back(appointment) -> HttpResponse:
    return redirect("diary-appointment", pk=appointment.pk)


def _refused(request: HttpRequest, appointment, form, title: str) -> HttpResponse:
    context = {"appointment": appointment, "form": form, "title": title}
    return render(request, "billing/till_refused.html", context, status=400)


def _till_form(request: HttpRequest, pk: int, form_class, service, *, title: str, done: str) -> HttpResponse:
    """The till's forms: the visit (404 unless the user may use its till), the form, the service."""
    appointment = get_appointment_for_till(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(appointment=appointment, by=request.user, now=timezone.now(), **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
    if form.errors:
        return _refused(request, appointment, form, title)
    messages.success(request, done)
    return _back(appointment)


@role_required(*TILL_ROLES)
@require_POST
def till_pay(request: HttpRequest, pk: int) -> HttpResponse:
    done = "Payment recorded: its receipt is listed under Payments."
    return _till_form(request, pk, PaymentForm, payment_take, title="Take a payment", done=done)


@role_required(*TILL_ROLES)
@require_POST
def till_waive(request: HttpRequest, pk: int) -> HttpResponse:
    done = "Fee waived: a credit note is issued and the deposit goes back."
    return _till_form(request, pk, WaiveForm, deposit_waive, title="Waive the fee", done=done)


@role_required(*TILL_ROLES)
@require_POST
def till_package(request: HttpRequest, pk: int) -> HttpResponse:
    """Sell the appointment's course as a package, or (action=cancel) cancel its package."""
    appointment = get_appointment_for_till(request.user, pk)
    try:
        if request.POST.get("action") == "cancel" and hasattr(appointment.course, "package"):
            package_cancel(package=appointment.course.package, by=request.user, now=timezone.now())
            messages.success(request, "Package cancelled: the unused sessions are refunded.")
        else:
            package_buy(appointment=appointment, by=request.user, now=timezone.now())
            messages.success(request, "Package sold: its invoice is below; take the payment.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(appointment)


@role_required(*TILL_ROLES)
def takings_page(request: HttpRequest, location: str) -> HttpResponse:
    place = get_object_or_404(locations_for_staff(request.user), slug=location)
    day = parse_day(request, timezone.now().astimezone(place.zone).date())
    rows = takings(location=place, day=day)
    if request.GET.get("format") == "csv":
        return takings_csv(place=place, day=day, rows=rows)
    context = {"location": place, "day": day, "rows": rows, "summary": takings_summary(rows)}
    return render(request, "billing/takings.html", context)
