"""Indicator sets: the weights rule, activation, freezing on use and new versions."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluations import services
from evaluations.models import Indicator, IndicatorSet
from evaluations.selectors import indicator_set_list, indicator_set_problems, indicator_tree, usable_indicator_sets
from tests.errors import all_codes, codes
from tests.evaluations.conftest import create_evaluation, make_set
from tests.factories import OrganizationMemberFactory, RegistrarFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(db):
    return RegistrarFactory()


def build(official, weights_by_group: dict[str, list[str]]) -> IndicatorSet:
    indicator_set = services.indicator_set_create(actor=official, name="社区服务项目绩效评价指标", description="测试")
    for group_code, weights in weights_by_group.items():
        total = sum((Decimal(weight) for weight in weights), Decimal(0))
        root = services.indicator_add(
            actor=official, indicator_set=indicator_set, code=group_code, name=f"一级{group_code}", weight=total
        )
        for index, weight in enumerate(weights, start=1):
            services.indicator_add(
                actor=official,
                indicator_set=indicator_set,
                code=f"{group_code}{index}",
                name=f"二级{group_code}{index}",
                weight=Decimal(weight),
                parent=root,
            )
    return indicator_set


def test_activation_needs_leaf_weights_summing_to_exactly_100(official):
    indicator_set = build(official, {"A": ["15"], "B": ["25"], "C": ["35"], "D": ["23.5"]})
    with pytest.raises(ValidationError) as error:
        services.indicator_set_activate(actor=official, indicator_set=indicator_set)
    assert "末级指标分值合计为 98.50，应为 100.00。" in error.value.messages
    assert all_codes(error.value) == {"weights_not_100"}
    assert error.value.error_list[0].params == {"sum": "98.50"}
    indicator_set.refresh_from_db()
    assert indicator_set.status == IndicatorSet.Status.DRAFT

    leaf = Indicator.objects.get(indicator_set=indicator_set, code="D1")
    services.indicator_update(actor=official, indicator=leaf, weight=Decimal("25"))
    parent = Indicator.objects.get(indicator_set=indicator_set, code="D")
    with pytest.raises(ValidationError) as error:
        services.indicator_set_activate(actor=official, indicator_set=indicator_set)
    assert any("其下级指标分值合计为 25.00" in message for message in error.value.messages)
    assert all_codes(error.value) == {"children_weight_mismatch"}
    services.indicator_update(actor=official, indicator=parent, weight=Decimal("25"))
    assert indicator_set_problems(indicator_set) == []
    services.indicator_set_activate(actor=official, indicator_set=indicator_set)
    indicator_set.refresh_from_db()
    assert indicator_set.status == IndicatorSet.Status.ACTIVE and indicator_set.activated_at is not None


def test_tree_levels_codes_and_defaults(official):
    indicator_set = build(official, {"A": ["40", "60"]})
    tree = indicator_tree(indicator_set)
    assert [(indicator.code, indicator.level, indicator.is_leaf) for indicator in tree] == [
        ("A", 1, False),
        ("A1", 2, True),
        ("A2", 2, True),
    ]
    assert tree[1].max_score == Decimal("40")  # scored directly in points unless told otherwise
    third = services.indicator_add(
        actor=official,
        indicator_set=indicator_set,
        code="A11",
        name="三级",
        weight=Decimal("40"),
        parent=tree[1],
        max_score=Decimal("100"),
    )
    assert third.level == 3
    with pytest.raises(ValidationError, match="最多三级") as error:
        services.indicator_add(
            actor=official, indicator_set=indicator_set, code="A111", name="四级", weight=Decimal("1"), parent=third
        )
    assert codes(error.value) == {"parent": ["too_deep"]}
    with pytest.raises(ValidationError) as error:
        services.indicator_add(actor=official, indicator_set=indicator_set, code="A1", name="重复", weight=Decimal(1))
    assert "同一指标体系中的指标编码不能重复。" in error.value.messages
    with pytest.raises(ValidationError):
        services.indicator_add(actor=official, indicator_set=indicator_set, code="Z", name="零分", weight=Decimal(0))


def test_only_officials_keep_indicator_sets(official):
    member = OrganizationMemberFactory()
    with pytest.raises(PermissionDenied) as error:
        services.indicator_set_create(actor=member, name="不应创建")
    assert all_codes(error.value) == {"permission_denied"}
    indicator_set = make_set(status=IndicatorSet.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.indicator_set_activate(actor=member, indicator_set=indicator_set)
    assert indicator_set not in indicator_set_list(user=member)
    assert indicator_set in indicator_set_list(user=official)


def test_active_and_frozen_sets_are_not_edited(official):
    indicator_set = make_set(status=IndicatorSet.Status.ACTIVE)
    leaf = Indicator.objects.filter(indicator_set=indicator_set, children__isnull=True).first()
    with pytest.raises(ValidationError) as error:
        services.indicator_update(actor=official, indicator=leaf, weight=Decimal("1"))
    assert error.value.messages == [f"指标体系“{indicator_set.label}”已启用，不能修改；如需调整，请创建新版本。"]
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.error_list[0].params["status"] == "已启用"
    with pytest.raises(ValidationError) as error:
        services.indicator_add(actor=official, indicator_set=indicator_set, code="X", name="新增", weight=Decimal(1))
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as error:
        services.indicator_remove(actor=official, indicator=leaf)
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as error:
        services.indicator_set_activate(actor=official, indicator_set=indicator_set)
    assert all_codes(error.value) == {"wrong_state"}
    # Unused: back to draft is allowed.
    services.indicator_set_reopen(actor=official, indicator_set=indicator_set)
    assert indicator_set.status == IndicatorSet.Status.DRAFT


def test_a_set_used_by_an_evaluation_is_frozen_and_changes_as_a_new_version(official, purchaser, contract):
    indicator_set = make_set(leaves=5, name="居家养老服务绩效评价指标")
    evaluation = create_evaluation(purchaser, contract, indicator_set)
    indicator_set.refresh_from_db()
    assert indicator_set.status == IndicatorSet.Status.FROZEN
    assert evaluation.indicator_set == indicator_set

    with pytest.raises(ValidationError, match="已冻结") as error:
        services.indicator_set_reopen(actor=official, indicator_set=indicator_set)
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError, match="请创建新版本") as error:
        services.indicator_set_update(actor=official, indicator_set=indicator_set, description="改")
    assert all_codes(error.value) == {"wrong_state"}

    new = services.indicator_set_new_version(actor=official, indicator_set=indicator_set)
    assert (new.name, new.version, new.status, new.previous_version) == (
        indicator_set.name,
        2,
        IndicatorSet.Status.DRAFT,
        indicator_set,
    )
    old_tree = [
        (i.code, i.level, i.weight, i.max_score, i.parent.code if i.parent else None)
        for i in indicator_tree(indicator_set)
    ]
    new_tree = [
        (i.code, i.level, i.weight, i.max_score, i.parent.code if i.parent else None) for i in indicator_tree(new)
    ]
    assert new_tree == old_tree
    assert not set(new.indicators.values_list("pk", flat=True)) & set(
        indicator_set.indicators.values_list("pk", flat=True)
    )

    # Editing the new version leaves the frozen one and the evaluation untouched.
    leaf = new.indicators.get(code=old_tree[-1][0])
    services.indicator_update(actor=official, indicator=leaf, name="改名后的指标")
    assert indicator_set.indicators.get(code=leaf.code).name != "改名后的指标"

    with pytest.raises(ValidationError, match="草稿版本") as error:
        services.indicator_set_new_version(actor=official, indicator_set=indicator_set)
    assert all_codes(error.value) == {"draft_exists"}
    with pytest.raises(ValidationError) as error:
        services.indicator_set_new_version(actor=official, indicator_set=new)
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as error:
        services.indicator_set_update(actor=official, indicator_set=new, name="别的名称")
    assert codes(error.value) == {"name": ["rename_not_allowed"]}
    services.indicator_set_activate(actor=official, indicator_set=new)
    third = services.indicator_set_new_version(actor=official, indicator_set=new)
    assert third.version == 3
    assert set(usable_indicator_sets()) >= {indicator_set, new}


def test_draft_or_invalid_sets_cannot_be_used(purchaser, contract):
    draft = make_set(status=IndicatorSet.Status.DRAFT)
    with pytest.raises(ValidationError, match="尚未启用") as error:
        create_evaluation(purchaser, contract, draft)
    assert codes(error.value) == {"indicator_set": ["wrong_state"]}
    invalid = make_set()
    invalid.indicators.filter(parent__isnull=False).first().delete()
    with pytest.raises(ValidationError) as error:
        create_evaluation(purchaser, contract, invalid)
    assert codes(error.value) == {"indicator_set": ["children_weight_mismatch", "weights_not_100"]}


def test_set_names_are_unique_across_first_versions(official):
    services.indicator_set_create(actor=official, name="同名")
    with pytest.raises(ValidationError, match="新版本") as error:
        services.indicator_set_create(actor=official, name="同名")
    assert codes(error.value) == {"name": ["name_taken"]}


def test_a_set_in_use_is_not_reopened(official, purchaser, contract):
    indicator_set = make_set()
    create_evaluation(purchaser, contract, indicator_set)
    IndicatorSet.objects.filter(pk=indicator_set.pk).update(status=IndicatorSet.Status.ACTIVE)  # e.g. by hand
    indicator_set.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.indicator_set_reopen(actor=official, indicator_set=indicator_set)
    assert all_codes(error.value) == {"indicator_set_in_use"}


def test_bad_numbers_are_refused_on_their_field(official):
    indicator_set = services.indicator_set_create(actor=official, name="数字校验")
    with pytest.raises(ValidationError) as error:
        services.indicator_add(actor=official, indicator_set=indicator_set, code="A", name="一级", weight="十")
    assert codes(error.value) == {"weight": ["not_a_number"]}
    assert error.value.messages == ["分值须为数字。"]
    with pytest.raises(ValidationError) as error:
        services.indicator_add(
            actor=official, indicator_set=indicator_set, code="A", name="一级", weight="10", max_score="1.234"
        )
    assert codes(error.value) == {"max_score": ["too_many_decimals"]}
