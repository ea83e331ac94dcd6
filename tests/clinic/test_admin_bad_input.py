"""Django's admin given odd query values: a date hierarchy that overflows gets its "invalid lookup"
page, an empty ?_to_field= is as if not given; never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from clinic.roles import Role, user_set_roles
from tests.factories import PatientFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/admin/bookings/appointment/", "/admin/bookings/timeoff/", "/admin/clinic/auditevent/"]
)
def test_an_overflowing_year_in_a_date_hierarchy_is_the_invalid_lookup_page(path):
    manager = UserFactory(is_staff=True)
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    field = {"/admin/clinic/auditevent/": "at"}.get(path, "start")
    response = client.get(path, {f"{field}__year": "99999999999999999999", f"{field}__month": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?e=1")


@pytest.mark.parametrize("page", ["change", "history"])
def test_an_empty_to_field_on_an_objects_page_is_as_if_it_were_not_given(page):
    manager = UserFactory(is_staff=True)
    user_set_roles(user=manager, roles=[Role.MANAGER])
    patient = PatientFactory(last_name="Okafor")
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get(f"/admin/clinic/patient/{patient.pk}/{page}/", {"_to_field": ""})
    assert response.status_code == 200
    assert "Okafor" in response.content.decode()


def test_an_empty_to_field_on_a_delete_page_is_as_if_it_were_not_given():
    manager = UserFactory(is_staff=True)
    user_set_roles(user=manager, roles=[Role.MANAGER])
    room = RoomFactory(name="Treatment room 9")
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.get(f"/admin/clinic/room/{room.pk}/delete/", {"_to_field": ""})
    assert response.status_code == 200 and "Treatment room 9" in response.content.decode()


def test_an_empty_to_field_on_a_posted_form_is_as_if_it_were_not_given():
    manager = UserFactory(is_staff=True)
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    response = client.post("/admin/clinic/location/add/?_to_field=", {"_to_field": ""})
    # The add form answers with its own field errors (nothing was filled in), not a 500.
    assert response.status_code == 200 and b"This field is required" in response.content
