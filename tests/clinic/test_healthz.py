from __future__ import annotations

import pytest
from django.db import OperationalError, connection


@pytest.mark.django_db
def test_it_reports_database_and_broker_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "static": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_503_naming_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "static": "ok"}


@pytest.mark.django_db
def test_it_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "down", "broker": "ok", "static": "ok"}


MANIFEST = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.mark.django_db
def test_it_answers_503_naming_static_files_before_collectstatic_in_production(client, settings, tmp_path):
    # Production serves hashed file names from the manifest collectstatic writes: without it every
    # page fails, so the health check must fail too.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["static"] == "down"

    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    assert client.get("/healthz").json()["static"] == "ok"
