"""The reports' filters: a location (or all) and a range (a preset, or from-to dates, bounded)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone

from clinic.forms import BoundedDateField, DateInput
from clinic.models import Location
from reports.domain.periods import MAX_DAYS, PRESETS, Period, preset_period
from reports.selectors.scope import Scope

DEFAULT_RANGE = "month"


class ReportFilterForm(forms.Form):
    location = forms.ChoiceField(label="Location", required=False)
    range = forms.ChoiceField(label="Range", choices=list(PRESETS.items()), required=False)
    date_from = BoundedDateField(label="From", required=False, widget=DateInput())
    date_to = BoundedDateField(label="To", required=False, widget=DateInput())

    def __init__(self, data: Any, *, locations: list[Location]) -> None:
        data = data.copy()
        if not data.get("range"):
            data["range"] = "custom" if data.get("date_from") or data.get("date_to") else DEFAULT_RANGE
        super().__init__(data)
        self.locations = {location.slug: location for location in locations}
        self.fields["location"].choices = [("", "All locations")] + [(loc.slug, loc.name) for loc in locations]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("range") != "custom":
            return data
        first, last = data.get("date_from"), data.get("date_to")
        if first is None and "date_from" not in self.errors:
            self.add_error("date_from", "Give the first day of the range.")
        if last is None and "date_to" not in self.errors:
            self.add_error("date_to", "Give the last day of the range.")
        if first and last and last < first:
            self.add_error("date_to", "The last day cannot be before the first.")
        elif first and last and (last - first).days + 1 > MAX_DAYS:
            self.add_error(
                "date_to", f"Choose a range of at most {MAX_DAYS} days (this one has {(last - first).days + 1})."
            )
        return data

    def scope(self) -> Scope:
        """What the valid form asks for; the presets are around today in the location's zone."""
        data = self.cleaned_data
        chosen = self.locations.get(data.get("location") or "")
        locations = (chosen,) if chosen else tuple(self.locations.values())
        if data["range"] == "custom":
            period = Period(data["date_from"], data["date_to"])
        else:
            zone = chosen.zone if chosen else ZoneInfo(settings.CLINIC_TIME_ZONE)
            period = preset_period(data["range"], timezone.now().astimezone(zone).date())
        return Scope(locations=locations, period=period, chosen=chosen, now=timezone.now())

    def query(self) -> str:
        """The valid filters as a query string, for the links between reports and to the CSV."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        keep = {"location": data.get("location") or "", "range": data["range"]}
        if data["range"] == "custom":
            keep.update(date_from=data["date_from"].isoformat(), date_to=data["date_to"].isoformat())
        return urlencode({k: v for k, v in keep.items() if v and not (k == "range" and v == DEFAULT_RANGE)})


def period_words(period: Period) -> str:
    first, last = period.first, period.last
    if first == last:
        return f"{first.day} {first:%B %Y}"
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"
