"""Money arithmetic (billing/domain): pure, no database; properties checked with hypothesis."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.domain import money, packages
from billing.domain.fees import deposit_amount

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999.99"), places=2, allow_nan=False)
rates = st.sampled_from([Decimal("0"), Decimal("0.05"), Decimal("0.20"), Decimal("0.125")])
lines = st.lists(
    st.builds(money.Line, description=st.just("x"), quantity=st.integers(1, 12), unit_gross=amounts, vat_rate=rates),
    min_size=1,
    max_size=8,
)


def test_it_rounds_half_up_to_the_currencys_minor_unit():
    assert money.quantize(Decimal("2.345"), "GBP") == Decimal("2.35")
    assert money.quantize(Decimal("2.344"), "GBP") == Decimal("2.34")
    assert money.quantize(Decimal("1234.5"), "JPY") == Decimal("1235")
    assert money.quantize(Decimal("1.0005"), "KWD") == Decimal("1.001")


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        money.quantize(1.1, "GBP")


def test_it_takes_the_vat_out_of_a_vat_inclusive_price():
    # £120 at 20 %: £100 net + £20 VAT; exempt: no VAT at all.
    line = money.Line("Face", 1, Decimal("120.00"), Decimal("0.20"))
    assert (line.net("GBP"), line.vat("GBP")) == (Decimal("100.00"), Decimal("20.00"))
    assert money.vat_of_gross(Decimal("99.99"), Decimal("0"), "GBP") == Decimal("0.00")


@given(lines)
def test_it_makes_totals_that_are_the_lines_plus_vat(items):
    totals = money.totals(items, "GBP")
    assert totals.gross == sum((line.gross("GBP") for line in items), Decimal(0))
    assert totals.gross == totals.net + totals.vat
    assert totals.net == sum((n for _, n, _ in totals.by_rate), Decimal(0))
    assert totals.vat == sum((v for _, _, v in totals.by_rate), Decimal(0))
    for line in items:
        assert line.net("GBP") + line.vat("GBP") == line.gross("GBP")
        assert line.vat("GBP") >= 0 and line.net("GBP") >= 0


@given(paid=amounts, refunded=amounts, asked=amounts)
def test_it_never_refunds_more_than_was_paid(paid, refunded, asked):
    refunded = min(refunded, paid)
    refund = money.refundable(paid=paid, refunded=refunded, asked=asked)
    assert Decimal(0) <= refund <= asked
    assert refunded + refund <= paid


@given(paid=st.integers(-3, 20), used=st.integers(-3, 40))
def test_it_never_lets_a_package_balance_go_negative(paid, used):
    balance = packages.balance(sessions_paid=paid, sessions_used=used)
    assert balance.left >= 0 and balance.used <= balance.paid


@given(per_session=amounts, sessions=st.integers(1, 10), used=st.integers(0, 10), discount=st.integers(0, 100))
def test_it_refunds_a_cancelled_package_no_more_than_was_paid(per_session, sessions, used, discount):
    paid = packages.package_price(
        per_session=per_session, sessions=sessions, discount_percent=Decimal(discount), currency="GBP"
    )
    refund = packages.refund_for_unused(
        paid_total=paid, sessions_used=min(used, sessions), per_session=per_session, currency="GBP"
    )
    assert Decimal(0) <= refund <= paid


def test_it_charges_used_package_sessions_at_the_full_price():
    paid = packages.package_price(per_session=Decimal("100"), sessions=6, discount_percent=Decimal(10), currency="GBP")
    assert paid == Decimal("540.00")
    assert packages.refund_for_unused(
        paid_total=paid, sessions_used=2, per_session=Decimal("100"), currency="GBP"
    ) == Decimal("340.00")


@given(price=amounts, value=amounts, kind=st.sampled_from(["none", "fixed", "percent"]))
def test_it_never_asks_a_deposit_above_the_price(price, value, kind):
    value = min(value, Decimal(100)) if kind == "percent" else value
    deposit = deposit_amount(kind=kind, value=value, price=price, currency="GBP")
    assert Decimal(0) <= deposit <= price


def test_it_works_out_percentage_and_fixed_deposits():
    assert deposit_amount(kind="percent", value=Decimal(25), price=Decimal("120.00"), currency="GBP") == Decimal(
        "30.00"
    )
    assert deposit_amount(kind="fixed", value=Decimal("30"), price=Decimal("120.00"), currency="GBP") == Decimal(
        "30.00"
    )
    assert deposit_amount(kind="none", value=Decimal("30"), price=Decimal("120.00"), currency="GBP") == Decimal("0.00")
