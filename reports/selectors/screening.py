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
OUTCOMES = ("total", "cleared", "review", "approved", "declined", "waiting", "not_suitable", "reviews")


def screened(scope: Scope):
    intakes = Intake.objects.filter(scope.plain_window("submitted_at"))
    if scope.chosen:
        intakes = intakes.filter(Exists(Course.objects.filter(intake=OuterRef("pk"), location=scope.chosen)))
    return intakes


def _outcomes(groups: list[dict]) -> dict[str, dict[str, int]]:
    """Per treatment, the outcome counts from rows grouped by status and "was reviewed"."""
    outcomes: dict[str, dict[str, int]] = {}
    for g in groups:
        o = outcomes.setdefault(g["treatment__name"], dict.fromkeys(OUTCOMES, 0))
        status, reviewed, n = g["status"], g["reviewed"], g["n"]
        o["total"] += n
        o["cleared"] += n if status == Status.CLEARED and not reviewed else 0
        o["review"] += n if (reviewed or status == Status.NEEDS_REVIEW) and status != Status.NOT_SUITABLE else 0
        o["approved"] += n if status == Status.CLEARED and reviewed else 0
        o["declined"] += n if status == Status.DECLINED else 0
        o["waiting"] += n if status == Status.NEEDS_REVIEW else 0
        o["not_suitable"] += n if status == Status.NOT_SUITABLE else 0
        o["reviews"] += n if reviewed else 0
    return outcomes


def screening_report(*, scope: Scope) -> Report:
    intakes = screened(scope)
    reviewed = Exists(Review.objects.filter(intake=OuterRef("pk")))
    # Grouped by status and "was reviewed", so the review probe runs once per questionnaire.
    outcomes = _outcomes(
        list(intakes.values("treatment__name", "status", reviewed=reviewed).annotate(n=Count("pk")).order_by())
    )
    rows = [{"treatment__name": name, **counts} for name, counts in sorted(outcomes.items())]
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
    first_review = Review.objects.filter(intake=OuterRef("pk")).order_by().values("intake").annotate(at=Min("at"))
    wait = ExpressionWrapper(Subquery(first_review.values("at")) - F("submitted_at"), output_field=DurationField())
    done = intakes.filter(reviewed)
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
            _findings(intakes.filter(~Q(status=Status.CLEARED) | Q(reviewed)), total[0]),
        ],
    )


def _median_words(median) -> str:
    if median is None:
        return "Median time to review: no reviews yet."
    hours = median.total_seconds() / 3600
    return f"Median time to review: {hours / 24:.1f} days ({hours:.0f} hours) from sending to the first review."


def _findings(flagged_intakes, count: int) -> Figure:
    flagged = flagged_intakes.values_list("findings", flat=True)
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
