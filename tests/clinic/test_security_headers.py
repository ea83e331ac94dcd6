from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/treatments/", "/treatments/skin-rejuvenation/", "/accounts/login/", "/api/docs/", "/healthz"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_a_content_security_policy_without_inline_scripts(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


def test_pages_carry_the_other_protective_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_carries_an_inline_script():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if "<script>" in path.read_text() or " on" + "click=" in path.read_text()
    ]
    assert offenders == []
