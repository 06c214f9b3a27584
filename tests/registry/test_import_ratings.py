"""Importing organizations with their evaluation grades (评估等级, 评估得分, 评定日期): each rated row becomes a Rating
once the organizations are written, never twice."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from registry import imports
from registry.imports import organizations_import
from registry.models import Organization, Rating
from tests.factories import RegistrarFactory
from tests.registry.test_import import HEADERS, org_row, run_command, write_file

pytestmark = pytest.mark.django_db


RATED_HEADERS = [*HEADERS, "评估等级", "评估得分", "评定日期"]


def rated_row(n: int, grade="4A", score="856.5", awarded_on="2022-03-15", **overrides) -> dict:
    return org_row(n, 评估等级=grade, 评估得分=score, 评定日期=awarded_on, **overrides)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_rows_with_a_grade_create_ratings_valid_five_years_with_history(tmp_path, bureaus, suffix):
    registrar = RegistrarFactory(department=bureaus["HHMZ"])
    rows = [
        rated_row(1),
        rated_row(2, grade="aaaaa", score="", awarded_on="2024年2月29日", 登记管理机关="HHMZ"),
        org_row(3),
        rated_row(4, grade="", score="", awarded_on=""),
    ]
    path = write_file(tmp_path / f"rated{suffix}", rows, headers=RATED_HEADERS)

    out, _ = run_command(str(path), user=registrar.username)

    assert "新增 4，更新 0，未变 0（共 4 行）；评估等级：新增 2" in out
    first = Rating.objects.get(organization__uscc=rows[0]["统一社会信用代码"])
    assert (first.grade, first.score, first.awarded_on, first.valid_until) == (
        "4A",
        Decimal("856.50"),
        datetime.date(2022, 3, 15),
        datetime.date(2027, 3, 15),
    )
    assert first.awarding_authority == bureaus["HHMZ"] == first.organization.registration_authority
    leap = Rating.objects.get(organization__uscc=rows[1]["统一社会信用代码"])
    assert (leap.grade, leap.score, leap.valid_until) == ("5A", None, datetime.date(2029, 2, 28))
    assert Rating.objects.count() == 2
    history = Rating.history.all()
    assert history.count() == 2
    assert {(record.history_type, record.history_user_id) for record in history} == {("+", registrar.pk)}
    assert {record.history_change_reason for record in history} == {f"批量导入：rated{suffix}"}


def test_reimporting_ratings_creates_none_and_a_new_award_is_added(tmp_path, bureaus):
    rows = [rated_row(1), rated_row(2, grade="3A")]
    path = write_file(tmp_path / "rated.xlsx", rows, headers=RATED_HEADERS)
    assert organizations_import(actor=None, source=path).ratings_created == 2

    out, _ = run_command(str(path))

    assert "新增 0，更新 0，未变 2（共 2 行）；评估等级：新增 0" in out
    assert (Rating.objects.count(), Rating.history.count()) == (2, 2)

    rows[1]["评估等级"] = "4A"
    rows[1]["评定日期"] = "2025-09-01"
    result = organizations_import(actor=None, source=write_file(tmp_path / "v2.xlsx", rows, headers=RATED_HEADERS))
    assert (result.unchanged, result.ratings_created) == (2, 1)
    organization = Organization.objects.get(uscc=rows[1]["统一社会信用代码"])
    assert list(organization.ratings.values_list("grade", "awarded_on")) == [
        ("4A", datetime.date(2025, 9, 1)),
        ("3A", datetime.date(2022, 3, 15)),
    ]


def test_bad_grades_and_missing_award_dates_are_named_by_row_and_column(tmp_path, bureaus):
    future = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    rows = [
        rated_row(1),
        rated_row(2, grade="6A"),
        rated_row(3, awarded_on=""),
        rated_row(4, awarded_on=future),
        rated_row(5, score="-3"),
        rated_row(6, grade="", score="", awarded_on="2022-01-01"),
        rated_row(7, awarded_on="2010-01-01"),
    ]
    path = write_file(tmp_path / "rated.csv", rows, headers=RATED_HEADERS)

    result = organizations_import(actor=None, source=path)

    assert [(error.row, error.column, error.value, error.reason) for error in result.errors] == [
        (3, "评估等级", "6A", "不是有效的评估等级，应为1A、2A、3A、4A或5A"),
        (4, "评定日期", "", "填写了评估等级时必须填写评定日期"),
        (5, "评定日期", future, "评定日期晚于今天，不能登记将来的日期"),
        (6, "评估得分", "-3", "评估得分应为不小于0的数字（最多两位小数，小于10000）"),
        (7, "评估等级", "", "填写了评估得分或评定日期时必须填写评估等级"),
        (8, "评定日期", "2010-01-01", "评定日期2010-01-01早于成立日期2015-06-01"),
    ]
    assert str(result.errors[0]) == "第3行 评估等级“6A”：不是有效的评估等级，应为1A、2A、3A、4A或5A"
    assert (Organization.objects.count(), Rating.objects.count(), Rating.history.count()) == (0, 0, 0)


def test_dry_run_counts_ratings_but_writes_none(tmp_path, bureaus):
    path = write_file(tmp_path / "rated.xlsx", [rated_row(1), rated_row(2), org_row(3)], headers=RATED_HEADERS)

    out, _ = run_command(str(path), dry_run=True)

    assert "试运行，未写入任何数据：新增 3，更新 0，未变 0（共 3 行）；评估等级：新增 2" in out
    assert (Organization.objects.count(), Rating.objects.count(), Rating.history.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1A", "1A"), ("３ａ", "3A"), (" 5a ", "5A"), ("AAAA", "4A"), ("", None), (None, None)],
)
def test_grades_in_the_accepted_spellings(value, expected):
    assert imports.parse_rating_grade(value) == expected


@pytest.mark.parametrize("value", ["6A", "0A", "A+", "AAAAAA", "优秀"])
def test_bad_grades(value):
    with pytest.raises(ValueError, match="不是有效的评估等级"):
        imports.parse_rating_grade(value)
