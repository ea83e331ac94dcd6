"""`manage.py seed_demo`: a small demo clinic, safe to run again and again.

It lives in bookings because it touches every app, and bookings is the one app allowed to
import all the others (DESIGN.md's dependency direction).
"""

from __future__ import annotations

import os
from datetime import date, time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from bookings.management.demo_diary import demo_diary_fill
from bookings.models import WorkingHours
from clinic.models import Location, Patient, Practitioner, Room, User
from clinic.roles import Role, user_set_roles
from treatments.models import Treatment

DEFAULT_PASSWORD = "mesodemo-2026"  # noqa: S105 - demo accounts only; the command refuses DEBUG=0

LOCATIONS = [
    ("marylebone", "Marylebone", "21 Wimpole Street, London W1G 8GQ", "020 7946 0001", ["Room 1", "Room 2"]),
    ("manchester", "Manchester", "5 King Street, Manchester M2 4LQ", "0161 496 0002", ["Room A", "Room B"]),
]

# (email, first, last, display name, body, number, [(location slug, weekdays, [(start, end), ...])])
PRACTITIONERS = [
    (
        "practitioner@demo.clinic",
        "Amelia",
        "Hart",
        "Dr Amelia Hart",
        "GMC",
        "7012345",
        [("marylebone", [0, 1, 2, 3, 4], [(time(9), time(13)), (time(14), time(17, 30))])],
    ),
    (
        "priya.shah@demo.clinic",
        "Priya",
        "Shah",
        "Priya Shah RN",
        "NMC",
        "12A3456E",
        [("marylebone", [1, 2, 3, 4, 5], [(time(10), time(14)), (time(14, 30), time(19))])],
    ),
    (
        "tom.okafor@demo.clinic",
        "Tom",
        "Okafor",
        "Dr Tom Okafor",
        "GMC",
        "7098765",
        [
            ("manchester", [0, 2, 4], [(time(9), time(13)), (time(14), time(17))]),
            ("marylebone", [3], [(time(9), time(13)), (time(14), time(17))]),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create (or refresh) the demo clinic: locations, rooms, practitioners, hours and one login per role."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even when DJANGO_DEBUG=0.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed demo accounts with DJANGO_DEBUG=0. Use --force if you mean it.")
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            locations = self._locations()
            self._practitioners(locations, password)
            reception = self._people(locations, password)
            booked = demo_diary_fill(location=locations["marylebone"], reception=reception)
        if booked:
            self.stdout.write(f"Booked {booked} demo appointments at Marylebone for the next few days.")
        self.stdout.write(self.style.SUCCESS("Demo clinic ready. Sign in with any of:"))
        for email in (
            "patient@demo.clinic",
            "reception@demo.clinic",
            "practitioner@demo.clinic",
            "manager@demo.clinic",
        ):
            self.stdout.write(f"  {email}")
        source = "DEMO_PASSWORD" if os.environ.get("DEMO_PASSWORD") else "default; set DEMO_PASSWORD to change"
        shown = password if not os.environ.get("DEMO_PASSWORD") else "(from DEMO_PASSWORD)"
        self.stdout.write(f"  password: {shown} ({source})")
        self.stdout.write("  staff accounts set up an authenticator app (two-factor) at their first sign-in")

    def _locations(self) -> dict[str, Location]:
        locations = {}
        for slug, name, address, phone, rooms in LOCATIONS:
            location, _ = Location.objects.update_or_create(
                slug=slug, defaults={"name": name, "address": address, "phone": phone}
            )
            for room in rooms:
                Room.objects.get_or_create(location=location, name=room)
            locations[slug] = location
        return locations

    def _user(self, email: str, first: str, last: str, password: str, roles: list[Role]) -> User:
        user, _ = User.objects.update_or_create(email=email, defaults={"first_name": first, "last_name": last})
        user.set_password(password)
        user.save()
        user_set_roles(user=user, roles=roles)
        return user

    def _practitioners(self, locations: dict[str, Location], password: str) -> None:
        treatments = list(Treatment.objects.all())
        for email, first, last, display, body, number, hours in PRACTITIONERS:
            user = self._user(email, first, last, password, [Role.PRACTITIONER])
            practitioner, _ = Practitioner.objects.update_or_create(
                user=user,
                defaults={"display_name": display, "registration_body": body, "registration_number": number},
            )
            practitioner.locations.set([locations[slug] for slug, _, _ in hours])
            for treatment in treatments:
                treatment.practitioners.add(practitioner)
            WorkingHours.objects.filter(practitioner=practitioner).delete()
            WorkingHours.objects.bulk_create(
                WorkingHours(practitioner=practitioner, location=locations[slug], weekday=day, start=start, end=end)
                for slug, days, blocks in hours
                for day in days
                for start, end in blocks
            )

    def _people(self, locations: dict[str, Location], password: str) -> User:
        patient_user = self._user("patient@demo.clinic", "Jane", "Doe", password, [Role.PATIENT])
        Patient.objects.update_or_create(
            user=patient_user,
            defaults={
                "first_name": "Jane",
                "last_name": "Doe",
                "date_of_birth": date(1990, 5, 14),
                "email": patient_user.email,
                "phone": "07700 900123",
            },
        )
        reception = self._user("reception@demo.clinic", "Rosa", "Reyes", password, [Role.RECEPTION])
        reception.staff_locations.set([locations["marylebone"]])
        manager = self._user("manager@demo.clinic", "Max", "Mills", password, [Role.MANAGER])
        manager.staff_locations.set(locations.values())
        return reception
