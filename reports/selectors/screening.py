"""Screening: the outcome of each questionnaire sent in the period, per treatment; how long a
practitioner took to review; the most common findings.

Outcomes: cleared by screening alone (nothing flagged, no review), needed a practitioner's review
(approved, declined or still waiting) or not suitable (an absolute contraindication). The period is
when the questionnaire was sent, in the chosen location's zone (a questionnaire has no location: with
one chosen, it is the questionnaires of courses there).

Queries: outcomes 1, median time to review 1, findings 1, the findings' questions 1. The findings
are encrypted at rest (clinical data), so the database cannot count inside them: the one query
reads the flagged questionnaires' findings and they are counted here.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, DurationField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Subquery

from bookings.models import Course
from intake.models import ContraindicationItem, Intake, Review
from reports.domain.figures import Column, Figure, Report, Table
from reports.domain.periods import ratio
from reports.selectors.scope import Scope, middle

Status = Intake.Status
TOP_FINDINGS = 10


def screened(scope: Scope):
    first_review = Review.objects.filter(intake=OuterRef("pk")).order_by().values("intake").annotate(at=Min("at"))
    intakes = Intake.objects.filter(scope.plain_window("submitted_at")).annotate(
        reviewed_at=Subquery(first_review.values("at"))
    )
    if scope.chosen:
        intakes = intakes.filter(Exists(Course.objects.filter(intake=OuterRef("pk"), location=scope.chosen)))
    return intakes


def screening_report(*, scope: Scope) -> Report:
    intakes = screened(scope)
    reviewed = Q(reviewed_at__isnull=False) | Q(status=Status.NEEDS_REVIEW)
    rows = list(
        intakes.values("treatment__name")
        .annotate(
            total=Count("pk"),
            cleared=Count("pk", filter=Q(status=Status.CLEARED, reviewed_at__isnull=True)),
            review=Count("pk", filter=reviewed & ~Q(status=Status.NOT_SUITABLE)),
            approved=Count("pk", filter=Q(status=Status.CLEARED, reviewed_at__isnull=False)),
            declined=Count("pk", filter=Q(status=Status.DECLINED)),
            waiting=Count("pk", filter=Q(status=Status.NEEDS_REVIEW)),
            not_suitable=Count("pk", filter=Q(status=Status.NOT_SUITABLE)),
            reviews=Count("pk", filter=Q(reviewed_at__isnull=False)),
        )
        .order_by("treatment__name")
    )
    table = [
        [
            r["treatment__name"],
            r["total"],
            r["cleared"],
            r["review"],
            r["approved"],
            r["declined"],
            r["waiting"],
            r["not_suitable"],
        ]
        for r in rows
    ]
    total = [sum(r[i] for r in table) for i in range(1, 8)]
    wait = ExpressionWrapper(F("reviewed_at") - F("submitted_at"), output_field=DurationField())
    done = intakes.filter(reviewed_at__isnull=False)
    median = middle(done, wait, sum(r["reviews"] for r in rows))
    return Report(
        slug="screening",
        title="Screening",
        intro="Health questionnaires sent in the period: what screening found, and the practitioners' reviews.",
        figures=[
            Figure(
                slug="outcomes",
                title="Outcomes by treatment",
                summary=f"{total[0]} questionnaires: {total[1]} cleared by screening, {total[2]} needed a review "
                f"({total[3]} approved, {total[4]} declined, {total[5]} waiting), {total[6]} not suitable.",
                chart="stacked",
                labels=[row[0] for row in table],
                series=[
                    ("Cleared by screening", [r[2] for r in table]),
                    ("Needed review", [r[3] for r in table]),
                    ("Not suitable", [r[7] for r in table]),
                ],
                table=Table(
                    [
                        Column("Treatment", "text"),
                        Column("Questionnaires"),
                        Column("Cleared by screening"),
                        Column("Needed review"),
                        Column("Approved"),
                        Column("Declined"),
                        Column("Waiting"),
                        Column("Not suitable"),
                    ],
                    table,
                ),
                note=_median_words(median),
            ),
            _findings(intakes, total[0]),
        ],
    )


def _median_words(median) -> str:
    if median is None:
        return "Median time to review: no reviews yet."
    hours = median.total_seconds() / 3600
    return f"Median time to review: {hours / 24:.1f} days ({hours:.0f} hours) from sending to the first review."


def _findings(intakes, count: int) -> Figure:
    flagged = intakes.exclude(status=Status.CLEARED, reviewed_at__isnull=True).values_list("findings", flat=True)
    counts: Counter[str] = Counter()
    for findings in flagged:
        counts.update({finding.get("code", "") for finding in findings or ()})
    top = counts.most_common(TOP_FINDINGS)
    questions = dict(
        ContraindicationItem.objects.filter(code__in=[code for code, _ in top]).values_list("code", "question")
    )
    rows = [[_short(questions.get(code, code)), code, n, ratio(n, count)] for code, n in top]
    said = f"The most common is “{rows[0][0]}” ({rows[0][2]})." if rows else "Nothing was flagged."
    return Figure(
        slug="findings",
        title="Most common findings",
        summary=f"The findings screening raised most often, in questionnaires sent in the period. {said}",
        chart="hbar",
        labels=[row[1] for row in rows],
        series=[("Questionnaires", [row[2] for row in rows])],
        table=Table(
            [Column("Finding", "text"), Column("Code", "text"), Column("Questionnaires"), Column("Share", "percent")],
            rows,
        ),
    )


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
