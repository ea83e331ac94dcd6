"""Staff steps in the browser. Signing in is one helper so a two-factor step can join it later."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def staff_sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
