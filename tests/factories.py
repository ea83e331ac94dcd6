from __future__ import annotations

from datetime import date

import factory

from clinic.models import Location, Patient, Practitioner, Room, User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Location {n}")
    slug = factory.Sequence(lambda n: f"location-{n}")
    address = "1 High Street, London"
    timezone = "Europe/London"


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    location = factory.SubFactory(LocationFactory)
    name = factory.Sequence(lambda n: f"Room {n}")


class PractitionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practitioner

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda o: f"Dr {o.user.last_name}")
    registration_body = Practitioner.RegistrationBody.GMC
    registration_number = factory.Sequence(lambda n: f"70{n:05d}")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = date(1988, 4, 2)
    email = factory.Sequence(lambda n: f"patient{n}@example.org")
    phone = "+447700900000"  # E.164, as stored; Ofcom's drama range: nobody's number
