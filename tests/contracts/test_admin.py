"""The contracts admin shows every record, but workflow and money fields change only through the services."""

import pytest
from django.urls import reverse

from contracts.models import Contract, Deliverable, Payment, PurchaseList
from contracts.services import payment_record
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(SuperuserFactory())
    return client


def form_fields(response) -> set[str]:
    return set(response.context["adminform"].form.fields)


def test_change_pages_open_with_workflow_and_money_read_only(admin_client, purchaser, signed_contract, item):
    payment = payment_record(
        actor=purchaser, contract=signed_contract, amount=1000, paid_on=signed_contract.signed_on, note="首期"
    )
    deliverable = signed_contract.deliverables.first()
    pages = {
        reverse("admin:contracts_contract_change", args=[signed_contract.pk]): {"status", "amount", "signed_on"},
        reverse("admin:contracts_purchaselist_change", args=[item.purchase_list.pk]): {"status", "published_on"},
        reverse("admin:contracts_purchaseitem_change", args=[item.pk]): {"budget"},
        reverse("admin:contracts_deliverable_change", args=[deliverable.pk]): {"status", "payment_share"},
        reverse("admin:contracts_payment_change", args=[payment.pk]): {"amount", "paid_on", "instalment"},
    }
    for url, read_only in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert not read_only & form_fields(response), url
    assert form_fields(admin_client.get(next(iter(pages)))) == {"title", "description", "method"}


def test_a_posted_status_or_amount_changes_nothing(admin_client, signed_contract):
    url = reverse("admin:contracts_contract_change", args=[signed_contract.pk])
    data = {
        "title": "改过的名称",
        "description": "",
        "method": signed_contract.method,
        "status": Contract.Status.COMPLETED,
        "amount": "1.00",
        **{
            f"{prefix}-{key}": value
            for prefix in ("deliverables", "payments", "documents")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else None
    signed_contract.refresh_from_db()
    assert (signed_contract.title, signed_contract.status, signed_contract.amount) == (
        "改过的名称",
        Contract.Status.SIGNED,
        100000,
    )


def test_rows_only_services_create_cannot_be_added(admin_client):
    for model in (Contract, Deliverable, Payment):
        url = reverse(f"admin:contracts_{model._meta.model_name}_add")
        assert admin_client.get(url).status_code == 403
    assert admin_client.get(reverse("admin:contracts_purchaselist_add")).status_code == 200
    assert "status" not in form_fields(admin_client.get(reverse("admin:contracts_purchaselist_add")))
    assert PurchaseList.objects.count() == 0
