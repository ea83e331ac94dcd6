"""The clinical gate's rule, pure: facts in, reasons out (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bookings.domain import clearance as rule

START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
BEFORE = datetime(2026, 11, 19, 10, 0, tzinfo=UTC)


def facts(intake=None, *, consent=True, previous=None, following=None, overridden=(), day=date(2026, 12, 3)):
    return rule.SessionFacts(
        treatment="Skin rejuvenation",
        area="Face",
        day=day,
        start=START,
        intake=intake,
        consent_signed=consent,
        previous_session=previous,
        next_session=following,
        overridden=frozenset(overridden),
    )


def cleared(valid_until=date(2027, 5, 1), confirmed=()):
    return rule.IntakeFacts(pk=7, status=rule.CLEARED, valid_until=valid_until, confirmed_at=tuple(confirmed))


def codes(f):
    return [p.code for p in rule.clearance_problems(f)]


def test_a_cleared_questionnaire_with_consent_passes_a_first_session():
    assert rule.clearance_problems(facts(cleared())) == []


def test_each_questionnaire_status_says_why_in_words_with_its_way_forward():
    cases = {
        None: (rule.NO_QUESTIONNAIRE, rule.SEND, "No health questionnaire for skin rejuvenation (face)"),
        rule.DRAFT: (rule.NOT_SENT, rule.SEND, "has not been sent yet"),
        rule.SUBMITTED: (rule.IN_REVIEW, rule.REVIEW, "waiting for a practitioner's review"),
        rule.NEEDS_REVIEW: (rule.IN_REVIEW, rule.REVIEW, "waiting for a practitioner's review"),
        rule.NOT_SUITABLE: (rule.NOT_SUITABLE_CODE, rule.REVIEW, "screened as not suitable"),
        rule.DECLINED: (rule.DECLINED_CODE, "", "declined this treatment"),
    }
    for status, (code, way, words) in cases.items():
        intake = None if status is None else rule.IntakeFacts(pk=7, status=status, valid_until=None)
        [problem] = rule.clearance_problems(facts(intake))
        assert (problem.code, problem.way) == (code, way)
        assert words in problem.words
        assert problem.intake_pk == (None if status is None else 7)


def test_a_clearance_must_be_valid_on_the_session_s_local_date():
    assert codes(facts(cleared(valid_until=date(2026, 12, 3)))) == []
    [problem] = rule.clearance_problems(facts(cleared(valid_until=date(2026, 12, 2))))
    assert problem.code == rule.EXPIRED and problem.way == rule.SEND
    assert "was cleared until 2 December 2026, before this session on 3 December 2026" in problem.words
    assert codes(facts(cleared(valid_until=None))) == [rule.EXPIRED]


def test_consent_is_required_and_says_where_the_patient_signs_it():
    [problem] = rule.clearance_problems(facts(cleared(), consent=False))
    assert problem.code == rule.NO_CONSENT and "on the face has not been signed" in problem.words
    assert problem.way == ""  # a sent questionnaire cannot be signed any more: only a practitioner's reason
    draft = rule.IntakeFacts(pk=7, status=rule.DRAFT, valid_until=None)
    problems = rule.clearance_problems(facts(draft, consent=False))
    assert [p.code for p in problems] == [rule.NOT_SENT, rule.NO_CONSENT]
    assert problems[1].way == rule.SEND and "signs it in the health questionnaire" in problems[1].words


def test_a_later_session_needs_a_confirmation_after_the_previous_session():
    submitted = datetime(2026, 11, 1, tzinfo=UTC)
    later = facts(cleared(confirmed=[submitted]), previous=BEFORE)
    [problem] = rule.clearance_problems(later)
    assert problem.code == rule.NO_RECHECK and problem.way == rule.RECHECK and problem.intake_pk == 7
    assert "since the last session, on 19 November 2026" in problem.words
    rechecked = facts(cleared(confirmed=[submitted, datetime(2026, 12, 2, tzinfo=UTC)]), previous=BEFORE)
    assert codes(rechecked) == []


def test_a_confirmation_after_the_next_session_is_not_for_this_one():
    after_next = datetime(2026, 12, 18, tzinfo=UTC)
    f = facts(cleared(confirmed=[after_next]), previous=BEFORE, following=datetime(2026, 12, 17, tzinfo=UTC))
    assert codes(f) == [rule.NO_RECHECK]
    f = facts(cleared(confirmed=[after_next]), previous=BEFORE)
    assert codes(f) == []


def test_a_reason_covers_the_problems_it_was_given_for_only():
    draft = rule.IntakeFacts(pk=7, status=rule.DRAFT, valid_until=None)
    f = facts(draft, consent=False, overridden={rule.NOT_SENT, rule.NO_CONSENT})
    assert rule.clearance_blocking(f) == [] and len(rule.clearance_problems(f)) == 2
    worse = rule.IntakeFacts(pk=7, status=rule.NOT_SUITABLE, valid_until=None)
    f = facts(worse, consent=False, overridden={rule.NOT_SENT, rule.NO_CONSENT})
    assert [p.code for p in rule.clearance_blocking(f)] == [rule.NOT_SUITABLE_CODE]
