"""Contract and purchase-list pages: who may open each page, and the forms calling their services.

The rule every page follows: anonymous users are sent to log in, signed-in users without the page's role get 403,
objects outside the user's reach (another region, another organization, a draft) get 404.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from contracts import services
from contracts.models import Amendment, Contract, ContractDocument, Deliverable, Payment, PurchaseItem, PurchaseList
from tests.contracts.conftest import eligible_organization
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    OrganizationFactory,
    PurchaseItemFactory,
    PurchaseListFactory,
    RegistrarFactory,
    SuperuserFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


def today():
    """The day in TIME_ZONE when the test runs (a run may cross midnight)."""
    return timezone.localdate()


@pytest.fixture
def users(purchaser, member, other_member, chifeng_purchaser):
    return {
        "anonymous": None,
        "registrar": RegistrarFactory(department__region=region("150100")),
        "member": member,
        "other_member": other_member,
        "other_purchaser": chifeng_purchaser,
        "purchaser": purchaser,
    }


def get_as(client, user, url, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.get(url, **kwargs)


def post_as(client, user, url, data=None, **kwargs):
    client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.fixture
def draft_list(department):
    purchase_list = PurchaseListFactory(department=department, title="2027 年养老服务购买目录")
    PurchaseItemFactory(purchase_list=purchase_list, code="B0001")
    return purchase_list


@pytest.fixture
def performing_contract(purchaser, signed_contract):
    return services.contract_start_performance(actor=purchaser, contract=signed_contract)


@pytest.fixture
def submission(member, performing_contract):
    deliverable = performing_contract.deliverables.order_by("due_on").first()
    return services.submission_create(
        actor=member, deliverable=deliverable, report="完成上半年助餐服务 6000 人次", files=[make_upload("pdf")]
    )


# ---- permissions -------------------------------------------------------------------------------------------------

PURCHASER_ONLY = [
    ("anonymous", "login"),
    ("registrar", 403),
    ("member", 403),
    ("other_member", 403),
    ("other_purchaser", 404),
    ("purchaser", 200),
]

LIST_PAGES = [
    "purchase-list-edit",
    "purchase-list-delete",
    "purchase-list-publish",
    "purchase-list-withdraw",
    "purchase-list-revise",
    "purchase-item-create",
    "purchase-item-import",
    "purchase-item-edit",
    "purchase-item-remove",
]


def list_page_url(name, purchase_list):
    if name in ("purchase-item-edit", "purchase-item-remove"):
        return reverse(f"contracts:{name}", args=[purchase_list.pk, purchase_list.items.first().pk])
    return reverse(f"contracts:{name}", args=[purchase_list.pk])


def check(response, expected):
    if expected == "login":
        assert_login_redirect(response)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize(("who", "expected"), PURCHASER_ONLY)
def test_purchase_list_pages_of_a_draft(client, users, draft_list, name, who, expected):
    check(get_as(client, users[who], list_page_url(name, draft_list)), expected)


@pytest.mark.parametrize("name", LIST_PAGES)
def test_purchasers_of_another_region_get_404_even_for_a_published_list(client, chifeng_purchaser, item, name):
    response = get_as(client, chifeng_purchaser, list_page_url(name, item.purchase_list))
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "expected"), PURCHASER_ONLY)
def test_purchase_list_create_page(client, users, who, expected):
    response = get_as(client, users[who], reverse("contracts:purchase-list-create"))
    if expected == 404:  # creating names no object: every purchaser may open the form
        expected = 200
    check(response, expected)


@pytest.mark.parametrize(("who", "expected"), [(who, 404 if who != "purchaser" else 200) for who, _ in PURCHASER_ONLY])
def test_a_draft_list_is_seen_only_by_its_region(client, users, draft_list, who, expected):
    response = get_as(client, users[who], reverse("contracts:purchase-list-detail", args=[draft_list.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize("who", [who for who, _ in PURCHASER_ONLY])
def test_public_pages_open_for_everyone(client, users, item, signed_contract, who):
    user = users[who]
    for url in [
        reverse("contracts:purchase-list-list"),
        reverse("contracts:purchase-list-detail", args=[item.purchase_list.pk]),
        reverse("contracts:purchase-list-pdf", args=[item.purchase_list.pk]),
        reverse("contracts:purchase-item-export", args=[item.purchase_list.pk]),
        reverse("contracts:contract-list"),
        reverse("contracts:contract-detail", args=[signed_contract.number]),
        reverse("contracts:contract-summary-pdf", args=[signed_contract.number]),
    ]:
        assert get_as(client, user, url).status_code == 200, url


CONTRACT_PAGES = [
    "contract-edit",
    "contract-delete",
    "contract-sign",
    "contract-start",
    "contract-complete",
    "contract-terminate",
    "contract-amend",
    "payment-create",
    "deliverable-create",
    "deliverable-edit",
    "deliverable-remove",
    "document-create",
]


def contract_page_url(name, contract):
    if name in ("deliverable-edit", "deliverable-remove"):
        return reverse(f"contracts:{name}", args=[contract.number, contract.deliverables.first().pk])
    return reverse(f"contracts:{name}", args=[contract.number])


@pytest.mark.parametrize("name", CONTRACT_PAGES)
@pytest.mark.parametrize(("who", "expected"), PURCHASER_ONLY)
def test_contract_pages_of_a_signed_contract(client, users, signed_contract, name, who, expected):
    check(get_as(client, users[who], contract_page_url(name, signed_contract)), expected)


@pytest.mark.parametrize("name", ["contract-edit", "contract-sign", "deliverable-create", "contract-delete"])
@pytest.mark.parametrize(("who", "expected"), PURCHASER_ONLY)
def test_contract_pages_of_a_draft(client, users, draft_contract, name, who, expected):
    check(get_as(client, users[who], contract_page_url(name, draft_contract)), expected)


@pytest.mark.parametrize(("who", "expected"), [(who, 404 if who != "purchaser" else 200) for who, _ in PURCHASER_ONLY])
def test_a_draft_contract_is_seen_only_by_its_purchasers(client, users, draft_contract, who, expected):
    for name in ("contract-detail", "contract-summary-pdf"):
        response = get_as(client, users[who], reverse(f"contracts:{name}", args=[draft_contract.number]))
        assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), PURCHASER_ONLY)
def test_decision_page(client, users, submission, who, expected):
    url = reverse("contracts:submission-decide", args=[submission.deliverable.contract.number, submission.pk])
    check(get_as(client, users[who], url), expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("registrar", 403),
        ("purchaser", 403),
        ("other_purchaser", 403),
        ("other_member", 404),
        ("member", 200),
    ],
)
def test_submission_page(client, users, performing_contract, who, expected):
    deliverable = performing_contract.deliverables.first()
    url = reverse("contracts:submission-create", args=[performing_contract.number, deliverable.pk])
    check(get_as(client, users[who], url), expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("registrar", 403), ("member", 403), ("other_purchaser", 200), ("purchaser", 200)],
)
def test_manage_list_is_for_purchasers(client, users, who, expected):
    check(get_as(client, users[who], reverse("contracts:contract-manage")), expected)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("registrar", 403), ("purchaser", 403), ("other_member", 200), ("member", 200)],
)
def test_my_contracts_is_for_members(client, users, who, expected):
    check(get_as(client, users[who], reverse("contracts:contract-mine")), expected)


def test_posts_are_refused_like_gets(client, users, signed_contract):
    url = reverse("contracts:contract-terminate", args=[signed_contract.number])
    data = {"reason": "无法继续履行", "terminated_on": today().isoformat()}
    assert post_as(client, users["member"], url, data).status_code == 403
    assert post_as(client, users["other_purchaser"], url, data).status_code == 404
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.SIGNED


def test_superusers_manage_everything(client, signed_contract, draft_list):
    superuser = SuperuserFactory()
    assert get_as(client, superuser, contract_page_url("contract-amend", signed_contract)).status_code == 200
    assert get_as(client, superuser, list_page_url("purchase-list-edit", draft_list)).status_code == 200
    assert get_as(client, superuser, reverse("contracts:contract-manage")).status_code == 200


# ---- purchase lists through the forms ----------------------------------------------------------------------------


def item_data(**overrides):
    data = {
        "code": "C0001",
        "category": PurchaseItem.Category.SOCIAL_MANAGEMENT,
        "subcategory": "社区治理",
        "service_name": "社区议事协商能力建设",
        "description": "培训社区议事骨干",
        "provider_requirements": "具有社区工作经验",
        "quantity": "20",
        "unit": "场",
        "budget": "80000",
        "service_start_on": "2027-01-01",
        "service_end_on": "2027-12-31",
        "performance_targets": "培训满意度不低于 90%",
    }
    data.update(overrides)
    return data


class TestPurchaseListForms:
    def test_create_list_and_add_edit_remove_items(self, client, purchaser, department):
        response = post_as(
            client,
            purchaser,
            reverse("contracts:purchase-list-create"),
            {"department": department.code, "year": 2027, "title": "2027 年社区治理购买目录", "description": ""},
        )
        purchase_list = PurchaseList.objects.get(title="2027 年社区治理购买目录")
        assert response.status_code == 302
        assert response.url == reverse("contracts:purchase-list-detail", args=[purchase_list.pk])
        assert purchase_list.is_draft and purchase_list.created_by == purchaser

        url = reverse("contracts:purchase-item-create", args=[purchase_list.pk])
        assert post_as(client, purchaser, url, item_data()).status_code == 302
        item = purchase_list.items.get()
        assert item.budget == Decimal("80000.00")

        url = reverse("contracts:purchase-item-edit", args=[purchase_list.pk, item.pk])
        assert post_as(client, purchaser, url, item_data(budget="90000")).status_code == 302
        item.refresh_from_db()
        assert item.budget == Decimal("90000.00")

        url = reverse("contracts:purchase-item-remove", args=[purchase_list.pk, item.pk])
        assert post_as(client, purchaser, url).status_code == 302
        assert not purchase_list.items.exists()

    def test_department_choices_are_the_purchasers_region(self, client, purchaser, department):
        chifeng = PurchaseListFactory(department__region=region("150400")).department
        response = post_as(
            client,
            purchaser,
            reverse("contracts:purchase-list-create"),
            {"department": chifeng.code, "year": 2027, "title": "越权目录"},
        )
        assert response.status_code == 200
        assert "department" in response.context["form"].errors
        assert not PurchaseList.objects.filter(title="越权目录").exists()

    def test_item_errors_from_the_model_are_shown(self, client, purchaser, draft_list):
        url = reverse("contracts:purchase-item-create", args=[draft_list.pk])
        response = post_as(client, purchaser, url, item_data(code="B0001", service_end_on="2026-12-31"))
        assert response.status_code == 200
        text = response.content.decode()
        assert "同一目录中的项目编码不能重复" in text
        assert "服务期限的开始日期不能晚于结束日期" in text

    def test_publish_withdraw_and_revise(self, client, purchaser, draft_list):
        url = reverse("contracts:purchase-list-publish", args=[draft_list.pk])
        assert post_as(client, purchaser, url, {"published_on": today().isoformat()}).status_code == 302
        draft_list.refresh_from_db()
        assert draft_list.is_published

        url = reverse("contracts:purchase-list-revise", args=[draft_list.pk])
        response = post_as(client, purchaser, url)
        revision = PurchaseList.objects.get(revision_of=draft_list)
        assert response.url == reverse("contracts:purchase-list-detail", args=[revision.pk])
        assert list(revision.items.values_list("code", flat=True)) == ["B0001"]

        url = reverse("contracts:purchase-list-withdraw", args=[draft_list.pk])
        response = post_as(client, purchaser, url, {"reason": "", "withdrawn_on": today().isoformat()})
        assert response.status_code == 200 and "reason" in response.context["form"].errors
        response = post_as(client, purchaser, url, {"reason": "预算调整", "withdrawn_on": today().isoformat()})
        assert response.status_code == 302
        draft_list.refresh_from_db()
        assert draft_list.status == PurchaseList.Status.WITHDRAWN
        assert draft_list.withdrawal_reason == "预算调整"

    def test_publishing_an_empty_list_shows_the_service_refusal(self, client, purchaser, department):
        empty = PurchaseListFactory(department=department)
        response = post_as(
            client,
            purchaser,
            reverse("contracts:purchase-list-publish", args=[empty.pk]),
            {"published_on": today().isoformat()},
        )
        assert response.status_code == 200
        assert "至少须有一个购买项目" in response.content.decode()
        empty.refresh_from_db()
        assert empty.is_draft

    def test_editing_a_published_list_is_refused_on_the_form(self, client, purchaser, item):
        url = reverse("contracts:purchase-item-edit", args=[item.purchase_list.pk, item.pk])
        response = post_as(client, purchaser, url, item_data(code=item.code, budget="1"))
        assert response.status_code == 200
        assert "当前状态为“已发布”，不能修改。" in response.content.decode()
        assert [error.code for error in response.context["form"].non_field_errors().as_data()] == ["wrong_state"]
        item.refresh_from_db()
        assert item.budget == Decimal("300000.00")

    def test_detail_shows_items_remaining_budget_and_contracts(self, client, item, signed_contract):
        response = client.get(reverse("contracts:purchase-list-detail", args=[item.purchase_list.pk]))
        text = response.content.decode()
        assert item.service_name in text
        assert "200,000.00" in text  # 300,000 budget less the signed 100,000
        assert signed_contract.number in text
        assert signed_contract.organization.name in text


# ---- contracts through the forms ---------------------------------------------------------------------------------


def contract_data(organization, item=None, **overrides):
    data = {
        "organization": organization.uscc,
        "purchase_item": item.pk if item else "",
        "title": "社区居家养老服务项目",
        "description": "助餐、助洁服务",
        "method": Contract.Method.PUBLIC_TENDER,
        "amount": "120000",
        "start_on": "2026-03-01",
        "end_on": "2027-02-28",
        "term_justification": "",
        "year": "",
    }
    data.update(overrides)
    return data


class TestContractForms:
    def test_create_edit_and_delete_a_draft(self, client, purchaser, department, organization, item):
        data = {"department": department.code, **contract_data(organization, item)}
        response = post_as(client, purchaser, reverse("contracts:contract-create"), data)
        contract = Contract.objects.get(title="社区居家养老服务项目")
        assert response.url == reverse("contracts:contract-detail", args=[contract.number])
        assert contract.number == "HHTEST-2026-0001"
        assert contract.purchase_item == item and contract.organization == organization

        url = reverse("contracts:contract-edit", args=[contract.number])
        assert post_as(client, purchaser, url, contract_data(organization, item, amount="110000")).status_code == 302
        contract.refresh_from_db()
        assert contract.amount == Decimal("110000.00")

        response = post_as(client, purchaser, reverse("contracts:contract-delete", args=[contract.number]))
        assert response.url == reverse("contracts:contract-manage")
        assert not Contract.objects.filter(pk=contract.pk).exists()

    def test_unknown_organization_code(self, client, purchaser, department, organization):
        data = {"department": department.code, **contract_data(organization), "organization": "51150100MJ0000000X"}
        response = post_as(client, purchaser, reverse("contracts:contract-create"), data)
        assert response.status_code == 200
        assert "没有找到“51150100MJ0000000X”" in response.content.decode()

    def test_item_of_another_department_is_refused(self, client, purchaser, department, organization):
        other_item = PurchaseItemFactory(purchase_list__department__region=region("150100"))
        data = {"department": department.code, **contract_data(organization, other_item)}
        response = post_as(client, purchaser, reverse("contracts:contract-create"), data)
        assert response.status_code == 200
        # Another department's items are not offered at all.
        assert response.context["form"].errors["purchase_item"]
        assert not other_item.contracts.exists()

    def test_create_page_prefills_from_an_item(self, client, purchaser, item):
        response = get_as(client, purchaser, reverse("contracts:contract-create") + f"?item={item.pk}")
        form = response.context["form"]
        assert form.initial["purchase_item"] == item.pk
        assert form.initial["title"] == item.service_name
        assert form.initial["department"] == item.purchase_list.department_id

    def test_prefill_never_reveals_another_regions_draft_item(self, client, purchaser):
        hidden = PurchaseItemFactory(
            purchase_list=PurchaseListFactory(department__region=region("150400")), service_name="未公开的项目"
        )
        response = get_as(client, purchaser, reverse("contracts:contract-create") + f"?item={hidden.pk}")
        assert "未公开的项目" not in response.content.decode()

    @pytest.mark.parametrize(
        ("name", "field"),
        [
            ("contract-sign", "signed_on"),
            ("contract-complete", "completed_on"),
            ("contract-terminate", "terminated_on"),
            ("contract-amend", "amended_on"),
            ("payment-create", "paid_on"),
        ],
    )
    def test_dates_default_to_today(self, client, purchaser, signed_contract, name, field):
        response = get_as(client, purchaser, reverse(f"contracts:{name}", args=[signed_contract.number]))
        assert f'name="{field}" value="{today().isoformat()}"' in response.content.decode()

    def test_amend_form_starts_from_the_current_terms(self, client, purchaser, signed_contract):
        response = get_as(client, purchaser, reverse("contracts:contract-amend", args=[signed_contract.number]))
        assert response.context["form"]["amount"].value() == Decimal("100000.00")

    def test_deliverables_add_edit_remove(self, client, purchaser, draft_contract):
        url = reverse("contracts:deliverable-create", args=[draft_contract.number])
        data = {"title": "年度总结", "due_on": "2027-02-28", "payment_share": "10", "acceptance_criteria": "总结报告"}
        assert post_as(client, purchaser, url, data).status_code == 302
        deliverable = draft_contract.deliverables.get(title="年度总结")
        url = reverse("contracts:deliverable-edit", args=[draft_contract.number, deliverable.pk])
        assert post_as(client, purchaser, url, {**data, "payment_share": "20"}).status_code == 302
        deliverable.refresh_from_db()
        assert deliverable.payment_share == Decimal("20.00")
        url = reverse("contracts:deliverable-remove", args=[draft_contract.number, deliverable.pk])
        assert post_as(client, purchaser, url).status_code == 302
        assert not draft_contract.deliverables.filter(title="年度总结").exists()

    def test_sign_without_warnings(self, client, purchaser, draft_contract):
        url = reverse("contracts:contract-sign", args=[draft_contract.number])
        page = get_as(client, purchaser, url)
        assert page.context["review"].ok and not page.context["review"].warnings
        assert "acknowledge_warnings" not in page.content.decode()
        response = post_as(client, purchaser, url, {"signed_on": "2026-02-20"})
        assert response.status_code == 302
        draft_contract.refresh_from_db()
        assert draft_contract.status == Contract.Status.SIGNED
        assert draft_contract.signed_on == datetime.date(2026, 2, 20)

    def test_sign_page_shows_refusals_and_signing_refuses(self, client, purchaser, draft_contract):
        draft_contract.deliverables.filter(payment_share=60).update(payment_share=50)
        url = reverse("contracts:contract-sign", args=[draft_contract.number])
        page = get_as(client, purchaser, url)
        assert "付款比例合计须为 100.00%，当前合计 90.00%" in page.content.decode()
        response = post_as(client, purchaser, url, {"signed_on": "2026-02-20"})
        assert response.status_code == 200
        # Shown once, in the review (not a second time as the form's error).
        assert response.content.decode().count("当前合计 90.00%") == 1
        draft_contract.refresh_from_db()
        assert draft_contract.is_draft

    def test_warnings_must_be_acknowledged(self, client, purchaser, department, item):
        unrated = OrganizationFactory(name="无评估等级的社会工作服务中心")
        contract = ContractFactory(department=department, organization=unrated, purchase_item=item)
        DeliverableFactory(contract=contract, payment_share=100, due_on=datetime.date(2026, 12, 31))
        url = reverse("contracts:contract-sign", args=[contract.number])

        page = get_as(client, purchaser, url)
        assert page.context["review"].warnings
        assert 'name="acknowledge_warnings"' in page.content.decode()

        response = post_as(client, purchaser, url, {"signed_on": "2026-02-20"})
        assert response.status_code == 200
        assert "资格提示：签订前须确认以下提示" in response.content.decode()
        contract.refresh_from_db()
        assert contract.is_draft

        response = post_as(client, purchaser, url, {"signed_on": "2026-02-20", "acknowledge_warnings": "on"})
        assert response.status_code == 302
        contract.refresh_from_db()
        assert contract.status == Contract.Status.SIGNED
        assert contract.eligibility_acknowledged_warnings
        detail = client.get(reverse("contracts:contract-detail", args=[contract.number]))
        assert contract.eligibility_acknowledged_warnings.splitlines()[0] in detail.content.decode()

    def test_start_complete_and_terminate(self, client, purchaser, signed_contract):
        number = signed_contract.number
        start = reverse("contracts:contract-start", args=[number])
        future = post_as(client, purchaser, start, {"started_on": (today() + datetime.timedelta(days=1)).isoformat()})
        assert future.status_code == 200 and "晚于今天" in future.content.decode()
        assert post_as(client, purchaser, start, {"started_on": today().isoformat()}).status_code == 302
        signed_contract.refresh_from_db()
        assert signed_contract.status == Contract.Status.PERFORMING

        response = post_as(
            client, purchaser, reverse("contracts:contract-complete", args=[number]), {"completed_on": today()}
        )
        assert response.status_code == 200
        assert "尚未验收，合同不能完成" in response.content.decode()

        url = reverse("contracts:contract-terminate", args=[number])
        response = post_as(client, purchaser, url, {"reason": "承接主体注销", "terminated_on": today().isoformat()})
        assert response.status_code == 302
        signed_contract.refresh_from_db()
        assert signed_contract.status == Contract.Status.TERMINATED
        assert signed_contract.termination_reason == "承接主体注销"

    def test_complete_when_every_deliverable_is_accepted(self, client, purchaser, performing_contract):
        now = timezone.now()
        performing_contract.deliverables.update(status=Deliverable.Status.ACCEPTED, accepted_at=now)
        url = reverse("contracts:contract-complete", args=[performing_contract.number])
        assert post_as(client, purchaser, url, {"completed_on": today().isoformat()}).status_code == 302
        performing_contract.refresh_from_db()
        assert performing_contract.status == Contract.Status.COMPLETED

    def test_amend_records_what_changed(self, client, purchaser, signed_contract):
        url = reverse("contracts:contract-amend", args=[signed_contract.number])
        data = {
            "amount": "150000",
            "start_on": "2026-03-01",
            "end_on": "2027-02-28",
            "term_justification": "",
            "reason": "服务人次增加",
            "amended_on": today().isoformat(),
        }
        assert post_as(client, purchaser, url, data).status_code == 302
        amendment = Amendment.objects.get(contract=signed_contract)
        assert (amendment.kind, amendment.old_value, amendment.new_value) == ("amount", "100000.00", "150000.00")
        response = post_as(client, purchaser, url, data)
        assert "没有改变任何内容" in response.content.decode()
        detail = client.get(reverse("contracts:contract-detail", args=[signed_contract.number]))
        assert "服务人次增加" in detail.content.decode()

    def test_payments(self, client, purchaser, signed_contract):
        url = reverse("contracts:payment-create", args=[signed_contract.number])
        deliverable = signed_contract.deliverables.first()
        response = post_as(
            client, purchaser, url, {"amount": "30000", "paid_on": today().isoformat(), "deliverable": ""}
        )
        assert response.status_code == 302
        assert Payment.objects.get(contract=signed_contract).instalment == 1

        response = post_as(
            client, purchaser, url, {"amount": "10000", "paid_on": today().isoformat(), "deliverable": deliverable.pk}
        )
        assert "尚未验收" in response.content.decode()
        response = post_as(client, purchaser, url, {"amount": "80000", "paid_on": today().isoformat()})
        assert "剩余可付 70,000.00 元" in response.content.decode()
        assert Payment.objects.filter(contract=signed_contract).count() == 1


class TestDeliverableJourney:
    def test_submit_return_resubmit_accept(self, client, purchaser, member, performing_contract):
        number = performing_contract.number
        deliverable = performing_contract.deliverables.order_by("due_on").first()
        submit_url = reverse("contracts:submission-create", args=[number, deliverable.pk])

        response = post_as(
            client,
            member,
            submit_url,
            {"report": "完成助餐 6000 人次", "files": [make_upload("pdf", "台账.pdf"), make_upload("png", "照片.png")]},
        )
        assert response.status_code == 302
        first = deliverable.submissions.get()
        assert sorted(first.files.values_list("original_name", flat=True)) == ["台账.pdf", "照片.png"]
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.SUBMITTED

        decide_url = reverse("contracts:submission-decide", args=[number, first.pk])
        response = post_as(client, purchaser, decide_url, {"decision": "return", "comment": ""})
        assert response.status_code == 200
        assert "退回须写明意见" in response.content.decode()
        response = post_as(client, purchaser, decide_url, {"decision": "return", "comment": "缺少回访记录"})
        assert response.status_code == 302
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.RETURNED

        detail = get_as(client, member, reverse("contracts:contract-detail", args=[number])).content.decode()
        assert "缺少回访记录" in detail and "重新提交" in detail

        response = post_as(client, member, submit_url, {"report": "补充回访记录", "files": [make_upload("pdf")]})
        assert response.status_code == 302
        second = deliverable.submissions.get(decision__isnull=True)
        decide_url = reverse("contracts:submission-decide", args=[number, second.pk])
        assert post_as(client, purchaser, decide_url, {"decision": "accept", "comment": "同意"}).status_code == 302
        deliverable.refresh_from_db()
        assert deliverable.status == Deliverable.Status.ACCEPTED
        assert deliverable.submissions.count() == 2

    def test_upload_refusals_are_shown_and_nothing_is_kept(self, client, member, performing_contract):
        deliverable = performing_contract.deliverables.first()
        url = reverse("contracts:submission-create", args=[performing_contract.number, deliverable.pk])
        response = post_as(
            client,
            member,
            url,
            {
                "report": "材料",
                "files": [make_upload("pdf", "报告.pdf"), make_upload("pdf", "程序.exe"), make_upload("pdf", "假.png")],
            },
        )
        assert response.status_code == 200
        errors = response.context["form"].errors["files"]
        assert any("程序.exe" in error and "不允许上传" in error for error in errors)
        assert any("假.png" in error and "内容与扩展名" in error for error in errors)
        assert not deliverable.submissions.exists()

    def test_report_and_files_are_required(self, client, member, performing_contract):
        deliverable = performing_contract.deliverables.first()
        url = reverse("contracts:submission-create", args=[performing_contract.number, deliverable.pk])
        response = post_as(client, member, url, {"report": ""})
        assert set(response.context["form"].errors) == {"report", "files"}

    def test_members_cannot_reach_the_deliverables_of_a_draft(self, client, member, draft_contract):
        deliverable = draft_contract.deliverables.first()
        url = reverse("contracts:submission-create", args=[draft_contract.number, deliverable.pk])
        assert get_as(client, member, url).status_code == 404

    def test_public_sees_no_evidence(self, client, submission, member):
        contract = submission.deliverable.contract
        url = reverse("contracts:contract-detail", args=[contract.number])
        public = client.get(url).content.decode()
        assert "完成上半年助餐服务" not in public
        assert submission.deliverable.title in public
        assert "服务报告.pdf" not in public
        insider = get_as(client, member, url).content.decode()
        assert "完成上半年助餐服务" in insider


class TestDocuments:
    def upload(self, client, purchaser, contract, file, **data):
        url = reverse("contracts:document-create", args=[contract.number])
        return post_as(client, purchaser, url, {"title": "", "kind": "contract_text", "file": file, **data})

    def test_upload_and_publish(self, client, purchaser, signed_contract):
        response = self.upload(client, purchaser, signed_contract, make_upload("pdf", "合同扫描件.pdf"))
        assert response.status_code == 302
        document = ContractDocument.objects.get(contract=signed_contract)
        assert document.title == "合同扫描件.pdf" and not document.is_public
        detail_url = reverse("contracts:contract-detail", args=[signed_contract.number])
        client.logout()
        assert "合同扫描件.pdf" not in client.get(detail_url).content.decode()

        url = reverse("contracts:document-visibility", args=[signed_contract.number, document.pk])
        assert post_as(client, purchaser, url, {"is_public": "1"}).status_code == 302
        document.refresh_from_db()
        assert document.is_public
        client.logout()
        assert "合同扫描件.pdf" in client.get(detail_url).content.decode()

    @pytest.mark.parametrize(
        ("upload", "message"),
        [
            (lambda: make_upload("pdf", "合同.exe"), "类型不允许上传"),
            (lambda: make_upload("pdf", "合同.docx"), "内容与扩展名 .docx 不符"),
            (lambda: make_upload("pdf", "空.pdf", b""), "空"),
        ],
    )
    def test_refusals_are_shown_on_the_form(self, client, purchaser, signed_contract, upload, message):
        response = self.upload(client, purchaser, signed_contract, upload())
        assert response.status_code == 200
        assert any(message in error for error in response.context["form"].errors["file"])
        assert not ContractDocument.objects.exists()

    def test_size_limit(self, client, purchaser, signed_contract, settings):
        settings.UPLOAD_MAX_MB = 1
        big = make_upload("pdf", "大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024))
        response = self.upload(client, purchaser, signed_contract, big)
        assert "超过大小上限 1 MB" in response.content.decode()

    def test_remove_only_on_drafts(self, client, purchaser, department, signed_contract):
        draft_contract = ContractFactory(department=department)
        for contract in (draft_contract, signed_contract):
            self.upload(client, purchaser, contract, make_upload("pdf"))
        draft_document = ContractDocument.objects.get(contract=draft_contract)
        url = reverse("contracts:document-remove", args=[draft_contract.number, draft_document.pk])
        assert post_as(client, purchaser, url).status_code == 302
        assert not ContractDocument.objects.filter(pk=draft_document.pk).exists()
        signed_document = ContractDocument.objects.get(contract=signed_contract)
        url = reverse("contracts:document-remove", args=[signed_contract.number, signed_document.pk])
        response = post_as(client, purchaser, url)
        assert "不能删除" in response.content.decode()
        assert ContractDocument.objects.filter(pk=signed_document.pk).exists()


class TestOrganizationPage:
    def test_lists_visible_contracts_and_overdue_count(self, client, organization, signed_contract, purchaser):
        draft = ContractFactory(organization=organization, department=signed_contract.department, title="草稿合同")
        # The signed contract's first deliverable fell due on 2026-08-31 and is not accepted.
        url = reverse("registry:organization-detail", args=[organization.uscc])
        text = client.get(url).content.decode()
        assert signed_contract.number in text
        assert draft.number not in text
        assert "逾期履约事项 1 项" in text
        purchaser_view = get_as(client, purchaser, url).content.decode()
        assert draft.number in purchaser_view


def test_navigation_entries(client, purchaser, member):
    public = client.get(reverse("portal:home")).content.decode()
    assert reverse("contracts:purchase-list-list") in public and reverse("contracts:contract-list") in public
    assert reverse("contracts:contract-manage") not in public
    text = get_as(client, purchaser, reverse("portal:home")).content.decode()
    assert reverse("contracts:contract-manage") in text and reverse("contracts:purchase-list-create") in text
    assert reverse("contracts:contract-mine") not in text
    client.logout()
    text = get_as(client, member, reverse("portal:home")).content.decode()
    assert reverse("contracts:contract-mine") in text and reverse("contracts:contract-manage") not in text


def test_messages_confirm_actions(client, purchaser, signed_contract):
    response = post_as(
        client, purchaser, reverse("contracts:contract-start", args=[signed_contract.number]), {"started_on": today()}
    )
    assert "合同已进入履行阶段。" in page_messages(response)


def test_other_region_organizations_are_fine_as_providers(client, purchaser, department):
    distant = eligible_organization(region=region("150400"))
    data = {"department": department.code, **contract_data(distant)}
    assert post_as(client, purchaser, reverse("contracts:contract-create"), data).status_code == 302


def test_the_decision_page_takes_the_acceptance_day(client, purchaser, submission):
    url = reverse("contracts:submission-decide", args=[submission.deliverable.contract.number, submission.pk])
    page = get_as(client, purchaser, url).content.decode()
    assert 'name="accepted_on"' in page and f'value="{timezone.localdate().isoformat()}"' in page
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = post_as(client, purchaser, url, {"decision": "accept", "accepted_on": tomorrow.isoformat()})
    assert response.status_code == 200
    assert response.content.decode().count("晚于今天，不能登记尚未发生的事项") == 1
    submission.refresh_from_db()
    assert submission.is_open
    day = timezone.localdate(submission.submitted_at)
    assert post_as(client, purchaser, url, {"decision": "accept", "accepted_on": day.isoformat()}).status_code == 302
    submission.refresh_from_db()
    assert submission.accepted_on == day
    detail = get_as(
        client, purchaser, reverse("contracts:contract-detail", args=[submission.deliverable.contract.number])
    )
    assert f"验收日期 {day.isoformat()}" in detail.content.decode()
