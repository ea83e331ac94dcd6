"""Tests for the pure availability engine: no database, no Django, no clock."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.domain.availability import (
    Interval,
    PractitionerDiary,
    RoomDiary,
    Rules,
    Slot,
    WorkingBlock,
    busy_window,
    find_slots,
    first_available,
    slot_is_free,
    slot_refusal,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
ZONE_UTC = ZoneInfo("UTC")
MONDAY = date(2026, 1, 12)
NOW = datetime(2026, 1, 1, tzinfo=UTC)
PLAIN = Rules(granularity=timedelta(minutes=15), min_notice=timedelta(0), buffer=timedelta(0))


HALF_HOUR = timedelta(minutes=30)


def minutes(n: int) -> timedelta:
    return timedelta(minutes=n)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def week(start: time, end: time) -> list[WorkingBlock]:
    return [WorkingBlock(weekday, start, end) for weekday in range(7)]


def slots_for(
    *,
    blocks: list[WorkingBlock] | None = None,
    busy: tuple[Interval, ...] = (),
    time_off: tuple[Interval, ...] = (),
    rooms: list[RoomDiary] | None = None,
    rules: Rules = PLAIN,
    now: datetime = NOW,
    duration: timedelta = HALF_HOUR,
    first_day: date = MONDAY,
    last_day: date = MONDAY,
    closures: frozenset[date] = frozenset(),
    tz: ZoneInfo = ZONE_UTC,
) -> list[Slot]:
    diary = PractitionerDiary(1, blocks if blocks is not None else week(time(9), time(17)), time_off, busy)
    return find_slots(
        practitioners=[diary],
        rooms=rooms if rooms is not None else [RoomDiary(10)],
        tz=tz,
        first_day=first_day,
        last_day=last_day,
        duration=duration,
        rules=rules,
        now=now,
        closures=closures,
    )


def starts(slots: list[Slot]) -> list[datetime]:
    return [slot.start for slot in slots]


# --- brute-force reference: the rules as written, one candidate against every interval ---


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def conflicts(start: datetime, end: datetime, busy: Interval, buffer: timedelta) -> bool:
    return start < utc(busy.end) + buffer and utc(busy.start) < end + buffer


def reference_slots(*, practitioners, rooms, tz, first_day, last_day, duration, rules, now, closures=()) -> list[Slot]:
    found: dict[tuple[datetime, int], tuple[int, Slot]] = {}
    for order, diary in enumerate(practitioners):
        day = first_day
        while day <= last_day:
            for block in diary.blocks if day not in closures else ():
                if block.weekday != day.weekday() or block.end <= block.start:
                    continue
                start = datetime.combine(day, block.start, tzinfo=tz).astimezone(UTC)
                block_end = datetime.combine(day, block.end, tzinfo=tz).astimezone(UTC)
                while start + duration <= block_end:
                    end = start + duration
                    ok = utc(now) + rules.min_notice <= start <= utc(now) + rules.horizon
                    ok = ok and not any(utc(off.start) < end and start < utc(off.end) for off in diary.time_off)
                    ok = ok and not any(conflicts(start, end, b, rules.buffer) for b in diary.busy)
                    free = ok and [
                        r.room_id for r in rooms if not any(conflicts(start, end, b, rules.buffer) for b in r.busy)
                    ]
                    if free and (start, diary.practitioner_id) not in found:
                        found[start, diary.practitioner_id] = (order, Slot(start, end, diary.practitioner_id, free[0]))
                    start += rules.granularity
            day += timedelta(days=1)
    return [slot for _, (_, slot) in sorted(found.items(), key=lambda kv: (kv[0][0], kv[1][0]))]


# --- hypothesis scenarios: DST weeks in zones with and without DST ---

ANCHORS = [date(2026, 3, 6), date(2026, 3, 27), date(2026, 10, 23), date(2026, 10, 30)]


@st.composite
def scenarios(draw: st.DrawFn) -> dict:
    tz = draw(st.sampled_from([ZONE_UTC, LONDON, NEW_YORK]))
    first_day = draw(st.sampled_from(ANCHORS)) + timedelta(days=draw(st.integers(0, 3)))
    days = [first_day + timedelta(days=n) for n in range(draw(st.integers(1, 4)))]
    origin = datetime.combine(first_day, time(0), tzinfo=tz).astimezone(UTC)
    span = len(days) * 24 * 60

    def intervals(max_len: int, max_size: int) -> st.SearchStrategy[list[Interval]]:
        def build(offset: int, length: int, local: bool) -> Interval:
            start, end = origin + minutes(offset), origin + minutes(offset + length)
            # Some arrive in the local zone: the engine must not care which zone an instant is in.
            return Interval(start.astimezone(tz), end.astimezone(tz)) if local else Interval(start, end)

        one = st.builds(build, st.integers(-180, span + 180), st.integers(1, max_len), st.booleans())
        return st.lists(one, max_size=max_size)

    def block(weekday: int, start: int, length: int) -> WorkingBlock:
        end = min(start + length, 22 * 12)  # 5-minute units, 06:00-22:00: clear of DST switches
        return WorkingBlock(weekday, time(start // 12, start % 12 * 5), time(end // 12, end % 12 * 5))

    blocks = st.builds(
        block,
        st.sampled_from(sorted({d.weekday() for d in days})),
        st.integers(6 * 12, 21 * 12),
        st.integers(-6, 8 * 12),
    )
    ids = draw(st.permutations([11, 22, 33]))
    practitioners = [
        PractitionerDiary(
            pid, draw(st.lists(blocks, min_size=1, max_size=3)), draw(intervals(360, 2)), draw(intervals(120, 8))
        )
        for pid in ids[: draw(st.integers(1, 3))]
    ]
    rooms = [RoomDiary(rid, draw(intervals(120, 8))) for rid in range(100, 100 + draw(st.integers(1, 3)))]
    rules = Rules(
        granularity=minutes(draw(st.sampled_from([5, 10, 15, 30]))),
        min_notice=minutes(draw(st.one_of(st.just(0), st.integers(0, 36 * 60)))),
        horizon=minutes(draw(st.one_of(st.just(90 * 24 * 60), st.integers(0, 6 * 24 * 60)))),
        buffer=minutes(draw(st.integers(0, 30))),
    )
    now = origin + minutes(draw(st.integers(-48 * 60, 36 * 60)))
    return {
        "practitioners": practitioners,
        "rooms": rooms,
        "tz": tz,
        "first_day": days[0],
        "last_day": days[-1],
        "duration": minutes(draw(st.integers(15, 90))),
        "rules": rules,
        "now": now.astimezone(tz) if draw(st.booleans()) else now,
        "closures": frozenset(draw(st.sets(st.sampled_from(days), max_size=2))),
    }


PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(scenarios())
def test_every_offered_slot_obeys_every_rule(scenario: dict) -> None:
    slots = find_slots(**scenario)
    tz, rules, duration = scenario["tz"], scenario["rules"], scenario["duration"]
    diaries = {d.practitioner_id: d for d in scenario["practitioners"]}
    rooms = {r.room_id: r for r in scenario["rooms"]}
    for slot in slots:
        diary = diaries[slot.practitioner_id]
        assert slot.start.tzinfo is UTC and slot.end - slot.start == duration
        assert not any(conflicts(slot.start, slot.end, b, rules.buffer) for b in diary.busy)
        assert not any(conflicts(slot.start, slot.end, b, rules.buffer) for b in rooms[slot.room_id].busy)
        assert not any(off.start < slot.end and slot.start < off.end for off in diary.time_off)
        local_start, local_end = slot.start.astimezone(tz), slot.end.astimezone(tz)
        assert local_start.date() not in scenario["closures"]
        assert scenario["first_day"] <= local_start.date() <= scenario["last_day"]
        assert any(
            b.weekday == local_start.weekday()
            and b.start <= local_start.time()
            and local_end.date() == local_start.date()
            and local_end.time() <= b.end
            for b in diary.blocks
        )
        assert utc(scenario["now"]) + rules.min_notice <= slot.start <= utc(scenario["now"]) + rules.horizon
        agreed = slot_is_free(
            slot_start=slot.start,
            duration=duration,
            practitioner=diary,
            rooms=scenario["rooms"],
            tz=tz,
            rules=rules,
            now=scenario["now"],
            closures=scenario["closures"],
        )
        assert agreed == slot
    keys = [
        (slot.start, [d.practitioner_id for d in scenario["practitioners"]].index(slot.practitioner_id))
        for slot in slots
    ]
    assert keys == sorted(set(keys)), "sorted by (start, practitioner order), no duplicates"


@PROPERTY
@given(scenarios())
def test_find_slots_equals_the_brute_force_reference(scenario: dict) -> None:
    assert find_slots(**scenario) == reference_slots(**scenario)


@PROPERTY
@given(scenarios(), st.data())
def test_slot_is_free_agrees_with_find_slots_on_grid_starts(scenario: dict, data: st.DataObject) -> None:
    offered = {(slot.start, slot.practitioner_id): slot for slot in find_slots(**scenario)}
    tz, step, duration = scenario["tz"], scenario["rules"].granularity, scenario["duration"]
    for _ in range(8):
        diary = data.draw(st.sampled_from(scenario["practitioners"]))
        day = data.draw(st.sampled_from([scenario["first_day"], scenario["last_day"]]))
        candidates = [b for b in diary.blocks if b.weekday == day.weekday() and b.end > b.start]
        if not candidates:
            continue
        block = data.draw(st.sampled_from(candidates))
        origin = datetime.combine(day, block.start, tzinfo=tz).astimezone(UTC)
        start = origin + data.draw(st.integers(0, 40)) * step + minutes(data.draw(st.sampled_from([0, 0, 0, 1, 7])))
        if not scenario["first_day"] <= start.astimezone(tz).date() <= scenario["last_day"]:
            continue
        answer = slot_is_free(
            slot_start=start,
            duration=duration,
            practitioner=diary,
            rooms=scenario["rooms"],
            tz=tz,
            rules=scenario["rules"],
            now=scenario["now"],
            closures=scenario["closures"],
        )
        assert answer == offered.get((start, diary.practitioner_id))
        refusal = slot_refusal(
            slot_start=start,
            duration=duration,
            practitioner=diary,
            rooms=scenario["rooms"],
            tz=tz,
            rules=scenario["rules"],
            now=scenario["now"],
            closures=scenario["closures"],
        )
        assert (refusal == "") == (answer is not None)  # a reason exactly when the answer is no


@PROPERTY
@given(scenarios())
def test_busy_outside_the_busy_window_never_changes_the_answer(scenario: dict) -> None:
    window = busy_window(
        first_day=scenario["first_day"],
        last_day=scenario["last_day"],
        tz=scenario["tz"],
        max_duration=minutes(120),
        buffer=scenario["rules"].buffer,
    )

    def loaded(busy: list[Interval]) -> tuple[Interval, ...]:
        return tuple(b for b in busy if window.start <= b.start < window.end)

    trimmed = dict(
        scenario,
        practitioners=[
            PractitionerDiary(p.practitioner_id, p.blocks, p.time_off, loaded(p.busy))
            for p in scenario["practitioners"]
        ],
        rooms=[RoomDiary(r.room_id, loaded(r.busy)) for r in scenario["rooms"]],
    )
    assert find_slots(**trimmed) == find_slots(**scenario)


# --- DST ---


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 9),  # Saturday before spring forward: GMT
        (date(2026, 3, 29), 8),  # the Sunday itself: BST from 01:00
        (date(2026, 3, 30), 8),
        (date(2026, 10, 24), 8),  # Saturday before fall back: BST
        (date(2026, 10, 25), 9),  # the Sunday itself: GMT from 02:00
        (date(2026, 10, 26), 9),
    ],
)
def test_first_slot_is_nine_local_across_dst(day: date, utc_hour: int) -> None:
    slots = slots_for(tz=LONDON, first_day=day, last_day=day, now=at(day, 0) - timedelta(days=3))
    first = slots[0].start
    assert first.astimezone(LONDON).time() == time(9)
    assert first.hour == utc_hour
    assert slots[-1].end.astimezone(LONDON).time() == time(17)


def test_it_never_offers_the_missing_hour_on_spring_forward_night() -> None:
    sunday = date(2026, 3, 29)
    slots = slots_for(blocks=[WorkingBlock(6, time(0), time(4))], tz=LONDON, first_day=sunday, last_day=sunday)
    locals_ = [slot.start.astimezone(LONDON) for slot in slots]
    assert not [t for t in locals_ if time(1) <= t.time() < time(2)]
    for slot, local in zip(slots, locals_, strict=True):
        assert datetime.combine(local.date(), local.time(), tzinfo=LONDON).astimezone(UTC) == slot.start
    assert all(b - a >= PLAIN.granularity for a, b in zip(starts(slots), starts(slots)[1:], strict=False))
    # 00:00 GMT to 04:00 BST is three real hours: starts 00:00 ... 02:30 UTC.
    assert len(slots) == 11


def test_fall_back_night_offers_the_repeated_hour_once_per_real_instant() -> None:
    sunday = date(2026, 10, 25)
    slots = slots_for(
        blocks=[WorkingBlock(6, time(0), time(4))],
        tz=LONDON,
        first_day=sunday,
        last_day=sunday,
        now=at(sunday, 0) - timedelta(days=1),
    )
    assert len(set(starts(slots))) == len(slots) == 19  # five real hours, 30-minute slots every 15
    assert sum(1 for s in slots if s.start.astimezone(LONDON).time() == time(1, 15)) == 2


# --- examples ---


def test_it_keeps_the_buffer_after_an_existing_appointment() -> None:
    busy = (Interval(at(MONDAY, 10), at(MONDAY, 11)),)
    offered = starts(slots_for(busy=busy, rules=Rules(granularity=minutes(5), min_notice=timedelta(0))))
    assert at(MONDAY, 11, 10) in offered  # exactly busy.end + buffer
    assert at(MONDAY, 11, 5) not in offered


def test_it_keeps_the_buffer_before_an_existing_appointment() -> None:
    busy = (Interval(at(MONDAY, 10), at(MONDAY, 11)),)
    offered = starts(slots_for(busy=busy, rules=Rules(granularity=minutes(5), min_notice=timedelta(0))))
    assert at(MONDAY, 9, 20) in offered  # ends 09:50, ten minutes before the appointment
    assert at(MONDAY, 9, 25) not in offered


def test_touching_appointments_do_not_conflict_without_a_buffer() -> None:
    offered = starts(slots_for(busy=(Interval(at(MONDAY, 10), at(MONDAY, 11)),)))
    assert at(MONDAY, 9, 30) in offered and at(MONDAY, 11) in offered
    assert at(MONDAY, 9, 45) not in offered and at(MONDAY, 10, 45) not in offered


def test_min_notice_boundary_is_inclusive() -> None:
    rules = Rules(min_notice=timedelta(hours=2), buffer=timedelta(0))
    assert starts(slots_for(rules=rules, now=at(MONDAY, 8)))[0] == at(MONDAY, 10)
    assert starts(slots_for(rules=rules, now=at(MONDAY, 8, 1)))[0] == at(MONDAY, 10, 15)


def test_min_notice_is_measured_in_real_hours_across_dst() -> None:
    sunday = date(2026, 3, 29)
    now = datetime(2026, 3, 28, 12, tzinfo=LONDON)  # GMT; 24 real hours later it is 13:00 BST
    slots = slots_for(
        tz=LONDON, first_day=sunday, last_day=sunday, now=now, rules=Rules(min_notice=timedelta(hours=24))
    )
    assert slots[0].start == datetime(2026, 3, 29, 12, tzinfo=UTC)
    assert slots[0].start.astimezone(LONDON).time() == time(13)


def test_intervals_given_in_local_time_are_stored_and_compared_as_utc_instants() -> None:
    # 01:01 BST comes before 01:00 GMT on fall-back night, though its wall clock reads later.
    bst, gmt = datetime(2026, 10, 25, 1, 1, tzinfo=LONDON), datetime(2026, 10, 25, 1, 0, fold=1, tzinfo=LONDON)
    interval = Interval(bst, gmt)
    assert interval.start == datetime(2026, 10, 25, 0, 1, tzinfo=UTC) and interval.start.tzinfo is UTC
    assert interval.end == datetime(2026, 10, 25, 1, 0, tzinfo=UTC) and interval.end.tzinfo is UTC


def test_horizon_boundary_is_inclusive() -> None:
    rules = Rules(min_notice=timedelta(0), horizon=timedelta(days=1), buffer=timedelta(0))
    assert starts(slots_for(rules=rules, now=at(MONDAY, 12) - timedelta(days=1)))[-1] == at(MONDAY, 12)


def test_a_break_between_two_blocks_offers_nothing_in_the_break() -> None:
    blocks = [WorkingBlock(0, time(9), time(12)), WorkingBlock(0, time(13), time(17))]
    slots = slots_for(blocks=blocks)
    assert not [s for s in slots if s.start < at(MONDAY, 13) and s.end > at(MONDAY, 12)]
    assert at(MONDAY, 11, 30) in starts(slots) and at(MONDAY, 13) in starts(slots)


def test_overlapping_blocks_offer_each_start_once() -> None:
    blocks = [WorkingBlock(0, time(9), time(12)), WorkingBlock(0, time(10), time(13))]
    offered = starts(slots_for(blocks=blocks))
    assert offered == sorted(set(offered))
    assert offered[0] == at(MONDAY, 9) and offered[-1] == at(MONDAY, 12, 30)


def test_a_block_that_ends_before_it_starts_is_ignored() -> None:
    assert slots_for(blocks=[WorkingBlock(0, time(17), time(9))]) == []


def test_a_closure_day_offers_nothing() -> None:
    tuesday = MONDAY + timedelta(days=1)
    slots = slots_for(last_day=tuesday, closures=frozenset({MONDAY}))
    assert slots and {s.start.date() for s in slots} == {tuesday}


def test_it_never_offers_a_slot_overlapping_time_off() -> None:
    off = (Interval(at(MONDAY, 10), at(MONDAY, 14)),)
    slots = slots_for(time_off=off)
    assert not [s for s in slots if s.start < at(MONDAY, 14) and s.end > at(MONDAY, 10)]
    assert at(MONDAY, 9, 30) in starts(slots) and at(MONDAY, 14) in starts(slots)


def test_no_free_room_means_no_slot() -> None:
    whole_day = (Interval(at(MONDAY, 0), at(MONDAY + timedelta(days=1), 0)),)
    assert slots_for(rooms=[RoomDiary(10, whole_day), RoomDiary(11, whole_day)]) == []
    assert slots_for(rooms=[]) == []


def test_it_takes_the_first_free_room_in_the_given_order() -> None:
    rooms = [RoomDiary(10, (Interval(at(MONDAY, 9), at(MONDAY, 10)),)), RoomDiary(11), RoomDiary(12)]
    by_start = {s.start: s.room_id for s in slots_for(rooms=rooms)}
    assert by_start[at(MONDAY, 9)] == 11
    assert by_start[at(MONDAY, 10)] == 10


def test_slots_are_ordered_by_start_then_by_the_given_practitioner_order() -> None:
    diaries = [PractitionerDiary(7, week(time(9), time(10))), PractitionerDiary(3, week(time(9), time(10)))]
    slots = find_slots(
        practitioners=diaries,
        rooms=[RoomDiary(1)],
        tz=ZONE_UTC,
        first_day=MONDAY,
        last_day=MONDAY,
        duration=minutes(30),
        rules=PLAIN,
        now=NOW,
    )
    assert [(s.start.time(), s.practitioner_id) for s in slots] == [
        (time(9), 7),
        (time(9), 3),
        (time(9, 15), 7),
        (time(9, 15), 3),
        (time(9, 30), 7),
        (time(9, 30), 3),
    ]


def test_first_available_keeps_one_slot_per_start_and_the_first_practitioner() -> None:
    first_busy = (Interval(at(MONDAY, 9), at(MONDAY, 9, 30)),)
    diaries = [
        PractitionerDiary(7, week(time(9), time(10)), busy=first_busy),
        PractitionerDiary(3, week(time(9), time(10))),
    ]
    slots = find_slots(
        practitioners=diaries,
        rooms=[RoomDiary(1)],
        tz=ZONE_UTC,
        first_day=MONDAY,
        last_day=MONDAY,
        duration=minutes(30),
        rules=PLAIN,
        now=NOW,
    )
    assert [(s.start.time(), s.practitioner_id) for s in first_available(slots)] == [
        (time(9), 3),
        (time(9, 15), 3),
        (time(9, 30), 7),
    ]


def test_unsorted_and_overlapping_busy_input_works() -> None:
    messy = (
        Interval(at(MONDAY, 14), at(MONDAY, 15)),
        Interval(at(MONDAY, 10, 30), at(MONDAY, 12)),
        Interval(at(MONDAY, 10), at(MONDAY, 11)),
        Interval(at(MONDAY, 11), at(MONDAY, 11, 30)),
        Interval(at(MONDAY, 14, 15), at(MONDAY, 14, 45)),
    )
    tidy = (Interval(at(MONDAY, 10), at(MONDAY, 12)), Interval(at(MONDAY, 14), at(MONDAY, 15)))
    assert slots_for(busy=messy) == slots_for(busy=tidy)
    assert slots_for(rooms=[RoomDiary(10, messy)]) == slots_for(rooms=[RoomDiary(10, tidy)])


def test_slot_is_free_rejects_off_grid_closed_and_busy_starts() -> None:
    diary = PractitionerDiary(1, week(time(9), time(17)), busy=(Interval(at(MONDAY, 12), at(MONDAY, 13)),))
    ask = dict(duration=minutes(30), practitioner=diary, rooms=[RoomDiary(10)], tz=ZONE_UTC, rules=PLAIN, now=NOW)
    assert slot_is_free(slot_start=at(MONDAY, 9, 15), **ask) == Slot(at(MONDAY, 9, 15), at(MONDAY, 9, 45), 1, 10)
    assert slot_is_free(slot_start=at(MONDAY, 9, 5), **ask) is None
    assert slot_is_free(slot_start=at(MONDAY, 12, 15), **ask) is None
    assert slot_is_free(slot_start=at(MONDAY, 16, 45), **ask) is None
    assert slot_is_free(slot_start=at(MONDAY, 9, 15), closures={MONDAY}, **ask) is None


def test_a_refused_start_says_why() -> None:
    diary = PractitionerDiary(
        1,
        week(time(9), time(17)),
        time_off=(Interval(at(MONDAY, 15), at(MONDAY, 16)),),
        busy=(Interval(at(MONDAY, 12), at(MONDAY, 13)),),
    )
    rules = Rules(granularity=minutes(15), min_notice=timedelta(hours=12), buffer=minutes(10))
    ask = dict(
        duration=minutes(30), practitioner=diary, rooms=[RoomDiary(10)], tz=ZONE_UTC, rules=rules, now=at(MONDAY, 0)
    )

    def why(*moment, **extra):
        return slot_refusal(slot_start=at(*moment), **{**ask, **extra})

    assert why(MONDAY, 9, 15) == "online bookings need at least 12 hours' notice"
    assert why(MONDAY, 9, 15, rules=PLAIN) == ""
    assert why(MONDAY, 9, 15, now=at(MONDAY, 10)) == "that time has passed"
    assert why(MONDAY, 16, 45, rules=PLAIN) == "the practitioner is not working for the whole 30 minutes from 16:45"
    assert why(MONDAY, 9, 5, rules=PLAIN) == "appointments start every 15 minutes"
    assert why(MONDAY, 15, 15, rules=PLAIN) == "the practitioner is off then"
    assert why(MONDAY, 13, 0, rules=Rules(min_notice=timedelta(0), buffer=minutes(10))) == (
        "the practitioner has another appointment then, with 10 minutes kept free after each appointment"
    )
    assert why(MONDAY, 9, 15, rules=PLAIN, rooms=[RoomDiary(10, (Interval(at(MONDAY, 9), at(MONDAY, 10)),))]) == (
        "no room is free then"
    )
    assert why(MONDAY, 9, 15, rules=PLAIN, closures={MONDAY}) == "the clinic is closed that day"


def test_busy_window_spans_local_midnights_with_room_for_long_appointments_and_buffers() -> None:
    window = busy_window(
        first_day=date(2026, 6, 1), last_day=date(2026, 6, 3), tz=LONDON, max_duration=minutes(90), buffer=minutes(10)
    )
    assert window == Interval(datetime(2026, 5, 31, 21, 20, tzinfo=UTC), datetime(2026, 6, 3, 23, 10, tzinfo=UTC))


# --- validation ---


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Interval(datetime(2026, 1, 1, 9), at(MONDAY, 10))
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        slots_for(now=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="slot_start"):
        slot_is_free(
            slot_start=datetime(2026, 1, 12, 9),
            duration=minutes(30),
            practitioner=PractitionerDiary(1, []),
            rooms=[],
            tz=ZONE_UTC,
            rules=PLAIN,
            now=NOW,
        )


@pytest.mark.parametrize("duration", [timedelta(0), minutes(-15)])
def test_a_duration_that_is_not_positive_is_rejected(duration: timedelta) -> None:
    with pytest.raises(ValueError, match="duration must be positive"):
        slots_for(duration=duration)


@pytest.mark.parametrize("granularity", [timedelta(0), minutes(-5)])
def test_a_granularity_that_is_not_positive_is_rejected(granularity: timedelta) -> None:
    with pytest.raises(ValueError, match="granularity must be positive"):
        Rules(granularity=granularity)


def test_other_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="first_day"):
        slots_for(first_day=MONDAY, last_day=MONDAY - timedelta(days=1))
    with pytest.raises(ValueError, match="first_day"):
        busy_window(
            first_day=MONDAY,
            last_day=MONDAY - timedelta(days=1),
            tz=LONDON,
            max_duration=minutes(60),
            buffer=minutes(0),
        )
    with pytest.raises(ValueError, match="ends before it starts"):
        Interval(at(MONDAY, 10), at(MONDAY, 9))
    with pytest.raises(ValueError, match="weekday"):
        WorkingBlock(7, time(9), time(17))
    with pytest.raises(ValueError, match="buffer"):
        Rules(buffer=minutes(-1))


# --- scale: a month of a busy clinic against the brute-force reference ---


def test_a_busy_month_matches_the_brute_force_reference() -> None:
    rng = random.Random(28)
    first_day = date(2026, 3, 16)  # crosses the spring-forward weekend
    blocks = [WorkingBlock(wd, s, e) for wd in range(5) for s, e in ((time(9), time(13)), (time(14), time(18)))]
    practitioner_busy: list[list[Interval]] = [[] for _ in range(10)]
    room_busy: list[list[Interval]] = [[] for _ in range(6)]
    for _ in range(2_500):
        local = datetime.combine(first_day + timedelta(days=rng.randrange(-1, 29)), time(7), tzinfo=LONDON)
        start = (local + minutes(5 * rng.randrange(144))).astimezone(UTC)
        appointment = Interval(start, start + minutes(rng.choice((15, 30, 45, 60))))
        practitioner_busy[rng.randrange(10)].append(appointment)
        room_busy[rng.randrange(6)].append(appointment)
    off = (Interval(at(date(2026, 3, 23), 0), at(date(2026, 3, 26), 0)),)
    scenario = {
        "practitioners": [
            PractitionerDiary(100 + i, blocks, off if i == 3 else (), tuple(busy))
            for i, busy in enumerate(practitioner_busy)
        ],
        "rooms": [RoomDiary(200 + i, tuple(busy)) for i, busy in enumerate(room_busy)],
        "tz": LONDON,
        "first_day": first_day,
        "last_day": first_day + timedelta(days=27),
        "duration": minutes(30),
        "rules": Rules(),
        "now": datetime(2026, 3, 16, 7, 30, tzinfo=UTC),
        "closures": frozenset({date(2026, 4, 3)}),
    }
    slots, expected = find_slots(**scenario), reference_slots(**scenario)
    assert len(slots) > 100
    assert {(s.start, s.practitioner_id) for s in slots} == {(s.start, s.practitioner_id) for s in expected}
    assert slots == expected  # same rooms and order too
