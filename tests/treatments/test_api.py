from __future__ import annotations

import re

import pytest
import yaml

from billing.selectors import tariff

pytestmark = pytest.mark.django_db


def test_treatments_endpoint_follows_the_contract(client, django_assert_max_num_queries):
    tariff()  # the prices (billing) are memoised like the settings rows: read once per process
    with django_assert_max_num_queries(2):
        response = client.get("/api/treatments/")
    assert response.status_code == 200
    body = response.json()
    assert [t["indication"] for t in body] == ["SKIN", "CELL", "FAT", "HAIR"]
    fat = body[2]
    assert set(fat) == {"slug", "name", "indication", "areas", "sessions", "interval_days", "maintenance_every_days"}
    assert fat["sessions"] == {"min": 4, "default": 4, "max": 6}
    assert fat["interval_days"] == {"min": 28, "default": 28, "max": 56}
    assert fat["maintenance_every_days"] is None
    # Prices come from billing (tests/billing/test_pages_and_api.py); none set here.
    assert {"slug": "submental", "name": "Under the chin", "minutes": 30, "price": None, "location_prices": []} in fat[
        "areas"
    ]


def test_treatments_endpoint_is_read_only(client):
    assert client.post("/api/treatments/", {}).status_code == 405


def test_schema_documents_the_treatments_endpoint(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert "/api/treatments/" in schema["paths"]
    treatment = schema["components"]["schemas"]["Treatment"]
    assert {"sessions", "interval_days", "areas"} <= set(treatment["properties"])


def test_docs_page_loads_nothing_from_the_internet(client):
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    script = client.get("/api/docs/?script=").content.decode()
    assert "/api/schema/" in script
    assert "https://" not in script.replace("https://github.com", "")


def test_role_shaped_intake_responses_are_any_of_not_one_of(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    view = schema["components"]["schemas"]["IntakeView"]
    assert "anyOf" in view and "oneOf" not in view
