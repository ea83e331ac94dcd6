"""The patient's online booking flow: treatment, area, location, practitioner, day, time,
details, review, confirm. Every step is a server-rendered page; htmx only makes it quicker."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from bookings.appointments import services
from bookings.appointments.access import get_appointment_for
from bookings.appointments.errors import InvalidTransition, SlotUnavailable, TooLateToChange
from bookings.diary.closures import calendar_closed_days
from bookings.diary.loading import availability_search, slot_still_free, visit_length
from bookings.diary.words import course_words_for_patient
from bookings.models import Appointment, BookingRules, Course
from bookings.web.public.flow import Choice, choice_from_query, hold_clear, hold_load, hold_store
from bookings.web.public.forms import AreaStepForm, LocationStepForm, PractitionerStepForm, ReviewForm
from clinic.accounts.forms import PatientDetailsForm, RegistrationForm, SignInForm
from clinic.accounts.services import patient_details_update, patient_register
from clinic.idempotency import fingerprint_of, idempotency_run
from clinic.models import Location, Patient, Practitioner
from clinic.params import BadValue, Query, to_date
from clinic.roles import Role, is_staff_member, roles_of
from treatments.models import Treatment

CONFIRMED_KEY = "booking-confirmed"  # confirm key -> appointment id, for a resubmitted confirm
MOVED_KEY = "booking-moved"  # which appointment was just moved, and from when (for its confirmation page)
STEPS = ["Area", "Location", "Practitioner", "Day", "Time", "Your details", "Review"]


def book_start(request: HttpRequest, slug: str) -> HttpResponse:
    treatment = get_object_or_404(Treatment.objects.active(), slug=slug)
    choice = choice_from_query(treatment, request.GET)
    moving = _moving(request, choice)
    context: dict[str, Any] = {"treatment": choice.treatment, "choice": choice, "steps": STEPS, "moving": moving}
    if choice.area is None:
        rules = BookingRules.current()
        form = AreaStepForm(areas=list(treatment.areas.all()), numbing_minutes=rules.numbing_cream_minutes)
        return _step(request, context, "area", form=form)
    if choice.location is None:
        locations = list(Location.objects.filter(is_active=True, practitioners__treatments=treatment).distinct())
        return _step(request, context, "location", form=LocationStepForm(locations=locations))
    if not choice.practitioner_chosen:
        practitioners = list(
            Practitioner.objects.filter(is_active=True, locations=choice.location, treatments=treatment).distinct()
        )
        return _step(request, context, "practitioner", form=PractitionerStepForm(practitioners=practitioners))
    if choice.day is None:
        return _step(request, context, "day", **_month(choice, request.GET.get("month")))
    return _step(request, context, "time", slots=_slots(choice, choice.day, choice.day))


def _step(request: HttpRequest, context: dict[str, Any], step: str, **extra: Any) -> HttpResponse:
    context.update(extra, step=step, step_number=["area", "location", "practitioner", "day", "time"].index(step) + 1)
    context["hidden"] = context["choice"].params(**{_FIELD_OF_STEP[step]: None, "date": None})
    return render(request, "bookings/book.html", context)


_FIELD_OF_STEP = {"area": "area", "location": "location", "practitioner": "practitioner", "day": "date", "time": "date"}


def _slots(choice: Choice, first_day: date, last_day: date):
    return availability_search(
        treatment=choice.treatment,
        area=choice.area,
        location=choice.location,
        first_day=first_day,
        last_day=last_day,
        now=timezone.now(),
        numbing_cream=choice.numbing_cream,
        practitioner_id=choice.practitioner.pk if choice.practitioner else None,
    )


def _month(choice: Choice, month: str | None) -> dict[str, Any]:
    """A month calendar marking the days with at least one free time (one availability search)."""
    zone = choice.location.zone
    today = timezone.now().astimezone(zone).date()
    last_bookable = (timezone.now() + BookingRules.current().as_availability_rules().horizon).astimezone(zone).date()
    try:
        first = to_date(f"{month}-01", "month") if month else today.replace(day=1)
    except BadValue:  # a garbled ?month= shows this month
        first = today.replace(day=1)
    first = min(max(first, today.replace(day=1)), last_bookable.replace(day=1))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    open_days = {s.start.astimezone(zone).date() for s in _slots(choice, max(first, today), min(last, last_bookable))}
    closed = calendar_closed_days(choice.location, choice.treatment, first, last)
    weeks = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "open": day in open_days,
                "past": day < today,
                "closed": closed.get(day),  # None: open, but perhaps full
            }
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = last + timedelta(days=1)
    return {
        "month": first,
        "weeks": weeks,
        "open_days": sorted(open_days),
        "previous_month": previous if previous >= today.replace(day=1) else None,
        "next_month": following if following <= last_bookable else None,
    }


@require_POST
def book_hold(request: HttpRequest, slug: str) -> HttpResponse:
    """The patient picked a time: hold the choice in the session and ask who they are."""
    treatment = get_object_or_404(Treatment.objects.active(), slug=slug)
    choice = choice_from_query(treatment, request.POST)
    start = Query(request.POST).instant("start")
    if not (choice.area and choice.location and choice.practitioner_chosen) or start is None:
        messages.error(request, "That time could not be read. Please choose a time again.")
        return redirect(choice.url())
    moving = _moving(request, choice)
    if not slot_still_free(
        treatment=choice.treatment,
        area=choice.area,
        location=choice.location,
        start=start,
        now=timezone.now(),
        practitioner_id=choice.practitioner.pk if choice.practitioner else None,
        numbing_cream=choice.numbing_cream,
        exclude_appointment_id=moving.pk if moving else None,
    ):
        # Checked before the details step: nobody registers for a time that has gone.
        messages.warning(request, "Sorry, that time has just been taken. Here are the free times now.")
        return redirect(choice.url(date=start.astimezone(choice.location.zone).date().isoformat()))
    hold_store(request.session, choice=choice, start=start)
    # A move keeps the patient's details as they are: straight on to the new time's review.
    return redirect("book-review" if moving else "book-details")


@require_http_methods(["GET", "POST"])
def book_details(request: HttpRequest) -> HttpResponse:
    """Sign in, create an account, or confirm the details we hold."""
    held = hold_load(request.session)
    if held is None:
        messages.info(request, "Choose a treatment and a time first.")
        return redirect("treatment-list")
    user = request.user
    if held.move:
        return redirect("book-review")  # moving changes the time, never the patient's details
    if user.is_authenticated and is_staff_member(user):
        return render(request, "bookings/book_staff.html", {"held": held})
    if not user.is_authenticated:
        return _sign_in_or_register(request, held)
    patient = Patient.objects.filter(user=user).first()
    form = PatientDetailsForm.for_patient(patient, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if patient is None:
                raise Http404  # a signed-in account without a patient record is not a patient account
            patient_details_update(patient=patient, by=user, today=timezone.localdate(), **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("book-review")
    return render(request, "bookings/book_details.html", {"held": held, "form": form, "step_number": 6})


def _sign_in_or_register(request: HttpRequest, held) -> HttpResponse:
    action = request.POST.get("action")
    sign_in = SignInForm(request.POST if action == "signin" else None, prefix="signin")
    register = RegistrationForm(request.POST if action == "register" else None, prefix="register")
    if action == "signin" and sign_in.is_valid():
        user = authenticate(request, username=sign_in.cleaned_data["email"], password=sign_in.cleaned_data["password"])
        if user is None:
            sign_in.add_error(None, "The email address or password is not right.")
        else:
            login(request, user)
            return redirect("book-details")
    if action == "register" and register.is_valid():
        try:
            patient = patient_register(today=timezone.localdate(), **register.cleaned_data)
        except ValidationError as exc:
            register.add_service_errors(exc)
        else:
            login(request, patient.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready.")
            return redirect("book-review")
    return render(
        request,
        "bookings/book_sign_in.html",
        {"held": held, "sign_in": sign_in, "register": register, "active": action or "register", "step_number": 6},
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="user_or_ip", rate="10/10m", method="POST", block=True)
def book_review(request: HttpRequest) -> HttpResponse:
    confirmed = request.session.get(CONFIRMED_KEY, {})
    if request.method == "POST" and request.POST.get("confirm_key") in confirmed:
        # The same confirm again (back and resubmit): the booking it made, not a second one.
        return redirect("book-confirmed", pk=confirmed[request.POST["confirm_key"]])
    held = hold_load(request.session)
    if held is None:
        messages.info(request, "Choose a treatment and a time first.")
        return redirect("treatment-list")
    if not request.user.is_authenticated or Role.PATIENT not in roles_of(request.user):
        return redirect("book-details")
    patient = Patient.objects.filter(user=request.user).first()
    if patient is None:
        return redirect("book-details")
    moving = _movable(request, held.move) if held.move else None
    form = ReviewForm(request.POST if request.method == "POST" else None)
    alternatives: list = []
    if request.method == "POST" and form.is_valid():
        done, alternatives = _review_confirm(request, held, patient, moving, confirmed)
        if done is not None:
            return done
    rules = BookingRules.current()
    context = {
        "held": held,
        "form": form,
        "patient": patient,
        "duration_minutes": int(
            visit_length(area=held.area, numbing_cream=held.numbing_cream, rules=rules).total_seconds() // 60
        ),
        "rules": rules,
        "alternatives": alternatives,
        "moving": moving,
        "step_number": 7,
        "confirm_key": held.key,
    }
    return render(request, "bookings/book_review.html", context)


def _review_confirm(request: HttpRequest, held, patient: Patient, moving, confirmed: dict) -> tuple:
    """The confirm: the confirmation page when it booked, else the refusal's words (and the
    nearest free times when the slot was taken)."""
    try:
        appointment = _confirm(request, held, patient)
    except SlotUnavailable as exc:
        messages.warning(request, "Sorry, that time has just been taken. Here are the nearest free times.")
        return None, exc.alternatives
    except (TooLateToChange, InvalidTransition) as exc:
        messages.error(request, exc.message)
        return None, []
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return None, []
    hold_clear(request.session)
    request.session[CONFIRMED_KEY] = {**confirmed, held.key: appointment.pk}
    if held.move and moving is not None:
        request.session[MOVED_KEY] = {"pk": appointment.pk, "from": moving.start.isoformat()}
    return redirect("book-confirmed", pk=appointment.pk), []


def _confirm(request: HttpRequest, held, patient: Patient) -> Appointment:
    """Book (or move) once per held choice: two submits of one confirm, concurrent or not, give
    one appointment (clinic/idempotency.py). Each time held gets its own key (flow.hold_store)."""
    if not held.key:  # a hold from before keys existed
        return _book_or_move(request, held, patient)
    fingerprint = fingerprint_of(
        str(held.treatment.pk), str(held.area.pk), str(held.location.pk), held.start.isoformat()
    )
    _, body = idempotency_run(
        owner=f"user:{request.user.pk}",
        key=f"book:{held.key}",
        fingerprint=fingerprint,
        run=lambda: (201, {"appointment": _book_or_move(request, held, patient).pk}),
    )
    return Appointment.objects.get(pk=body["appointment"])


def _book_or_move(request: HttpRequest, held, patient: Patient) -> Appointment:
    if held.move:
        appointment = _movable(request, held.move)
        if appointment is None:
            raise Http404
        return services.appointment_reschedule(
            appointment=appointment, start=held.start, by=request.user, practitioner=held.practitioner
        )
    return services.appointment_book(
        patient=patient,
        treatment=held.treatment,
        area=held.area,
        location=held.location,
        start=held.start,
        practitioner=held.practitioner,
        numbing_cream=held.numbing_cream,
        by=request.user,
    )


def book_confirmed(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        raise Http404
    appointment = get_appointment_for(request.user, pk)
    moved = request.session.get(MOVED_KEY) or {}
    moved_from = parse_datetime(moved["from"]) if moved.get("pk") == appointment.pk else None
    course = Course.objects.select_related("intake").filter(pk=appointment.course_id).first()
    context = {
        "appointment": appointment,
        "moved_from": moved_from,
        # The questionnaire block only while there is something for the patient to do.
        "questionnaire": course_words_for_patient(course)["questionnaire_words"] if course else "",
        "questionnaire_to_do": course is not None and (course.intake is None or course.intake.status == "draft"),
    }
    return render(request, "bookings/book_confirmed.html", context)


def _moving(request: HttpRequest, choice: Choice) -> Appointment | None:
    """The appointment a move is about (404 if it is not the patient's to move). A move changes the
    time (and practitioner), never the treatment, area or location: those are the appointment's."""
    if not choice.move:
        return None
    appointment = _movable(request, choice.move)
    if appointment is None:
        raise Http404
    choice.treatment, choice.area, choice.location = appointment.treatment, appointment.area, appointment.location
    choice.numbing_cream = appointment.numbing_cream
    return appointment


def _movable(request: HttpRequest, pk: int) -> Appointment | None:
    """The signed-in patient's own booked appointment, or None."""
    if not request.user.is_authenticated:
        return None
    try:
        appointment = get_appointment_for(request.user, pk)
    except Http404:
        return None
    if appointment.patient.user_id != request.user.pk or appointment.status != Appointment.Status.BOOKED:
        return None
    return appointment
