"""The managers' readable audit trail: who, what, whom, when in local time, with filters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from clinic.audit import audit_record
from clinic.models import AuditEvent
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("audit-trail")


def table(response) -> str:
    """The trail's rows (the filter's options name every action too)."""
    return response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]


@pytest.fixture
def trail(reception_user, manager_user):
    ada, alan = PatientFactory(first_name="Ada", last_name="Lovelace"), PatientFactory(first_name="Alan")
    reception_user.first_name, reception_user.last_name = "Rita", "Desk"
    reception_user.save()
    with time_machine.travel(datetime(2026, 7, 1, 8, 30, tzinfo=UTC), tick=False):  # 09:30 in London (BST)
        audit_record(
            actor=reception_user,
            action="patient.contact_update",
            obj=ada,
            patient=ada,
            details={"fields": ["email", "phone"]},
        )
    with time_machine.travel(datetime(2026, 7, 3, 12, 0, tzinfo=UTC), tick=False):
        audit_record(actor=manager_user, action="patient.export", obj=alan, patient=alan)
    return {"ada": ada, "alan": alan}


def test_managers_read_who_did_what_to_whom_and_when_in_local_time(client, manager_user, trail):
    client.force_login(manager_user)
    html = table(client.get(URL))
    assert "Changed contact details: patient #" in html and "Fields: email, phone" in html
    assert "Rita Desk" in html and "Ada Lovelace" in html
    assert "Wed 1 Jul 2026, 09:30:00" in html  # London summer time, not 08:30 UTC
    assert html.index("Exported a patient") < html.index("Changed contact details")  # latest first


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"action": "patient.export"}, "Exported a patient", "Changed contact details"),
        ({"date_from": "2026-07-02"}, "Exported a patient", "Changed contact details"),
        ({"date_to": "2026-07-01"}, "Changed contact details", "Exported a patient"),
    ],
)
def test_the_filters_narrow_the_trail(client, manager_user, trail, query, shown, hidden):
    client.force_login(manager_user)
    html = table(client.get(URL, query))
    assert shown in html and hidden not in html


def test_filter_by_actor_and_patient(client, manager_user, reception_user, trail):
    client.force_login(manager_user)
    by_actor = table(client.get(URL, {"actor": reception_user.pk}))
    assert "Changed contact details" in by_actor and "Exported a patient" not in by_actor
    by_patient = table(client.get(URL, {"patient": trail["alan"].pk}))
    assert "Exported a patient" in by_patient and "Changed contact details" not in by_patient


@pytest.mark.parametrize("query", [{"date_from": "yesterday"}, {"patient": "-3"}, {"actor": "x"}, {"page": "zz"}])
def test_bad_filters_are_form_errors_not_500s(client, manager_user, trail, query):
    client.force_login(manager_user)
    response = client.get(URL, query)
    assert response.status_code == 200


def test_only_managers_see_the_trail(client, reception_user, trail):
    client.force_login(reception_user)
    assert client.get(URL).status_code == 404
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert AuditEvent.objects.count() == 2
