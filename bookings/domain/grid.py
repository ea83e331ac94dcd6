"""The diary grid's maths: local time on a 15-minute grid, and per-row states plus appointment
spans turned into table cells. Pure: no database, no request, no clock."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SLOT_MINUTES = 15
DEFAULT_OPENING = (time(8), time(18))
DAY_MINUTES = 24 * 60


def minute_of_day(moment: datetime, day: date, zone: ZoneInfo) -> int:
    """Local minutes since midnight of `day`, clamped to the day."""
    local = moment.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY_MINUTES
    return local.hour * 60 + local.minute


def minutes_of(value: time) -> int:
    return value.hour * 60 + value.minute


@dataclass
class DiaryEntry:
    """One appointment as a diary grid shows it."""

    pk: int
    start_label: str
    end_label: str
    patient: str
    treatment: str
    area: str
    session: str
    status: str
    status_code: str
    intake: str

    @property
    def text(self) -> str:
        parts = [f"{self.start_label} to {self.end_label}", self.patient, f"{self.treatment}: {self.area}"]
        if self.session:
            parts.append(self.session)
        parts += [self.status, f"intake {self.intake}"]
        return ", ".join(parts)


@dataclass
class GridCell:
    kind: str  # "appointment", "free", "outside", "break", "off", "closed", "elsewhere"
    rowspan: int = 1
    label: str = ""
    entries: list[DiaryEntry] = field(default_factory=list)
    # Free cells of a bookable grid: the wall-clock time and the column, to prefill the booking form.
    time: str = ""
    column: int = 0
    column_name: str = ""
    past: bool = False  # a free time already gone (earlier today): nothing to book


@dataclass
class Column:
    pk: int
    name: str


def stack_spans(placed: Iterable[tuple[int, int, DiaryEntry]]) -> list[list]:
    """[top row, end row (exclusive), entries] per cell; overlapping appointments share one cell.

    `placed` must be in start order.
    """
    spans: list[list] = []
    for top, bottom, entry in placed:
        bottom = max(bottom, top + 1)
        if spans and top < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], bottom)
            spans[-1][2].append(entry)
        else:
            spans.append([top, bottom, [entry]])
    return spans


def grid_rows(
    *,
    grid_start: int,
    n_rows: int,
    states: list[list[tuple[str, str]]],
    spans: list[list[list]],
    bookable: Sequence[Column] = (),
    bookable_from: int = 0,
) -> list[dict]:
    """Table rows for columns of per-row (kind, label) states with appointment spans on top.

    A cell starts a run (rowspan); rows it covers get no cell for that column. Runs of the same
    non-free state merge, so "Not working" reads once per stretch, not once per 15 minutes.
    With `bookable` columns, each free cell carries its time and column for the booking link;
    one starting before `bookable_from` (a minute of the day: now, for today) is past instead.
    """
    columns = len(states)
    grid: list[list[GridCell | None]] = [[None] * columns for _ in range(n_rows)]
    for n in range(columns):
        covered = [False] * n_rows
        for top, bottom, entries in spans[n]:
            grid[top][n] = GridCell("appointment", bottom - top, entries=entries)
            for row in range(top, bottom):
                covered[row] = True
        row = 0
        while row < n_rows:
            if covered[row]:
                row += 1
                continue
            kind, label = states[n][row]
            if kind == "free":
                cell = GridCell("free")
                if bookable and grid_start + row * SLOT_MINUTES < bookable_from:
                    cell.past = True
                elif bookable:
                    cell.time = minute_label(grid_start + row * SLOT_MINUTES)
                    cell.column, cell.column_name = bookable[n].pk, bookable[n].name
                grid[row][n] = cell
                row += 1
                continue
            run = row
            while run < n_rows and not covered[run] and states[n][run] == (kind, label):
                run += 1
            grid[row][n] = GridCell(kind, run - row, label=label)
            row = run
    return [
        {
            "label": minute_label(grid_start + row * SLOT_MINUTES),
            "hour": (grid_start + row * SLOT_MINUTES) % 60 == 0,
            "cells": [cell for cell in grid[row] if cell is not None],
        }
        for row in range(n_rows)
    ]


def minute_label(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}" if minute < DAY_MINUTES else "24:00"


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


# --- laying out a day's rows ------------------------------------------------------------------

Span = tuple[int, int]  # local minutes of a day, [start, end)
State = tuple[str, str]  # (kind, label) of a row before appointments go on top
FREE: State = ("free", "")


@dataclass(frozen=True)
class Frame:
    """The rows of a grid: `rows` 15-minute rows from local minute `start`."""

    start: int
    rows: int

    def minute(self, row: int) -> int:
        return self.start + row * SLOT_MINUTES

    def row_of(self, minute: int) -> int:
        return min(max((minute - self.start) // SLOT_MINUTES, 0), self.rows - 1)

    def row_end(self, minute: int) -> int:
        """The row after the one `minute` ends in (exclusive, rounding up), at least one row."""
        return min(max(-(-(minute - self.start) // SLOT_MINUTES), 1), self.rows)


def opening_of(blocks: Iterable[Span]) -> Span | None:
    """Earliest start to latest end of the day's working blocks; None when nobody works."""
    blocks = list(blocks)
    if not blocks:
        return None
    return min(s for s, _ in blocks), max(e for _, e in blocks)


def default_opening() -> Span:
    return minutes_of(DEFAULT_OPENING[0]), minutes_of(DEFAULT_OPENING[1])


def frame_for(opening: Span | None, placed: Iterable[Span]) -> Frame:
    """Opening hours (or 08:00-18:00 when nobody works), widened to show every appointment."""
    open_start, open_end = opening or default_opening()
    placed = list(placed)
    start = min([open_start, *(first for first, _ in placed)])
    end = max([open_end, *(last for _, last in placed)])
    start -= start % SLOT_MINUTES
    end = min(end + -end % SLOT_MINUTES, DAY_MINUTES)
    return Frame(start=start, rows=max(1, (end - start) // SLOT_MINUTES))


def hours_state(minute: int, own: Sequence[Span], elsewhere: Sequence[tuple[int, int, str]] = ()) -> State:
    """Working, at another location, on a break between blocks, or not working at all."""
    if any(s <= minute < e for s, e in own):
        return FREE
    away = next((name for s, e, name in elsewhere if s <= minute < e), None)
    if away is not None:
        return ("elsewhere", f"At {away}")
    if own and min(s for s, _ in own) <= minute < max(e for _, e in own):
        return ("break", "Break")
    return ("outside", "Not working")


def off_state(minute: int, off: Sequence[tuple[int, int, str]]) -> State | None:
    reason = next((r for s, e, r in off if s <= minute < e), None)
    if reason is None:
        return None
    return ("off", f"Off: {reason}" if reason else "Off")


def column_states(frame: Frame, state_at: Callable[[int], State]) -> list[State]:
    return [state_at(frame.minute(row)) for row in range(frame.rows)]


def column_spans(frame: Frame, placed: Iterable[tuple[int, int, DiaryEntry]]) -> list[list]:
    """One column's appointments (first minute, last minute, entry; in start order) as cells."""
    return stack_spans((frame.row_of(first), frame.row_end(last), entry) for first, last, entry in placed)
