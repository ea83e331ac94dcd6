"""Signing in through the browser, as a person does: the password, then (staff) the app's code."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.two_factor import current_code


def sign_in(page: Page, email: str, authenticator: TOTPDevice | None = None, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    page.get_by_label("Email address").press_sequentially(email)
    page.get_by_label("Password").press_sequentially(password)
    page.get_by_role("button", name="Sign in").click()
    if authenticator is not None:  # staff: the second step, with the app's current code
        expect(page.get_by_role("heading", level=1, name="Two-factor check")).to_be_visible()
        page.get_by_label("Code").press_sequentially(current_code(authenticator))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
