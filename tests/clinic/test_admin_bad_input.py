"""Django's admin given a date hierarchy that overflows: its "invalid lookup" page, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from clinic.roles import Role, user_set_roles
from tests.factories import UserFactory

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
