"""What a report covers (locations and local days), and the SQL that keeps to it.

A day is the location's local day. With locations in different zones, a row is counted by its own
location's zone: the period's bounds and the week, weekday and hour of each row are worked out
per zone inside one query (a CASE over the zones), then summed or grouped by location. Rows that
belong to no location (questionnaires, messages) are counted in the chosen location's zone, or the
clinic's zone (CLINIC_TIME_ZONE) for all locations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Expression, Q, QuerySet, When

from clinic.models import Location
from reports.domain.periods import Period


@dataclass(frozen=True)
class Scope:
    locations: tuple[Location, ...]
    period: Period
    chosen: Location | None = None
    # Rates of what happened stop here: a booking later this month is neither kept nor missed yet.
    now: datetime | None = None

    @property
    def location_ids(self) -> list[int]:
        return [location.pk for location in self.locations]

    @property
    def zone_names(self) -> dict[str, list[int]]:
        zones: dict[str, list[int]] = defaultdict(list)
        for location in self.locations:
            zones[location.timezone].append(location.pk)
        return dict(zones)

    @property
    def zone(self) -> ZoneInfo:
        """The zone of rows without a location."""
        return self.chosen.zone if self.chosen else ZoneInfo(settings.CLINIC_TIME_ZONE)

    @property
    def where(self) -> str:
        return self.chosen.name if self.chosen else "all locations"

    def window(self, field: str, *, location: str = "location") -> Q:
        """Rows whose `field` instant falls on one of the period's local days at their location."""
        q = Q(pk__in=[])
        for name, ids in self.zone_names.items():
            first, after = self.period.bounds(ZoneInfo(name))
            q |= Q(**{f"{location}__in": ids, f"{field}__gte": first, f"{field}__lt": after})
        return q

    def plain_window(self, field: str) -> Q:
        """The period in the one zone of rows without a location."""
        first, after = self.period.bounds(self.zone)
        return Q(**{f"{field}__gte": first, f"{field}__lt": after})

    def local(self, function: type, field: str, *, location: str = "location") -> Expression:
        """TruncWeek/ExtractIsoWeekDay/ExtractHour/... of `field` in each row's location's zone.

        The CASE picks the zone by the row's location id (no join to the locations table)."""
        zones = sorted(self.zone_names.items())
        if len(zones) == 1:
            return function(field, tzinfo=ZoneInfo(zones[0][0]))
        return Case(
            *(When(**{f"{location}__in": ids}, then=function(field, tzinfo=ZoneInfo(name))) for name, ids in zones)
        )


def middle(queryset: QuerySet, expression: Expression, count: int) -> timedelta | None:
    """The median of `expression` over `count` rows, read as the middle row(s) by OFFSET: one
    query, on PostgreSQL and SQLite alike (which has no percentile function)."""
    if not count:
        return None
    low, high = (count - 1) // 2, count // 2
    values = list(
        queryset.annotate(median_value=expression)
        .order_by("median_value")
        .values_list("median_value", flat=True)[low : high + 1]
    )
    return sum(values, timedelta(0)) / len(values) if values else None
