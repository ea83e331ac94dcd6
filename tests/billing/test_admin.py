"""A clinic manager edits prices, VAT rates, deposit rules, billing settings and clinic details in
the admin; invoices, payments, packages, provider events and online refunds' requests are listed, never edited."""

from __future__ import annotations

import pytest

from clinic.roles import Role, user_set_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EDITABLE = ["vatrate", "price", "depositrule", "billingsettings", "clinicdetails"]
LISTED_ONLY = ["invoice", "payment", "package", "providerevent", "refundrequest"]


@pytest.fixture
def manager_client(client):
    manager = UserFactory()
    user_set_roles(user=manager, roles=[Role.MANAGER])
    client.force_login(manager)
    return client


@pytest.mark.parametrize("model", EDITABLE + LISTED_ONLY)
def test_a_manager_opens_each_billing_list(manager_client, priced, model):
    assert manager_client.get(f"/admin/billing/{model}/").status_code == 200


@pytest.mark.parametrize("model", LISTED_ONLY)
def test_issued_money_cannot_be_added_in_the_admin(manager_client, model):
    assert manager_client.get(f"/admin/billing/{model}/add/").status_code == 403


def test_a_manager_adds_a_price_and_the_treatment_page_shows_it_at_once(manager_client, clinic, standard, client):
    answer = manager_client.post(
        "/admin/billing/price/add/",
        {
            "treatment": clinic.treatment.pk,
            "area": clinic.area.pk,
            "location": "",
            "amount": "95.50",
            "currency": "GBP",
            "vat_rate": standard.pk,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert "£95.50" in client.get(f"/treatments/{clinic.treatment.slug}/").content.decode()
