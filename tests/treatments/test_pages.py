from __future__ import annotations

import re

import pytest

from treatments.models import Treatment

pytestmark = pytest.mark.django_db

FAQ_QUESTIONS = [
    "What is mesotherapy?",
    "How does it work?",
    "What does it treat?",
    "Does it hurt? Can I have numbing cream?",
    "What are the side effects, and how long do they last?",
    "How long is a session?",
    "How many sessions will I need? Is there maintenance?",
    "Is there any downtime?",
    "Who is it suitable for?",
    "How long do results last?",
    "Could anything rule me out?",
]


def test_home_page_lists_every_treatment_with_a_book_button(client):
    page = client.get("/").content.decode()
    for treatment in Treatment.objects.all():
        assert treatment.name in page
        assert f'href="/book/{treatment.slug}/"' in page


def test_home_page_has_a_skip_link_and_landmarks(client):
    page = client.get("/").content.decode()
    assert 'href="#main"' in page and 'id="main"' in page
    for landmark in ("<header>", "<nav", "<main", "<footer"):
        assert landmark in page


def test_treatment_list_shows_summaries_and_session_ranges(client):
    page = client.get("/treatments/").content.decode()
    cellulite = Treatment.objects.get(indication="CELL")
    assert cellulite.summary in page
    assert "Course of 6–10 sessions" in page


@pytest.mark.parametrize("indication", ["SKIN", "CELL", "FAT", "HAIR"])
def test_treatment_page_answers_the_clinic_faq(client, indication):
    treatment = Treatment.objects.get(indication=indication)
    page = client.get(f"/treatments/{treatment.slug}/").content.decode()
    for question in FAQ_QUESTIONS:
        assert question in page
    assert "numbing cream" in page and "20 to 30 minutes" in page
    assert treatment.downtime in page and treatment.results in page
    assert f'href="/book/{treatment.slug}/"' in page
    for area in treatment.areas.all():
        assert re.search(rf"{re.escape(area.name)}</th><td>{area.minutes}</td>", page)


def test_fat_reduction_page_says_no_maintenance_and_warns_about_soy_and_egg(client):
    page = client.get("/treatments/fat-reduction/").content.decode()
    assert "No maintenance sessions are needed" in page
    assert "soy, peanut or egg" in page
    assert "swelling can last one" in page


def test_skin_page_states_its_maintenance_interval(client):
    page = client.get("/treatments/skin-rejuvenation/").content.decode()
    assert "maintenance session about every 150" in page


def test_an_unknown_or_withdrawn_treatment_is_404(client):
    assert client.get("/treatments/botox/").status_code == 404
    Treatment.objects.filter(indication="HAIR").update(is_active=False)
    assert client.get("/treatments/hair-loss/").status_code == 404
    assert "Hair loss" not in client.get("/treatments/").content.decode()


def test_book_button_leads_to_a_page_that_says_how_to_book(client, settings):
    response = client.get("/book/hair-loss/")
    assert response.status_code == 200
    assert settings.CLINIC_PHONE in response.content.decode()
    assert client.get("/book/nothing/").status_code == 404
