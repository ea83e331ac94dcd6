from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from bookings.models import WorkingHours
from clinic.models import Location, Patient, Practitioner, Room, User
from clinic.roles import Role, roles_of

pytestmark = pytest.mark.django_db

DEMO_LOGINS = {
    "patient@demo.clinic": Role.PATIENT,
    "reception@demo.clinic": Role.RECEPTION,
    "practitioner@demo.clinic": Role.PRACTITIONER,
    "manager@demo.clinic": Role.MANAGER,
}


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Location, Room, Practitioner, WorkingHours, User, Patient))


def test_it_builds_a_demo_clinic_with_a_login_per_role(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Location.objects.count() == 2
    assert Practitioner.objects.count() == 3
    assert all(p.working_hours.exists() and p.treatments.count() == 4 for p in Practitioner.objects.all())
    for email, role in DEMO_LOGINS.items():
        user = authenticate(RequestFactory().post("/accounts/login/"), username=email, password="mesodemo-2026")
        assert user is not None and roles_of(user) == {role}
        assert email in out.getvalue()
    assert "mesodemo-2026" in out.getvalue()
    assert User.objects.get(email="manager@demo.clinic").is_staff


def test_running_it_twice_creates_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first


def test_it_takes_the_password_from_demo_password_and_does_not_print_it(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert authenticate(
        RequestFactory().post("/accounts/login/"), username="reception@demo.clinic", password="another-demo-secret"
    )
    assert "another-demo-secret" not in out.getvalue()


def test_it_refuses_to_run_in_production_mode_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="manager@demo.clinic").exists()


def test_it_fills_the_demo_diary_once_with_phone_patients(settings, frozen_now, client):
    from bookings.models import Appointment

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    booked = Appointment.objects.filter(location__slug="marylebone")
    assert booked.count() >= 20 and f"Booked {booked.count()} demo appointments" in out.getvalue()
    assert all(a.patient.user_id is None and a.start > frozen_now for a in booked)
    call_command("seed_demo", stdout=StringIO())
    assert Appointment.objects.count() == booked.count()  # a second run books nothing more
    client.force_login(User.objects.get(email="reception@demo.clinic"))
    today = client.get("/staff/diary/marylebone/")
    assert today.context["appointment_count"] > 0
