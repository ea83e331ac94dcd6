"""Working hours and time off: practitioners edit their own, clinic managers everyone's.

Reception gets a 404: hours are the practitioner's to set, and reception already sees them
(as working, break or off) in the diary's day view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.diary.hours import (
    Block,
    appointments_outside_working_time,
    practitioners_for_hours,
    time_off_add,
    time_off_remove,
    working_hours_replace,
)
from bookings.models import Weekday, WorkingHours
from bookings.web.practitioner.hours_forms import BlockFormSet, TimeOffForm, week_rows
from clinic.models import Practitioner
from clinic.roles import Role, has_role, role_required

HOURS_ROLES = (Role.PRACTITIONER, Role.MANAGER)


@dataclass
class DayRow:
    day: str
    hours: str


def _local(moment: datetime, zone: Any) -> str:
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def _practitioner(request: HttpRequest, pk: int | None = None) -> Practitioner:
    allowed = practitioners_for_hours(request.user)
    if pk is None:  # "my hours": a practitioner's own profile
        return get_object_or_404(allowed, user=request.user)
    return get_object_or_404(allowed, pk=pk)


def _overview(request: HttpRequest, practitioner: Practitioner, form: TimeOffForm | None = None) -> HttpResponse:
    now = timezone.now()
    locations = list(practitioner.locations.order_by("name"))
    blocks: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for location_id, weekday, start, end in (
        WorkingHours.objects.filter(practitioner=practitioner)
        .order_by("weekday", "start")
        .values_list("location_id", "weekday", "start", "end")
    ):
        blocks[location_id][weekday].append(f"{start:%H:%M}-{end:%H:%M}")
    weeks = [
        (location, [DayRow(day.label, ", ".join(blocks[location.pk][day.value]) or "Not working") for day in Weekday])
        for location in locations
    ]
    # Time off belongs to the person, not a place: shown in their first location's time zone.
    zone = locations[0].zone if locations else timezone.get_default_timezone()
    time_off = [
        {"pk": t.pk, "start": _local(t.start, zone), "end": _local(t.end, zone), "reason": t.reason}
        for t in practitioner.time_off.filter(end__gt=now).order_by("start")
    ]
    outside = [
        {
            "when": _local(a.start, a.location.zone),
            "day": a.start.astimezone(a.location.zone).date(),
            "patient": a.patient.full_name,
            "treatment": a.treatment.name,
            "location": a.location,
        }
        for a in appointments_outside_working_time(practitioner=practitioner, now=now)
    ]
    if form is None:
        form = TimeOffForm(locations=practitioner.locations.order_by("name"), now=now)
    return render(
        request,
        "bookings/hours/practitioner.html",
        {
            "practitioner": practitioner,
            "own": practitioner.user_id == request.user.pk,
            "weeks": weeks,
            "zone": getattr(zone, "key", str(zone)),
            "time_off": time_off,
            "outside": outside,
            "form": form,
        },
    )


@role_required(*HOURS_ROLES)
def hours_home(request: HttpRequest) -> HttpResponse:
    """Managers: everyone, to pick from. Practitioners: their own hours."""
    if has_role(request.user, Role.MANAGER):
        practitioners = practitioners_for_hours(request.user).prefetch_related("locations").order_by("display_name")
        return render(request, "bookings/hours/list.html", {"practitioners": practitioners})
    return _overview(request, _practitioner(request))


@role_required(*HOURS_ROLES)
def hours_practitioner(request: HttpRequest, pk: int) -> HttpResponse:
    return _overview(request, _practitioner(request, pk))


@role_required(*HOURS_ROLES)
def hours_edit(request: HttpRequest, pk: int, location: str) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    place = get_object_or_404(practitioner.locations.all(), slug=location)
    hours = WorkingHours.objects.filter(practitioner=practitioner)
    current = [Block(w, s, e) for w, s, e in hours.filter(location=place).values_list("weekday", "start", "end")]
    others = [
        (Block(w, s, e), name)
        for w, s, e, name in hours.exclude(location=place).values_list("weekday", "start", "end", "location__name")
    ]
    initial = week_rows(current)
    problems: list[str] = []
    if request.method == "POST":
        formset = BlockFormSet(request.POST, initial=initial, others=others, prefix="blocks")
        if formset.is_valid():
            try:
                outside = working_hours_replace(
                    practitioner=practitioner,
                    location=place,
                    blocks=formset.blocks,
                    by=request.user,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                problems = exc.messages
            else:
                messages.success(request, f"Working hours at {place.name} saved.")
                _warn(request, len(outside))
                return redirect("hours-practitioner", pk=practitioner.pk)
    else:
        formset = BlockFormSet(initial=initial, others=others, prefix="blocks")
    return render(
        request,
        "bookings/hours/edit.html",
        {
            "practitioner": practitioner,
            "location": place,
            "formset": formset,
            "problems": problems,
            "failed": bool(problems) or (formset.is_bound and not formset.is_valid()),
        },
    )


def _warn(request: HttpRequest, count: int) -> None:
    # The names are listed on the page, read live, rather than kept in the message (a cookie).
    if count:
        messages.warning(
            request,
            f"{count} booked appointment{'s are' if count != 1 else ' is'} now outside working time. Nothing was "
            "cancelled: reception should move them (they are listed below).",
        )


@role_required(*HOURS_ROLES)
@require_POST
def time_off_create(request: HttpRequest, pk: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    now = timezone.now()
    form = TimeOffForm(request.POST, locations=practitioner.locations.order_by("name"), now=now)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = time_off_add(
                practitioner=practitioner,
                start=data["start"],
                end=data["end"],
                reason=data["reason"],
                by=request.user,
                now=now,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, "Time off added.")
            _warn(request, len(added.affected))
            return redirect("hours-practitioner", pk=practitioner.pk)
    return _overview(request, practitioner, form)


@role_required(*HOURS_ROLES)
@require_POST
def time_off_delete(request: HttpRequest, pk: int, time_off: int) -> HttpResponse:
    practitioner = _practitioner(request, pk)
    now = timezone.now()
    entry = get_object_or_404(practitioner.time_off.filter(end__gt=now), pk=time_off)
    try:
        time_off_remove(time_off=entry, by=request.user, now=now)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Time off removed.")
    return redirect("hours-practitioner", pk=practitioner.pk)
