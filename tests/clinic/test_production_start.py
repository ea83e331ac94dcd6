"""The production start as documented (Procfile's web line, DJANGO_DEBUG=0 with the required
secrets) serves the home page: static files are collected by the start itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def web_command() -> str:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    return line.removeprefix("web:").strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{quote(db.get('USER') or 'postgres', safe='')}{password}@{host}:{port}/{db['NAME']}"


def get(url: str) -> tuple[int, str]:
    # As the TLS-terminating proxy the README asks for would forward it.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Host": "127.0.0.1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_documented_production_start_serves_the_home_page(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        "PORT": str(port),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-" + "x" * 40,
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "CLINIC_VAR_DIR": str(tmp_path / "var"),  # an empty STATIC_ROOT: nothing collected before
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(  # noqa: S603 - the Procfile's own command
        ["/bin/sh", "-c", web_command()], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        # collectstatic then gunicorn's boot: seconds alone, a minute or more on 2 cores under load.
        deadline = time.monotonic() + 150
        status, body = 0, ""
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                time.sleep(0.3)  # the server is still starting: poll a real process, not the clock
        if status != 200 and server.poll() is not None:
            body = server.stdout.read().decode(errors="replace")[-3000:]  # why it stopped
        assert status == 200, body[:3000]
        assert "Our treatments" in body
        health_status, health = get(f"http://127.0.0.1:{port}/healthz")
        assert '"static": "ok"' in health and '"database": "ok"' in health
        css_status, _ = get(f"http://127.0.0.1:{port}/favicon.ico")
        assert css_status in (200, 301)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
