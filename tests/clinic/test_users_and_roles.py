from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.db import IntegrityError
from django.test import RequestFactory

from clinic.models import User
from clinic.roles import Role, roles_of, user_set_roles
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user("Jane.Doe@Example.ORG", "a-long-password")
    assert user.email == "jane.doe@example.org"
    assert (
        authenticate(
            RequestFactory().post("/accounts/login/"), username="JANE.DOE@example.org", password="a-long-password"
        )
        == user
    )


def test_it_rejects_a_second_account_for_the_same_email_in_another_case():
    UserFactory(email="sam@example.org")
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(email="SAM@example.org")])


def test_every_role_has_its_group_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_only_managers_get_admin_access_and_admin_permissions():
    manager, reception = UserFactory(), UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    user_set_roles(user=reception, roles=[Role.RECEPTION])
    manager.refresh_from_db()
    reception.refresh_from_db()
    assert manager.is_staff and not reception.is_staff
    assert manager.has_perm("treatments.change_treatment")
    assert not reception.has_perm("treatments.change_treatment")


def test_roles_of_an_inactive_or_anonymous_user_are_empty(patient_user):
    from django.contrib.auth.models import AnonymousUser

    assert roles_of(patient_user) == {Role.PATIENT}
    patient_user.is_active = False
    assert roles_of(patient_user) == frozenset()
    assert roles_of(AnonymousUser()) == frozenset()


def test_staff_area_sends_anonymous_users_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/staff/")


def test_staff_area_is_404_for_a_patient(client, patient_user):
    client.force_login(patient_user)
    assert client.get("/staff/").status_code == 404


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.PRACTITIONER, Role.MANAGER])
def test_staff_area_opens_for_each_staff_role(client, role):
    user = UserFactory()
    user_set_roles(user=user, roles=[role])
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert role.value in response.content.decode()


def test_navigation_follows_the_signed_in_role(client, patient_user, reception_user, manager_user):
    anonymous = client.get("/").content.decode()
    assert "Sign in" in anonymous and "Staff area" not in anonymous

    client.force_login(patient_user)
    page = client.get("/").content.decode()
    assert "Sign out" in page and "Staff area" not in page and "Clinic settings" not in page

    client.force_login(reception_user)
    page = client.get("/").content.decode()
    assert "Staff area" in page and "Clinic settings" not in page

    client.force_login(manager_user)
    page = client.get("/").content.decode()
    assert "Staff area" in page and "Clinic settings" in page


def test_sign_in_with_email_and_password(client):
    user = UserFactory(email="kim@example.org")
    response = client.post("/accounts/login/", {"username": "Kim@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_with_a_wrong_password_shows_a_form_error(client):
    UserFactory(email="kim@example.org")
    response = client.post("/accounts/login/", {"username": "kim@example.org", "password": "wrong-password"})
    assert response.status_code == 200
    assert "enter a correct email address and password" in response.content.decode()


def test_manager_reaches_the_admin_and_reception_does_not(client, manager_user, reception_user):
    client.force_login(manager_user)
    assert client.get("/admin/treatments/treatment/").status_code == 200
    client.force_login(reception_user)
    assert client.get("/admin/treatments/treatment/").status_code == 302
