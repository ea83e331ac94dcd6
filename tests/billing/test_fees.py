"""The fee rule at the cut-off boundary, across both of London's clock changes (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.domain.fees import fee_for_cancellation

LONDON = ZoneInfo("Europe/London")
DEPOSIT = Decimal("30.00")
TICK = timedelta(microseconds=1)


def decide(start, cancelled_at, hours=24, paid=DEPOSIT, **kwargs):
    return fee_for_cancellation(
        start=start,
        cancelled_at=cancelled_at,
        cut_off_hours=hours,
        zone=LONDON,
        deposit_paid=paid,
        fee=DEPOSIT,
        **kwargs,
    )


# Sunday 28 March 2027, 10:00 BST: the clocks went forward at 01:00 GMT that morning. 24 hours
# before is Saturday 09:00 GMT, not 10:00 (the wall clock's "same time yesterday").
SPRING_START = datetime(2027, 3, 28, 10, 0, tzinfo=LONDON)
SPRING_CUT_OFF = datetime(2027, 3, 27, 9, 0, tzinfo=LONDON)
# Sunday 31 October 2027, 10:00 GMT: the clocks went back at 02:00 BST. 24 hours before is
# Saturday 11:00 BST.
AUTUMN_START = datetime(2027, 10, 31, 10, 0, tzinfo=LONDON)
AUTUMN_CUT_OFF = datetime(2027, 10, 30, 11, 0, tzinfo=LONDON)


@pytest.mark.parametrize(("start", "cut_off"), [(SPRING_START, SPRING_CUT_OFF), (AUTUMN_START, AUTUMN_CUT_OFF)])
def test_it_keeps_the_deposit_from_the_exact_cut_off_instant_across_a_clock_change(start, cut_off):
    # Elapsed hours (Python subtracts datetimes of one zone by wall clock: compare in UTC).
    assert (start.astimezone(UTC) - cut_off.astimezone(UTC)).total_seconds() == 24 * 3600
    at = decide(start, cut_off)
    assert at.late and at.fee == DEPOSIT and at.returned == 0
    assert at.cut_off_at == cut_off and at.cut_off_local.hour == cut_off.hour
    before = decide(start, cut_off - TICK)
    assert not before.late and before.fee == 0 and before.returned == DEPOSIT


def test_it_does_not_move_the_cut_off_to_the_same_wall_clock_time_the_day_before():
    # Saturday 09:30 GMT is 23.5 hours before the spring appointment although it is "before 10:00".
    assert decide(SPRING_START, datetime(2027, 3, 27, 9, 30, tzinfo=LONDON)).late
    # Saturday 10:30 BST is 24.5 hours before the autumn appointment although it is "after 10:00".
    assert not decide(AUTUMN_START, datetime(2027, 10, 30, 10, 30, tzinfo=LONDON)).late


def test_it_keeps_the_deposit_of_a_no_show_whenever_it_is_marked():
    assert decide(SPRING_START, SPRING_CUT_OFF - timedelta(days=3), no_show=True).fee == DEPOSIT


def test_it_keeps_no_more_than_was_paid():
    late = decide(SPRING_START, SPRING_START, paid=Decimal("10.00"))
    assert late.fee == Decimal("10.00") and late.returned == 0
    early = decide(SPRING_START, SPRING_CUT_OFF - timedelta(hours=1), paid=Decimal(0))
    assert early.fee == 0 and early.returned == 0


def test_it_refuses_naive_times():
    with pytest.raises(ValueError):
        decide(SPRING_START, datetime(2027, 3, 27, 9, 0))


# Starts within a day of either clock change, in UTC minutes; cut-offs of 1 to 72 hours.
around_changes = st.sampled_from([datetime(2027, 3, 28, 1, tzinfo=UTC), datetime(2027, 10, 31, 1, tzinfo=UTC)]).flatmap(
    lambda change: st.integers(-72 * 60, 72 * 60).map(lambda m: change + timedelta(minutes=m))
)


@given(start=around_changes, hours=st.integers(1, 72), offset=st.integers(-3 * 3600, 3 * 3600))
def test_it_decides_by_elapsed_time_whatever_the_clocks_do(start, hours, offset):
    cancelled_at = (start - timedelta(hours=hours) + timedelta(seconds=offset)).astimezone(LONDON)
    decision = decide(start.astimezone(LONDON), cancelled_at, hours=hours)
    assert decision.late == (offset >= 0)
    assert decision.late == (start - cancelled_at.astimezone(UTC) < timedelta(hours=hours) + TICK)
    assert decision.fee + decision.returned == DEPOSIT
