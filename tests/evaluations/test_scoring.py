"""The arithmetic (evaluations/scoring.py): weighted totals, mean and trimmed mean, rounding and grade bands."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from evaluations import scoring
from evaluations.scoring import LeafSpec

D = Decimal


# --- strategies ------------------------------------------------------------------------------------------------------


@st.composite
def leaf_sets(draw, max_leaves=12):
    """Leaves with two-decimal weights summing to exactly 100 and two-decimal maxima."""
    count = draw(st.integers(min_value=1, max_value=max_leaves))
    cuts = sorted(
        draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=count - 1, max_size=count - 1, unique=True))
    )
    bounds = [0, *cuts, 10000]
    weights = [D(bounds[i + 1] - bounds[i]) / 100 for i in range(count)]
    maxima = draw(st.lists(st.integers(min_value=1, max_value=100000), min_size=count, max_size=count))
    return [
        LeafSpec(index, weight, D(maximum) / 100)
        for index, (weight, maximum) in enumerate(zip(weights, maxima, strict=True))
    ]


@st.composite
def sheets_for(draw, leaves, min_sheets=1, max_sheets=9):
    count = draw(st.integers(min_value=min_sheets, max_value=max_sheets))
    sheets = {}
    for key in range(count):
        sheets[key] = {
            leaf.id: D(draw(st.integers(min_value=0, max_value=int(leaf.max_score * 100)))) / 100 for leaf in leaves
        }
    return sheets


@st.composite
def evaluations(draw, min_sheets=1, max_sheets=9):
    leaves = draw(leaf_sets())
    return leaves, draw(sheets_for(leaves, min_sheets, max_sheets))


two_decimal_totals = st.lists(
    st.integers(min_value=0, max_value=10000).map(lambda cents: D(cents) / 100), min_size=1, max_size=12
)


# --- totals -----------------------------------------------------------------------------------------------------------


def test_contribution_is_score_over_max_times_weight():
    assert scoring.contribution(D("8"), weight=D("10"), max_score=D("10")) == D("8")
    assert scoring.contribution(D("92"), weight=D("10"), max_score=D("100")) == D("9.2")
    assert scoring.contribution(D("1"), weight=D("25"), max_score=D("4")) == D("6.25")
    with pytest.raises(ValueError):
        scoring.contribution(D("1"), weight=D("1"), max_score=D("0"))


def test_evaluator_total_counts_missing_leaves_as_zero():
    leaves = [LeafSpec("a", D("60"), D("100")), LeafSpec("b", D("40"), D("10"))]
    assert scoring.evaluator_total({"a": D("50")}, leaves) == D("30")
    assert scoring.evaluator_total({"a": D("50"), "b": D("10")}, leaves) == D("70")
    assert scoring.evaluator_total({}, leaves) == D("0")


@given(evaluations())
def test_totals_lie_between_0_and_100(case):
    leaves, sheets = case
    for sheet in sheets.values():
        total = scoring.evaluator_total(sheet, leaves)
        assert D(0) <= total <= D(100)


@given(leaf_sets())
def test_full_marks_total_exactly_100_and_zero_marks_0(leaves):
    assert scoring.evaluator_total({leaf.id: leaf.max_score for leaf in leaves}, leaves) == D(100)
    assert scoring.evaluator_total({leaf.id: D(0) for leaf in leaves}, leaves) == D(0)


# --- aggregation ---------------------------------------------------------------------------------------------------


@given(two_decimal_totals)
def test_mean_is_the_plain_mean_and_within_bounds(totals):
    result = scoring.aggregate(totals, scoring.MEAN)
    assert min(totals) <= result <= max(totals)
    assert result * len(totals) == pytest.approx(sum(totals), abs=D("1e-20"))
    assert scoring.counted_indices(totals, scoring.MEAN) == list(range(len(totals)))


@given(two_decimal_totals)
def test_trimmed_mean_drops_one_highest_and_one_lowest_from_five(totals):
    counted = scoring.counted_indices(totals, scoring.TRIMMED_MEAN)
    result = scoring.aggregate(totals, scoring.TRIMMED_MEAN)
    if len(totals) < scoring.TRIM_MIN_EVALUATORS:
        assert counted == list(range(len(totals)))
        assert result == scoring.aggregate(totals, scoring.MEAN)
        return
    assert len(counted) == len(totals) - 2
    dropped = [totals[index] for index in range(len(totals)) if index not in counted]
    assert sorted(dropped) == [min(totals), max(totals)]
    kept = sorted(totals)[1:-1]
    assert result * len(kept) == pytest.approx(sum(kept), abs=D("1e-20"))
    assert min(totals) <= result <= max(totals)


def test_trimmed_mean_example_and_ties():
    totals = [D("90"), D("70"), D("80"), D("90"), D("70")]
    # One 90 and one 70 go (the first of each), the mean of 80, 90, 70 remains.
    assert scoring.counted_indices(totals, scoring.TRIMMED_MEAN) == [2, 3, 4]
    assert scoring.aggregate(totals, scoring.TRIMMED_MEAN) == D("80")
    assert scoring.aggregate([D("50"), D("60"), D("70"), D("80")], scoring.TRIMMED_MEAN) == D("65")
    with pytest.raises(ValueError):
        scoring.aggregate(totals, "median")


@given(evaluations(min_sheets=1, max_sheets=9), st.sampled_from(scoring.METHODS))
def test_compute_bounds_and_consistency(case, method):
    leaves, sheets = case
    outcome = scoring.compute(leaves, sheets, method)
    assert D(0) <= outcome.unrounded <= D(100)
    assert D("0.00") <= outcome.score <= D("100.00")
    assert outcome.score == outcome.unrounded.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert outcome.grade == scoring.grade_for(outcome.score)
    assert outcome.trimmed == (method == scoring.TRIMMED_MEAN and len(sheets) >= 5)
    assert len(outcome.counted) == (len(sheets) - 2 if outcome.trimmed else len(sheets))
    # The leaves' mean contributions add up to the aggregate.
    assert sum(outcome.leaf_mean_points.values()) == pytest.approx(outcome.unrounded, abs=D("1e-18"))
    for leaf in leaves:
        assert D(0) <= outcome.leaf_mean_scores[leaf.id] <= leaf.max_score
    for key, total in outcome.totals.items():
        assert total == scoring.evaluator_total(sheets[key], leaves)


def test_compute_refuses_incomplete_sheets():
    leaves = [LeafSpec(1, D("100"), D("10"))]
    with pytest.raises(ValueError):
        scoring.compute(leaves, {"a": {}}, scoring.MEAN)
    with pytest.raises(ValueError):
        scoring.compute(leaves, {}, scoring.MEAN)


# --- rounding and grades ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rounded", "grade"),
    [
        ("89.995", "90.00", scoring.EXCELLENT),
        ("89.994", "89.99", scoring.GOOD),
        ("89.9949999", "89.99", scoring.GOOD),
        ("90", "90.00", scoring.EXCELLENT),
        ("79.995", "80.00", scoring.GOOD),
        ("79.994", "79.99", scoring.FAIR),
        ("59.995", "60.00", scoring.FAIR),
        ("59.994", "59.99", scoring.POOR),
        ("100", "100.00", scoring.EXCELLENT),
        ("0", "0.00", scoring.POOR),
    ],
)
def test_grade_is_decided_on_the_rounded_score(value, rounded, grade):
    assert scoring.round_score(D(value)) == D(rounded)
    assert scoring.grade_for(D(value)) == grade


@given(st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100_000))
def test_grade_bands_match_the_published_score(value):
    published = scoring.round_score(value)
    grade = scoring.grade_for(value)
    if published >= 90:
        assert grade == scoring.EXCELLENT
    elif published >= 80:
        assert grade == scoring.GOOD
    elif published >= 60:
        assert grade == scoring.FAIR
    else:
        assert grade == scoring.POOR
    assert scoring.grade_for(published) == grade


@given(st.lists(st.integers(min_value=0, max_value=10000), min_size=1, max_size=8))
def test_grade_band_edges_through_the_mean(cents):
    """A mean landing on x.xx5 is rounded up before the grade is taken."""
    totals = [D(value) / 100 for value in cents]
    result = scoring.aggregate(totals, scoring.MEAN)
    assume(result.as_tuple().exponent >= -28)
    assert scoring.grade_for(result) == scoring.grade_for(scoring.round_score(result))


def test_needs_comment_below_sixty_percent():
    assert scoring.needs_comment(D("5.99"), D("10"))
    assert not scoring.needs_comment(D("6"), D("10"))
    assert not scoring.needs_comment(None, D("10"))
