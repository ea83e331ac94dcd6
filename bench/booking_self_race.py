"""Two races of one patient against themself for bench/booking_race.py: one patient in two
places at once, and two first bookings of one treatment at once."""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta

HOST = "127.0.0.1"
TIMEOUT = 30.0


def seed_pairs(world: dict, pairs: int) -> dict:
    """A second practitioner here (skin), a second location across town (hair), and the patients
    who race against themselves."""
    from rest_framework.authtoken.models import Token

    from bookings.models import WorkingHours
    from clinic.models import Location, Patient, Practitioner, Room, User
    from clinic.roles import Role, user_set_roles
    from treatments.models import Treatment

    skin, hair = Treatment.objects.get(slug="skin-rejuvenation"), Treatment.objects.get(indication="HAIR")
    across = Location.objects.create(name="Across Town", slug="across-town", address="2 Far Road")
    Room.objects.create(location=across, name="Room A")
    people = []
    for n, (place, treatment) in enumerate(((world["location"], skin), (across, hair)), start=2):
        person = Practitioner.objects.create(
            user=User.objects.create_user(f"practitioner{n}@race.example"),
            display_name=f"Dr Race {n}",
            registration_body=Practitioner.RegistrationBody.GMC,
            registration_number=f"RACE000{n}",
        )
        user_set_roles(user=person.user, roles=[Role.PRACTITIONER])
        person.locations.add(place)
        treatment.practitioners.add(person)
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=person, location=place, weekday=d, start=time(0), end=time(23, 59))
            for d in range(7)
        )
        people.append(person)
    tokens = []
    for n in range(2 * pairs):
        user = User.objects.create_user(f"self{n:03d}@race.example", first_name="Self", last_name=f"Racer {n:03d}")
        user_set_roles(user=user, roles=[Role.PATIENT])
        Patient.objects.create(
            user=user, first_name="Self", last_name=f"Racer {n:03d}", date_of_birth=date(1985, 5, 5), email=user.email
        )
        tokens.append(Token.objects.create(user=user).key)
    return {"across": across, "second": people[0], "hair_practitioner": people[1], "hair": hair, "tokens": tokens}


def self_races(port: int, world: dict, pairs: dict) -> bool:
    """Every racing patient sends their two bookings at the same moment, all patients at once."""
    from django.db.models import Count

    from bookings.models import Appointment, Course

    day = datetime.combine(datetime.now(UTC).date() + timedelta(days=20), time(10), tzinfo=UTC)
    half = len(pairs["tokens"]) // 2
    attempts = []
    for n, token in enumerate(pairs["tokens"][:half]):  # one patient, two places, the same time
        start = day + timedelta(days=n)
        attempts.append(
            (
                token,
                {
                    "treatment": "skin-rejuvenation",
                    "area": "face",
                    "location": world["location"].slug,
                    "start": start.isoformat(),
                    "practitioner": world["practitioner"].pk,
                },
            )
        )
        attempts.append(
            (
                token,
                {
                    "treatment": pairs["hair"].slug,
                    "area": pairs["hair"].areas.first().slug,
                    "location": pairs["across"].slug,
                    "start": start.isoformat(),
                },
            )
        )
    later = day + timedelta(days=half)
    for n, token in enumerate(pairs["tokens"][half:]):  # one patient, one treatment, two first bookings
        for hours, who in ((0, world["practitioner"]), (4, pairs["second"])):
            attempts.append(
                (
                    token,
                    {
                        "treatment": "skin-rejuvenation",
                        "area": "face",
                        "location": world["location"].slug,
                        "start": (later + timedelta(days=n, hours=hours)).isoformat(),
                        "practitioner": who.pk,
                    },
                )
            )
    results = race_each(port, attempts)
    counts = Counter(status for status, _ in results)
    racers = Appointment.objects.active().filter(patient__last_name__startswith="Racer")
    doubles = sum(1 for a in racers.values("patient").annotate(n=Count("pk")) if a["n"] > 1)
    courses = Course.objects.open().values("patient", "treatment").annotate(n=Count("pk"))
    duplicate_courses = sum(1 for c in courses if c["n"] > 1)
    failed = doubles or duplicate_courses or any(isinstance(s, str) or s >= 500 for s in counts)
    print(f"self-races: {half} patients in two places at once, {half} with two first bookings of one treatment")
    print(f"  answers: {dict(sorted(counts.items(), key=str))}")
    print(f"  patients in two places:           {doubles}   (target 0)")
    print(f"  patients with two open courses:   {duplicate_courses}   (target 0)")
    print(f"  {'FAIL' if failed else 'OK'}")
    return not failed


def race_each(port: int, attempts: list[tuple[str, dict]]) -> list[tuple[int | str, str]]:
    """(token, payload) each POSTed at the same moment."""
    barrier = threading.Barrier(len(attempts))

    def attempt(item: tuple[str, dict]) -> tuple[int | str, str]:
        token, payload = item
        conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        try:
            conn.connect()
            barrier.wait(timeout=TIMEOUT)
            headers = {"Content-Type": "application/json", "Authorization": f"Token {token}"}
            conn.request("POST", "/api/appointments/", body=json.dumps(payload).encode(), headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        except Exception as exc:  # noqa: BLE001 - reported, and it fails the run
            return "no answer", repr(exc)
        finally:
            conn.close()

    with ThreadPoolExecutor(max_workers=len(attempts)) as pool:
        return list(pool.map(attempt, attempts))
