"""The API answers every error in JSON, and its schema documents the errors each operation can give."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_answers_a_json_404():
    # Found by schemathesis: an id that is not a number matches no route, and Django answered HTML.
    response = APIClient().get("/api/appointments/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_still_answers_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.fixture
def operations(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    by_method_and_path = {
        (method.upper(), path): op for path, item in schema["paths"].items() for method, op in item.items()
    }
    return by_method_and_path, schema["components"]["schemas"]


def codes(operations, method, path):
    return set(operations[0][(method, path)]["responses"])


def test_the_schema_documents_the_errors_each_operation_can_give(operations):
    assert codes(operations, "POST", "/api/appointments/{id}/cancel/") == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "415",
        "422",  # its Idempotency-Key was used for another request
    }
    assert codes(operations, "GET", "/api/appointments/{id}/") == {"200", "401", "404"}
    # Only booking attempts are rate-limited, not reading one's list.
    assert "429" in codes(operations, "POST", "/api/appointments/")
    assert "429" not in codes(operations, "GET", "/api/appointments/")
    # The public catalogue neither authenticates nor takes input.
    assert codes(operations, "GET", "/api/treatments/") == {"200"}
    # The token endpoint authenticates nobody (no 401) but locks out (429) and validates (400).
    assert codes(operations, "POST", "/api/auth/token/") == {"200", "400", "415", "429"}


def test_error_bodies_are_described_not_left_empty(operations):
    responses = operations[0][("POST", "/api/appointments/")]["responses"]
    assert responses["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Conflict"}
    assert responses["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert "Retry-After" in responses["429"]["headers"]
    bad_input = responses["400"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/FieldErrors"} in bad_input
    # An intake's 404, declared with only a description, still gets the body it is sent with.
    intake = operations[0][("GET", "/api/intakes/{id}/")]["responses"]["404"]
    assert intake["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert operations[1]["Error"]["required"] == ["detail"]
