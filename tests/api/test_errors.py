"""Every API error has one body, with the message in the request's language and in both Chinese and English."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from api.exceptions import ApiError, call_service
from core.services import require
from registry.models import Department
from tests.api.conftest import client_for
from tests.factories import region

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "message_zh", "message_en", "fields"}
    return body["error"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "身份认证信息未提供。"), ("en", "Authentication credentials were not provided.")],
)
def test_missing_credentials_answer_401_in_the_request_language(language, expected):
    response = APIClient().post("/api/v1/contracts/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    error = error_of(response)
    assert error["code"] == "not_authenticated"
    assert error["message"] == expected
    assert error["message_zh"] == "身份认证信息未提供。"
    assert error["message_en"] == "Authentication credentials were not provided."
    assert error["fields"] == {}


@pytest.mark.parametrize(
    ("language", "required"),
    [("zh-hans", "该字段是必填项。"), ("en", "This field is required.")],
)
def test_invalid_input_lists_each_field(users, language, required):
    response = client_for(users["purchaser"]).post(
        "/api/v1/contracts/", {"title": "无名合同"}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert error["message"] == (error["message_en"] if language == "en" else error["message_zh"])
    assert error["fields"]["department"] == [required]
    assert error["fields"]["amount"] == [required]
    assert "title" not in error["fields"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_service_refusal_carries_every_broken_rule(users, draft_contract, language):
    """Signing in the future breaks a signing rule: the service's message comes back in both languages."""
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client_for(users["purchaser"]).post(
        f"/api/v1/contracts/{draft_contract.number}/sign/",
        {"signed_on": future},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "date_in_future"
    with translation.override("zh-hans"):
        expected_zh = _("签订日期：签订日期 %(day)s 不能晚于今天。") % {"day": future}
    with translation.override("en"):
        expected_en = _("签订日期：签订日期 %(day)s 不能晚于今天。") % {"day": future}
    assert expected_zh in error["message_zh"]
    assert expected_en in error["message_en"]
    assert error["message"] == (error["message_en"] if language == "en" else error["message_zh"])
    draft_contract.refresh_from_db()
    assert draft_contract.status == "draft"


def test_permission_refusal_from_the_service_is_403_with_its_reason(users, organization):
    """A member may change only the contact data: the service's own sentence explains the refusal."""
    response = client_for(users["member"]).patch(
        f"/api/v1/organizations/{organization.uscc}/", {"name": "改名"}, format="json"
    )
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "contact_fields_only"
    assert "联系电话" in error["message_zh"]
    assert "联系电话" not in error["message_en"]
    organization.refresh_from_db()
    assert organization.name != "改名"


def test_not_found_and_filters_use_the_same_body():
    missing = APIClient().get("/api/v1/contracts/NO-SUCH-0001/")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    bad_filter = APIClient().get("/api/v1/organizations/", {"region": "999999"})
    assert bad_filter.status_code == 400
    error = error_of(bad_filter)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["region"]


def test_call_service_calls_a_refused_service_once_and_renders_both_languages():
    """The other language comes from rendering the lazy message again, not from calling the service again."""
    calls = []

    @transaction.atomic
    def service():
        calls.append(translation.get_language())
        Department.objects.create(
            name=f"临时部门{len(calls)}", code=f"TMP{len(calls)}", region=region("150100"), kind="purchaser"
        )
        raise ValidationError({"start_on": [ValidationError(gettext_lazy("Enter a valid date."), code="invalid_date")]})

    with translation.override("en"), pytest.raises(ApiError) as raised:
        call_service(service)
    error = raised.value
    assert error.status_code == 400
    assert error.code == "invalid_date"
    assert error.messages["en"] == "Enter a valid date."
    assert error.messages["zh-hans"] == "输入一个有效的日期。"
    assert error.fields == {"start_on": ["Enter a valid date."]}
    assert calls == ["en"]
    assert not Department.objects.filter(code__startswith="TMP").exists()


def test_call_service_maps_permission_denied_to_403():
    def service():
        raise PermissionDenied(_("您无权管理该合同。"))

    with pytest.raises(ApiError) as raised:
        call_service(service)
    assert raised.value.status_code == 403
    assert raised.value.code == "permission_denied"
    assert raised.value.messages["zh-hans"] == "您无权管理该合同。"


def test_a_coded_refusal_to_act_keeps_its_code_and_renders_in_both_languages():
    def service():
        require(False, gettext_lazy("您无权管理该合同。"), code="not_contract_manager")

    with pytest.raises(ApiError) as raised:
        call_service(service)
    assert raised.value.status_code == 403
    assert raised.value.code == "not_contract_manager"
    with translation.override("en"):
        english = _("您无权管理该合同。")
    assert english != "您无权管理该合同。"
    assert raised.value.messages == {"zh-hans": "您无权管理该合同。", "en": english}


def test_the_first_code_of_several_broken_rules_names_the_refusal():
    def service():
        raise ValidationError(
            {
                "amount": [ValidationError(gettext_lazy("金额须大于零。"), code="amount_not_positive")],
                "end_on": [ValidationError(gettext_lazy("结束日期不能早于开始日期。"), code="end_before_start")],
            }
        )

    with pytest.raises(ApiError) as raised:
        call_service(service)
    assert raised.value.code == "amount_not_positive"
    assert set(raised.value.fields) == {"amount", "end_on"}


def test_session_writes_need_the_csrf_token(users, department):
    """Browsers use the session; a session-authenticated write without the CSRF token is refused."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(users["purchaser"])
    response = client.post(
        "/api/v1/purchase-lists/", {"department": department.code, "year": 2027, "title": "目录"}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message_en"]


def test_token_authentication(users, department, password):
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": users["purchaser"].username, "password": password}, format="json"
    )
    assert token.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    response = client.post(
        "/api/v1/purchase-lists/", {"department": department.code, "year": 2027, "title": "2027 年目录"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "draft"


def test_a_refused_service_has_its_side_effects_once():
    """Nothing of a refused call runs twice (a rate-limit counter, a file written, an e-mail sent)."""
    counted = []

    def service():
        counted.append(1)
        message = gettext_lazy("该检查已于 %(day)s 完成，不能重复登记结果。")
        raise ValidationError(message, code="already_completed", params={"day": "2026-03-01"})

    with translation.override("zh-hans"), pytest.raises(ApiError) as raised:
        call_service(service)
    assert counted == [1]
    assert raised.value.code == "already_completed"
    assert raised.value.messages["zh-hans"] == "该检查已于 2026-03-01 完成，不能重复登记结果。"
    with translation.override("en"):
        assert raised.value.messages["en"] == _("该检查已于 %(day)s 完成，不能重复登记结果。") % {"day": "2026-03-01"}


def test_a_successful_service_is_called_once():
    calls = []

    def service():
        calls.append(1)
        return "done"

    assert call_service(service) == "done"
    assert calls == [1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_lazy_messages_with_params_render_in_each_language(language):
    """A lazy message with params is rendered from its template under each language."""

    def service():
        raise ValidationError(
            {
                "signed_on": [
                    ValidationError(
                        gettext_lazy("签订日期：签订日期 %(day)s 不能晚于今天。"), params={"day": "2030-01-01"}
                    )
                ]
            }
        )

    with translation.override(language), pytest.raises(ApiError) as raised:
        call_service(service)
    with translation.override("en"):
        expected_en = _("签订日期：签订日期 %(day)s 不能晚于今天。") % {"day": "2030-01-01"}
    assert raised.value.messages == {
        "zh-hans": "签订日期：签订日期 2030-01-01 不能晚于今天。",
        "en": expected_en,
    }
    assert expected_en != raised.value.messages["zh-hans"]
    expected = expected_en if language == "en" else raised.value.messages["zh-hans"]
    assert raised.value.fields == {"signed_on": [expected]}


def test_a_text_in_no_catalogue_is_given_as_it_is_in_both_languages():
    def service():
        raise PermissionDenied("外部系统拒绝：编号 Q-17")

    with translation.override("zh-hans"), pytest.raises(ApiError) as raised:
        call_service(service)
    assert raised.value.messages == {"zh-hans": "外部系统拒绝：编号 Q-17", "en": "外部系统拒绝：编号 Q-17"}


def test_a_refused_complaint_is_not_counted_against_the_rate_limit(settings, organization):
    """The complaint service runs once per request: a refused filing adds nothing to the hourly count."""
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    client = APIClient()
    refused = client.post("/api/v1/complaints/", {"subject": "投诉", "text": "内容"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"organization": ["请选择被投诉举报的社会组织或合同。"]}
    with translation.override("en"):
        assert refused.json()["error"]["message_en"] == _("请选择被投诉举报的社会组织或合同。")
    data = {"organization": organization.uscc, "subject": "投诉", "text": "内容"}
    assert [client.post("/api/v1/complaints/", data, format="json").status_code for _ in range(3)] == [201, 201, 429]
