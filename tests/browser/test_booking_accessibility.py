"""axe-core on every page of the online booking journey, and visible keyboard focus.

A failure lists, per page, each serious or critical violation with its rule id, help text and
the CSS selectors of the offending elements; less severe findings are printed (run with -s).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser import journey
from tests.browser.journey import NewPatient

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BLOCKING = {"serious", "critical"}


class AxeAudit:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.findings: dict[str, list[dict]] = {}

    def check(self, name: str) -> None:
        results = self.axe.run(self.page)
        self.findings[name] = results.response["violations"]

    def report(self, impacts: set[str] | None = None) -> str:
        lines = []
        for name, violations in self.findings.items():
            for violation in violations:
                if impacts is not None and violation["impact"] not in impacts:
                    continue
                lines.append(f"[{name}] {violation['id']} ({violation['impact']}): {violation['help']}")
                lines.append(f"    {violation['helpUrl']}")
                for node in violation["nodes"]:
                    lines.append(f"    - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
                    if node.get("failureSummary"):
                        lines.extend(f"        {line}" for line in node["failureSummary"].splitlines())
        return "\n".join(lines)

    def blocking(self) -> str:
        return self.report(BLOCKING)


def test_every_page_of_the_booking_journey_passes_axe(page: Page, booking_clinic, confirmations_sent_inline):
    audit = AxeAudit(page)

    journey.open_treatment_page(page)
    audit.check("treatment page")
    journey.click_book(page)
    audit.check("area step")
    journey.choose_area(page, "Neck (30 minutes)")
    audit.check("location step")
    journey.choose_location(page, "Marylebone")
    audit.check("practitioner step")
    journey.choose_practitioner(page, "First available practitioner")
    audit.check("day step")
    journey.choose_first_open_day(page)
    audit.check("time step")
    journey.choose_last_time(page)
    audit.check("details step (sign in or create an account)")
    journey.submit_registration(page)
    expect(journey.registration_form(page).get_by_role("alert")).to_contain_text("Please correct")
    audit.check("details step after submitting the registration form empty")
    journey.create_account(page, NewPatient())
    audit.check("review step")
    journey.confirm_booking(page)
    audit.check("confirmation page")

    everything = audit.report()
    if everything:
        print("\naxe-core findings on the booking journey:\n" + everything)
    blocking = audit.blocking()
    assert not blocking, "serious or critical accessibility violations:\n" + blocking


def test_keyboard_focus_on_the_area_step_is_visible(page: Page):
    page.goto("/book/skin-rejuvenation/")
    journey.expect_step(page, "Step 1 of 7: Area")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('input[type=radio][name=area]')"):
            break
    else:
        pytest.fail("Tab never reached the first area radio button")
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return {outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, boxShadow: s.boxShadow}; }"
    )
    outlined = style["outlineStyle"] != "none" and style["outlineWidth"] not in ("0px", "")
    assert outlined or style["boxShadow"] != "none", f"the focused radio button shows no focus indicator: {style}"
