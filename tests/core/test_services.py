"""core.services: coded refusals, saving with history, locking, and the transition tables built on them."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.services import Forbidden, Refusals, apply_fields, lock, refuse, render_message, require, save, wrong_state
from core.workflow import Transition, Workflow
from registry.models import Organization
from tests.errors import all_codes, codes
from tests.factories import OrganizationFactory, RegistrarFactory


def test_require_refuses_with_a_coded_forbidden_that_renders_in_each_language():
    with pytest.raises(PermissionDenied) as raised:
        require(False, _("您无权管理该合同。"), code="not_manager")
    assert isinstance(raised.value, Forbidden)
    assert raised.value.code == "not_manager"
    with translation.override("zh-hans"):
        assert str(raised.value) == "您无权管理该合同。"
    with translation.override("en"):
        assert str(raised.value) != "您无权管理该合同。"
    require(True, _("您无权管理该合同。"))  # allowed: nothing raised


def test_refuse_keeps_the_message_unformatted_with_its_code_and_params():
    with pytest.raises(ValidationError) as raised:
        refuse(
            "amount",
            _("支付金额 %(amount)s 元超过剩余可支付金额 %(remaining)s 元。"),
            code="over",
            amount="9.00",
            remaining="1.00",
        )
    error = raised.value
    assert codes(error) == {"amount": ["over"]}
    item = error.error_dict["amount"][0]
    assert item.params == {"amount": "9.00", "remaining": "1.00"}
    assert "%(amount)s" in str(item.message)
    assert error.message_dict == {"amount": ["支付金额 9.00 元超过剩余可支付金额 1.00 元。"]}


def test_refuse_without_a_field_is_about_the_whole_request():
    with pytest.raises(ValidationError) as raised:
        refuse(None, _("评价已定稿，结果已公开，不能再作任何修改。"), code="finalized")
    assert codes(raised.value) == {NON_FIELD_ERRORS: ["finalized"]}


def test_lazy_params_render_in_the_language_of_the_message():
    status = Contract.Status.SIGNED.label
    with translation.override("en"):
        english = render_message(_("当前状态为“%(status)s”，不能%(action)s。"), {"status": status, "action": _("签订")})
    with translation.override("zh-hans"):
        chinese = render_message(_("当前状态为“%(status)s”，不能%(action)s。"), {"status": status, "action": _("签订")})
    assert chinese == "当前状态为“已签订”，不能签订。"
    assert "已签订" not in english and "签订" not in english


def test_refusals_collect_every_field_then_raise_once():
    refusals = Refusals()
    assert not refusals
    refusals.add("start_on", _("请填写开始日期。"), code="required")
    refusals.add(None, _("请填写开始日期。"), code="general")
    refusals.extend(ValidationError({"end_on": ValidationError("x", code="end_before_start")}))
    assert "start_on" in refusals and "end_on" in refusals
    with pytest.raises(ValidationError) as raised:
        refusals.raise_if_any()
    assert codes(raised.value) == {
        "start_on": ["required"],
        NON_FIELD_ERRORS: ["general"],
        "end_on": ["end_before_start"],
    }


@pytest.mark.django_db
def test_refusals_full_clean_adds_the_models_own_errors_except_on_refused_fields():
    organization = OrganizationFactory.build(name="", uscc="bad")
    refusals = Refusals()
    refusals.add("uscc", _("统一社会信用代码有误。"), code="uscc_invalid")
    with pytest.raises(ValidationError) as raised:
        refusals.full_clean(organization)
    found = codes(raised.value)
    assert found["uscc"] == ["uscc_invalid"]  # the model's own check of that field is not added a second time
    assert "blank" in found["name"]


def test_wrong_state_names_the_status_and_the_action():
    error = wrong_state(_("签订"), Contract.Status.SIGNED.label)
    assert all_codes(error) == {"wrong_state"}
    assert error.messages == ["当前状态为“已签订”，不能签订。"]


def test_apply_fields_refuses_a_field_the_service_does_not_change():
    organization = Organization(name="甲")
    apply_fields(organization, {"name": "乙"}, ("name",), "organization_update")
    assert organization.name == "乙"
    with pytest.raises(TypeError, match="organization_update\\(\\) cannot change status"):
        apply_fields(organization, {"status": "revoked"}, ("name",), "organization_update")


@pytest.mark.django_db
def test_save_validates_records_the_actor_and_the_reason_then_forgets_them():
    registrar = RegistrarFactory()
    organization = OrganizationFactory()
    organization.domicile = "呼和浩特市赛罕区大学西街 1 号"
    save(organization, actor=registrar, reason="住所变更")
    record = organization.history.first()
    assert record.history_user == registrar
    assert record.history_change_reason == "住所变更"
    assert not hasattr(organization, "_history_user") and not hasattr(organization, "_change_reason")
    organization.name = ""
    with pytest.raises(ValidationError):
        save(organization, actor=registrar)


@pytest.mark.django_db
def test_the_system_acting_alone_is_named_in_the_history():
    organization = OrganizationFactory()
    organization.domicile = "新住所"
    save(organization, actor=None, reason="整改逾期")
    record = organization.history.first()
    assert record.history_user is None
    assert record.history_change_reason == "系统自动处理：整改逾期"


@pytest.mark.django_db
def test_lock_reloads_the_row():
    organization = OrganizationFactory(domicile="旧住所")
    Organization.objects.filter(pk=organization.pk).update(domicile="新住所")
    lock(organization)
    assert organization.domicile == "新住所"


def test_a_workflow_checks_transitions_and_lists_what_a_status_allows():
    workflow = Workflow(
        Contract.Status,
        [
            Transition("sign", _("签订"), {Contract.Status.DRAFT}, Contract.Status.SIGNED),
            Transition("terminate", _("终止"), {Contract.Status.SIGNED, Contract.Status.PERFORMING}),
        ],
    )
    assert workflow.allows("sign", Contract.Status.DRAFT)
    assert not workflow.allows("sign", Contract.Status.SIGNED)
    assert [transition.action for transition in workflow.available(Contract.Status.SIGNED)] == ["terminate"]
    workflow.check("sign", Contract.Status.DRAFT)
    with pytest.raises(ValidationError) as raised:
        workflow.check("terminate", Contract.Status.DRAFT)
    assert all_codes(raised.value) == {"wrong_state"}
    assert raised.value.messages == ["当前状态为“草稿”，不能终止。"]


def test_a_workflow_refuses_unknown_statuses_and_repeated_actions():
    with pytest.raises(ValueError, match="unknown statuses"):
        Workflow(Contract.Status, [Transition("sign", _("签订"), {"nonsense"})])
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(Contract.Status, [Transition("a", "a", {"draft"}), Transition("a", "a", {"draft"})])
