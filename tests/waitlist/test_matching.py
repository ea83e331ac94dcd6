"""The matching rules (waitlist/domain/matching.py): pure, the clock passed in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from waitlist.domain.matching import Entry, Rules, Slot, Window, is_quiet, quiet_ends, rank, suits

LONDON = ZoneInfo("Europe/London")
RULES = Rules(
    tz=LONDON, min_notice=timedelta(hours=12), hold=timedelta(minutes=15), quiet_start=time(21), quiet_end=time(8)
)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday, London on GMT
SLOT = Slot(
    location_id=1,
    practitioner_id=7,
    start=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),  # Thursday 10:00
    end=datetime(2026, 12, 3, 10, 45, tzinfo=UTC),
    treatments=frozenset({3}),
)


def entry(id: int = 1, **changes) -> Entry:
    base = {
        "id": id,
        "location_id": 1,
        "treatment_id": 3,
        "practitioner_id": None,
        "earliest": date(2026, 12, 1),
        "latest": date(2026, 12, 31),
        "weekdays": frozenset(),
        "windows": (),
        "waiting_since": NOW - timedelta(days=3),
        "minutes": 30,
    }
    return Entry(**{**base, **changes})


def test_it_matches_an_entry_for_any_practitioner_any_day_any_time():
    assert suits(entry(), SLOT, RULES)


def test_it_refuses_another_location_treatment_or_practitioner():
    assert not suits(entry(location_id=2), SLOT, RULES)
    assert not suits(entry(treatment_id=4), SLOT, RULES)
    assert not suits(entry(practitioner_id=8), SLOT, RULES)
    assert suits(entry(practitioner_id=7), SLOT, RULES)


def test_it_keeps_to_the_date_range_and_weekdays():
    assert not suits(entry(earliest=date(2026, 12, 4)), SLOT, RULES)
    assert not suits(entry(latest=date(2026, 12, 2)), SLOT, RULES)
    assert suits(entry(weekdays=frozenset({3})), SLOT, RULES)  # Thursday
    assert not suits(entry(weekdays=frozenset({0, 1})), SLOT, RULES)


def test_it_needs_the_whole_visit_inside_a_time_window_in_local_time():
    assert suits(entry(windows=(Window(time(9), time(12)),)), SLOT, RULES)
    assert not suits(entry(windows=(Window(time(9), time(10, 15)),)), SLOT, RULES)
    assert not suits(entry(windows=(Window(time(13), time(17)),)), SLOT, RULES)
    summer = Slot(
        **{
            **SLOT.__dict__,
            "start": datetime(2027, 6, 3, 8, 0, tzinfo=UTC),
            "end": datetime(2027, 6, 3, 9, 0, tzinfo=UTC),
        }
    )
    # 08:00 UTC is 09:00 in London in June: a 09:00-10:00 window suits it.
    assert suits(entry(latest=date(2027, 6, 30), windows=(Window(time(9), time(10)),)), summer, RULES)


def test_it_refuses_a_visit_longer_than_the_freed_slot():
    assert not suits(entry(minutes=60), SLOT, RULES)


def test_it_offers_an_earlier_than_entry_only_a_slot_before_its_current_appointment():
    assert suits(entry(current_start=SLOT.start + timedelta(days=5)), SLOT, RULES)
    assert not suits(entry(current_start=SLOT.start), SLOT, RULES)
    assert not suits(entry(current_start=SLOT.start - timedelta(days=1)), SLOT, RULES)


def test_it_ranks_longest_waiting_first_then_earliest_need():
    old = entry(1, waiting_since=NOW - timedelta(days=9))
    urgent = entry(2, latest=date(2026, 12, 5))
    relaxed = entry(3)
    sooner = entry(4, current_start=SLOT.start + timedelta(days=1))
    # Then the need: the current appointment (4 December) before the end of a range (5 December).
    assert [e.id for e in rank([relaxed, sooner, urgent, old], SLOT, RULES, NOW)] == [1, 4, 2, 3]


def test_it_never_asks_an_entry_twice_for_one_slot():
    assert [e.id for e in rank([entry(1), entry(2)], SLOT, RULES, NOW, already=[1])] == [2]


def test_it_offers_nothing_inside_the_minimum_notice_plus_the_time_to_answer():
    rules = Rules(**{**RULES.__dict__, "min_notice": timedelta(hours=1)})
    just_too_late = SLOT.start - rules.min_notice - rules.hold + timedelta(minutes=1)  # 08:46, after quiet hours
    assert rank([entry()], SLOT, rules, just_too_late) == []
    assert len(rank([entry()], SLOT, rules, just_too_late - timedelta(minutes=1))) == 1


def test_it_offers_nothing_during_quiet_hours_and_says_when_they_end():
    night = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)
    assert rank([entry()], SLOT, RULES, night) == []
    assert quiet_ends(night, RULES) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    early = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
    assert quiet_ends(early, RULES) == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert quiet_ends(NOW, RULES) == NOW


def test_quiet_hours_follow_local_time_across_the_clock_changes():
    # Sunday 28 March 2027: London goes to BST. 07:30 UTC that morning is 08:30 local: not quiet;
    # the day before, 07:30 UTC was 07:30 local: quiet until 08:00 GMT.
    assert not is_quiet(datetime(2027, 3, 28, 7, 30, tzinfo=UTC), RULES)
    assert is_quiet(datetime(2027, 3, 27, 7, 30, tzinfo=UTC), RULES)
    # Freed at 23:00 BST on the Saturday: offered at 08:00 BST on Sunday, which is 07:00 UTC.
    assert quiet_ends(datetime(2027, 3, 27, 22, 0, tzinfo=UTC), RULES) == datetime(2027, 3, 28, 7, 0, tzinfo=UTC)
    # Back to GMT on 31 October 2027: 20:30 UTC is 20:30 local (not yet quiet), and the night's
    # quiet hours end at 08:00 GMT.
    assert not is_quiet(datetime(2027, 10, 31, 20, 30, tzinfo=UTC), RULES)
    assert quiet_ends(datetime(2027, 10, 30, 21, 30, tzinfo=UTC), RULES) == datetime(2027, 10, 31, 8, 0, tzinfo=UTC)


def test_no_quiet_hours_when_they_start_and_end_together():
    always = Rules(**{**RULES.__dict__, "quiet_start": time(0), "quiet_end": time(0)})
    assert not is_quiet(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), always)


def test_daytime_quiet_hours_that_do_not_cross_midnight():
    lunch = Rules(**{**RULES.__dict__, "quiet_start": time(12), "quiet_end": time(14)})
    assert is_quiet(datetime(2026, 12, 1, 13, 0, tzinfo=UTC), lunch)
    assert quiet_ends(datetime(2026, 12, 1, 13, 0, tzinfo=UTC), lunch) == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def test_new_hours_are_the_new_blocks_less_the_old_ones():
    from waitlist.domain.hours import added_spans

    before = [(0, time(9), time(13)), (2, time(12), time(13))]
    after = [(0, time(9), time(17)), (1, time(9), time(12)), (2, time(9), time(17))]
    assert added_spans(before, after) == {
        0: [(time(13), time(17))],
        1: [(time(9), time(12))],
        2: [(time(9), time(12)), (time(13), time(17))],
    }
    assert added_spans(after, before) == {}  # fewer hours free nothing


def test_new_hours_keep_their_wall_clock_time_across_the_clock_change():
    from waitlist.domain.hours import freed_on_days

    spans = freed_on_days({6: [(time(9), time(10))]}, first_day=date(2027, 3, 21), days=8, tz=LONDON)
    assert spans == [
        (datetime(2027, 3, 21, 9, 0, tzinfo=UTC), datetime(2027, 3, 21, 10, 0, tzinfo=UTC)),  # GMT
        (datetime(2027, 3, 28, 8, 0, tzinfo=UTC), datetime(2027, 3, 28, 9, 0, tzinfo=UTC)),  # BST
    ]


def test_removed_time_off_frees_the_working_time_inside_it():
    from waitlist.domain.hours import working_time_within

    every_day = [(d, time(9), time(17)) for d in range(7)]
    spans = working_time_within(
        every_day,
        start=datetime(2026, 12, 2, 12, 0, tzinfo=UTC),  # Wednesday noon
        end=datetime(2026, 12, 4, 11, 0, tzinfo=UTC),  # Friday 11:00
        tz=LONDON,
    )
    assert [(a.day, a.hour, b.hour) for a, b in spans] == [(2, 12, 17), (3, 9, 17), (4, 9, 11)]
