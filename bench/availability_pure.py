"""In-process benchmark of the pure availability engine (no Django, no database).

Scenario (seeded, so runs are comparable): Europe/London, 10 practitioners
working Monday-Friday 09:00-13:00 and 14:00-18:00, 6 rooms, 28 days, 5,000 busy
intervals: 2,500 random appointments (07:00-19:00 local, 15-60 min), each in its
practitioner's and its room's diary, shuffled so the lists arrive unsorted and
overlapping. Times find_slots + first_available over 50 runs.

Run: .venv/bin/python bench/availability_pure.py
"""

from __future__ import annotations

import random
import statistics
import sys
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TZ = ZoneInfo("Europe/London")
FIRST_DAY = date(2026, 3, 16)  # spans the spring-forward weekend on purpose
DAYS = 28
RUNS = 50


def build(seed: int = 20260316) -> dict:
    from bookings.domain.availability import Interval, PractitionerDiary, RoomDiary, Rules, WorkingBlock

    rng = random.Random(seed)
    blocks = [WorkingBlock(wd, s, e) for wd in range(5) for s, e in ((time(9), time(13)), (time(14), time(18)))]
    p_busy: list[list[Interval]] = [[] for _ in range(10)]
    r_busy: list[list[Interval]] = [[] for _ in range(6)]

    def random_interval() -> Interval:
        day = FIRST_DAY + timedelta(days=rng.randrange(-1, DAYS + 1))
        local = datetime.combine(day, time(7), tzinfo=TZ) + timedelta(minutes=5 * rng.randrange(0, 12 * 12))
        start = local.astimezone(UTC)  # as Django hands them back
        return Interval(start, start + timedelta(minutes=rng.choice((15, 30, 45, 60))))

    for _ in range(2_500):
        appointment = random_interval()
        p_busy[rng.randrange(10)].append(appointment)
        r_busy[rng.randrange(6)].append(appointment)
    for lst in (*p_busy, *r_busy):
        rng.shuffle(lst)
    practitioners = [PractitionerDiary(100 + i, blocks, (), tuple(b)) for i, b in enumerate(p_busy)]
    rooms = [RoomDiary(200 + i, tuple(b)) for i, b in enumerate(r_busy)]
    return {
        "practitioners": practitioners,
        "rooms": rooms,
        "tz": TZ,
        "first_day": FIRST_DAY,
        "last_day": FIRST_DAY + timedelta(days=DAYS - 1),
        "duration": timedelta(minutes=30),
        "rules": Rules(),
        "now": datetime(2026, 3, 15, 8, 0, tzinfo=UTC),
    }


def main() -> None:
    from bookings.domain.availability import find_slots, first_available

    scenario = build()
    busy = sum(len(p.busy) for p in scenario["practitioners"]) + sum(len(r.busy) for r in scenario["rooms"])
    timings: list[float] = []
    for _ in range(RUNS):
        t0 = clock.perf_counter()
        slots = find_slots(**scenario)
        any_practitioner = first_available(slots)
        timings.append((clock.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"busy intervals: {busy}, practitioners: 10, rooms: 6, days: {DAYS}, runs: {RUNS}")
    print(f"median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms")
    print(f"slots: {len(slots)}, distinct starts (any practitioner): {len(any_practitioner)}")


if __name__ == "__main__":
    main()
