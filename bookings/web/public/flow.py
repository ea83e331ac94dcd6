"""The online booking flow's state: what the patient has chosen so far.

The choices before a time is held travel as GET parameters (treatment, area, location,
practitioner, numbing cream, date: none of them patient data), so every step is a plain link or
form that works without JavaScript and can be bookmarked. Once a time is chosen it is held in
the session, never in a URL.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from clinic.models import Location, Practitioner
from clinic.params import Query
from treatments.models import Area, Treatment

SESSION_KEY = "booking"
ANY = "any"


@dataclass
class Choice:
    """The patient's choices, resolved to rows; `None` means "not chosen yet"."""

    treatment: Treatment
    area: Area | None = None
    location: Location | None = None
    practitioner: Practitioner | None = None
    any_practitioner: bool = False
    numbing_cream: bool = False
    day: date | None = None
    move: int | None = None  # the appointment being moved, if this is a move
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def practitioner_chosen(self) -> bool:
        return self.any_practitioner or self.practitioner is not None

    def params(self, **override: Any) -> dict[str, str]:
        values: dict[str, Any] = {
            "area": self.area.slug if self.area else None,
            "numbing": "1" if self.numbing_cream else None,
            "location": self.location.slug if self.location else None,
            "practitioner": ANY if self.any_practitioner else (self.practitioner.pk if self.practitioner else None),
            "date": self.day.isoformat() if self.day else None,
            "move": self.move,
        }
        values.update(override)
        return {key: str(value) for key, value in values.items() if value not in (None, "")}

    def url(self, **override: Any) -> str:
        query = urlencode(self.params(**override))
        return reverse("book-start", args=[self.treatment.slug]) + (f"?{query}" if query else "")


def choice_from_query(treatment: Treatment, query: QueryDict) -> Choice:
    """Resolve GET parameters; an unknown or garbled value is dropped with a message, never a 500."""
    read = Query(query)
    choice = Choice(treatment=treatment, numbing_cream=query.get("numbing") == "1")
    if read.raw("area"):
        slug = read.slug("area")
        choice.area = treatment.areas.filter(slug=slug).first() if slug else None
        if choice.area is None:
            choice.errors["area"] = "Please choose one of the areas below."
    if read.raw("location"):
        slug = read.slug("location")
        choice.location = Location.objects.filter(slug=slug, is_active=True).first() if slug else None
        if choice.location is None:
            choice.errors["location"] = "Please choose one of the locations below."
    if (value := read.raw("practitioner")) and choice.location:
        if value == ANY:
            choice.any_practitioner = True
        else:
            pk = read.id("practitioner")
            practitioners = Practitioner.objects.filter(is_active=True, locations=choice.location, treatments=treatment)
            choice.practitioner = practitioners.filter(pk=pk).first() if pk else None
            if choice.practitioner is None:
                choice.errors["practitioner"] = "Please choose a practitioner below."
    if read.raw("date"):
        choice.day = read.date("date")
        if choice.day is None:
            choice.errors["date"] = "Please choose a day from the calendar."
    choice.move = read.id("move")
    return choice


def hold_store(session: Any, *, choice: Choice, start: datetime) -> None:
    session[SESSION_KEY] = {
        "treatment": choice.treatment.pk,
        "area": choice.area.pk,
        "location": choice.location.pk,
        "practitioner": choice.practitioner.pk if choice.practitioner else None,
        "numbing_cream": choice.numbing_cream,
        "start": start.isoformat(),
        "move": choice.move,
        # The confirm's idempotency key: a double-clicked or resubmitted confirm books once.
        "key": secrets.token_urlsafe(16),
    }


@dataclass
class Held:
    treatment: Treatment
    area: Area
    location: Location
    practitioner: Practitioner | None
    numbing_cream: bool
    start: datetime
    move: int | None
    key: str = ""

    def choice(self) -> Choice:
        return Choice(
            treatment=self.treatment,
            area=self.area,
            location=self.location,
            practitioner=self.practitioner,
            any_practitioner=self.practitioner is None,
            numbing_cream=self.numbing_cream,
            day=self.start.astimezone(self.location.zone).date(),
            move=self.move,
        )


def hold_load(session: Any) -> Held | None:
    data = session.get(SESSION_KEY)
    if not data:
        return None
    try:
        return Held(
            treatment=Treatment.objects.active().get(pk=data["treatment"]),
            area=Area.objects.get(pk=data["area"], treatment_id=data["treatment"]),
            location=Location.objects.get(pk=data["location"], is_active=True),
            practitioner=Practitioner.objects.get(pk=data["practitioner"]) if data["practitioner"] else None,
            numbing_cream=bool(data["numbing_cream"]),
            start=parse_datetime(data["start"]),
            move=data.get("move"),
            key=str(data.get("key") or ""),
        )
    except (
        KeyError,
        TypeError,
        ValueError,
        Treatment.DoesNotExist,
        Area.DoesNotExist,
        Location.DoesNotExist,
        Practitioner.DoesNotExist,
    ):
        session.pop(SESSION_KEY, None)
        return None


def hold_clear(session: Any) -> None:
    session.pop(SESSION_KEY, None)
