"""How many patients wait for each cell of a day's diary that freed up (the diary's badge).

One query, a UNION ALL of three row kinds: the day's freed slots not refilled, the entries waiting
at the location whose range covers the day, and which treatments the location's practitioners
perform; the pure matching rules (`suits`) then count, per slot, the entries it suits (their
weekdays, time windows and "earlier than" included).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Case, DateTimeField, F, IntegerField, JSONField, Value, When

from bookings.models import Appointment
from clinic.models import Location
from treatments.models import Treatment
from waitlist.domain import matching
from waitlist.models import Entry, FreedSlot

SLOT, ENTRY, PERFORMS = 1, 2, 3
COLUMNS = ("kind", "who", "s", "e", "w", "x", "t", "m", "c", "since", "pk_")


def waiting_for_freed_cells(place: Location, day: date) -> dict[tuple[int, str], int]:
    zone = place.zone
    first = datetime.combine(day, time(0), tzinfo=zone)
    after = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    no_int, no_time, no_json = (
        Value(None, output_field=IntegerField()),
        Value(None, output_field=DateTimeField()),
        Value(None, output_field=JSONField()),
    )
    slots = (
        FreedSlot.objects.filter(location=place, start__gte=first, start__lt=after, refilled_at=None)
        .order_by()
        .annotate(kind=Value(SLOT), who=F("practitioner_id"), s=F("start"), e=F("end"), w=no_json, x=no_json)
        .annotate(t=no_int, m=no_int, c=no_time, since=no_time, pk_=F("pk"))
        .values_list(*COLUMNS)
    )
    current = Case(When(current_appointment__status=Appointment.Status.BOOKED, then=F("current_appointment__start")))
    entries = (
        Entry.objects.filter(location=place, status=Entry.Status.WAITING, earliest__lte=day, latest__gte=day)
        .order_by()
        .annotate(kind=Value(ENTRY), who=F("practitioner_id"), s=no_time, e=no_time, w=F("weekdays"), x=F("times"))
        .annotate(t=F("treatment_id"), m=F("area__minutes"), c=current, since=F("created_at"), pk_=F("pk"))
        .values_list(*COLUMNS)
    )
    performs = (
        Treatment.practitioners.through.objects.filter(practitioner__locations=place)
        .order_by()
        .annotate(kind=Value(PERFORMS), who=F("practitioner_id"), s=no_time, e=no_time, w=no_json, x=no_json)
        .annotate(t=F("treatment_id"), m=no_int, c=no_time, since=no_time, pk_=F("pk"))
        .values_list(*COLUMNS)
    )
    freed, waiting, treatments = [], [], defaultdict(set)
    for kind, who, start, end, weekdays, windows, treatment, minutes, current_start, since, pk in slots.union(
        entries, performs, all=True
    ):
        if kind == SLOT:
            freed.append((who, start, end))
        elif kind == ENTRY:
            waiting.append(
                matching.Entry(
                    id=pk,
                    location_id=place.pk,
                    treatment_id=treatment,
                    practitioner_id=who,
                    earliest=day,
                    latest=day,
                    weekdays=frozenset(weekdays or ()),
                    windows=tuple(
                        matching.Window(time.fromisoformat(a), time.fromisoformat(b)) for a, b in windows or ()
                    ),
                    waiting_since=since,
                    minutes=minutes,
                    current_start=current_start,
                )
            )
        else:
            treatments[who].add(treatment)
    # Only the zone matters to `suits`; notice and quiet hours are the offer's, not the count's.
    rules = matching.Rules(tz=zone, min_notice=timedelta(0), hold=timedelta(0), quiet_start=time(0), quiet_end=time(0))
    counts: dict[tuple[int, str], int] = {}
    for who, start, end in freed:
        slot = matching.Slot(place.pk, who, start, end, frozenset(treatments[who]))
        n = sum(matching.suits(entry, slot, rules) for entry in waiting)
        if n:
            key = (who, f"{start.astimezone(zone):%H:%M}")
            counts[key] = counts.get(key, 0) + n
    return counts
