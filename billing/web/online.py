"""Online payment's two doors: the patient's "pay the deposit now" (to the provider's hosted
page) and the provider's webhook. Both are 404 while online payment is off."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing.access import get_course_for_patient, get_deposit_for_patient
from billing.models import Deposit
from billing.providers import payment_provider
from billing.selectors import package_quote_for
from billing.services.online import provider_event_apply
from clinic.roles import Role, role_required


@role_required(Role.PATIENT)
def deposit_pay(request: HttpRequest, pk: int) -> HttpResponse:
    provider = payment_provider()
    deposit = get_deposit_for_patient(request.user, pk)
    if not provider.online or deposit.status != Deposit.Status.DUE:
        raise Http404
    back = request.build_absolute_uri(reverse("book-confirmed", args=[deposit.appointment_id]))
    url = provider.checkout_url(
        what="Deposit for your appointment",
        about={"deposit": str(deposit.pk)},
        amount=deposit.amount,
        currency=deposit.currency,
        success_url=back,
        cancel_url=back,
    )
    return HttpResponseRedirect(url, status=303)


@role_required(Role.PATIENT)
@require_POST
def package_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Pay for the rest of one's course upfront as a package, on the provider's page; the package
    is made when the provider says it is paid (billing/services/online.py)."""
    provider = payment_provider()
    course = get_course_for_patient(request.user, pk)
    quote = package_quote_for(course)
    if not provider.online or quote is None:
        raise Http404
    back = request.build_absolute_uri(reverse("my-appointments"))
    url = provider.checkout_url(
        what=f"Course package: {quote.sessions} sessions",
        about={"course": str(course.pk)},
        amount=quote.price,
        currency=quote.currency,
        success_url=back,
        cancel_url=back,
    )
    return HttpResponseRedirect(url, status=303)


@csrf_exempt  # the provider cannot send our CSRF token: its signature is checked instead
@require_POST
def provider_webhook(request: HttpRequest) -> HttpResponse:
    provider = payment_provider()
    if not provider.online:
        raise Http404
    try:
        event = provider.event_from(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except ValueError:
        return HttpResponse("bad signature", status=400, content_type="text/plain")
    provider_event_apply(event=event, now=timezone.now())
    return HttpResponse("ok", content_type="text/plain")  # a replay too: the provider stops retrying
