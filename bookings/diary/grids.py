"""Laying out a loaded day or week as grid rows: states per column, appointments on top."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from bookings.diary.selectors import DayData, Off, WeekData
from bookings.diary.words import diary_entry
from bookings.domain.grid import (
    DAY_MINUTES,
    FREE,
    SLOT_MINUTES,
    Frame,
    Span,
    State,
    column_spans,
    column_states,
    default_opening,
    frame_for,
    grid_rows,
    hours_state,
    minute_label,
    minute_of_day,
    off_state,
    opening_of,
)


@dataclass
class Grid:
    rows: list[dict]
    appointment_count: int
    opening: tuple[str, str] | None  # the day's hours as labels, when someone works


def closed_label(reason: str | None, *, default: str = "Closed") -> str:
    """A closed day's words ("" when open): the reason when one was given."""
    if reason is None:
        return ""
    return f"Closed: {reason}" if reason else default


def _day_state(minute: int, *, closed: str, by_room: bool, opening: Span, own: list[Span], off: list[Off]) -> State:
    if closed:
        return ("closed", closed)
    if by_room:
        return FREE if opening[0] <= minute < opening[1] else ("outside", "Closed")
    return off_state(minute, off) or hours_state(minute, own)


def day_grid(data: DayData, *, now: datetime | None = None) -> Grid:
    """A column per practitioner (or room), each appointment in its column by local time. With
    `now`, free cells before it (all of them on a past day) offer nothing to book."""
    zone = data.location.zone
    placed = []
    for appointment in data.appointments:
        first = minute_of_day(appointment.start, data.day, zone)
        last = max(minute_of_day(appointment.end, data.day, zone), first + SLOT_MINUTES)
        placed.append((appointment, first, last))
    opening = opening_of(b for blocks in data.blocks.values() for b in blocks)
    frame = frame_for(opening, [(first, last) for _, first, last in placed])
    closed = closed_label(data.closure)
    key = "room_id" if data.by_room else "practitioner_id"
    states, spans = [], []
    for column in data.columns:
        state_at = partial(
            _day_state,
            closed=closed,
            by_room=data.by_room,
            opening=opening or default_opening(),
            own=data.blocks.get(column.pk, []),
            off=data.time_off.get(column.pk, []),
        )
        states.append(column_states(frame, state_at))
        mine = [(f, la, diary_entry(a, zone, data.statuses)) for a, f, la in placed if getattr(a, key) == column.pk]
        spans.append(column_spans(frame, mine))
    rows = grid_rows(
        grid_start=frame.start,
        n_rows=frame.rows,
        states=states,
        spans=spans,
        bookable=data.columns,
        bookable_from=_bookable_from(data.day, zone, now),
    )
    labels = (minute_label(opening[0]), minute_label(opening[1])) if opening else None
    return Grid(rows=rows, appointment_count=len(placed), opening=labels)


def _bookable_from(day: date, zone, now: datetime | None) -> int:
    """The first minute of `day` that can still be booked: 0 ahead of today, all gone before it."""
    if now is None:
        return 0
    today = now.astimezone(zone).date()
    if day != today:
        return DAY_MINUTES if day < today else 0
    return minute_of_day(now, day, zone)


def _week_state(minute: int, *, closed: str, own: list[Span], elsewhere: list[Off], off: list[Off]) -> State:
    if closed:
        return ("closed", closed)
    return off_state(minute, off) or hours_state(minute, own, elsewhere)


def week_grid(data: WeekData) -> Grid:
    """A column per day, each laid out from its own local midnight: a week with a clock change
    places 10:00 on both sides of it in the 10:00 row."""
    zone = data.location.zone
    days = data.days
    placed: list[tuple[int, int, int, object]] = []  # (column, first minute, last minute, appointment)
    for appointment in data.appointments:
        # In the column of the local day it starts on (one that started the Sunday before and
        # runs past midnight shows from Monday 00:00).
        column_day = max(appointment.start.astimezone(zone).date(), data.monday)
        first = minute_of_day(appointment.start, column_day, zone)
        last = max(minute_of_day(appointment.end, column_day, zone), first + SLOT_MINUTES)
        placed.append(((column_day - data.monday).days, first, min(last, DAY_MINUTES), appointment))
    opening = opening_of(b for blocks in data.own.values() for b in blocks)
    frame = frame_for(opening, [(first, last) for _, first, last, _ in placed])
    states = [column_states(frame, _week_state_of(data, day)) for day in days]
    spans = [
        column_spans(frame, [(f, la, diary_entry(a, zone, data.statuses)) for n, f, la, a in placed if n == column])
        for column in range(7)
    ]
    rows = grid_rows(grid_start=frame.start, n_rows=frame.rows, states=states, spans=spans)
    return Grid(rows=rows, appointment_count=len(placed), opening=None)


def _week_state_of(data: WeekData, day: date):
    zone = data.location.zone
    reason = next((r for first, last, r in data.closures if first <= day <= last), None)
    off = [(minute_of_day(s, day, zone), minute_of_day(e, day, zone), r) for s, e, r in data.time_off]
    return partial(
        _week_state,
        closed=closed_label(reason, default="Location closed"),
        own=data.own.get(day.weekday(), []),
        elsewhere=data.elsewhere.get(day.weekday(), []),
        off=off,
    )


def week_hours(data: WeekData) -> dict[date, str]:
    """Each day's hours at the location, in words."""
    return {
        d: ", ".join(f"{minute_label(s)}–{minute_label(e)}" for s, e in data.own.get(d.weekday(), [])) or "not working"
        for d in data.days
    }


__all__ = ["Frame", "Grid", "closed_label", "day_grid", "week_grid", "week_hours"]
