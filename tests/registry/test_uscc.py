"""USCC checks (GB 32100-2015 with the inner GB 11714 check): real codes, normalization, every failure's message."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.models import Organization, Region
from registry.uscc import ALPHABET, check_digit, inner_check_digit, make_uscc, validate_organization_uscc, validate_uscc

pytestmark = pytest.mark.django_db

REAL_CODES = {
    "51100000500002862F": Organization.Type.ASSOCIATION,  # 中国自动化学会
    "53100000500019795A": Organization.Type.FOUNDATION,  # 中国社会福利基金会
    "52110000MJ0166456X": Organization.Type.SERVICE,  # 北京雁栖湖应用数学研究院
}
# Regions loaded into every test database by conftest (load_regions).
LOADED_REGION_CODES = ["100000", "110000", "150000", "150100", "150102", "150200", "150400", "152921"]
# The same code typed with full-width (全角) digits and letters.
FULL_WIDTH = "51100000500002862F".translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})
db_hypothesis = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def message_of(value: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value, **kwargs)
    return caught.value.messages[0]


def code_of(value: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value, **kwargs)
    return caught.value.error_list[0].code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass_with_their_declared_type(code):
    org_type = REAL_CODES[code]
    category = Organization.TYPE_CATEGORY_DIGIT[org_type]
    assert validate_uscc(code, category=category, category_label=str(org_type.label)) == code


@pytest.mark.parametrize(
    "typed",
    [
        "51100000500002862f",
        " 5110 0000 5000 0286 2F ",
        "511000-005000-02862F",
        FULL_WIDTH,
        FULL_WIDTH.lower(),
        "\t51100000500002862F\n",
    ],
)
def test_input_is_normalized(typed):
    assert validate_uscc(typed) == "51100000500002862F"


def test_normalizes_lower_case_letters_inside_the_code():
    assert validate_uscc("52110000mj0166456x") == "52110000MJ0166456X"


@db_hypothesis
@given(
    category=st.sampled_from("1239"),
    region_code=st.sampled_from(LOADED_REGION_CODES),
    entity=st.text(alphabet=ALPHABET, min_size=8, max_size=8),
)
def test_generated_codes_pass(category, region_code, entity):
    code = make_uscc(category, region_code, entity)
    assert len(code) == 18
    assert validate_uscc(code, category=category) == code
    assert validate_uscc(code.lower()) == code


@db_hypothesis
@given(
    category=st.sampled_from("1239"),
    region_code=st.sampled_from(LOADED_REGION_CODES),
    entity=st.text(alphabet=ALPHABET, min_size=8, max_size=8),
    position=st.integers(min_value=0, max_value=17),
    data=st.data(),
)
def test_any_single_character_change_is_refused(category, region_code, entity, position, data):
    code = make_uscc(category, region_code, entity)
    replacement = data.draw(st.sampled_from([char for char in ALPHABET if char != code[position]]))
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


def test_length_message():
    assert message_of("51100000500002862") == "统一社会信用代码应为18位，当前为17位"
    assert message_of("51100000500002862FF") == "统一社会信用代码应为18位，当前为19位"
    assert message_of("") == "统一社会信用代码应为18位，当前为0位"
    assert code_of("5110") == "length"


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "*"])
def test_alphabet_message_names_position_and_character(bad):
    code = "5110" + bad + "0000500002862F"[1:]
    assert len(code) == 18
    assert message_of(code) == (f"第5位“{bad}”不是有效字符（只能是数字和除 I、O、Z、S、V 以外的大写字母）")
    assert code_of(code) == "alphabet"


def test_department_digit_message():
    assert message_of("91100000500002862F") == "第1位登记管理部门代码应为5（民政部门），当前为9"
    assert code_of("91100000500002862F") == "department"


def test_category_digit_message():
    assert message_of("54100000500002862F") == (
        "第2位机构类别代码应为1（社会团体）、2（社会服务机构）、3（基金会）或9（其他），当前为4"
    )
    assert code_of("54100000500002862F") == "category"


def test_region_format_message():
    assert message_of("5110000A500002862F") == "第3-8位应为6位数字的行政区划代码，当前为10000A"
    assert code_of("5110000A500002862F") == "region_format"


def test_inner_check_message():
    entity8 = "50000286"
    assert inner_check_digit(entity8) == "2"
    first17 = "51100000" + entity8 + "3"  # position 17 wrong, position 18 computed to match it
    code = first17 + check_digit(first17)
    assert message_of(code) == "第17位组织机构代码校验码应为2，当前为3"
    assert code_of(code) == "inner_check"


def test_check_digit_message_names_the_expected_character():
    assert message_of("51100000500002862G") == "第18位校验码应为F，当前为G"
    assert message_of("52110000MJ01664560") == "第18位校验码应为X，当前为0"
    assert code_of("51100000500002862G") == "check_digit"


def test_unknown_region_message():
    assert not Region.objects.filter(code="123456").exists()
    code = make_uscc("2", "123456", "MJ0000AB")
    assert message_of(code) == "第3-8位登记管理机关行政区划代码123456不是已知的行政区划"
    assert code_of(code) == "region"
    # An explicit set of known codes answers without the database.
    assert validate_uscc(code, region_codes={"123456"}) == code


def test_type_mismatch_message():
    label = str(Organization.Type.SERVICE.label)
    assert message_of("51100000500002862F", category="2", category_label=label) == (
        "第2位机构类别代码1表示“社会团体”，与所填类型“社会服务机构(民办非企业单位)”不一致"
    )
    assert code_of("51100000500002862F", category="2", category_label=label) == "category_mismatch"
    # Without a label the category's own name is used.
    assert message_of("53100000500019795A", category="1") == (
        "第2位机构类别代码3表示“基金会”，与所填类型“社会团体”不一致"
    )


def test_every_failure_kind_has_its_own_message():
    failures = [
        "5110",
        "5110I0000500002862F"[:18],
        "91100000500002862F",
        "54100000500002862F",
        "5110000A500002862F",
        "51100000500002863" + check_digit("51100000500002863"),
        "51100000500002862G",
        make_uscc("2", "123456", "MJ0000AB"),
    ]
    messages = {message_of(code) for code in failures}
    messages.add(message_of("51100000500002862F", category="2"))
    assert len(messages) == len(failures) + 1


def test_refusals_carry_their_params_and_render_in_the_readers_language():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("51100000500002862")
    error = caught.value.error_list[0]
    assert (error.code, error.params) == ("length", {"length": 17})
    assert caught.value.messages == ["统一社会信用代码应为18位，当前为17位"]
    with translation.override("en"):
        assert caught.value.messages == ["A unified social credit code has 18 characters; this one has 17"]


def test_organization_code_is_checked_against_the_declared_type():
    association = "51100000500002862F"
    assert validate_organization_uscc(association.lower(), Organization.Type.ASSOCIATION) == association
    assert validate_organization_uscc(association, None) == association  # no type yet: no category to compare
    with pytest.raises(ValidationError) as caught:
        validate_organization_uscc(association, Organization.Type.SERVICE)
    error = caught.value.error_list[0]
    assert error.code == "category_mismatch"
    assert caught.value.messages == ["第2位机构类别代码1表示“社会团体”，与所填类型“社会服务机构(民办非企业单位)”不一致"]
    with translation.override("en"):
        assert "Social service organization (private non-enterprise unit)" in caught.value.messages[0]
