"""Forms of the working-hours and time-off screens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from bookings.diary.hours import Block
from bookings.models import Weekday
from clinic.models import Location
from clinic.params import NonexistentLocalTime, local_instant

TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time", "class": "form-control"})
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
# How far ahead time off can be planned; it also keeps dates clear of date.min/date.max.
TIME_OFF_AHEAD = timedelta(days=2 * 366)
MAX_BLOCKS = 70
NOT_FOR_WHOLE_DAYS = "Not needed for whole days."


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class BlockForm(forms.Form):
    """One row of the weekly table: a day and, if filled in, a block of hours that day."""

    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int, widget=forms.HiddenInput)
    start = forms.TimeField(required=False, widget=TIME)
    end = forms.TimeField(required=False, widget=TIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if (start is None) != (end is None):
            self.add_error("end" if end is None else "start", "Give both a start and an end, or leave both empty.")
        elif start is not None and end is not None and start >= end:
            self.add_error("end", "The block must end after it starts (blocks cannot run past midnight).")
        return data

    @property
    def day_label(self) -> str:
        value = self["weekday"].value()
        try:
            return Weekday(int(value)).label
        except (TypeError, ValueError):
            return "Unknown day"

    @property
    def block(self) -> Block | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("start") is None or data.get("end") is None or "weekday" not in data:
            return None
        return Block(data["weekday"], data["start"], data["end"])


class BaseBlockFormSet(forms.BaseFormSet):
    """The week at one location: blocks of a day must not overlap each other, nor the
    practitioner's blocks at their other locations."""

    def __init__(self, *args: Any, others: Sequence[tuple[Block, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others = others

    def kept_forms(self) -> list[BlockForm]:
        return [f for f in self.forms if not (self.can_delete and self._should_delete_form(f)) and f.block]

    def clean(self) -> None:
        if any(self.errors):
            return
        by_day: dict[int, list[BlockForm]] = defaultdict(list)
        for form in self.kept_forms():
            by_day[form.block.weekday].append(form)
        for forms_of_day in by_day.values():
            forms_of_day.sort(key=lambda f: (f.block.start, f.block.end))
            for before, after in zip(forms_of_day, forms_of_day[1:], strict=False):
                if after.block.start < before.block.end:
                    after.add_error(
                        "start", f"Overlaps {before.block.start:%H:%M}-{before.block.end:%H:%M} on the same day."
                    )
        for other, where in self.others:
            for form in by_day.get(other.weekday, ()):
                if form.block.start < other.end and other.start < form.block.end:
                    form.add_error(
                        "start",
                        f"Overlaps the hours at {where} ({other.start:%H:%M}-{other.end:%H:%M}): "
                        "nobody can be in two places at once.",
                    )

    @property
    def blocks(self) -> list[Block]:
        return [f.block for f in self.kept_forms()]


BlockFormSet = forms.formset_factory(
    BlockForm, formset=BaseBlockFormSet, extra=0, can_delete=True, max_num=MAX_BLOCKS, validate_max=True
)


def week_rows(blocks: Iterable[Block]) -> list[dict[str, Any]]:
    """Initial rows Monday to Sunday: each day's blocks, then one empty row to add another."""
    by_day: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        by_day[block.weekday].append(block)
    rows: list[dict[str, Any]] = []
    for weekday in Weekday:
        for block in sorted(by_day[weekday.value], key=lambda b: b.start):
            rows.append({"weekday": weekday.value, "start": block.start, "end": block.end})
        rows.append({"weekday": weekday.value})
    return rows


class TimeOffForm(forms.Form):
    """Time off in a location's wall-clock time; cleaned_data gains the UTC `start` and `end`."""

    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        empty_label=None,
        label="Times are local to",
        help_text="The location's time zone is used to turn the times below into exact moments.",
    )
    whole_days = forms.BooleanField(
        label="Whole days (from the start of the first day to the end of the last)", required=False
    )
    first_day = forms.DateField(label="From (date)", widget=DATE)
    start_time = forms.TimeField(label="From (time)", required=False, widget=TIME, help_text=NOT_FOR_WHOLE_DAYS)
    last_day = forms.DateField(label="Until (date)", widget=DATE)
    end_time = forms.TimeField(label="Until (time)", required=False, widget=TIME, help_text=NOT_FOR_WHOLE_DAYS)
    reason = forms.CharField(label="Reason (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, locations: QuerySet[Location], now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations
        self.now = now

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        location, first_day, last_day = data.get("location"), data.get("first_day"), data.get("last_day")
        if location is None or first_day is None or last_day is None:
            return data
        today = self.now.astimezone(location.zone).date()
        for name, day in (("first_day", first_day), ("last_day", last_day)):
            if not today - timedelta(days=1) <= day <= today + TIME_OFF_AHEAD:
                self.add_error(
                    name, f"Choose a day from {_day(today - timedelta(days=1))} to {_day(today + TIME_OFF_AHEAD)}."
                )
        if self.errors:
            return data
        if data.get("whole_days"):
            if last_day < first_day:
                self.add_error("last_day", "The last day cannot be before the first day.")
                return data
            start = self._instant(first_day, time(0), "first_day")
            end = self._instant(last_day + timedelta(days=1), time(0), "last_day", later=True)
        else:
            for name in ("start_time", "end_time"):
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, "Give a time, or tick whole days.")
            if self.errors:
                return data
            start = self._instant(first_day, data["start_time"], "start_time")
            end = self._instant(last_day, data["end_time"], "end_time", later=True)
        if start is None or end is None:
            return data
        if end <= start:
            self.add_error("last_day" if data.get("whole_days") else "end_time", "Time off must end after it starts.")
        elif end <= self.now:
            self.add_error("last_day", "That time is already over: time off can only be added for the future.")
        data["start"], data["end"] = start, end
        return data

    def _instant(self, day: date, at: time, field: str, *, later: bool = False) -> datetime | None:
        try:
            return local_instant(day, at, self.cleaned_data["location"].zone, later=later)
        except NonexistentLocalTime as exc:
            self.add_error(field, str(exc))
            return None
