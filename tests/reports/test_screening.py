"""Screening outcomes, time to review and the commonest findings of questionnaires sent that day."""

from __future__ import annotations

from datetime import timedelta

import pytest

from intake.models import Intake, Review
from reports.selectors.screening import screening_report
from tests.factories import PatientFactory
from tests.reports.conftest import AUTUMN, local, rows_of, scope_of, utc

pytestmark = pytest.mark.django_db
S = Intake.Status
BLOOD_THINNER = {"code": "ANTITHROMBOTIC", "severity": "RELATIVE"}
PREGNANT = {"code": "PREG", "severity": "ABSOLUTE"}


def _intake(diary, sent, status, *, findings=(), review_after=None, treatment=None):
    treatment = treatment or diary.skin
    intake = Intake.objects.create(
        patient=PatientFactory(),
        treatment=treatment,
        area=diary.face if treatment == diary.skin else diary.thighs,
        status=status,
        submitted_at=sent,
        findings=list(findings),
    )
    if review_after is not None:
        review = Review.objects.create(
            intake=intake,
            practitioner=diary.a,
            decision=Review.Decision.DECLINE if status == S.DECLINED else Review.Decision.APPROVE,
        )
        Review.objects.filter(pk=review.pk).update(at=sent + review_after)
    return intake


@pytest.fixture
def screened(diary):
    d = diary
    _intake(d, local(AUTUMN, 10), S.CLEARED)
    # 00:30 BST on the 31st (still the 30th in UTC): that day's.
    _intake(d, utc(2027, 10, 30, 23, 30), S.CLEARED, findings=[BLOOD_THINNER], review_after=timedelta(hours=4))
    _intake(d, local(AUTUMN, 12), S.DECLINED, findings=[BLOOD_THINNER, PREGNANT], review_after=timedelta(hours=10))
    _intake(d, local(AUTUMN, 13), S.NEEDS_REVIEW, findings=[BLOOD_THINNER], treatment=d.cell)
    _intake(d, local(AUTUMN, 14), S.NOT_SUITABLE, findings=[PREGNANT], treatment=d.cell)
    _intake(d, utc(2027, 11, 1, 0, 30), S.CLEARED)  # the next day
    _intake(d, None, S.DRAFT)
    return d


def test_it_counts_the_outcomes_per_treatment(screened):
    report = screening_report(scope=scope_of(screened, AUTUMN))
    assert rows_of(report, "outcomes") == [
        # questionnaires, cleared by screening, needed review, approved, declined, waiting, not suitable
        ["Cellulite reduction", 2, 0, 1, 0, 0, 1, 1],
        ["Skin rejuvenation", 3, 1, 2, 1, 1, 0, 0],
    ]


def test_it_gives_the_median_time_to_the_first_review(screened):
    report = screening_report(scope=scope_of(screened, AUTUMN))
    assert report.figures[0].note == (
        "Median time to review: 0.3 days (7 hours) from sending to the first review."
    )  # 4 and 10 hours


def test_it_ranks_the_findings_with_their_questions(screened):
    rows = rows_of(screening_report(scope=scope_of(screened, AUTUMN)), "findings")
    assert [(row[1], row[2]) for row in rows] == [("ANTITHROMBOTIC", 3), ("PREG", 2)]
    assert rows[0][0].startswith("Do you take a blood thinner")
    assert rows[0][3] == 3 / 5


def test_a_location_counts_the_questionnaires_of_its_courses(screened):
    d = screened
    mine = Intake.objects.get(submitted_at=local(AUTUMN, 10))
    d.course(local(AUTUMN, 9), status="scheduled", intake=mine, patient=mine.patient)
    report = screening_report(scope=scope_of(d, AUTUMN, chosen=d.london))
    assert rows_of(report, "outcomes") == [["Skin rejuvenation", 1, 1, 0, 0, 0, 0, 0]]
