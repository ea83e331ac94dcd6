"""Settings are read from the environment at import, so each case imports them in a fresh process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SWITCHES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "CLINIC_TIME_ZONE",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "FIELD_ENCRYPTION_KEYS",
)
# Fernet keys for these cases only (a real one comes from `Fernet.generate_key()`).
KEY_NEW, KEY_OLD = "n" * 43 + "=", "o" * 43 + "="
DEV_KEY = "FFJko_sqLJfW2S-04s6Y6C0fUpv5-JgFxq0d5DNZ1P4="
PROBE = """
import json
import shutil
from config import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "options": db.get("OPTIONS", {}),
    "conn_max_age": db["CONN_MAX_AGE"], "conn_health_checks": db["CONN_HEALTH_CHECKS"],
    "broker": s.CELERY_BROKER_URL, "transport": s.CELERY_BROKER_TRANSPORT_OPTIONS,
    "cache": s.CACHES["default"]["BACKEND"], "debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS,
    "time_zone": s.TIME_ZONE, "email_backend": s.EMAIL_BACKEND, "use_tz": s.USE_TZ,
    "field_keys": s.FIELD_ENCRYPTION_KEYS,
}))
"""


def run_python(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args] if args else [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_with(tmp_path: Path, **env: str) -> dict:
    result = run_python(PROBE, {"CLINIC_VAR_DIR": str(tmp_path), **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_runs_on_embedded_parts_with_no_environment(tmp_path):
    s = settings_with(tmp_path)
    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"] == str(tmp_path / "db.sqlite3")
    assert s["options"]["transaction_mode"] == "IMMEDIATE"
    assert s["broker"] == "filesystem://"
    assert s["transport"]["data_folder_in"] == str(tmp_path / "celery-broker")
    assert s["cache"].endswith("LocMemCache")
    assert s["debug"] is True
    assert s["time_zone"] == "Europe/London"
    assert s["use_tz"] is True
    assert s["email_backend"].endswith("console.EmailBackend")
    assert s["field_keys"] == [DEV_KEY]  # the development key: `make run` needs none


def test_it_switches_to_production_parts_from_the_environment(tmp_path):
    s = settings_with(
        tmp_path,
        DATABASE_URL="postgres://clinic:pw@db.internal:5432/clinic",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        REDIS_URL="redis://cache.internal:6379/1",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="clinic.example, www.clinic.example",
        CLINIC_TIME_ZONE="Europe/Dublin",
        EMAIL_HOST="smtp.example",
        FIELD_ENCRYPTION_KEYS=f"{KEY_NEW}, {KEY_OLD}",
    )
    assert s["engine"] == "django.db.backends.postgresql"
    assert s["name"] == "clinic"
    assert s["conn_max_age"] == 60
    assert s["conn_health_checks"] is True
    assert s["broker"] == "redis://cache.internal:6379/0"
    assert s["transport"]["visibility_timeout"] == 3600
    assert s["transport"]["max_retries"] == 1  # a web process gives up on a dead broker at once
    assert s["cache"].endswith("RedisCache")
    assert s["debug"] is False
    assert s["hosts"] == ["clinic.example", "www.clinic.example"]
    assert s["time_zone"] == "Europe/Dublin"
    assert s["email_backend"].endswith("smtp.EmailBackend")
    assert s["field_keys"] == [KEY_NEW, KEY_OLD]  # newest first: it encrypts, both decrypt


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "0", "FIELD_ENCRYPTION_KEYS": KEY_NEW}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60}, "FIELD_ENCRYPTION_KEYS must be set"),
        ({"FIELD_ENCRYPTION_KEYS": f"{KEY_NEW},not-a-key"}, "key 2 is not a Fernet key"),
        (
            {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "FIELD_ENCRYPTION_KEYS": DEV_KEY},
            "the development key cannot encrypt",
        ),
        ({"CLINIC_TIME_ZONE": "Mars/Olympus"}, "not a known time zone"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be"),
    ],
)
def test_it_refuses_bad_configuration_with_a_clear_message(tmp_path, env, message):
    result = run_python(PROBE, {"CLINIC_VAR_DIR": str(tmp_path), **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = {
        "CLINIC_VAR_DIR": str(tmp_path),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
        "DJANGO_ALLOWED_HOSTS": "clinic.example",
        "FIELD_ENCRYPTION_KEYS": KEY_NEW,
    }
    result = run_python("", env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _make_run_line(*args: str, **env: str) -> str:
    """The command `make run` would start the web server, worker and beat with (make -n: nothing runs)."""
    base = {k: v for k, v in os.environ.items() if k != "CLINIC_BASE_URL"}
    make = shutil.which("make") or "make"
    result = subprocess.run(  # noqa: S603 - make -n with fixed arguments: prints, runs nothing
        [make, "-n", "run", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=True
    )
    return next(line for line in result.stdout.splitlines() if "honcho" in line)


@pytest.mark.skipif(not shutil.which("make"), reason="needs make, which `make run` itself needs")
def test_make_run_points_the_workers_email_links_at_its_own_port():
    assert "CLINIC_BASE_URL=http://127.0.0.1:8701 " in _make_run_line("PORT=8701")
    assert "CLINIC_BASE_URL=http://127.0.0.1:8000 " in _make_run_line()
    # A base URL that is set wins: a proxy in front, or a name rather than the loopback address.
    assert "CLINIC_BASE_URL=https://book.clinic.example " in _make_run_line(
        "PORT=8701", CLINIC_BASE_URL="https://book.clinic.example"
    )
